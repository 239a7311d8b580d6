//! The collector: every read the checks need, made concurrently, following
//! pagination, into one `Snapshot`. It does I/O and nothing else.
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
use crate::snapshot::running::{Cluster, ClusterGroup, MlflowServer, ResourceKind, Running, RunningJob};
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
pub async fn collect(config: &SdkConfig) -> Snapshot {
    collect_with(config, local_facts()).await
}

/// Reads another account (a student's, for an instructor): this machine's
/// facts say nothing about it, so none are added.
pub(crate) async fn collect_other(config: &SdkConfig) -> Snapshot {
    collect_with(config, LocalFacts::default()).await
}

async fn collect_with(config: &SdkConfig, local: LocalFacts) -> Snapshot {
    let taken_at = crate::util::now_millis();
    let region = config.region().map(|r| r.to_string());
    let sts = aws_sdk_sts::Client::new(config);
    let sm = aws_sdk_sagemaker::Client::new(config);
    let budgets = aws_sdk_budgets::Client::new(config);
    let cw = aws_sdk_cloudwatch::Client::new(config);

    let identity_and_budgets = async {
        let identity = identity(&sts).await;
        let budgets = match &identity {
            Ok(id) => bounded(op::DESCRIBE_BUDGETS, read_budgets(&budgets, &id.account)).await,
            Err(e) => Err(e.clone()),
        };
        (identity, budgets)
    };
    let (
        (identity, budgets),
        domains,
        user_profiles,
        spaces,
        apps,
        lifecycle_configs,
        notebooks,
        endpoints,
        alarms,
        jobs,
    ) = tokio::join!(
        identity_and_budgets,
        bounded(op::LIST_DOMAINS, domains(&sm)),
        bounded(op::LIST_USER_PROFILES, user_profiles(&sm)),
        bounded(op::LIST_SPACES, described_spaces(&sm)),
        bounded(op::LIST_APPS, apps(&sm)),
        bounded(op::LIST_STUDIO_LIFECYCLE_CONFIGS, lifecycle_configs(&sm)),
        bounded(op::LIST_NOTEBOOK_INSTANCES, notebook_instances_with_scripts(&sm)),
        bounded(op::LIST_ENDPOINTS, endpoints(&sm)),
        bounded(op::DESCRIBE_ALARMS, alarms(&cw)),
        bounded(op::LIST_TRAINING_JOBS, training_jobs(&sm)),
    );
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
        training_jobs: jobs,
        local,
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
            id,
        })
    })
    .await;
    described.into_iter().collect()
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
        jupyterlab_idle_minutes: jupyterlab
            .and_then(|a| a.app_lifecycle_management())
            .and_then(|m| m.idle_settings())
            .and_then(|i| i.idle_timeout_in_minutes()),
        code_editor_idle_minutes: code_editor
            .and_then(|a| a.app_lifecycle_management())
            .and_then(|m| m.idle_settings())
            .and_then(|i| i.idle_timeout_in_minutes()),
        lifecycle_configs,
    }
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
        })
        .collect())
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
        })
        .collect())
}

/// The notebook instances with their lifecycle scripts, so a script that
/// stops an idle instance can be recognised.
async fn notebook_instances_with_scripts(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<NotebookInstance>> {
    let list = notebook_instances(sm).await?;
    Ok(describe_each(list, |mut notebook| async move {
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
        notebook
    })
    .await)
}

pub(crate) async fn endpoints(sm: &aws_sdk_sagemaker::Client) -> Fetched<Vec<Endpoint>> {
    let list = list_all!(sm.list_endpoints(), op::LIST_ENDPOINTS)?;
    Ok(describe_each(list, |summary| async move {
        let name = text(summary.endpoint_name());
        let config_name = match sm.describe_endpoint().endpoint_name(&name).send().await {
            Ok(out) => Ok(text(out.endpoint_config_name())),
            Err(e) => Err(call_error(op::DESCRIBE_ENDPOINT, e)),
        };
        let variants = match &config_name {
            Ok(config) => sm
                .describe_endpoint_config()
                .endpoint_config_name(config)
                .send()
                .await
                .map(|out| {
                    out.production_variants()
                        .iter()
                        .map(|v| Variant {
                            instance_type: v.instance_type().map(|t| t.as_str().to_string()),
                            count: v.initial_instance_count().unwrap_or(1),
                            serverless: v.serverless_config().is_some(),
                        })
                        .collect()
                })
                .map_err(|e| call_error(op::DESCRIBE_ENDPOINT_CONFIG, e)),
            Err(e) => Err(e.clone()),
        };
        Endpoint {
            name,
            status: text(summary.endpoint_status().map(|s| s.as_str())),
            created_at: time(summary.creation_time()),
            config_name: config_name.ok(),
            variants,
        }
    })
    .await)
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

/// Everything billing right now, for the end-of-session audit: a narrower,
/// faster read than the full snapshot.
pub async fn collect_running(config: &SdkConfig) -> Running {
    let taken_at = crate::util::now_millis();
    let sts = aws_sdk_sts::Client::new(config);
    let sm = aws_sdk_sagemaker::Client::new(config);
    let (identity, apps, spaces, notebook_instances, endpoints, jobs, transform_jobs, mlflow_servers, clusters) = tokio::join!(
        identity(&sts),
        bounded(op::LIST_APPS, apps(&sm)),
        bounded(op::LIST_SPACES, spaces(&sm)),
        bounded(op::LIST_NOTEBOOK_INSTANCES, notebook_instances(&sm)),
        bounded(op::LIST_ENDPOINTS, endpoints(&sm)),
        bounded(op::LIST_TRAINING_JOBS, jobs_in_progress(&sm)),
        bounded(op::LIST_TRANSFORM_JOBS, transform_jobs_in_progress(&sm)),
        bounded(op::LIST_MLFLOW_TRACKING_SERVERS, mlflow_servers(&sm)),
        bounded(op::LIST_CLUSTERS, clusters(&sm)),
    );
    Running {
        taken_at,
        region: config.region().map(|r| r.to_string()),
        identity,
        apps,
        spaces,
        notebook_instances,
        endpoints,
        jobs,
        transform_jobs,
        mlflow_servers,
        clusters,
        current: crate::snapshot::studio::read().current,
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
