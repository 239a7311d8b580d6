//! One serialisable picture of an account, as the collector saw it. Judges
//! read only this, so a snapshot can be saved, shipped as a sandbox scenario
//! and judged again without any network.

pub(crate) mod inventory;
pub(crate) mod studio;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, trf};

pub(crate) use inventory::{Cluster, ClusterGroup, MlflowServer, RunningJob};

pub(crate) const SCHEMA: u32 = 1;

/// What one API call returned: the data, or why it could not be read.
pub(crate) type Fetched<T> = Result<T, CallError>;

/// Why a call failed, sorted once (in `aws::call_error`) into what a
/// learner can act on. Each kind is one sentence in `messages.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The caller lacks the IAM permission; `operation` is the IAM action.
    AccessDenied,
    /// AWS did not accept the credentials themselves: a wrong, deleted or
    /// mistyped key, a bad signature (or a wrong clock), or a region not
    /// enabled for the account (UnrecognizedClientException,
    /// InvalidClientTokenId, InvalidSignatureException, SignatureDoesNotMatch).
    CredentialsRejected,
    /// The session's credentials have expired (ExpiredToken).
    CredentialsExpired,
    /// No credentials could be found.
    NoCredentials,
    Throttling,
    Timeout,
    /// No connection could be made (DNS, refused, reset).
    Unreachable,
    /// The server's TLS certificate chains to no trusted root (a proxy or
    /// firewall that inspects TLS, without `AWS_CA_BUNDLE`).
    Untrusted,
    /// No region is configured, so regional services cannot be asked.
    NoRegion,
    /// AWS answered with another error (a service error), or the answer
    /// could not be read.
    Other,
}

impl ErrorKind {
    /// A cause no call escapes (the network, the credentials): when every
    /// read fails for it, the command cannot run and says so once.
    pub fn stops_everything(self) -> bool {
        matches!(
            self,
            ErrorKind::Unreachable
                | ErrorKind::Untrusted
                | ErrorKind::Timeout
                | ErrorKind::NoCredentials
                | ErrorKind::CredentialsRejected
                | ErrorKind::CredentialsExpired
        )
    }
}

/// The short reasons `aws::call_error` gives for failures that have no AWS
/// error code (the SDK's own text is shown only under `-v`), each with its
/// words in `messages.toml`.
pub(crate) mod gist {
    pub(crate) const REFUSED: &str = "connection refused";
    pub(crate) const DNS: &str = "name not resolved";
    pub(crate) const RESET: &str = "connection reset";
    pub(crate) const NETWORK: &str = "network unreachable";
    pub(crate) const CONNECT: &str = "connection failed";
    pub(crate) const TIMED_OUT: &str = "timed out";
    pub(crate) const RESPONSE: &str = "unreadable answer";
    pub(crate) const REQUEST: &str = "request not built";
    pub(crate) const NO_CREDENTIALS: &str = "no credentials";

    /// Each gist and its message key.
    pub(super) const KEYS: [(&str, &str); 9] = [
        (REFUSED, "gist.refused"),
        (DNS, "gist.dns"),
        (RESET, "gist.reset"),
        (NETWORK, "gist.network"),
        (CONNECT, "gist.connect"),
        (TIMED_OUT, "gist.timed_out"),
        (RESPONSE, "gist.response"),
        (REQUEST, "gist.request"),
        (NO_CREDENTIALS, "gist.no_credentials"),
    ];
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallError {
    /// The IAM action of the call, e.g. `sagemaker:ListApps`.
    pub operation: String,
    pub kind: ErrorKind,
    /// `Code: AWS's message` for an answer from AWS, else one of the
    /// `gist`s (or the certificate problem for `Untrusted`).
    pub message: String,
}

impl CallError {
    /// AWS's error code (`UnrecognizedClientException`), when AWS answered.
    pub fn code(&self) -> Option<&str> {
        let (code, _) = self.message.split_once(':').unwrap_or((&self.message, ""));
        let code = code.trim();
        (!code.is_empty()
            && code.chars().all(|c| c.is_ascii_alphanumeric())
            && code.starts_with(|c: char| c.is_ascii_uppercase()))
        .then_some(code)
    }

    /// The reason in the learner's words: a gist translated, else AWS's code,
    /// else the message as it is.
    pub fn reason(&self, lang: Lang) -> String {
        if let Some((_, key)) = gist::KEYS.iter().find(|(g, _)| *g == self.message) {
            return crate::i18n::tr(lang, key).to_string();
        }
        match self.kind {
            // AWS's own words matter for an unexpected error.
            ErrorKind::Other | ErrorKind::Untrusted => self.message.clone(),
            _ => self.code().map_or_else(|| self.message.clone(), str::to_string),
        }
    }

    /// The cause, without the call: "access denied (AccessDeniedException)",
    /// "cannot reach AWS (connection refused)".
    pub fn cause(&self, lang: Lang) -> String {
        trf(lang, self.cause_key(), &[("reason", &self.reason(lang))])
    }

    fn cause_key(&self) -> &'static str {
        match self.kind {
            ErrorKind::AccessDenied => "cause.access_denied",
            ErrorKind::CredentialsRejected => "cause.credentials_rejected",
            ErrorKind::CredentialsExpired => "cause.credentials_expired",
            ErrorKind::NoCredentials => "cause.no_credentials",
            ErrorKind::Throttling => "cause.throttling",
            ErrorKind::Timeout => "cause.timeout",
            ErrorKind::Unreachable => "cause.unreachable",
            ErrorKind::Untrusted => "cause.untrusted",
            ErrorKind::NoRegion => "cause.no_region",
            ErrorKind::Other => "cause.other",
        }
    }

    /// One call's failure: "access denied: the IAM action sagemaker:ListApps
    /// is not allowed (AccessDeniedException)", "budgets:ViewBudget failed:
    /// cannot reach AWS (connection refused)".
    pub fn describe(&self, lang: Lang) -> String {
        if self.kind == ErrorKind::AccessDenied {
            // The action, named the way an administrator grants it.
            return trf(
                lang,
                "call.access_denied",
                &[("operation", &self.operation), ("reason", &self.reason(lang))],
            );
        }
        trf(
            lang,
            "call.failed",
            &[("operation", &self.operation), ("cause", &self.cause(lang))],
        )
    }

    /// What to do about it, for the calls `operations` (one, or a list).
    pub fn step(&self, lang: Lang) -> String {
        self.step_for(lang, &self.operation)
    }

    pub fn step_for(&self, lang: Lang, operations: &str) -> String {
        let key = match self.kind {
            ErrorKind::AccessDenied => "call.access_denied_step",
            ErrorKind::CredentialsRejected => "call.credentials_rejected_step",
            ErrorKind::CredentialsExpired => "call.credentials_expired_step",
            ErrorKind::NoCredentials => "call.no_credentials_step",
            ErrorKind::Throttling | ErrorKind::Timeout => "call.retry_step",
            ErrorKind::Unreachable => "call.unreachable_step",
            ErrorKind::Untrusted => "call.untrusted_step",
            ErrorKind::NoRegion => "call.no_region_step",
            ErrorKind::Other => "call.other_step",
        };
        trf(lang, key, &[("operation", &operations)])
    }

    /// Failures that share a cause, and so one sentence: the same kind
    /// (and, for AWS's other errors, the same answer).
    pub fn same_cause(&self, other: &CallError) -> bool {
        self.kind == other.kind && (self.kind != ErrorKind::Other || self.message == other.message)
    }
}

/// Failures grouped by cause, in the order first seen: each cause is said
/// once, with every call it kept from being read.
pub(crate) fn group<'a>(errors: impl IntoIterator<Item = &'a CallError>) -> Vec<Vec<&'a CallError>> {
    let mut groups: Vec<Vec<&CallError>> = Vec::new();
    for error in errors {
        match groups.iter_mut().find(|group| group[0].same_cause(error)) {
            Some(group) => group.push(error),
            None => groups.push(vec![error]),
        }
    }
    groups
}

/// One sentence for failures of one cause, naming every call they kept from
/// being read (and each different reason AWS gave) and what to do: "Could
/// not read sagemaker:ListApps, budgets:ViewBudget: access denied
/// (AccessDeniedException). Ask the account's administrator…".
pub(crate) fn unread(errors: &[&CallError], lang: Lang) -> String {
    let Some(first) = errors.first() else {
        return String::new();
    };
    let mut operations: Vec<&str> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    for error in errors {
        if !operations.contains(&error.operation.as_str()) {
            operations.push(&error.operation);
        }
        let reason = error.reason(lang);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    let list = operations.join(", ");
    let key = first.cause_key();
    let cause = trf(lang, key, &[("reason", &reasons.join(", "))]);
    trf(
        lang,
        "call.unread",
        &[
            ("operations", &list),
            ("cause", &cause),
            ("step", &first.step_for(lang, &list)),
        ],
    )
}

/// The cause every read failed for, when there is one and it stops
/// everything (the network, the credentials): `reads` holds each read's
/// error, `None` for a read that worked.
pub(crate) fn one_cause<'a>(reads: impl IntoIterator<Item = Option<&'a CallError>>) -> Option<&'a CallError> {
    let mut first: Option<&CallError> = None;
    for read in reads {
        let error = read?;
        match first {
            None => first = Some(error),
            Some(f) if f.kind == error.kind => {}
            Some(_) => return None,
        }
    }
    first.filter(|e| e.kind.stops_everything())
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    #[default]
    Aws,
    Sandbox,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: u32,
    #[serde(default)]
    pub source: Source,
    /// When it was taken (RFC 3339); running times are measured up to here.
    pub taken_at: String,
    pub region: Option<String>,
    pub identity: Fetched<Identity>,
    pub domains: Fetched<Vec<Domain>>,
    pub user_profiles: Fetched<Vec<UserProfile>>,
    pub spaces: Fetched<Vec<Space>>,
    pub apps: Fetched<Vec<App>>,
    pub lifecycle_configs: Fetched<Vec<LifecycleConfig>>,
    pub notebook_instances: Fetched<Vec<NotebookInstance>>,
    pub endpoints: Fetched<Vec<Endpoint>>,
    pub budgets: Fetched<Vec<Budget>>,
    pub alarms: Fetched<Vec<Alarm>>,
    pub training_jobs: Fetched<Vec<TrainingJob>>,
    /// Training and processing jobs in progress, with their instances.
    #[serde(default = "none_read")]
    pub jobs: Fetched<Vec<RunningJob>>,
    /// Batch transform jobs in progress.
    #[serde(default = "none_read")]
    pub transform_jobs: Fetched<Vec<RunningJob>>,
    /// Training warm pools still holding their instances (`Available`).
    #[serde(default = "none_read")]
    pub warm_pools: Fetched<Vec<WarmPool>>,
    #[serde(default = "none_read")]
    pub mlflow_servers: Fetched<Vec<MlflowServer>>,
    /// HyperPod clusters.
    #[serde(default = "none_read")]
    pub clusters: Fetched<Vec<Cluster>>,
    /// EFS file systems SageMaker made for a domain's home directories: the
    /// live domains' and those left behind by deleted ones.
    #[serde(default = "none_read")]
    pub file_systems: Fetched<Vec<FileSystem>>,
    /// What was read: the whole account, or (another region of a sweep) only
    /// what bills there.
    #[serde(default, skip_serializing_if = "Scope::is_account")]
    pub scope: Scope,
    #[serde(default)]
    pub local: LocalFacts,
}

/// How much of the account a snapshot holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Everything the checks read, in the configured region.
    #[default]
    Account,
    /// Another region of a sweep: only the inventory of what bills there
    /// (and the domains and spaces it needs); budgets, alarms and the
    /// spot-training history are the configured region's, left empty here.
    Region,
}

impl Scope {
    fn is_account(&self) -> bool {
        *self == Scope::Account
    }
}

/// A snapshot written before a kind was read holds none of it.
fn none_read<T>() -> Fetched<Vec<T>> {
    Ok(Vec::new())
}

impl Snapshot {
    /// Each list's error (`None` when it was read), identity first.
    pub fn reads(&self) -> [Option<&CallError>; 17] {
        [
            self.identity.as_ref().err(),
            self.domains.as_ref().err(),
            self.user_profiles.as_ref().err(),
            self.spaces.as_ref().err(),
            self.apps.as_ref().err(),
            self.lifecycle_configs.as_ref().err(),
            self.notebook_instances.as_ref().err(),
            self.endpoints.as_ref().err(),
            self.budgets.as_ref().err(),
            self.alarms.as_ref().err(),
            self.training_jobs.as_ref().err(),
            self.jobs.as_ref().err(),
            self.transform_jobs.as_ref().err(),
            self.warm_pools.as_ref().err(),
            self.mlflow_servers.as_ref().err(),
            self.clusters.as_ref().err(),
            self.file_systems.as_ref().err(),
        ]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// Built-in idle shutdown of one app type (JupyterLab, Code Editor).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdleSettings {
    /// `LifecycleManagement` was `ENABLED`.
    pub enabled: bool,
    pub timeout_minutes: Option<i32>,
}

/// A Studio lifecycle configuration attached to an app type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub app_type: String,
    pub arn: String,
}

/// Settings shared by a domain's defaults and a user profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StudioSettings {
    pub jupyterlab_idle: Option<IdleSettings>,
    pub code_editor_idle: Option<IdleSettings>,
    #[serde(default)]
    pub lifecycle_configs: Vec<Attachment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub id: String,
    pub name: String,
    pub status: String,
    #[serde(flatten)]
    pub defaults: StudioSettings,
    /// `HomeEfsFileSystemId`: the EFS file system holding the profiles'
    /// home directories (it bills per GB-month, and outlives the domain
    /// unless DeleteDomain is told to delete it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_efs_id: Option<String>,
    /// `DefaultUserSettings.SpaceStorageSettings.DefaultEbsStorageSettings.DefaultEbsVolumeSizeInGb`:
    /// the size of a space's volume when the space sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_space_gb: Option<i32>,
    /// `LastModifiedTime`: a change of its settings after an app started
    /// is a likely reason the app does not follow them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    pub domain_id: String,
    pub name: String,
    #[serde(flatten)]
    pub settings: StudioSettings,
    /// `LastModifiedTime` (as for a domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Space {
    pub domain_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub app_type: Option<String>,
    /// The space's own settings (DescribeSpace → `SpaceSettings`): its idle
    /// timeout per app type, which applies where the owner's settings turn
    /// idle shutdown on, and the lifecycle configuration it starts with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SpaceSettings>,
    /// `Private` or `Shared` (ListSpaces → `SpaceSharingSettingsSummary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing: Option<String>,
    /// Its status (`InService`, `Deleting`, `Failed`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `LastModifiedTime` (DescribeSpace), as for a domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<String>,
}

/// What DescribeSpace says of a space's apps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpaceSettings {
    /// `JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes`.
    pub jupyterlab_idle_minutes: Option<i32>,
    /// The same under `CodeEditorAppSettings`.
    pub code_editor_idle_minutes: Option<i32>,
    /// `DefaultResourceSpec.LifecycleConfigArn` of each app type.
    #[serde(default)]
    pub lifecycle_configs: Vec<Attachment>,
    /// `SpaceStorageSettings.EbsStorageSettings.EbsVolumeSizeInGb`: its
    /// volume's size, when the space sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_gb: Option<i32>,
    /// `DefaultResourceSpec`'s image of each app type: what the space's
    /// apps start with when the app itself does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jupyterlab_image: Option<AppImage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_editor_image: Option<AppImage>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct App {
    pub domain_id: String,
    pub user_profile: Option<String>,
    pub space: Option<String>,
    pub app_type: String,
    pub name: String,
    pub status: String,
    pub instance_type: Option<String>,
    pub created_at: Option<String>,
    /// The image it runs (`ResourceSpec` of ListApps, or DescribeApp's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<AppImage>,
    /// What DescribeApp says of its use (read for `InService` apps), or why
    /// it could not be read; absent when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Fetched<AppActivity>>,
}

/// A Studio app's image, as `ResourceSpec` names it
/// (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceSpec.html).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AppImage {
    /// `SageMakerImageArn`, e.g. `arn:aws:sagemaker:eu-central-1:545423591354:image/sagemaker-distribution-cpu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// `SageMakerImageVersionAlias`, in SemVer (`2.1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_alias: Option<String>,
    /// `SageMakerImageVersionArn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_arn: Option<String>,
}

/// DescribeApp's two times (RFC 3339). The API reference: "The timestamp
/// of the last user's activity. LastUserActivityTimestamp is also updated
/// when SageMaker AI performs health checks without user activity. As a
/// result, this value is set to the same value as LastHealthCheckTimestamp."
/// So the user was last active at or before `last_user_activity`: the idle
/// time it gives is a lower bound, and when it equals `last_health_check`
/// it may be SageMaker's check rather than anyone's use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AppActivity {
    /// `LastUserActivityTimestamp`.
    pub last_user_activity: Option<String>,
    /// `LastHealthCheckTimestamp`.
    pub last_health_check: Option<String>,
}

impl AppActivity {
    /// The last activity is the last health check's time (within a second):
    /// it may be SageMaker's check rather than anyone's use.
    pub fn is_health_check(&self) -> bool {
        let at = |t: &Option<String>| t.as_deref().and_then(|t| humantime::parse_rfc3339_weak(t).ok());
        match (at(&self.last_user_activity), at(&self.last_health_check)) {
            (Some(a), Some(h)) => {
                let apart = a.duration_since(h).or_else(|_| h.duration_since(a)).unwrap_or_default();
                apart.as_secs() < 1
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LifecycleConfig {
    pub arn: String,
    pub name: String,
    pub app_type: Option<String>,
    /// The script, decoded from base64 (or why it could not be read).
    pub content: Fetched<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotebookInstance {
    pub name: String,
    pub status: String,
    pub instance_type: Option<String>,
    /// The last start (AWS updates LastModifiedTime when it starts).
    pub started_at: Option<String>,
    /// Its lifecycle configuration, by name (ListNotebookInstances).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_config: Option<String>,
    /// That configuration's `OnStart` and `OnCreate` scripts, decoded from
    /// base64 (DescribeNotebookInstanceLifecycleConfig), or why they could
    /// not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_script: Option<Fetched<String>>,
    /// When it was created (CreationTime); absent in older sandbox files.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Its ML storage volume (DescribeNotebookInstance → `VolumeSizeInGB`),
    /// billed per GB-month while the instance exists, running or stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_gb: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// The variant's name (absent in older sandbox files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub instance_type: Option<String>,
    /// The instances running now (DescribeEndpoint's `CurrentInstanceCount`),
    /// else the configuration's `InitialInstanceCount`.
    pub count: i32,
    /// A serverless variant (ServerlessConfig): no instances, billed per
    /// request and nothing while idle; absent in older sandbox files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub serverless: bool,
    /// A serverless variant's provisioned concurrency: billed for every
    /// hour it is provisioned, requests or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioned_concurrency: Option<i32>,
    /// Requests in the 24 hours before the snapshot (CloudWatch
    /// `AWS/SageMaker` `Invocations`, Sum, by `EndpointName` and
    /// `VariantName`), or why they could not be read; absent when not read
    /// (no instances, asynchronous, older sandbox files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invocations_24h: Option<Fetched<u64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub name: String,
    pub status: String,
    pub created_at: Option<String>,
    pub config_name: Option<String>,
    /// The instances behind it, from its endpoint configuration.
    pub variants: Fetched<Vec<Variant>>,
    /// An asynchronous endpoint (`AsyncInferenceConfig`): queued requests,
    /// billed per instance hour like a real-time one while it has instances.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub asynchronous: bool,
    /// Inference components hosted on it (their instances are the
    /// endpoint's, billed through it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<InferenceComponent>,
}

/// An inference component on an endpoint (ListInferenceComponents).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InferenceComponent {
    pub name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// `RuntimeConfig.CurrentCopyCount`, else the asked `CopyCount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<i32>,
}

/// A training job's warm pool: its instances kept after the job ended, for
/// `KeepAlivePeriodInSeconds`, billed as training instances all that time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarmPool {
    /// The training job that left it.
    pub job: String,
    /// `WarmPoolStatus.Status`: `Available` (billing, waiting for a job),
    /// `InUse`, `Reused` or `Terminated`.
    pub status: String,
    pub instance_type: Option<String>,
    pub count: i32,
    pub keep_alive_seconds: Option<i64>,
    /// When the job ended (TrainingEndTime): the pool ends keep-alive later.
    pub ended_at: Option<String>,
    /// `WarmPoolStatus.ResourceRetainedBillableTimeInSeconds`: billed so far.
    pub retained_billable_seconds: Option<i64>,
}

/// An EFS file system SageMaker made as a domain's home (tagged
/// `ManagedByAmazonSageMakerResource`), with its size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileSystem {
    pub id: String,
    pub name: Option<String>,
    /// `SizeInBytes.Value`: the metered size (EFS updates it every few hours).
    pub size_bytes: Option<i64>,
    /// The domain it belongs to (from the tag, or the domain naming it), if any.
    pub domain_id: Option<String>,
    /// Its domain still exists; otherwise it was left behind by a deleted domain.
    pub domain_exists: bool,
    pub mount_targets: i32,
    /// `LifeCycleState`: `available`, `deleting`…
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub name: String,
    pub budget_type: String,
    pub time_unit: String,
    pub limit: Option<Money>,
    pub actual: Option<Money>,
    pub forecast: Option<Money>,
    /// `CostFilters` as set (e.g. `Service` → `Amazon SageMaker`).
    #[serde(default)]
    pub cost_filters: BTreeMap<String, Vec<String>>,
    /// From `FilterExpression`: the SERVICE dimension values it selects, and
    /// whether it filters on anything else.
    #[serde(default)]
    pub expression_services: Vec<String>,
    #[serde(default)]
    pub expression_other: bool,
    pub notifications: Fetched<Vec<Notification>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Money {
    pub amount: f64,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub notification_type: String,
    pub comparison: String,
    pub threshold: f64,
    pub threshold_type: Option<String>,
    pub subscribers: Fetched<Vec<Subscriber>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subscriber {
    pub kind: String,
    /// Masked at collection (`a***@example.com`); never stored in full.
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub state: Option<String>,
    /// Every namespace the alarm's metrics come from.
    pub namespaces: Vec<String>,
    pub metrics: Vec<String>,
    /// `Name=Value` of every dimension.
    #[serde(default)]
    pub dimensions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingJob {
    pub name: String,
    pub status: String,
    pub created_at: Option<String>,
    pub instance_type: Option<String>,
    pub spot: bool,
    pub training_seconds: Option<i64>,
    pub billable_seconds: Option<i64>,
}

/// What the machine the tool runs on says, when that machine is Studio.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalFacts {
    pub in_studio: bool,
    /// Where the auto-shutdown extension's local setup was found.
    pub autoshutdown_setup: Option<String>,
    /// The Studio app or notebook instance the tool runs in, from its metadata file.
    #[serde(default)]
    pub current: Option<studio::Current>,
}

/// Masks an e-mail address for display: `ana.souza@example.com` → `a***@example.com`.
pub(crate) fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((user, domain)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        // An SNS topic ARN: keep the topic's name only.
        None if address.starts_with("arn:") => {
            format!("arn:…:{}", address.rsplit(':').next().unwrap_or(""))
        }
        None => "***".to_string(),
    }
}

/// Seconds from `from` to `to`, both RFC 3339; None when either is missing
/// or unreadable, never negative.
pub(crate) fn seconds_between(from: Option<&str>, to: &str) -> Option<u64> {
    let from = humantime::parse_rfc3339_weak(from?).ok()?;
    let to = humantime::parse_rfc3339_weak(to).ok()?;
    Some(to.duration_since(from).map_or(0, |d| d.as_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_masked() {
        assert_eq!(mask_address("ana.souza@example.com"), "a***@example.com");
        assert_eq!(
            mask_address("arn:aws:sns:eu-central-1:123456789012:alerts"),
            "arn:…:alerts"
        );
        assert_eq!(mask_address("nonsense"), "***");
    }

    fn failed(operation: &str, kind: ErrorKind, message: &str) -> CallError {
        CallError {
            operation: operation.into(),
            kind,
            message: message.into(),
        }
    }

    #[test]
    fn failures_of_one_cause_are_one_sentence_naming_every_call_and_each_code() {
        let errors = [
            failed(
                "sagemaker:ListApps",
                ErrorKind::CredentialsRejected,
                "UnrecognizedClientException: bad",
            ),
            failed(
                "budgets:ViewBudget",
                ErrorKind::AccessDenied,
                "AccessDeniedException: no",
            ),
            failed(
                "sagemaker:ListNotebookInstances",
                ErrorKind::CredentialsRejected,
                "InvalidSignatureException: x",
            ),
            failed(
                "sagemaker:ListApps",
                ErrorKind::CredentialsRejected,
                "UnrecognizedClientException: bad",
            ),
        ];
        let groups = group(&errors);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            unread(&groups[0], Lang::En),
            "Could not read sagemaker:ListApps, sagemaker:ListNotebookInstances: AWS rejected the credentials \
             (UnrecognizedClientException, InvalidSignatureException). Check the access key: `aws sts \
             get-caller-identity` tests it and `aws configure` sets a new one. A wrong clock on this machine, or a \
             region not enabled for the account, gets the same answer."
        );
        let denied = unread(&groups[1], Lang::Pt);
        assert!(
            denied.starts_with("Não foi possível ler budgets:ViewBudget: acesso negado (AccessDeniedException).")
                && denied.contains("liberar budgets:ViewBudget"),
            "{denied}"
        );
        // AWS's other errors are one cause only when AWS said the same.
        let other = [
            failed("a:B", ErrorKind::Other, "InternalFailure: boom"),
            failed("a:C", ErrorKind::Other, "ValidationException: no"),
        ];
        assert_eq!(group(&other).len(), 2);
    }

    #[test]
    fn a_gist_is_said_in_the_learners_language_and_a_code_is_kept() {
        let refused = failed("sts:GetCallerIdentity", ErrorKind::Unreachable, gist::REFUSED);
        assert_eq!(
            refused.cause(Lang::Pt),
            "não foi possível alcançar a AWS (conexão recusada)"
        );
        assert_eq!(
            refused.describe(Lang::En),
            "sts:GetCallerIdentity failed: cannot reach AWS (connection refused)"
        );
        let denied = failed(
            "sagemaker:ListApps",
            ErrorKind::AccessDenied,
            "AccessDeniedException: User x is not",
        );
        assert_eq!(denied.code(), Some("AccessDeniedException"));
        assert_eq!(
            denied.describe(Lang::En),
            "access denied: the IAM action sagemaker:ListApps is not allowed (AccessDeniedException)"
        );
        let other = failed("a:B", ErrorKind::Other, "ValidationException: the name is bad");
        assert!(
            other.describe(Lang::En).contains("the name is bad"),
            "AWS's own words for the unexpected"
        );
        assert_eq!(failed("a:B", ErrorKind::Other, "dispatch failure: io").code(), None);
    }

    #[test]
    fn one_cause_stops_everything_only_when_every_read_failed_for_it() {
        let refused = failed("x:Y", ErrorKind::Unreachable, gist::REFUSED);
        let rejected = failed("x:Z", ErrorKind::CredentialsRejected, "InvalidClientTokenId: no");
        let denied = failed("x:W", ErrorKind::AccessDenied, "AccessDenied: no");
        assert_eq!(one_cause([Some(&refused), Some(&refused)]), Some(&refused));
        assert_eq!(one_cause([Some(&refused), None]), None, "one read worked");
        assert_eq!(one_cause([Some(&refused), Some(&rejected)]), None, "two causes");
        assert_eq!(
            one_cause([Some(&denied), Some(&denied)]),
            None,
            "a permission is the call's, not everything's"
        );
        assert_eq!(one_cause([Some(&rejected)]), Some(&rejected));
        assert_eq!(one_cause(Vec::<Option<&CallError>>::new()), None);
    }

    #[test]
    fn running_time_is_measured_between_two_rfc3339_times() {
        assert_eq!(
            seconds_between(Some("2026-11-28T10:00:00Z"), "2026-11-28T12:30:00Z"),
            Some(9000)
        );
        assert_eq!(
            seconds_between(Some("2026-11-28T12:30:00Z"), "2026-11-28T10:00:00Z"),
            Some(0)
        );
        assert_eq!(seconds_between(None, "2026-11-28T10:00:00Z"), None);
        assert_eq!(seconds_between(Some("yesterday"), "2026-11-28T10:00:00Z"), None);
    }
}
