//! The inventory's vocabulary: the kinds of resource that bill, by the hour
//! or by the GB-month, what stopping or deleting each one means, and which
//! regions a sweep reads. Data only: the collector fills the snapshot, the
//! judges price it, the fixer acts on it.

use serde::{Deserialize, Serialize};

use super::{App, CallError, ErrorKind, Snapshot};

/// The kinds of billable resource the tool reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    StudioApp,
    NotebookInstance,
    Endpoint,
    TrainingJob,
    ProcessingJob,
    /// A Studio app of type Canvas: billed per session hour while logged in.
    CanvasApp,
    MlflowTrackingServer,
    TransformJob,
    HyperpodCluster,
    /// An endpoint whose variants are all serverless: nothing billed while
    /// idle (but its provisioned concurrency, when it has some).
    ServerlessEndpoint,
    /// An asynchronous endpoint with instances: billed per instance hour.
    AsyncEndpoint,
    /// A training job's warm pool: its instances kept after the job ended.
    WarmPool,
}

impl ResourceKind {
    /// Billed by the hour whether or not anyone uses it: a serverless
    /// endpoint without provisioned concurrency is the one exception, billed
    /// per request (it is listed, priced at zero per hour).
    pub fn by_the_hour(self) -> bool {
        self != ResourceKind::ServerlessEndpoint
    }
}

/// What bills by the GB-month whether anything runs or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StorageKind {
    /// A Studio space's EBS volume (its home directory): until the space is deleted.
    SpaceVolume,
    /// A notebook instance's ML storage volume: running or stopped, until
    /// the instance is deleted.
    NotebookVolume,
    /// A domain's home EFS file system.
    DomainEfs,
    /// An EFS file system a deleted domain left behind (retained by default).
    OrphanEfs,
}

impl Snapshot {
    /// Each inventory list's error (`None` when it was read): what a
    /// region of a sweep reads.
    pub fn inventory_reads(&self) -> [Option<&CallError>; 9] {
        [
            self.apps.as_ref().err(),
            self.spaces.as_ref().err(),
            self.notebook_instances.as_ref().err(),
            self.endpoints.as_ref().err(),
            self.jobs.as_ref().err(),
            self.transform_jobs.as_ref().err(),
            self.warm_pools.as_ref().err(),
            self.mlflow_servers.as_ref().err(),
            self.clusters.as_ref().err(),
        ]
    }

    /// Why a region of a sweep is skipped rather than reported: every list
    /// of it was refused (a region not enabled for the account answers
    /// UnrecognizedClientException or InvalidClientTokenId, which read as
    /// rejected credentials; a region a policy denies answers AccessDenied;
    /// STS may still answer there). An expired session is no region's fault:
    /// it never skips one. A region where any list was read is reported, its
    /// failures as errors.
    pub fn refused(&self) -> Option<&CallError> {
        let refused = |e: &CallError| matches!(e.kind, ErrorKind::AccessDenied | ErrorKind::CredentialsRejected);
        let lists = self.inventory_reads();
        if lists.iter().all(|e| e.is_some_and(refused)) {
            return lists[0];
        }
        None
    }
}

/// Which regions a sweep reads, and where that list came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct RegionList {
    /// The region the SDK is configured with (`--region`, `AWS_REGION`, the profile's).
    pub configured: Option<String>,
    pub regions: Vec<String>,
    pub source: RegionSource,
    /// Regions left out before reading, each with why.
    pub skipped: Vec<SkippedRegion>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RegionSource {
    /// The configured region alone (no `--all-regions` or `--regions`).
    Configured,
    /// `--regions`.
    Asked,
    /// account:ListRegions: the account's enabled regions where SageMaker runs.
    Enabled,
    /// account:ListRegions could not be read: every region where SageMaker runs.
    BuiltIn,
}

/// A sweep's regions, read or skipped: a region whose lists were all refused
/// is skipped with why (`Snapshot::refused`), except the configured region,
/// whose failures stay errors, as when it is read alone.
pub(crate) fn split_refused<'a>(
    runs: &'a [Snapshot],
    configured: Option<&str>,
) -> (Vec<&'a Snapshot>, Vec<SkippedRegion>) {
    let mut read = Vec::new();
    let mut skipped = Vec::new();
    for run in runs {
        match run.refused().filter(|_| run.region.as_deref() != configured) {
            Some(error) => skipped.push(SkippedRegion {
                region: run.region.clone().unwrap_or_default(),
                why: Skip::Refused { error: error.clone() },
            }),
            None => read.push(run),
        }
    }
    (read, skipped)
}

/// A region a sweep did not read, and why: never an error of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct SkippedRegion {
    pub region: String,
    #[serde(flatten)]
    pub why: Skip,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub(crate) enum Skip {
    /// Enabled for the account, but SageMaker AI has no endpoint there.
    NoSagemaker,
    /// Not enabled, or denied: the credentials were refused (`Snapshot::refused`).
    Refused { error: CallError },
}

/// A SageMaker MLflow tracking server (ListMlflowTrackingServers, with its
/// size from DescribeMlflowTrackingServer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlflowServer {
    pub name: String,
    /// TrackingServerStatus: Creating, Created, Stopping, Stopped, Starting, Started, …
    pub status: String,
    /// TrackingServerSize: Small, Medium or Large.
    pub size: Option<String>,
    /// When it last changed (started, for a running server), else its creation.
    pub started_at: Option<String>,
}

/// A HyperPod cluster (ListClusters, with its instance groups from DescribeCluster).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    /// ClusterStatus: Creating, InService, Updating, SystemUpdating, RollingBack, Deleting, Failed.
    pub status: String,
    pub created_at: Option<String>,
    pub groups: Vec<ClusterGroup>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterGroup {
    pub name: String,
    pub instance_type: Option<String>,
    /// CurrentCount: the instances running now.
    pub count: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunningJob {
    /// `TrainingJob`, `ProcessingJob` or `TransformJob`.
    pub kind: ResourceKind,
    pub name: String,
    pub instance_type: Option<String>,
    pub count: i32,
    pub started_at: Option<String>,
}

/// Who a Studio app belongs to. DeleteApp and DescribeApp name the space
/// when the app runs in one, else the user profile: this is the one place
/// that rule is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner<'a> {
    Space(&'a str),
    Profile(&'a str),
}

impl<'a> Owner<'a> {
    pub fn of(user_profile: &'a Option<String>, space: &'a Option<String>) -> Option<Owner<'a>> {
        match (user_profile, space) {
            (_, Some(space)) => Some(Owner::Space(space)),
            (Some(profile), None) => Some(Owner::Profile(profile)),
            (None, None) => None,
        }
    }

    pub fn name(self) -> &'a str {
        match self {
            Owner::Space(name) | Owner::Profile(name) => name,
        }
    }

    /// The `aws` CLI argument naming it.
    pub fn cli(self) -> String {
        match self {
            Owner::Space(space) => format!("--space-name {space}"),
            Owner::Profile(profile) => format!("--user-profile-name {profile}"),
        }
    }

    /// The API parameter naming it, as a dry run prints it.
    pub fn param(self) -> String {
        match self {
            Owner::Space(space) => format!("SpaceName={space}"),
            Owner::Profile(profile) => format!("UserProfileName={profile}"),
        }
    }
}

impl App {
    pub fn owner(&self) -> Option<Owner<'_>> {
        Owner::of(&self.user_profile, &self.space)
    }
}

/// A Studio app, as DeleteApp and DescribeApp name it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct AppRef {
    pub domain_id: String,
    pub user_profile: Option<String>,
    pub space: Option<String>,
    pub app_type: String,
    pub name: String,
}

impl AppRef {
    pub(crate) fn owner(&self) -> Option<Owner<'_>> {
        Owner::of(&self.user_profile, &self.space)
    }
}

/// What stopping a resource means, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Target {
    /// DeleteApp: the app and its instance go; files on the home or space volume stay.
    StudioApp(AppRef),
    NotebookInstance {
        name: String,
    },
    Endpoint {
        name: String,
    },
    /// StopTrainingJob / StopProcessingJob: the job ends early (a training
    /// job keeps what it saved to its output; a processing job's unwritten
    /// output is lost). Only with `--include-jobs`: it may be real work.
    Job {
        job_kind: ResourceKind,
        name: String,
    },
    /// StopMlflowTrackingServer: the server stops billing; its data stays and
    /// StartMlflowTrackingServer brings it back.
    MlflowTrackingServer {
        name: String,
    },
    /// StopTransformJob: what the job has not written yet is not written.
    TransformJob {
        name: String,
    },
    /// DeleteCluster: every instance of every group goes, with what is on
    /// their disks. Only with `--include-clusters`, confirmed by name.
    HyperpodCluster {
        name: String,
    },
    /// UpdateTrainingJob with `KeepAlivePeriodInSeconds` 0: the warm pool's
    /// instances are released now instead of at the end of the keep-alive.
    WarmPool {
        job: String,
    },
}

impl Target {
    pub(crate) fn of_app(app: &App) -> Target {
        Target::StudioApp(AppRef {
            domain_id: app.domain_id.clone(),
            user_profile: app.user_profile.clone(),
            space: app.space.clone(),
            app_type: app.app_type.clone(),
            name: app.name.clone(),
        })
    }

    pub(crate) fn is_endpoint(&self) -> bool {
        matches!(self, Target::Endpoint { .. })
    }

    /// A Canvas app: deleting it logs its user out of Canvas.
    pub(crate) fn is_canvas(&self) -> bool {
        matches!(self, Target::StudioApp(app) if app.app_type == "Canvas")
    }

    /// The `aws` CLI command doing the same.
    pub(crate) fn cli(&self, region: &str) -> String {
        match self {
            Target::StudioApp(app) => delete_app_command(&app.domain_id, app.owner(), &app.app_type, &app.name, region),
            Target::NotebookInstance { name } => stop_notebook_command(name, region),
            Target::Endpoint { name } => delete_endpoint_command(name, region),
            Target::Job {
                job_kind: ResourceKind::ProcessingJob,
                name,
            } => format!("aws sagemaker stop-processing-job --processing-job-name {name} --region {region}"),
            Target::Job { name, .. } => {
                format!("aws sagemaker stop-training-job --training-job-name {name} --region {region}")
            }
            Target::MlflowTrackingServer { name } => {
                format!("aws sagemaker stop-mlflow-tracking-server --tracking-server-name {name} --region {region}")
            }
            Target::TransformJob { name } => {
                format!("aws sagemaker stop-transform-job --transform-job-name {name} --region {region}")
            }
            Target::HyperpodCluster { name } => {
                format!("aws sagemaker delete-cluster --cluster-name {name} --region {region}")
            }
            Target::WarmPool { job } => format!(
                "aws sagemaker update-training-job --training-job-name {job} --resource-config KeepAlivePeriodInSeconds=0 --region {region}"
            ),
        }
    }

    /// The API call with its parameters, as a dry run prints it.
    pub(crate) fn api_call(&self) -> String {
        match self {
            Target::StudioApp(app) => {
                let owner = app.owner().map_or(String::new(), Owner::param);
                format!(
                    "sagemaker:DeleteApp DomainId={} {owner} AppType={} AppName={}",
                    app.domain_id, app.app_type, app.name
                )
            }
            Target::NotebookInstance { name } => format!("sagemaker:StopNotebookInstance NotebookInstanceName={name}"),
            Target::Endpoint { name } => format!("sagemaker:DeleteEndpoint EndpointName={name}"),
            Target::Job {
                job_kind: ResourceKind::ProcessingJob,
                name,
            } => format!("sagemaker:StopProcessingJob ProcessingJobName={name}"),
            Target::Job { name, .. } => format!("sagemaker:StopTrainingJob TrainingJobName={name}"),
            Target::MlflowTrackingServer { name } => {
                format!("sagemaker:StopMlflowTrackingServer TrackingServerName={name}")
            }
            Target::TransformJob { name } => format!("sagemaker:StopTransformJob TransformJobName={name}"),
            Target::HyperpodCluster { name } => format!("sagemaker:DeleteCluster ClusterName={name}"),
            Target::WarmPool { job } => {
                format!("sagemaker:UpdateTrainingJob TrainingJobName={job} ResourceConfig.KeepAlivePeriodInSeconds=0")
            }
        }
    }

    /// A short name for prompts, logs and reports.
    pub(crate) fn label(&self) -> String {
        match self {
            Target::StudioApp(app) => {
                let owner = app.owner().map_or(String::new(), |o| format!("{}/", o.name()));
                format!("{} app {}/{owner}{}", app.app_type, app.domain_id, app.name)
            }
            Target::NotebookInstance { name } => format!("notebook instance {name}"),
            Target::Endpoint { name } => format!("endpoint {name}"),
            Target::Job {
                job_kind: ResourceKind::ProcessingJob,
                name,
            } => format!("processing-job {name}"),
            Target::Job { name, .. } => format!("training-job {name}"),
            Target::MlflowTrackingServer { name } => format!("MLflow tracking server {name}"),
            Target::TransformJob { name } => format!("transform-job {name}"),
            Target::HyperpodCluster { name } => format!("HyperPod cluster {name}"),
            Target::WarmPool { job } => format!("warm pool of training-job {job}"),
        }
    }
}

/// Whether a stopped resource's status means it no longer bills.
pub(crate) fn stop_settled(status: &str) -> bool {
    // `Completed`: a job that finished before the stop took effect;
    // `Terminated`, `Reused`: a warm pool released, or taken by another job.
    matches!(
        status,
        "Deleted" | "Stopped" | "Failed" | "Completed" | "Terminated" | "Reused"
    )
}

/// The `aws` CLI command that stops a Studio app (DeleteApp; the user's files
/// on the home or space volume stay).
pub(crate) fn delete_app_command(
    domain_id: &str,
    owner: Option<Owner<'_>>,
    app_type: &str,
    name: &str,
    region: &str,
) -> String {
    let owner = owner.map_or(String::new(), Owner::cli);
    format!(
        "aws sagemaker delete-app --domain-id {domain_id} {owner} --app-type {app_type} --app-name {name} --region {region}"
    )
}

pub(crate) fn stop_notebook_command(name: &str, region: &str) -> String {
    format!("aws sagemaker stop-notebook-instance --notebook-instance-name {name} --region {region}")
}

pub(crate) fn delete_endpoint_command(name: &str, region: &str) -> String {
    format!("aws sagemaker delete-endpoint --endpoint-name {name} --region {region}")
}

/// What deleting a resource that keeps data means, and how: the teardown's
/// `storage` and `domain` levels. Each deletion goes in AWS's order (apps →
/// spaces → user profiles → domain → EFS); AWS refuses one whose dependents
/// remain (ResourceInUse).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Deletion {
    /// DeleteSpace: its EBS volume and the files in its home directory go.
    Space { domain_id: String, name: String },
    /// DeleteUserProfile: once its apps and the spaces it owns are gone.
    UserProfile { domain_id: String, name: String },
    /// DeleteDomain with `RetentionPolicy.HomeEfsFileSystem=Delete`: the
    /// domain and its home EFS file system (kept by default) go together.
    Domain { domain_id: String },
    /// DeleteNotebookInstance: only once it is `Stopped` (or `Failed`); its
    /// ML storage volume and `/home/ec2-user/SageMaker` go.
    NotebookInstance { name: String },
    /// DeleteMlflowTrackingServer: the server and its metadata (runs,
    /// parameters, metrics); artifacts in S3 stay.
    MlflowTrackingServer { name: String },
    /// DeleteMountTarget for each mount target of an EFS file system: a
    /// file system with mount targets cannot be deleted.
    MountTargets { file_system_id: String },
    /// DeleteFileSystem: the file system and every file on it.
    FileSystem { file_system_id: String },
}

impl Deletion {
    /// The IAM action of the call (the one a dry run, the log and a denial name).
    pub(crate) fn action(&self) -> &'static str {
        match self {
            Deletion::Space { .. } => "sagemaker:DeleteSpace",
            Deletion::UserProfile { .. } => "sagemaker:DeleteUserProfile",
            Deletion::Domain { .. } => "sagemaker:DeleteDomain",
            Deletion::NotebookInstance { .. } => "sagemaker:DeleteNotebookInstance",
            Deletion::MlflowTrackingServer { .. } => "sagemaker:DeleteMlflowTrackingServer",
            Deletion::MountTargets { .. } => "elasticfilesystem:DeleteMountTarget",
            Deletion::FileSystem { .. } => "elasticfilesystem:DeleteFileSystem",
        }
    }

    /// The API call with its parameters, as a dry run prints it.
    pub(crate) fn api_call(&self) -> String {
        let params = match self {
            Deletion::Space { domain_id, name } => format!("DomainId={domain_id} SpaceName={name}"),
            Deletion::UserProfile { domain_id, name } => format!("DomainId={domain_id} UserProfileName={name}"),
            Deletion::Domain { domain_id } => {
                format!("DomainId={domain_id} RetentionPolicy.HomeEfsFileSystem=Delete")
            }
            Deletion::NotebookInstance { name } => format!("NotebookInstanceName={name}"),
            Deletion::MlflowTrackingServer { name } => format!("TrackingServerName={name}"),
            Deletion::MountTargets { file_system_id } => format!("MountTargetId=(each of {file_system_id})"),
            Deletion::FileSystem { file_system_id } => format!("FileSystemId={file_system_id}"),
        };
        format!("{} {params}", self.action())
    }

    /// The `aws` CLI command doing the same.
    pub(crate) fn cli(&self, region: &str) -> String {
        match self {
            Deletion::Space { domain_id, name } => {
                format!("aws sagemaker delete-space --domain-id {domain_id} --space-name {name} --region {region}")
            }
            Deletion::UserProfile { domain_id, name } => format!(
                "aws sagemaker delete-user-profile --domain-id {domain_id} --user-profile-name {name} --region {region}"
            ),
            Deletion::Domain { domain_id } => format!(
                "aws sagemaker delete-domain --domain-id {domain_id} --retention-policy HomeEfsFileSystem=Delete --region {region}"
            ),
            Deletion::NotebookInstance { name } => {
                format!("aws sagemaker delete-notebook-instance --notebook-instance-name {name} --region {region}")
            }
            Deletion::MlflowTrackingServer { name } => {
                format!("aws sagemaker delete-mlflow-tracking-server --tracking-server-name {name} --region {region}")
            }
            Deletion::MountTargets { file_system_id } => format!(
                "aws efs describe-mount-targets --file-system-id {file_system_id} --region {region} (then aws efs delete-mount-target --mount-target-id ID --region {region} for each)"
            ),
            Deletion::FileSystem { file_system_id } => {
                format!("aws efs delete-file-system --file-system-id {file_system_id} --region {region}")
            }
        }
    }

    /// A short name for prompts, logs and reports.
    pub(crate) fn label(&self) -> String {
        match self {
            Deletion::Space { domain_id, name } => format!("space {domain_id}/{name}"),
            Deletion::UserProfile { domain_id, name } => format!("user profile {domain_id}/{name}"),
            Deletion::Domain { domain_id } => format!("domain {domain_id}"),
            Deletion::NotebookInstance { name } => format!("notebook instance {name}"),
            Deletion::MlflowTrackingServer { name } => format!("MLflow tracking server {name}"),
            Deletion::MountTargets { file_system_id } => format!("mount targets of EFS {file_system_id}"),
            Deletion::FileSystem { file_system_id } => format!("EFS {file_system_id}"),
        }
    }
}
