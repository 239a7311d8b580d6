//! The collector: every read the checks need and the inventory of what
//! bills (compute by the hour, storage by the GB-month), made concurrently,
//! following pagination, into one `Snapshot` per region. It does I/O and
//! nothing else. `check`, `audit`, `verify`, the wizard and `instructor
//! verify` all read what this builds, so they cannot disagree.
//!
//! Calls that depend on each other are chained; everything else runs at the
//! same time, so a check costs one round trip per level of dependency:
//! identity → budgets → notifications → subscribers is the deepest (4).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_sdk_sagemaker::types::{SortBy, SortOrder, UserSettings};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use base64::Engine;
use futures_util::{StreamExt, stream};

use super::call_error;
use super::operations as op;
use crate::snapshot::inventory::ResourceKind;
use crate::snapshot::*;

/// Describe calls in flight at once per list, so a large account is read
/// quickly without tripping the API's rate limits.
const FAN_OUT: usize = 8;

/// How far back the spot-training check looks, and how many jobs at most.
const TRAINING_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);
const TRAINING_JOBS: i32 = 20;

/// Every item of a paginated list call, or the call's error sorted under
/// its IAM action (`list_all!(sm.list_domains(), op::LIST_DOMAINS)`).
macro_rules! list_all {
    ($request:expr, $operation:expr) => {
        $request
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| call_error($operation, e))
    };
}

/// Runs `describe` on every item, `FAN_OUT` at a time, in the items' order.
async fn describe_each<I, T, F, Fut>(items: Vec<I>, describe: F) -> Vec<T>
where
    F: FnMut(I) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    stream::iter(items).map(describe).buffered(FAN_OUT).collect().await
}

pub(crate) fn time(value: Option<&DateTime>) -> Option<String> {
    value.and_then(|t| t.fmt(Format::DateTime).ok())
}

pub(crate) fn text<T: AsRef<str>>(value: Option<T>) -> String {
    value.map(|v| v.as_ref().to_string()).unwrap_or_default()
}

/// Reads the account behind `config` into a snapshot, with what this
/// machine says of itself (the SageMaker resource it is, if any).
pub(crate) async fn collect(config: &SdkConfig) -> Snapshot {
    collect_with(config, local_facts(), Scope::Account).await
}

/// Reads another account (a student's, for an instructor): this machine's
/// facts say nothing about it, so none are added.
pub(crate) async fn collect_other(config: &SdkConfig) -> Snapshot {
    collect_with(config, LocalFacts::default(), Scope::Account).await
}

/// Reads the inventory of another region of a sweep: what bills there, with
/// the domains and spaces it needs; the account-wide reads (budgets) and the
/// configuration the other checks judge are the configured region's.
pub(crate) async fn collect_region(config: &SdkConfig) -> Snapshot {
    collect_with(config, local_facts(), Scope::Region).await
}

async fn collect_with(config: &SdkConfig, local: LocalFacts, scope: Scope) -> Snapshot {
    let taken_at = crate::util::now_millis();
    let region = config.region().map(|r| r.to_string());
    let sts = aws_sdk_sts::Client::new(config);
    let sm = aws_sdk_sagemaker::Client::new(config);
    let budgets = aws_sdk_budgets::Client::new(config);
    let cw = aws_sdk_cloudwatch::Client::new(config);
    let efs = aws_sdk_efs::Client::new(config);
    let account = scope == Scope::Account;

    let identity_and_budgets = async {
        let identity = identity(&sts).await;
        let budgets = match (&identity, account) {
            (_, false) => Ok(Vec::new()),
            (Ok(id), true) => bounded(op::DESCRIBE_BUDGETS, read_budgets(&budgets, &id.account)).await,
            (Err(e), true) => Err(e.clone()),
        };
        (identity, budgets)
    };
    let (
        (identity, budgets),
        (domains, file_systems),
        user_profiles,
        spaces,
        apps,
        lifecycle_configs,
        notebooks,
        endpoints,
        alarms,
        training_jobs,
        (jobs, transform_jobs, warm_pools),
        (mlflow_servers, clusters),
    ) = tokio::join!(
        identity_and_budgets,
        domains_and_file_systems(&sm, &efs),
        bounded(op::LIST_USER_PROFILES, user_profiles(&sm)),
        bounded(op::LIST_SPACES, described_spaces(&sm)),
        bounded(op::LIST_APPS, described_apps(&sm)),
        only_if(
            account,
            bounded(op::LIST_STUDIO_LIFECYCLE_CONFIGS, lifecycle_configs(&sm))
        ),
        bounded(op::LIST_NOTEBOOK_INSTANCES, described_notebook_instances(&sm)),
        endpoints_with_traffic(&sm, &cw),
        only_if(account, bounded(op::DESCRIBE_ALARMS, alarms(&cw))),
        only_if(account, bounded(op::LIST_TRAINING_JOBS, training_jobs(&sm))),
        async {
            tokio::join!(
                bounded(op::LIST_TRAINING_JOBS, jobs_in_progress(&sm)),
                bounded(op::LIST_TRANSFORM_JOBS, transform_jobs_in_progress(&sm)),
                bounded(op::LIST_TRAINING_JOBS, warm_pools(&sm)),
            )
        },
        async {
            tokio::join!(
                bounded(op::LIST_MLFLOW_TRACKING_SERVERS, mlflow_servers(&sm)),
                bounded(op::LIST_CLUSTERS, clusters(&sm)),
            )
        },
    );
    let mut local = local;
    // The resource the tool runs in lives in one region only: its ARN's,
    // else (an ARN without one) the region the account is read in.
    if scope == Scope::Region && local.current.as_ref().and_then(|c| c.region.as_ref()) != region.as_ref() {
        local.current = None;
    }
    Snapshot {
        schema: SCHEMA,
        source: Source::Aws,
        taken_at,
        region,
        identity,
        domains,
        user_profiles,
        spaces,
        apps,
        lifecycle_configs,
        notebook_instances: notebooks,
        endpoints,
        budgets,
        alarms,
        training_jobs,
        jobs,
        transform_jobs,
        warm_pools,
        mlflow_servers,
        clusters,
        file_systems,
        scope,
        local,
    }
}

/// A read only the whole-account snapshot makes; elsewhere, nothing read.
async fn only_if<T>(read: bool, list: impl std::future::Future<Output = Fetched<Vec<T>>>) -> Fetched<Vec<T>> {
    match read {
        true => list.await,
        false => Ok(Vec::new()),
    }
}

/// A whole read, pages included, within the read timeout: pagination that
/// never ends is an error for its checks, never a hang.
async fn bounded<T>(operation: &str, read: impl std::future::Future<Output = Fetched<T>>) -> Fetched<T> {
    let limit = super::timeout("READ_TIMEOUT", super::READ_TIMEOUT);
    tokio::time::timeout(limit, read).await.unwrap_or_else(|_| {
        Err(CallError {
            operation: operation.to_string(),
            kind: ErrorKind::Timeout,
            message: format!(
                "the read did not finish within {} s (pagination that never ends?)",
                limit.as_secs_f64()
            ),
        })
    })
}

pub(crate) async fn identity(sts: &aws_sdk_sts::Client) -> Fetched<Identity> {
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| call_error(op::GET_CALLER_IDENTITY, e))?;
    Ok(Identity {
        account: text(out.account()),
        arn: text(out.arn()),
    })
}

fn idle(settings: Option<&aws_sdk_sagemaker::types::AppLifecycleManagement>) -> Option<IdleSettings> {
    let idle = settings?.idle_settings()?;
    Some(IdleSettings {
        enabled: idle.lifecycle_management().is_some_and(|m| m.as_str() == "ENABLED"),
        timeout_minutes: idle.idle_timeout_in_minutes(),
    })
}

/// The idle and lifecycle-configuration parts of a domain's or profile's settings.
pub(crate) fn studio_settings(settings: Option<&UserSettings>) -> StudioSettings {
    let Some(s) = settings else {
        return StudioSettings::default();
    };
    let mut attachments = Vec::new();
    let mut attach = |app_type: &str, arns: &[String], default: Option<&str>| {
        for arn in arns.iter().map(String::as_str).chain(default) {
            if !attachments
                .iter()
                .any(|a: &Attachment| a.arn == arn && a.app_type == app_type)
            {
                attachments.push(Attachment {
                    app_type: app_type.to_string(),
                    arn: arn.to_string(),
                });
            }
        }
    };
    // Each app type's settings are their own SDK type, with the same accessors.
    macro_rules! attach_from {
        ($settings:expr, $app_type:literal) => {
            if let Some(a) = $settings {
                attach(
                    $app_type,
                    a.lifecycle_config_arns(),
                    a.default_resource_spec().and_then(|r| r.lifecycle_config_arn()),
                );
            }
        };
    }
    attach_from!(s.jupyter_lab_app_settings(), "JupyterLab");
    attach_from!(s.code_editor_app_settings(), "CodeEditor");
    attach_from!(s.jupyter_server_app_settings(), "JupyterServer");
    attach_from!(s.kernel_gateway_app_settings(), "KernelGateway");
    StudioSettings {
        jupyterlab_idle: idle(s.jupyter_lab_app_settings().and_then(|a| a.app_lifecycle_management())),
        code_editor_idle: idle(s.code_editor_app_settings().and_then(|a| a.app_lifecycle_management())),
        lifecycle_configs: attachments,
    }
}

pub(crate) async fn domains(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<Domain>> {
    let list = list_all!(sm.list_domains(), op::LIST_DOMAINS)?;
    let described: Vec<Fetched<Domain>> = describe_each(list, |summary| async move {
        let id = text(summary.domain_id());
        let out = sm
            .describe_domain()
            .domain_id(&id)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_DOMAIN, e))?;
        Ok(Domain {
            name: text(out.domain_name()),
            status: text(out.status().map(|s| s.as_str())),
            defaults: studio_settings(out.default_user_settings()),
            home_efs_id: out.home_efs_file_system_id().map(str::to_string),
            default_space_gb: out
                .default_user_settings()
                .and_then(|u| u.space_storage_settings())
                .and_then(|s| s.default_ebs_storage_settings())
                .and_then(|e| e.default_ebs_volume_size_in_gb()),
            modified_at: time(out.last_modified_time()),
            id,
        })
    })
    .await;
    described.into_iter().collect()
}

/// The tag AWS puts on the EFS file system it creates for a domain's home
/// directories; its value is the domain's ARN.
const SAGEMAKER_EFS_TAG: &str = "ManagedByAmazonSageMakerResource";

/// The domains, and the EFS file systems that hold (or held) their home
/// directories: each live domain's `HomeEfsFileSystemId`, and every file
/// system tagged as SageMaker's whose domain is gone (DeleteDomain keeps it
/// unless told otherwise, and it bills until deleted).
async fn domains_and_file_systems(
    sm: &aws_sdk_sagemaker::Client,
    efs: &aws_sdk_efs::Client,
) -> (Fetched<Vec<Domain>>, Fetched<Vec<FileSystem>>) {
    let (domains, systems) = tokio::join!(
        bounded(op::LIST_DOMAINS, domains(sm)),
        bounded(op::DESCRIBE_FILE_SYSTEMS, async {
            list_all!(efs.describe_file_systems(), op::DESCRIBE_FILE_SYSTEMS)
        }),
    );
    let homes: Vec<(String, String)> = domains
        .as_ref()
        .map(|all| {
            all.iter()
                .filter_map(|d| Some((d.home_efs_id.clone()?, d.id.clone())))
                .collect()
        })
        .unwrap_or_default();
    let file_systems = match systems {
        // Refused: a home or left-behind file system may bill unseen, so the
        // storage check reports the error rather than nothing.
        Err(e) => Err(e),
        Ok(systems) => Ok(systems
            .iter()
            .filter_map(|fs| {
                let id = fs.file_system_id().to_string();
                let tagged = fs
                    .tags()
                    .iter()
                    .find(|t| t.key() == SAGEMAKER_EFS_TAG)
                    .map(|t| t.value().to_string());
                let home_of = homes.iter().find(|(home, _)| *home == id).map(|(_, d)| d.clone());
                if tagged.is_none() && home_of.is_none() {
                    return None;
                }
                // `arn:aws:sagemaker:REGION:ACCOUNT:domain/d-xxxx`
                let tagged_domain = tagged
                    .as_deref()
                    .and_then(|arn| arn.rsplit_once(":domain/"))
                    .map(|(_, id)| id.to_string());
                let domain_id = home_of.clone().or(tagged_domain);
                // Without the domain list we cannot tell it was left behind.
                let domain_exists = match (&domains, &domain_id) {
                    (Ok(all), Some(id)) => all.iter().any(|d| d.id == *id),
                    (Ok(_), None) => false,
                    (Err(_), _) => true,
                };
                Some(FileSystem {
                    id,
                    name: fs.name().map(str::to_string),
                    size_bytes: fs.size_in_bytes().map(|s| s.value()),
                    domain_id,
                    domain_exists,
                    mount_targets: fs.number_of_mount_targets(),
                    state: fs.life_cycle_state().as_str().to_string(),
                })
            })
            .collect::<Vec<_>>())
        .map(|mut found| {
            // A home a domain names but EFS does not list still exists and
            // bills: listed with its size unknown rather than left out.
            for (home, domain) in &homes {
                if !found.iter().any(|fs| fs.id == *home) {
                    found.push(FileSystem {
                        id: home.clone(),
                        name: None,
                        size_bytes: None,
                        domain_id: Some(domain.clone()),
                        domain_exists: true,
                        mount_targets: 0,
                        state: "unknown".into(),
                    });
                }
            }
            found
        }),
    };
    (domains, file_systems)
}

pub(crate) async fn user_profiles(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<UserProfile>> {
    let list = list_all!(sm.list_user_profiles(), op::LIST_USER_PROFILES)?;
    let described: Vec<Fetched<UserProfile>> = describe_each(list, |summary| async move {
        let domain_id = text(summary.domain_id());
        let name = text(summary.user_profile_name());
        let out = sm
            .describe_user_profile()
            .domain_id(&domain_id)
            .user_profile_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_USER_PROFILE, e))?;
        Ok(UserProfile {
            domain_id,
            name,
            settings: studio_settings(out.user_settings()),
            modified_at: time(out.last_modified_time()),
        })
    })
    .await;
    described.into_iter().collect()
}

pub(crate) async fn spaces(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<Space>> {
    let list = list_all!(sm.list_spaces(), op::LIST_SPACES)?;
    Ok(list
        .iter()
        .map(|s| Space {
            domain_id: text(s.domain_id()),
            name: text(s.space_name()),
            owner: s
                .ownership_settings_summary()
                .and_then(|o| o.owner_user_profile_name())
                .map(str::to_string),
            app_type: s
                .space_settings_summary()
                .and_then(|o| o.app_type())
                .map(|t| t.as_str().to_string()),
            settings: None,
            sharing: s
                .space_sharing_settings_summary()
                .and_then(|o| o.sharing_type())
                .map(|t| t.as_str().to_string()),
            status: s.status().map(|t| t.as_str().to_string()),
            modified_at: time(s.last_modified_time()),
        })
        .collect())
}

/// The spaces with their own settings (DescribeSpace), for the idle
/// shutdown that really applies to a space's apps.
async fn described_spaces(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<Space>> {
    let list = spaces(sm).await?;
    let described: Vec<Fetched<Space>> = describe_each(list, |mut space| async move {
        let out = sm
            .describe_space()
            .domain_id(&space.domain_id)
            .space_name(&space.name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_SPACE, e))?;
        space.settings = Some(space_settings(out.space_settings()));
        space.modified_at = time(out.last_modified_time()).or(space.modified_at);
        Ok(space)
    })
    .await;
    described.into_iter().collect()
}

fn space_settings(settings: Option<&aws_sdk_sagemaker::types::SpaceSettings>) -> SpaceSettings {
    let Some(s) = settings else {
        return SpaceSettings::default();
    };
    let jupyterlab = s.jupyter_lab_app_settings();
    let code_editor = s.code_editor_app_settings();
    let mut lifecycle_configs = Vec::new();
    for (app_type, spec) in [
        ("JupyterLab", jupyterlab.and_then(|a| a.default_resource_spec())),
        ("CodeEditor", code_editor.and_then(|a| a.default_resource_spec())),
    ] {
        if let Some(arn) = spec.and_then(|r| r.lifecycle_config_arn()) {
            lifecycle_configs.push(Attachment {
                app_type: app_type.to_string(),
                arn: arn.to_string(),
            });
        }
    }
    SpaceSettings {
        ebs_gb: s
            .space_storage_settings()
            .and_then(|st| st.ebs_storage_settings())
            .and_then(|e| e.ebs_volume_size_in_gb()),
        jupyterlab_idle_minutes: jupyterlab
            .and_then(|a| a.app_lifecycle_management())
            .and_then(|m| m.idle_settings())
            .and_then(|i| i.idle_timeout_in_minutes()),
        code_editor_idle_minutes: code_editor
            .and_then(|a| a.app_lifecycle_management())
            .and_then(|m| m.idle_settings())
            .and_then(|i| i.idle_timeout_in_minutes()),
        lifecycle_configs,
        jupyterlab_image: image(jupyterlab.and_then(|a| a.default_resource_spec())),
        code_editor_image: image(code_editor.and_then(|a| a.default_resource_spec())),
    }
}

/// The image a `ResourceSpec` names, if it names one.
fn image(spec: Option<&aws_sdk_sagemaker::types::ResourceSpec>) -> Option<AppImage> {
    let spec = spec?;
    let image = AppImage {
        arn: spec.sage_maker_image_arn().map(str::to_string),
        version_alias: spec.sage_maker_image_version_alias().map(str::to_string),
        version_arn: spec.sage_maker_image_version_arn().map(str::to_string),
    };
    (image != AppImage::default()).then_some(image)
}

pub(crate) async fn apps(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<App>> {
    let list = list_all!(sm.list_apps(), op::LIST_APPS)?;
    Ok(list
        .iter()
        .map(|a| App {
            domain_id: text(a.domain_id()),
            user_profile: a.user_profile_name().map(str::to_string),
            space: a.space_name().map(str::to_string),
            app_type: text(a.app_type().map(|t| t.as_str())),
            name: text(a.app_name()),
            status: text(a.status().map(|s| s.as_str())),
            instance_type: a
                .resource_spec()
                .and_then(|r| r.instance_type())
                .map(|t| t.as_str().to_string()),
            created_at: time(a.creation_time()),
            image: image(a.resource_spec()),
            activity: None,
        })
        .collect())
}

/// The apps, each `InService` one with what DescribeApp says of its use
/// (its last activity and health check) and its image; a failed describe
/// is that app's, never the list's.
async fn described_apps(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<App>> {
    let list = apps(sm).await?;
    Ok(describe_each(list, |mut app| async move {
        if app.status != "InService" {
            return app;
        }
        let mut call = sm
            .describe_app()
            .domain_id(&app.domain_id)
            .app_type(aws_sdk_sagemaker::types::AppType::from(app.app_type.as_str()))
            .app_name(&app.name);
        call = match (&app.user_profile, &app.space) {
            (_, Some(space)) => call.space_name(space),
            (Some(profile), None) => call.user_profile_name(profile),
            (None, None) => call,
        };
        let described = call.send().await.map_err(|e| call_error(op::DESCRIBE_APP, e));
        app.activity = Some(described.map(|out| {
            if let Some(found) = image(out.resource_spec()) {
                app.image = Some(found);
            }
            AppActivity {
                last_user_activity: time(out.last_user_activity_timestamp()),
                last_health_check: time(out.last_health_check_timestamp()),
            }
        }));
        app
    })
    .await)
}

async fn lifecycle_configs(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<LifecycleConfig>> {
    let list = list_all!(sm.list_studio_lifecycle_configs(), op::LIST_STUDIO_LIFECYCLE_CONFIGS)?;
    Ok(describe_each(list, |summary| async move {
        let name = text(summary.studio_lifecycle_config_name());
        let content = sm
            .describe_studio_lifecycle_config()
            .studio_lifecycle_config_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_STUDIO_LIFECYCLE_CONFIG, e))
            .map(|out| decode_script(out.studio_lifecycle_config_content().unwrap_or("")));
        LifecycleConfig {
            arn: text(summary.studio_lifecycle_config_arn()),
            name,
            app_type: summary
                .studio_lifecycle_config_app_type()
                .map(|t| t.as_str().to_string()),
            content,
        }
    })
    .await)
}

/// Lifecycle scripts are stored base64-encoded; a script that is not valid
/// base64 is kept as written, so it can still be recognised.
fn decode_script(content: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .decode(content.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| content.to_string())
}

pub(crate) async fn notebook_instances(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<NotebookInstance>> {
    let list = list_all!(sm.list_notebook_instances(), op::LIST_NOTEBOOK_INSTANCES)?;
    Ok(list
        .iter()
        .map(|n| NotebookInstance {
            name: text(n.notebook_instance_name()),
            status: text(n.notebook_instance_status().map(|s| s.as_str())),
            instance_type: n.instance_type().map(|t| t.as_str().to_string()),
            started_at: time(n.last_modified_time().or(n.creation_time())),
            lifecycle_config: n.notebook_instance_lifecycle_config_name().map(str::to_string),
            lifecycle_script: None,
            created_at: time(n.creation_time()),
            volume_gb: None,
        })
        .collect())
}

/// The notebook instances with their volumes (DescribeNotebookInstance:
/// `VolumeSizeInGB` bills while the instance exists, stopped or not) and
/// their lifecycle scripts, so a script that stops an idle instance can be
/// recognised.
async fn described_notebook_instances(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<NotebookInstance>> {
    let list = notebook_instances(sm).await?;
    let described: Vec<Fetched<NotebookInstance>> = describe_each(list, |mut notebook| async move {
        let out = sm
            .describe_notebook_instance()
            .notebook_instance_name(&notebook.name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_NOTEBOOK_INSTANCE, e))?;
        notebook.volume_gb = out.volume_size_in_gb();
        if let Some(name) = &notebook.lifecycle_config {
            let script = sm
                .describe_notebook_instance_lifecycle_config()
                .notebook_instance_lifecycle_config_name(name)
                .send()
                .await
                .map_err(|e| call_error(op::DESCRIBE_NOTEBOOK_INSTANCE_LIFECYCLE_CONFIG, e))
                .map(|out| {
                    out.on_start()
                        .iter()
                        .chain(out.on_create())
                        .map(|hook| decode_script(hook.content().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
            notebook.lifecycle_script = Some(script);
        }
        Ok(notebook)
    })
    .await;
    described.into_iter().collect()
}

/// Endpoints, each with its variants: the instances running now
/// (DescribeEndpoint), what they are (DescribeEndpointConfig), whether it is
/// asynchronous, and the inference components on it.
pub(crate) async fn endpoints(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<Endpoint>> {
    let (list, components) = tokio::join!(async { list_all!(sm.list_endpoints(), op::LIST_ENDPOINTS) }, async {
        list_all!(sm.list_inference_components(), op::LIST_INFERENCE_COMPONENTS)
    },);
    let list = list?;
    // Components bill through their endpoint's instances, which are read
    // anyway: a refused list loses names, never a cost.
    let components = components.unwrap_or_default();
    let components = &components;
    Ok(describe_each(list, |summary| async move {
        let name = text(summary.endpoint_name());
        let described = sm
            .describe_endpoint()
            .endpoint_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_ENDPOINT, e));
        let (config_name, live) = match &described {
            Ok(out) => (Ok(text(out.endpoint_config_name())), out.production_variants()),
            Err(e) => (Err(e.clone()), &[][..]),
        };
        let (variants, asynchronous) = match &config_name {
            Ok(config) => match sm
                .describe_endpoint_config()
                .endpoint_config_name(config)
                .send()
                .await
                .map_err(|e| call_error(op::DESCRIBE_ENDPOINT_CONFIG, e))
            {
                Ok(out) => (
                    Ok(out
                        .production_variants()
                        .iter()
                        .map(|v| {
                            let variant = v.variant_name().unwrap_or_default();
                            let now = live.iter().find(|l| l.variant_name() == Some(variant));
                            Variant {
                                name: v.variant_name().map(str::to_string),
                                instance_type: v.instance_type().map(|t| t.as_str().to_string()),
                                count: now
                                    .and_then(|l| l.current_instance_count())
                                    .or(v.initial_instance_count())
                                    .unwrap_or(1),
                                serverless: v.serverless_config().is_some(),
                                provisioned_concurrency: now
                                    .and_then(|l| l.current_serverless_config())
                                    .and_then(|c| c.provisioned_concurrency())
                                    .or(v.serverless_config().and_then(|c| c.provisioned_concurrency()))
                                    .filter(|pc| *pc > 0),
                                invocations_24h: None,
                            }
                        })
                        .collect()),
                    out.async_inference_config().is_some(),
                ),
                Err(e) => (Err(e), false),
            },
            Err(e) => (Err(e.clone()), false),
        };
        Endpoint {
            status: text(summary.endpoint_status().map(|s| s.as_str())),
            created_at: time(summary.creation_time()),
            config_name: config_name.ok(),
            variants,
            asynchronous,
            components: components
                .iter()
                .filter(|c| c.endpoint_name() == Some(name.as_str()))
                .map(|c| InferenceComponent {
                    name: text(c.inference_component_name()),
                    status: text(c.inference_component_status().map(|s| s.as_str())),
                    variant: c.variant_name().map(str::to_string),
                    copies: None,
                })
                .collect(),
            name,
        }
    })
    .await)
}

/// How far back an endpoint's requests are counted.
const TRAFFIC_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// "A single GetMetricData call can include as many as 500
/// MetricDataQuery structures" (GetMetricData reference).
const QUERIES_PER_REQUEST: usize = 500;

/// Endpoints, each variant with instances carrying its requests of the last
/// 24 hours. Asynchronous endpoints publish no `Invocations` metric (AWS's
/// "Monitor asynchronous endpoint" page), so theirs are not asked for; a
/// failed metrics read is each variant's error, and never loses the list.
async fn endpoints_with_traffic(
    sm: &aws_sdk_sagemaker::Client,
    cw: &aws_sdk_cloudwatch::Client,
) -> Fetched<Vec<Endpoint>> {
    let mut list = bounded(op::LIST_ENDPOINTS, endpoints(sm)).await?;
    let measured = |v: &Variant| !v.serverless && v.count > 0 && v.name.is_some();
    let wanted: Vec<(String, String)> = list
        .iter()
        .filter(|e| !e.asynchronous)
        .flat_map(|e| {
            let variants = e.variants.as_deref().unwrap_or_default();
            variants
                .iter()
                .filter(|v| measured(v))
                .map(|v| (e.name.clone(), v.name.clone().unwrap_or_default()))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(list);
    }
    let counts = bounded(op::GET_METRIC_DATA, invocations(cw, &wanted)).await;
    for endpoint in list.iter_mut().filter(|e| !e.asynchronous) {
        let name = endpoint.name.clone();
        for variant in endpoint.variants.iter_mut().flatten().filter(|v| measured(v)) {
            let key = (name.clone(), variant.name.clone().unwrap_or_default());
            variant.invocations_24h = Some(match &counts {
                Ok(counts) => Ok(counts.get(&key).copied().unwrap_or(0)),
                Err(e) => Err(e.clone()),
            });
        }
    }
    Ok(list)
}

/// Requests counted per (endpoint name, variant name).
type Requests = BTreeMap<(String, String), u64>;

/// `AWS/SageMaker` `Invocations` summed over the last 24 hours for each
/// (endpoint, variant), in hourly sums: the queries batched up to the
/// API's limit per request, the requests made `FAN_OUT` at a time. No data
/// point means no request (SageMaker publishes the metric when there are).
async fn invocations(cw: &aws_sdk_cloudwatch::Client, wanted: &[(String, String)]) -> Fetched<Requests> {
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    let end = SystemTime::now();
    let start = end.checked_sub(TRAFFIC_WINDOW).unwrap_or(SystemTime::UNIX_EPOCH);
    let batches: Vec<&[(String, String)]> = wanted.chunks(QUERIES_PER_REQUEST).collect();
    let answers: Vec<Fetched<Requests>> = describe_each(batches, |batch| async move {
        let queries = batch
            .iter()
            .enumerate()
            .map(|(n, (endpoint, variant))| {
                let metric = Metric::builder()
                    .namespace("AWS/SageMaker")
                    .metric_name("Invocations")
                    .dimensions(Dimension::builder().name("EndpointName").value(endpoint).build())
                    .dimensions(Dimension::builder().name("VariantName").value(variant).build())
                    .build();
                MetricDataQuery::builder()
                    .id(format!("q{n}"))
                    .metric_stat(MetricStat::builder().metric(metric).period(3600).stat("Sum").build())
                    .return_data(true)
                    .build()
            })
            .collect();
        let pages: Vec<_> = cw
            .get_metric_data()
            .set_metric_data_queries(Some(queries))
            .start_time(DateTime::from(start))
            .end_time(DateTime::from(end))
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| call_error(op::GET_METRIC_DATA, e))?;
        let mut sums = vec![0.0_f64; batch.len()];
        for result in pages.iter().flat_map(|page| page.metric_data_results()) {
            let index = result.id().and_then(|id| id.strip_prefix('q')?.parse::<usize>().ok());
            if let Some(sum) = index.and_then(|i| sums.get_mut(i)) {
                *sum += result.values().iter().sum::<f64>();
            }
        }
        // Counts of requests: whole and never negative.
        Ok(batch
            .iter()
            .cloned()
            .zip(sums.into_iter().map(|s| s.max(0.0).round() as u64))
            .collect())
    })
    .await;
    let mut counts = Requests::new();
    for answer in answers {
        counts.extend(answer?);
    }
    Ok(counts)
}

pub(crate) async fn read_budgets(client: &aws_sdk_budgets::Client, account: &str) -> Fetched<Vec<Budget>> {
    let list = client
        .describe_budgets()
        .account_id(account)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error(op::DESCRIBE_BUDGETS, e))?;
    Ok(describe_each(list, |b| async move {
        let name = b.budget_name().to_string();
        let notifications = notifications(client, account, &name).await;
        let money = |s: Option<&aws_sdk_budgets::types::Spend>| {
            s.map(|s| Money {
                amount: s.amount().parse().unwrap_or(0.0),
                unit: s.unit().to_string(),
            })
        };
        let spend = b.calculated_spend();
        let (expression_services, expression_other) = expression_filters(b.filter_expression());
        Budget {
            name,
            budget_type: b.budget_type().as_str().to_string(),
            time_unit: b.time_unit().as_str().to_string(),
            limit: money(b.budget_limit()),
            actual: money(spend.and_then(|s| s.actual_spend())),
            forecast: money(spend.and_then(|s| s.forecasted_spend())),
            // Deprecated in favour of FilterExpression, but still what
            // most budgets (and the course's budget.json) use.
            #[allow(deprecated)]
            cost_filters: b
                .cost_filters()
                .map(|f| {
                    f.iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<BTreeMap<_, _>>()
                })
                .unwrap_or_default(),
            expression_services,
            expression_other,
            notifications,
        }
    })
    .await)
}

/// The SERVICE values a budget's FilterExpression selects, and whether it
/// filters on anything else (which we do not try to interpret).
fn expression_filters(expression: Option<&aws_sdk_budgets::types::Expression>) -> (Vec<String>, bool) {
    let Some(e) = expression else {
        return (Vec::new(), false);
    };
    let mut services = Vec::new();
    let mut other = e.not().is_some() || e.tags().is_some() || e.cost_categories().is_some();
    if let Some(d) = e.dimensions() {
        if d.key().as_str() == "SERVICE" {
            services.extend(d.values().iter().cloned());
        } else {
            other = true;
        }
    }
    for sub in e.or().iter().chain(e.and()) {
        let (s, o) = expression_filters(Some(sub));
        services.extend(s);
        other |= o;
    }
    (services, other)
}

async fn notifications(client: &aws_sdk_budgets::Client, account: &str, budget: &str) -> Fetched<Vec<Notification>> {
    let list = client
        .describe_notifications_for_budget()
        .account_id(account)
        .budget_name(budget)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error(op::DESCRIBE_BUDGETS, e))?;
    Ok(describe_each(list, |n| async move {
        let subscribers = client
            .describe_subscribers_for_notification()
            .account_id(account)
            .budget_name(budget)
            .notification(n.clone())
            .send()
            .await
            .map(|out| {
                out.subscribers()
                    .iter()
                    .map(|s| Subscriber {
                        kind: s.subscription_type().as_str().to_string(),
                        address: mask_address(s.address()),
                    })
                    .collect()
            })
            .map_err(|e| call_error(op::DESCRIBE_BUDGETS, e));
        Notification {
            notification_type: n.notification_type().as_str().to_string(),
            comparison: n.comparison_operator().as_str().to_string(),
            threshold: n.threshold(),
            threshold_type: n.threshold_type().map(|t| t.as_str().to_string()),
            subscribers,
        }
    })
    .await)
}

async fn alarms(cw: &aws_sdk_cloudwatch::Client) -> Fetched<Vec<Alarm>> {
    let pages: Vec<_> = cw
        .describe_alarms()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error(op::DESCRIBE_ALARMS, e))?;
    Ok(pages
        .iter()
        .flat_map(|page| page.metric_alarms())
        .map(|a| {
            let mut namespaces: Vec<String> = a.namespace().map(str::to_string).into_iter().collect();
            let mut metrics: Vec<String> = a.metric_name().map(str::to_string).into_iter().collect();
            let mut dimensions: Vec<String> = a
                .dimensions()
                .iter()
                .map(|d| format!("{}={}", text(d.name()), text(d.value())))
                .collect();
            for query in a.metrics() {
                if let Some(metric) = query.metric_stat().and_then(|s| s.metric()) {
                    namespaces.extend(metric.namespace().map(str::to_string));
                    metrics.extend(metric.metric_name().map(str::to_string));
                    dimensions.extend(
                        metric
                            .dimensions()
                            .iter()
                            .map(|d| format!("{}={}", text(d.name()), text(d.value()))),
                    );
                }
            }
            Alarm {
                name: text(a.alarm_name()),
                state: a.state_value().map(|s| s.as_str().to_string()),
                namespaces,
                metrics,
                dimensions,
            }
        })
        .collect())
}

async fn training_jobs(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<TrainingJob>> {
    let since = SystemTime::now()
        .checked_sub(TRAINING_WINDOW)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let out = sm
        .list_training_jobs()
        .creation_time_after(DateTime::from(since))
        .sort_by(SortBy::CreationTime)
        .sort_order(SortOrder::Descending)
        .max_results(TRAINING_JOBS)
        .send()
        .await
        .map_err(|e| call_error(op::LIST_TRAINING_JOBS, e))?;
    let described: Vec<Fetched<TrainingJob>> =
        describe_each(out.training_job_summaries().to_vec(), |summary| async move {
            let name = text(summary.training_job_name());
            let job = sm
                .describe_training_job()
                .training_job_name(&name)
                .send()
                .await
                .map_err(|e| call_error(op::DESCRIBE_TRAINING_JOB, e))?;
            Ok(TrainingJob {
                name,
                status: text(job.training_job_status().map(|s| s.as_str())),
                created_at: time(job.creation_time()),
                instance_type: job
                    .resource_config()
                    .and_then(|r| r.instance_type())
                    .map(|t| t.as_str().to_string()),
                spot: job.enable_managed_spot_training().unwrap_or(false),
                training_seconds: job.training_time_in_seconds().map(i64::from),
                billable_seconds: job.billable_time_in_seconds().map(i64::from),
            })
        })
        .await;
    described.into_iter().collect()
}

/// What the machine says when it is SageMaker: the resource the tool runs
/// in (from the metadata file) and, in Studio, whether the auto-shutdown
/// extension's local setup is present (its lifecycle script writes
/// `~/.auto-shutdown/`).
fn local_facts() -> LocalFacts {
    let metadata = crate::snapshot::studio::read();
    if !metadata.present {
        return LocalFacts::default();
    }
    let setup = dirs::home_dir()
        .map(|home| home.join(".auto-shutdown/set-time-interval.sh"))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string());
    LocalFacts {
        in_studio: true,
        autoshutdown_setup: setup,
        current: metadata.current,
    }
}

/// Batch transform jobs in progress, with their instances (DescribeTransformJob).
async fn transform_jobs_in_progress(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<RunningJob>> {
    use aws_sdk_sagemaker::types::TransformJobStatus;
    let list = list_all!(
        sm.list_transform_jobs().status_equals(TransformJobStatus::InProgress),
        op::LIST_TRANSFORM_JOBS
    )?;
    let described: Vec<Fetched<RunningJob>> = describe_each(list, |summary| async move {
        let name = text(summary.transform_job_name());
        let job = sm
            .describe_transform_job()
            .transform_job_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_TRANSFORM_JOB, e))?;
        let resources = job.transform_resources();
        Ok(RunningJob {
            kind: ResourceKind::TransformJob,
            name,
            instance_type: resources
                .and_then(|r| r.instance_type())
                .map(|t| t.as_str().to_string()),
            count: resources.and_then(|r| r.instance_count()).unwrap_or(1),
            started_at: time(job.transform_start_time().or(job.creation_time())),
        })
    })
    .await;
    described.into_iter().collect()
}

/// MLflow tracking servers, with their size (only DescribeMlflowTrackingServer gives it).
async fn mlflow_servers(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<MlflowServer>> {
    let list = list_all!(sm.list_mlflow_tracking_servers(), op::LIST_MLFLOW_TRACKING_SERVERS)?;
    let described: Vec<Fetched<MlflowServer>> = describe_each(list, |summary| async move {
        let name = text(summary.tracking_server_name());
        let out = sm
            .describe_mlflow_tracking_server()
            .tracking_server_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_MLFLOW_TRACKING_SERVER, e))?;
        Ok(MlflowServer {
            name,
            status: text(
                out.tracking_server_status()
                    .or(summary.tracking_server_status())
                    .map(|s| s.as_str()),
            ),
            size: out.tracking_server_size().map(|s| s.as_str().to_string()),
            // As for notebook instances: a restarted server bills from its restart.
            started_at: time(out.last_modified_time().or(out.creation_time())),
        })
    })
    .await;
    described.into_iter().collect()
}

/// HyperPod clusters, with their instance groups (DescribeCluster).
async fn clusters(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<Cluster>> {
    let list = list_all!(sm.list_clusters(), op::LIST_CLUSTERS)?;
    let described: Vec<Fetched<Cluster>> = describe_each(list, |summary| async move {
        let name = text(summary.cluster_name());
        let out = sm
            .describe_cluster()
            .cluster_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_CLUSTER, e))?;
        Ok(Cluster {
            name,
            status: text(out.cluster_status().map(|s| s.as_str())),
            created_at: time(out.creation_time()),
            groups: out
                .instance_groups()
                .iter()
                .map(|g| ClusterGroup {
                    name: text(g.instance_group_name()),
                    instance_type: g.instance_type().map(|t| t.as_str().to_string()),
                    count: g.current_count().unwrap_or(0),
                })
                .collect(),
        })
    })
    .await;
    described.into_iter().collect()
}

/// Training and processing jobs in progress, with their instances.
async fn jobs_in_progress(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<RunningJob>> {
    use aws_sdk_sagemaker::types::{ProcessingJobStatus, TrainingJobStatus};
    let (training, processing) = tokio::join!(
        async {
            list_all!(
                sm.list_training_jobs().status_equals(TrainingJobStatus::InProgress),
                op::LIST_TRAINING_JOBS
            )
        },
        async {
            list_all!(
                sm.list_processing_jobs().status_equals(ProcessingJobStatus::InProgress),
                op::LIST_PROCESSING_JOBS
            )
        },
    );
    let (training, processing) = (training?, processing?);
    let training = describe_each(training, |summary| async move {
        let name = text(summary.training_job_name());
        let job = sm
            .describe_training_job()
            .training_job_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_TRAINING_JOB, e))?;
        let resources = job.resource_config();
        Fetched::Ok(RunningJob {
            kind: ResourceKind::TrainingJob,
            name,
            instance_type: resources
                .and_then(|r| r.instance_type())
                .map(|t| t.as_str().to_string()),
            count: resources.and_then(|r| r.instance_count()).unwrap_or(1),
            started_at: time(job.training_start_time().or(job.creation_time())),
        })
    });
    let processing = describe_each(processing, |summary| async move {
        let name = text(summary.processing_job_name());
        let job = sm
            .describe_processing_job()
            .processing_job_name(&name)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_PROCESSING_JOB, e))?;
        let cluster = job.processing_resources().and_then(|r| r.cluster_config());
        Fetched::Ok(RunningJob {
            kind: ResourceKind::ProcessingJob,
            name,
            instance_type: cluster.and_then(|c| c.instance_type()).map(|t| t.as_str().to_string()),
            count: cluster.and_then(|c| c.instance_count()).unwrap_or(1),
            started_at: time(job.processing_start_time().or(job.creation_time())),
        })
    });
    let (training, processing) = tokio::join!(training, processing);
    training.into_iter().chain(processing).collect()
}

/// Training warm pools still holding their instances (`Available`), with
/// their instances, keep-alive and the billable time retained so far.
async fn warm_pools(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<WarmPool>> {
    use aws_sdk_sagemaker::types::WarmPoolResourceStatus;
    let list = list_all!(
        sm.list_training_jobs()
            .warm_pool_status_equals(WarmPoolResourceStatus::Available),
        op::LIST_TRAINING_JOBS
    )?;
    let described: Vec<Fetched<WarmPool>> = describe_each(list, |summary| async move {
        let job = text(summary.training_job_name());
        let out = sm
            .describe_training_job()
            .training_job_name(&job)
            .send()
            .await
            .map_err(|e| call_error(op::DESCRIBE_TRAINING_JOB, e))?;
        let resources = out.resource_config();
        let status = out.warm_pool_status().or(summary.warm_pool_status());
        Ok(WarmPool {
            status: text(status.and_then(|w| w.status()).map(|s| s.as_str())),
            instance_type: resources
                .and_then(|r| r.instance_type())
                .map(|t| t.as_str().to_string()),
            count: resources.and_then(|r| r.instance_count()).unwrap_or(1),
            keep_alive_seconds: resources.and_then(|r| r.keep_alive_period_in_seconds()).map(i64::from),
            ended_at: time(out.training_end_time().or(summary.training_end_time())),
            retained_billable_seconds: status
                .and_then(|w| w.resource_retained_billable_time_in_seconds())
                .map(i64::from),
            job,
        })
    })
    .await;
    described.into_iter().collect()
}
