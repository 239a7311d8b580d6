//! One serialisable picture of an account, as the collector saw it. Judges
//! read only this, so a snapshot can be saved, shipped as a sandbox scenario
//! and judged again without any network.

pub mod inventory;
pub mod studio;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, trf};

pub use inventory::{Cluster, ClusterGroup, MlflowServer, RunningJob};

pub const SCHEMA: u32 = 1;

/// What one API call returned: the data, or why it could not be read.
pub type Fetched<T> = Result<T, CallError>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The caller lacks the IAM permission; `operation` is the IAM action.
    AccessDenied,
    Throttling,
    Timeout,
    /// No connection could be made (DNS, refused, reset).
    Unreachable,
    /// The server's TLS certificate chains to no trusted root (a proxy or
    /// firewall that inspects TLS, without `AWS_CA_BUNDLE`).
    Untrusted,
    /// No region is configured, so regional services cannot be asked.
    NoRegion,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallError {
    /// The IAM action of the call, e.g. `sagemaker:ListApps`.
    pub operation: String,
    pub kind: ErrorKind,
    pub message: String,
}

impl CallError {
    /// "access denied: the IAM action sagemaker:ListApps is not allowed", etc.
    pub fn describe(&self, lang: Lang) -> String {
        let key = match self.kind {
            ErrorKind::AccessDenied => "call.access_denied",
            ErrorKind::Throttling => "call.throttling",
            ErrorKind::Timeout => "call.timeout",
            ErrorKind::Unreachable => "call.unreachable",
            ErrorKind::Untrusted => "call.untrusted",
            ErrorKind::NoRegion => "call.no_region",
            ErrorKind::Other => "call.other",
        };
        trf(lang, key, &[("operation", &self.operation), ("message", &self.message)])
    }

    /// What to do about it, as a troubleshooting step.
    pub fn step(&self, lang: Lang) -> String {
        let key = match self.kind {
            ErrorKind::AccessDenied => "call.access_denied_step",
            ErrorKind::Throttling | ErrorKind::Timeout => "call.retry_step",
            ErrorKind::Unreachable => "call.unreachable_step",
            ErrorKind::Untrusted => "call.untrusted_step",
            ErrorKind::NoRegion => "call.no_region_step",
            ErrorKind::Other => "call.other_step",
        };
        trf(lang, key, &[("operation", &self.operation)])
    }
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
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    pub domain_id: String,
    pub name: String,
    #[serde(flatten)]
    pub settings: StudioSettings,
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
pub fn mask_address(address: &str) -> String {
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
pub fn seconds_between(from: Option<&str>, to: &str) -> Option<u64> {
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
