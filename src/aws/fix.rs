//! The calls that change an account: stopping what runs, creating the
//! course budget, turning on idle shutdown. Callers confirm first; every
//! call made here is logged by the caller to the audit log.

use aws_config::SdkConfig;
use aws_sdk_sagemaker::types as sm;

use super::call_error;
use super::collect::studio_settings;
use super::operations as op;
use crate::snapshot::inventory::{AppRef, Owner, ResourceKind, Target};
use crate::snapshot::{CallError, ErrorKind, IdleSettings};

/// The account the credentials belong to, and the configured region.
pub(crate) async fn identity(config: &SdkConfig) -> Result<(String, String), CallError> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| call_error(op::GET_CALLER_IDENTITY, e))?;
    let account = out.account().unwrap_or("?").to_string();
    let region = config.region().map_or_else(|| "?".to_string(), |r| r.to_string());
    Ok((account, region))
}

/// The ids of the region's Studio domains.
pub(crate) async fn domain_ids(config: &SdkConfig) -> Result<Vec<String>, CallError> {
    let sm = aws_sdk_sagemaker::Client::new(config);
    let domains = sm
        .list_domains()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| call_error(op::LIST_DOMAINS, e))?;
    Ok(domains
        .iter()
        .filter_map(|d| d.domain_id().map(str::to_string))
        .collect())
}

/// A DeleteApp or DescribeApp request naming `app`: its domain, type and
/// name, and its space or else its user profile.
macro_rules! naming_app {
    ($request:expr, $app:expr) => {{
        let app: &AppRef = $app;
        let request = $request
            .domain_id(&app.domain_id)
            .app_type(sm::AppType::from(app.app_type.as_str()))
            .app_name(&app.name);
        match app.owner() {
            Some(Owner::Space(space)) => request.space_name(space),
            Some(Owner::Profile(profile)) => request.user_profile_name(profile),
            None => request,
        }
    }};
}

/// Makes the call that stops `target`.
pub(crate) async fn stop(config: &SdkConfig, target: &Target) -> Result<(), CallError> {
    let client = aws_sdk_sagemaker::Client::new(config);
    match target {
        Target::StudioApp(app) => naming_app!(client.delete_app(), app)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_APP, e)),
        Target::NotebookInstance { name } => client
            .stop_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::STOP_NOTEBOOK_INSTANCE, e)),
        Target::Endpoint { name } => client
            .delete_endpoint()
            .endpoint_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_ENDPOINT, e)),
        Target::MlflowTrackingServer { name } => client
            .stop_mlflow_tracking_server()
            .tracking_server_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::STOP_MLFLOW_TRACKING_SERVER, e)),
        Target::TransformJob { name } => client
            .stop_transform_job()
            .transform_job_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::STOP_TRANSFORM_JOB, e)),
        Target::Job {
            job_kind: ResourceKind::ProcessingJob,
            name,
        } => client
            .stop_processing_job()
            .processing_job_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::STOP_PROCESSING_JOB, e)),
        Target::Job { name, .. } => client
            .stop_training_job()
            .training_job_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::STOP_TRAINING_JOB, e)),
        Target::HyperpodCluster { name } => client
            .delete_cluster()
            .cluster_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_CLUSTER, e)),
        // A keep-alive of 0 releases the pool's instances now (UpdateTrainingJob,
        // "ResourceConfig.KeepAlivePeriodInSeconds": 0–3600).
        Target::WarmPool { job } => client
            .update_training_job()
            .training_job_name(job)
            .resource_config(
                sm::ResourceConfigForUpdate::builder()
                    .keep_alive_period_in_seconds(0)
                    .build(),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::UPDATE_TRAINING_JOB, e)),
    }
}

/// The resource a call named does not exist (any more): AWS's not-found
/// answers (ResourceNotFound, a notebook instance's RecordNotFound, EFS's
/// FileSystemNotFound and MountTargetNotFound).
pub(crate) fn is_gone(e: &CallError) -> bool {
    e.kind == ErrorKind::Other
        && (e.message.contains("not found")
            || e.message.contains("NotFound")
            || e.message.contains("Could not find")
            || e.message.contains("does not exist"))
}

/// The status `target` is in now; `Deleted` when it is gone.
pub(crate) async fn status(config: &SdkConfig, target: &Target) -> Result<String, CallError> {
    let client = aws_sdk_sagemaker::Client::new(config);
    let gone = is_gone;
    let result = match target {
        Target::StudioApp(app) => naming_app!(client.describe_app(), app)
            .send()
            .await
            .map(|out| out.status().map_or("Unknown".to_string(), |s| s.as_str().to_string()))
            .map_err(|e| call_error(op::DESCRIBE_APP, e)),
        Target::NotebookInstance { name } => client
            .describe_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await
            .map(|out| {
                out.notebook_instance_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_NOTEBOOK_INSTANCE, e)),
        Target::Endpoint { name } => client
            .describe_endpoint()
            .endpoint_name(name)
            .send()
            .await
            .map(|out| {
                out.endpoint_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_ENDPOINT, e)),
        Target::MlflowTrackingServer { name } => client
            .describe_mlflow_tracking_server()
            .tracking_server_name(name)
            .send()
            .await
            .map(|out| {
                out.tracking_server_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_MLFLOW_TRACKING_SERVER, e)),
        Target::TransformJob { name } => client
            .describe_transform_job()
            .transform_job_name(name)
            .send()
            .await
            .map(|out| {
                out.transform_job_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_TRANSFORM_JOB, e)),
        Target::Job {
            job_kind: ResourceKind::ProcessingJob,
            name,
        } => client
            .describe_processing_job()
            .processing_job_name(name)
            .send()
            .await
            .map(|out| {
                out.processing_job_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_PROCESSING_JOB, e)),
        Target::Job { name, .. } => client
            .describe_training_job()
            .training_job_name(name)
            .send()
            .await
            .map(|out| {
                out.training_job_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_TRAINING_JOB, e)),
        Target::HyperpodCluster { name } => client
            .describe_cluster()
            .cluster_name(name)
            .send()
            .await
            .map(|out| {
                out.cluster_status()
                    .map_or("Unknown".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_CLUSTER, e)),
        // The pool's own status: `Terminated` once released.
        Target::WarmPool { job } => client
            .describe_training_job()
            .training_job_name(job)
            .send()
            .await
            .map(|out| {
                out.warm_pool_status()
                    .and_then(|w| w.status())
                    .map_or("Terminated".to_string(), |s| s.as_str().to_string())
            })
            .map_err(|e| call_error(op::DESCRIBE_TRAINING_JOB, e)),
    };
    match result {
        Err(e) if gone(&e) => Ok("Deleted".to_string()),
        other => other,
    }
}

/// The course's budget: monthly, COST, limited to SageMaker, with an e-mail
/// alert at 80% of actual spend and at 100% of forecast spend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BudgetPlan {
    pub name: String,
    pub amount: f64,
    pub email: String,
}

impl BudgetPlan {
    /// The `aws` CLI equivalent, with the JSON it needs inline: exactly what
    /// is sent (the name and address JSON-escaped, the JSON shell-quoted), so
    /// it can be pasted as it is.
    pub(crate) fn cli(&self, account: &str) -> String {
        let budget = serde_json::json!({
            "BudgetName": self.name,
            "BudgetLimit": {"Amount": self.amount.to_string(), "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
            "CostFilters": {"Service": ["Amazon SageMaker"]},
        });
        let alert = |kind: &str, threshold: u32| {
            serde_json::json!({
                "Notification": {
                    "NotificationType": kind,
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": threshold,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": self.email}],
            })
        };
        let alerts = serde_json::json!([alert("ACTUAL", 80), alert("FORECASTED", 100)]);
        format!(
            "aws budgets create-budget --account-id {account} --budget {} --notifications-with-subscribers {}",
            shell_quote(&budget.to_string()),
            shell_quote(&alerts.to_string())
        )
    }
}

/// One shell word, in single quotes (a quote inside closed, escaped, reopened).
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

pub(crate) async fn budget_exists(config: &SdkConfig, account: &str, name: &str) -> Result<bool, CallError> {
    let client = aws_sdk_budgets::Client::new(config);
    match client
        .describe_budget()
        .account_id(account)
        .budget_name(name)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) => {
            let e = call_error(op::DESCRIBE_BUDGETS, e);
            if e.message.starts_with("NotFoundException") {
                Ok(false)
            } else {
                Err(e)
            }
        }
    }
}

pub(crate) async fn create_budget(config: &SdkConfig, account: &str, plan: &BudgetPlan) -> Result<(), CallError> {
    use aws_sdk_budgets::types as b;
    let client = aws_sdk_budgets::Client::new(config);
    let build = |e: aws_sdk_budgets::error::BuildError| CallError {
        operation: op::CREATE_BUDGET.into(),
        kind: ErrorKind::Other,
        message: e.to_string(),
    };
    let budget = b::Budget::builder()
        .budget_name(&plan.name)
        .budget_limit(
            b::Spend::builder()
                .amount(plan.amount.to_string())
                .unit("USD")
                .build()
                .map_err(build)?,
        )
        .time_unit(b::TimeUnit::Monthly)
        .budget_type(b::BudgetType::Cost);
    // CostFilters is marked legacy in favour of FilterExpression, but it is
    // what the lesson teaches and what every Budgets endpoint accepts.
    #[allow(deprecated)]
    let budget = budget
        .cost_filters("Service", vec!["Amazon SageMaker".to_string()])
        .build()
        .map_err(build)?;
    let alert = |kind: b::NotificationType, threshold: f64| -> Result<b::NotificationWithSubscribers, CallError> {
        b::NotificationWithSubscribers::builder()
            .notification(
                b::Notification::builder()
                    .notification_type(kind)
                    .comparison_operator(b::ComparisonOperator::GreaterThan)
                    .threshold(threshold)
                    .threshold_type(b::ThresholdType::Percentage)
                    .build()
                    .map_err(build)?,
            )
            .subscribers(
                b::Subscriber::builder()
                    .subscription_type(b::SubscriptionType::Email)
                    .address(&plan.email)
                    .build()
                    .map_err(build)?,
            )
            .build()
            .map_err(build)
    };
    client
        .create_budget()
        .account_id(account)
        .budget(budget)
        .notifications_with_subscribers(alert(b::NotificationType::Actual, 80.0)?)
        .notifications_with_subscribers(alert(b::NotificationType::Forecasted, 100.0)?)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| call_error(op::CREATE_BUDGET, e))
}

/// Where idle shutdown is set: a domain's defaults or one user profile.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum IdleScope {
    Domain { domain_id: String },
    UserProfile { domain_id: String, name: String },
}

/// A domain's or profile's idle settings for JupyterLab and Code Editor, and
/// whether the domain runs Studio Classic.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IdleState {
    pub jupyterlab: Option<IdleSettings>,
    pub code_editor: Option<IdleSettings>,
    pub classic: bool,
}

pub(crate) async fn read_idle(config: &SdkConfig, scope: &IdleScope) -> Result<IdleState, CallError> {
    let client = aws_sdk_sagemaker::Client::new(config);
    let domain_id = match scope {
        IdleScope::Domain { domain_id } | IdleScope::UserProfile { domain_id, .. } => domain_id,
    };
    let domain = client
        .describe_domain()
        .domain_id(domain_id)
        .send()
        .await
        .map_err(|e| call_error(op::DESCRIBE_DOMAIN, e))?;
    // Studio Classic: the domain opens the JupyterServer app, or the new
    // Studio web portal is turned off.
    let defaults = domain.default_user_settings();
    let classic = defaults.is_some_and(|d| {
        d.default_landing_uri()
            .is_some_and(|uri| uri.starts_with("app:JupyterServer"))
            || d.studio_web_portal().is_some_and(|p| p.as_str() == "DISABLED")
    });
    let settings = match scope {
        IdleScope::Domain { .. } => studio_settings(defaults),
        IdleScope::UserProfile { domain_id, name } => {
            let profile = client
                .describe_user_profile()
                .domain_id(domain_id)
                .user_profile_name(name)
                .send()
                .await
                .map_err(|e| call_error(op::DESCRIBE_USER_PROFILE, e))?;
            studio_settings(profile.user_settings())
        }
    };
    Ok(IdleState {
        jupyterlab: settings.jupyterlab_idle,
        code_editor: settings.code_editor_idle,
        classic,
    })
}

fn idle_settings(minutes: i32) -> sm::AppLifecycleManagement {
    sm::AppLifecycleManagement::builder()
        .idle_settings(
            sm::IdleSettings::builder()
                .lifecycle_management(sm::LifecycleManagement::Enabled)
                .idle_timeout_in_minutes(minutes)
                .build(),
        )
        .build()
}

/// Turns on built-in idle shutdown for JupyterLab and Code Editor.
pub(crate) async fn set_idle(config: &SdkConfig, scope: &IdleScope, minutes: i32) -> Result<(), CallError> {
    let client = aws_sdk_sagemaker::Client::new(config);
    let settings = sm::UserSettings::builder()
        .jupyter_lab_app_settings(
            sm::JupyterLabAppSettings::builder()
                .app_lifecycle_management(idle_settings(minutes))
                .build(),
        )
        .code_editor_app_settings(
            sm::CodeEditorAppSettings::builder()
                .app_lifecycle_management(idle_settings(minutes))
                .build(),
        )
        .build();
    match scope {
        IdleScope::Domain { domain_id } => client
            .update_domain()
            .domain_id(domain_id)
            .default_user_settings(settings)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::UPDATE_DOMAIN, e)),
        IdleScope::UserProfile { domain_id, name } => client
            .update_user_profile()
            .domain_id(domain_id)
            .user_profile_name(name)
            .user_settings(settings)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::UPDATE_USER_PROFILE, e)),
    }
}

impl IdleScope {
    pub(crate) fn cli(&self, minutes: i32, region: &str) -> String {
        let idle = format!(
            "{{\"AppLifecycleManagement\":{{\"IdleSettings\":{{\"LifecycleManagement\":\"ENABLED\",\"IdleTimeoutInMinutes\":{minutes}}}}}}}"
        );
        let settings = format!("'{{\"JupyterLabAppSettings\":{idle},\"CodeEditorAppSettings\":{idle}}}'");
        match self {
            IdleScope::Domain { domain_id } => {
                format!(
                    "aws sagemaker update-domain --domain-id {domain_id} --default-user-settings {settings} --region {region}"
                )
            }
            IdleScope::UserProfile { domain_id, name } => format!(
                "aws sagemaker update-user-profile --domain-id {domain_id} --user-profile-name {name} --user-settings {settings} --region {region}"
            ),
        }
    }

    pub(crate) fn api_call(&self) -> &'static str {
        match self {
            IdleScope::Domain { .. } => op::UPDATE_DOMAIN,
            IdleScope::UserProfile { .. } => op::UPDATE_USER_PROFILE,
        }
    }

    pub(crate) fn label(&self) -> String {
        match self {
            IdleScope::Domain { domain_id } => format!("domain {domain_id}"),
            IdleScope::UserProfile { domain_id, name } => format!("user profile {domain_id}/{name}"),
        }
    }
}
