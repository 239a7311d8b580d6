//! The teardown's deletions (spaces, user profiles, the domain with its home
//! EFS, notebook instances, MLflow servers, EFS mount targets and file
//! systems) and the status each one's wait reads. A deletion of something
//! already gone is done, not an error: a run that stopped half-way may be
//! run again.

use aws_config::SdkConfig;
use aws_sdk_sagemaker::types as sm;

use super::call_error;
use super::fix::is_gone;
use super::operations as op;
use crate::snapshot::CallError;
use crate::snapshot::inventory::Deletion;

/// Makes the call that deletes `deletion` (for mount targets, one call per
/// mount target of the file system).
pub(super) async fn delete(config: &SdkConfig, deletion: &Deletion) -> Result<(), CallError> {
    let result = match deletion {
        Deletion::MountTargets { file_system_id } => delete_mount_targets(config, file_system_id).await,
        Deletion::FileSystem { file_system_id } => aws_sdk_efs::Client::new(config)
            .delete_file_system()
            .file_system_id(file_system_id)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_FILE_SYSTEM, e)),
        other => delete_sagemaker(config, other).await,
    };
    match result {
        Err(e) if is_gone(&e) => Ok(()),
        other => other,
    }
}

async fn delete_sagemaker(config: &SdkConfig, deletion: &Deletion) -> Result<(), CallError> {
    let client = aws_sdk_sagemaker::Client::new(config);
    match deletion {
        Deletion::Space { domain_id, name } => client
            .delete_space()
            .domain_id(domain_id)
            .space_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_SPACE, e)),
        Deletion::UserProfile { domain_id, name } => client
            .delete_user_profile()
            .domain_id(domain_id)
            .user_profile_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_USER_PROFILE, e)),
        // The home EFS goes with the domain: by default it is retained and bills.
        Deletion::Domain { domain_id } => client
            .delete_domain()
            .domain_id(domain_id)
            .retention_policy(
                sm::RetentionPolicy::builder()
                    .home_efs_file_system(sm::RetentionType::Delete)
                    .build(),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_DOMAIN, e)),
        Deletion::NotebookInstance { name } => client
            .delete_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_NOTEBOOK_INSTANCE, e)),
        Deletion::MlflowTrackingServer { name } => client
            .delete_mlflow_tracking_server()
            .tracking_server_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| call_error(op::DELETE_MLFLOW_TRACKING_SERVER, e)),
        Deletion::MountTargets { .. } | Deletion::FileSystem { .. } => Ok(()),
    }
}

/// Every mount target of the file system, deleted one by one.
async fn delete_mount_targets(config: &SdkConfig, file_system_id: &str) -> Result<(), CallError> {
    let efs = aws_sdk_efs::Client::new(config);
    for id in mount_targets(config, file_system_id).await?.0 {
        let result = efs
            .delete_mount_target()
            .mount_target_id(&id)
            .send()
            .await
            .map_err(|e| call_error(op::DELETE_MOUNT_TARGET, e));
        match result {
            Err(e) if !is_gone(&e) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The ids of a file system's mount targets, and the state of the first.
async fn mount_targets(config: &SdkConfig, file_system_id: &str) -> Result<(Vec<String>, String), CallError> {
    let out = aws_sdk_efs::Client::new(config)
        .describe_mount_targets()
        .file_system_id(file_system_id)
        .send()
        .await
        .map_err(|e| call_error(op::DESCRIBE_MOUNT_TARGETS, e))?;
    let state = out
        .mount_targets()
        .first()
        .map(|m| m.life_cycle_state().as_str().to_string())
        .unwrap_or_default();
    Ok((
        out.mount_targets()
            .iter()
            .map(|m| m.mount_target_id().to_string())
            .collect(),
        state,
    ))
}

/// The status `deletion`'s resource is in now: `Deleted` once it is gone,
/// else AWS's status (`Deleting`, `InService`, `Failed`, `Delete_Failed`…).
pub(super) async fn status(config: &SdkConfig, deletion: &Deletion) -> Result<String, CallError> {
    let client = aws_sdk_sagemaker::Client::new(config);
    let name = |s: Option<&str>| s.unwrap_or("Unknown").to_string();
    let result = match deletion {
        Deletion::Space { domain_id, name: space } => client
            .describe_space()
            .domain_id(domain_id)
            .space_name(space)
            .send()
            .await
            .map(|out| name(out.status().map(|s| s.as_str())))
            .map_err(|e| call_error(op::DESCRIBE_SPACE, e)),
        Deletion::UserProfile {
            domain_id,
            name: profile,
        } => client
            .describe_user_profile()
            .domain_id(domain_id)
            .user_profile_name(profile)
            .send()
            .await
            .map(|out| name(out.status().map(|s| s.as_str())))
            .map_err(|e| call_error(op::DESCRIBE_USER_PROFILE, e)),
        Deletion::Domain { domain_id } => client
            .describe_domain()
            .domain_id(domain_id)
            .send()
            .await
            .map(|out| name(out.status().map(|s| s.as_str())))
            .map_err(|e| call_error(op::DESCRIBE_DOMAIN, e)),
        Deletion::NotebookInstance { name: notebook } => client
            .describe_notebook_instance()
            .notebook_instance_name(notebook)
            .send()
            .await
            .map(|out| name(out.notebook_instance_status().map(|s| s.as_str())))
            .map_err(|e| call_error(op::DESCRIBE_NOTEBOOK_INSTANCE, e)),
        Deletion::MlflowTrackingServer { name: server } => client
            .describe_mlflow_tracking_server()
            .tracking_server_name(server)
            .send()
            .await
            .map(|out| name(out.tracking_server_status().map(|s| s.as_str())))
            .map_err(|e| call_error(op::DESCRIBE_MLFLOW_TRACKING_SERVER, e)),
        Deletion::MountTargets { file_system_id } => match mount_targets(config, file_system_id).await {
            Ok((ids, _)) if ids.is_empty() => Ok("Deleted".to_string()),
            Ok((_, state)) => Ok(efs_state(&state)),
            Err(e) => Err(e),
        },
        Deletion::FileSystem { file_system_id } => aws_sdk_efs::Client::new(config)
            .describe_file_systems()
            .file_system_id(file_system_id)
            .send()
            .await
            .map(|out| {
                out.file_systems()
                    .first()
                    .map_or("Deleted".to_string(), |fs| efs_state(fs.life_cycle_state().as_str()))
            })
            .map_err(|e| call_error(op::DESCRIBE_FILE_SYSTEMS, e)),
    };
    match result {
        Err(e) if is_gone(&e) => Ok("Deleted".to_string()),
        other => other,
    }
}

/// EFS's lower-case life-cycle states in SageMaker's words (`deleted` is
/// `Deleted`, `error` is `Failed`).
fn efs_state(state: &str) -> String {
    match state {
        "deleted" => "Deleted".to_string(),
        "deleting" => "Deleting".to_string(),
        "error" => "Failed".to_string(),
        "available" => "Available".to_string(),
        other => other.to_string(),
    }
}
