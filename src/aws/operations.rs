//! Every AWS operation the tool calls, as its IAM action: the one list the
//! IAM policies (the learner's, the instructor's) and the instructor's role
//! template are generated from. Call sites name these constants. Kinds:
//! read-only (the checks and the audit), the fixes' changes (stopping
//! compute, the budget, idle shutdown), the teardown's deletions and the
//! waits only it makes, and the instructor's own.

pub(crate) struct Operation {
    pub action: &'static str,
    /// Changes something in the account (only fixes do).
    pub mutating: bool,
    /// Deletes what keeps data, or waits on such a deletion: only
    /// `teardown --level storage|domain` calls it.
    pub teardown: bool,
    /// Made with the source profile's credentials to obtain the learner's
    /// own (AssumeRole with MFA): granted where that role is set up, so not
    /// part of the checks' policy.
    pub identity: bool,
    /// Read-only but not needed by the checks, and billed per request:
    /// granted in a statement of its own that can be left out (`spend`).
    pub optional: bool,
    /// Made with the instructor's own credentials (finding the class in
    /// AWS Organizations): in the instructor's policy, never in the
    /// students' role or the learner's policy.
    pub instructor: bool,
}

macro_rules! operations {
    ($($name:ident = $action:literal $(, $flag:ident)?;)*) => {
        // Budgets answers several calls under one IAM action (DescribeBudgets,
        // DescribeNotificationsForBudget and DescribeSubscribersForNotification
        // all need budgets:ViewBudget; CreateBudget with its notifications needs
        // budgets:ModifyBudget).
        $(pub(crate) const $name: &str = $action;)*
        pub(crate) const ALL: &[Operation] = &[$(Operation {
            action: $action,
            mutating: operations!(@m $($flag)?),
            teardown: operations!(@t $($flag)?),
            identity: operations!(@i $($flag)?),
            optional: operations!(@o $($flag)?),
            instructor: operations!(@c $($flag)?),
        }),*];
    };
    (@m) => { false };
    (@m mutating) => { true };
    (@m $other:ident) => { false };
    (@t) => { false };
    (@t teardown) => { true };
    (@t $other:ident) => { false };
    (@i) => { false };
    (@i identity) => { true };
    (@i $other:ident) => { false };
    (@o) => { false };
    (@o optional) => { true };
    (@o $other:ident) => { false };
    (@c) => { false };
    (@c instructor) => { true };
    (@c $other:ident) => { false };
}

operations! {
    GET_CALLER_IDENTITY = "sts:GetCallerIdentity";
    LIST_DOMAINS = "sagemaker:ListDomains";
    DESCRIBE_DOMAIN = "sagemaker:DescribeDomain";
    LIST_USER_PROFILES = "sagemaker:ListUserProfiles";
    DESCRIBE_USER_PROFILE = "sagemaker:DescribeUserProfile";
    LIST_SPACES = "sagemaker:ListSpaces";
    DESCRIBE_SPACE = "sagemaker:DescribeSpace";
    LIST_APPS = "sagemaker:ListApps";
    LIST_STUDIO_LIFECYCLE_CONFIGS = "sagemaker:ListStudioLifecycleConfigs";
    DESCRIBE_STUDIO_LIFECYCLE_CONFIG = "sagemaker:DescribeStudioLifecycleConfig";
    LIST_NOTEBOOK_INSTANCES = "sagemaker:ListNotebookInstances";
    DESCRIBE_NOTEBOOK_INSTANCE_LIFECYCLE_CONFIG = "sagemaker:DescribeNotebookInstanceLifecycleConfig";
    LIST_ENDPOINTS = "sagemaker:ListEndpoints";
    DESCRIBE_ENDPOINT = "sagemaker:DescribeEndpoint";
    DESCRIBE_ENDPOINT_CONFIG = "sagemaker:DescribeEndpointConfig";
    LIST_TRAINING_JOBS = "sagemaker:ListTrainingJobs";
    DESCRIBE_TRAINING_JOB = "sagemaker:DescribeTrainingJob";
    DESCRIBE_BUDGETS = "budgets:ViewBudget";
    DESCRIBE_ALARMS = "cloudwatch:DescribeAlarms";
    GET_METRIC_DATA = "cloudwatch:GetMetricData";
    GET_PRODUCTS = "pricing:GetProducts";
    LIST_REGIONS = "account:ListRegions";
    LIST_PROCESSING_JOBS = "sagemaker:ListProcessingJobs";
    DESCRIBE_PROCESSING_JOB = "sagemaker:DescribeProcessingJob";
    DESCRIBE_APP = "sagemaker:DescribeApp";
    DESCRIBE_NOTEBOOK_INSTANCE = "sagemaker:DescribeNotebookInstance";
    LIST_MLFLOW_TRACKING_SERVERS = "sagemaker:ListMlflowTrackingServers";
    DESCRIBE_MLFLOW_TRACKING_SERVER = "sagemaker:DescribeMlflowTrackingServer";
    LIST_TRANSFORM_JOBS = "sagemaker:ListTransformJobs";
    DESCRIBE_TRANSFORM_JOB = "sagemaker:DescribeTransformJob";
    LIST_CLUSTERS = "sagemaker:ListClusters";
    DESCRIBE_CLUSTER = "sagemaker:DescribeCluster";
    LIST_INFERENCE_COMPONENTS = "sagemaker:ListInferenceComponents";
    DESCRIBE_FILE_SYSTEMS = "elasticfilesystem:DescribeFileSystems";
    DELETE_APP = "sagemaker:DeleteApp", mutating;
    STOP_NOTEBOOK_INSTANCE = "sagemaker:StopNotebookInstance", mutating;
    DELETE_ENDPOINT = "sagemaker:DeleteEndpoint", mutating;
    STOP_MLFLOW_TRACKING_SERVER = "sagemaker:StopMlflowTrackingServer", mutating;
    STOP_TRANSFORM_JOB = "sagemaker:StopTransformJob", mutating;
    STOP_TRAINING_JOB = "sagemaker:StopTrainingJob", mutating;
    STOP_PROCESSING_JOB = "sagemaker:StopProcessingJob", mutating;
    DELETE_CLUSTER = "sagemaker:DeleteCluster", mutating;
    UPDATE_TRAINING_JOB = "sagemaker:UpdateTrainingJob", mutating;
    CREATE_BUDGET = "budgets:ModifyBudget", mutating;
    UPDATE_DOMAIN = "sagemaker:UpdateDomain", mutating;
    UPDATE_USER_PROFILE = "sagemaker:UpdateUserProfile", mutating;
    ASSUME_ROLE_WITH_MFA = "sts:AssumeRole", identity;
    DELETE_SPACE = "sagemaker:DeleteSpace", teardown;
    DELETE_USER_PROFILE = "sagemaker:DeleteUserProfile", teardown;
    DELETE_DOMAIN = "sagemaker:DeleteDomain", teardown;
    DELETE_NOTEBOOK_INSTANCE = "sagemaker:DeleteNotebookInstance", teardown;
    DELETE_MLFLOW_TRACKING_SERVER = "sagemaker:DeleteMlflowTrackingServer", teardown;
    DESCRIBE_MOUNT_TARGETS = "elasticfilesystem:DescribeMountTargets", teardown;
    DELETE_MOUNT_TARGET = "elasticfilesystem:DeleteMountTarget", teardown;
    DELETE_FILE_SYSTEM = "elasticfilesystem:DeleteFileSystem", teardown;
    GET_COST_AND_USAGE = "ce:GetCostAndUsage", optional;
    LIST_CHILDREN = "organizations:ListChildren", instructor;
    LIST_ACCOUNTS_FOR_PARENT = "organizations:ListAccountsForParent", instructor;
}

/// The resources the teardown's actions may act on, by the resource types the
/// Service Authorization Reference gives each one (every one of them
/// requires its type: DeleteSpace `space*`, DeleteUserProfile
/// `user-profile*`, DeleteDomain `domain*`, DeleteNotebookInstance
/// `notebook-instance*`, DeleteMlflowTrackingServer
/// `mlflow-tracking-server*`; DeleteMountTarget, DeleteFileSystem and
/// DescribeMountTargets `file-system*`), in the `aws` partition, any region
/// and account (the policy is the same for every learner).
pub(crate) const TEARDOWN_RESOURCES: &[&str] = &[
    "arn:aws:sagemaker:*:*:space/*",
    "arn:aws:sagemaker:*:*:user-profile/*",
    "arn:aws:sagemaker:*:*:domain/*",
    "arn:aws:sagemaker:*:*:notebook-instance/*",
    "arn:aws:sagemaker:*:*:mlflow-tracking-server/*",
    "arn:aws:elasticfilesystem:*:*:file-system/*",
];

fn actions(keep: impl Fn(&Operation) -> bool) -> Vec<&'static str> {
    let mut actions: Vec<&str> = ALL.iter().filter(|o| keep(o)).map(|o| o.action).collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

/// The IAM actions of the checks and the audit, sorted.
pub(crate) fn read_only() -> Vec<&'static str> {
    actions(|o| !o.mutating && !o.identity && !o.optional && !o.instructor && !o.teardown)
}

/// The IAM actions only the fixes need, sorted.
pub(crate) fn mutating() -> Vec<&'static str> {
    actions(|o| o.mutating)
}

/// The IAM actions only the teardown's `storage` and `domain` levels need, sorted.
pub(crate) fn teardown() -> Vec<&'static str> {
    actions(|o| o.teardown)
}

/// Read-only actions only some commands use, each billed per request
/// (`ce:GetCostAndUsage`, for `spend`, `audit --spend` and `instructor
/// verify --spend`), sorted.
pub(crate) fn optional() -> Vec<&'static str> {
    actions(|o| o.optional)
}

/// The Sid of the optional statement, named in `iam-policy`'s explanation.
pub(crate) const OPTIONAL_SID: &str = "SmCourseOptionalCostExplorer";

/// The instructor's own actions (finding the class in an organisational unit), sorted.
pub(crate) fn instructor() -> Vec<&'static str> {
    actions(|o| o.instructor)
}

/// The instructor's policy for `instructor verify`: assuming the students'
/// audit role (`role_name` in any account) and, for `--org-ou`, reading the
/// organisation's units and accounts (granted in the management account or
/// a delegated administrator's).
pub(crate) fn instructor_policy_json(role_name: &str) -> String {
    let statements = vec![
        serde_json::json!({
            "Sid": "SmCourseAssumeStudentAuditRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": format!("arn:aws:iam::*:role/{role_name}")
        }),
        serde_json::json!({
            "Sid": "SmCourseFindTheClass",
            "Effect": "Allow",
            "Action": instructor(),
            "Resource": "*"
        }),
    ];
    crate::util::json_pretty(&serde_json::json!({ "Version": "2012-10-17", "Statement": statements }))
}

/// The least-privilege policy for the checks; with `with_fixes`, the actions
/// fixes add (stopping compute is the teardown's first level too); with
/// `with_teardown`, both, and the teardown's deletions in a statement of
/// their own, limited to the resource types they act on; last, the
/// optional statement, which can be deleted whole.
pub(crate) fn policy_json(with_fixes: bool, with_teardown: bool) -> String {
    let mut statements = vec![serde_json::json!({
        "Sid": "SmCourseReadOnlyChecks",
        "Effect": "Allow",
        "Action": read_only(),
        "Resource": "*"
    })];
    if with_fixes || with_teardown {
        statements.push(serde_json::json!({
            "Sid": "SmCourseFixes",
            "Effect": "Allow",
            "Action": mutating(),
            "Resource": "*"
        }));
    }
    if with_teardown {
        statements.push(serde_json::json!({
            "Sid": "SmCourseTeardown",
            "Effect": "Allow",
            "Action": teardown(),
            "Resource": TEARDOWN_RESOURCES
        }));
    }
    statements.push(serde_json::json!({
        "Sid": OPTIONAL_SID,
        "Effect": "Allow",
        "Action": optional(),
        "Resource": "*"
    }));
    crate::util::json_pretty(&serde_json::json!({ "Version": "2012-10-17", "Statement": statements }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(policy: &serde_json::Value, statement: usize) -> Vec<String> {
        policy["Statement"][statement]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_read_only_policy_holds_only_list_describe_view_and_get_actions() {
        let policy: serde_json::Value = serde_json::from_str(&policy_json(false, false)).unwrap();
        assert_eq!(policy["Statement"].as_array().unwrap().len(), 2);
        assert_eq!(
            actions(&policy, 1),
            ["ce:GetCostAndUsage"],
            "the optional statement, last"
        );
        assert_eq!(policy["Statement"][1]["Sid"], OPTIONAL_SID);
        for action in actions(&policy, 0).into_iter().chain(actions(&policy, 1)) {
            let verb = action.split(':').nth(1).unwrap();
            assert!(
                ["List", "Describe", "View", "Get"].iter().any(|p| verb.starts_with(p)),
                "{action} is not read-only"
            );
        }
    }

    #[test]
    fn the_instructors_policy_reads_the_organisation_and_assumes_only_the_audit_role() {
        let policy: serde_json::Value = serde_json::from_str(&instructor_policy_json("CourseAudit")).unwrap();
        assert_eq!(policy["Statement"][0]["Action"], "sts:AssumeRole");
        assert_eq!(policy["Statement"][0]["Resource"], "arn:aws:iam::*:role/CourseAudit");
        assert_eq!(
            actions(&policy, 1),
            ["organizations:ListAccountsForParent", "organizations:ListChildren"]
        );
        // The students' role and the learner's policy never carry them.
        assert!(!policy_json(true, true).contains("organizations:"));
    }

    #[test]
    fn the_fixes_add_exactly_the_mutating_actions() {
        let policy: serde_json::Value = serde_json::from_str(&policy_json(true, false)).unwrap();
        assert_eq!(
            policy["Statement"].as_array().unwrap().len(),
            3,
            "with the optional one, last"
        );
        assert_eq!(
            actions(&policy, 1),
            [
                "budgets:ModifyBudget",
                "sagemaker:DeleteApp",
                "sagemaker:DeleteCluster",
                "sagemaker:DeleteEndpoint",
                "sagemaker:StopMlflowTrackingServer",
                "sagemaker:StopNotebookInstance",
                "sagemaker:StopProcessingJob",
                "sagemaker:StopTrainingJob",
                "sagemaker:StopTransformJob",
                "sagemaker:UpdateDomain",
                "sagemaker:UpdateTrainingJob",
                "sagemaker:UpdateUserProfile"
            ]
        );
    }

    #[test]
    fn the_teardown_adds_its_deletions_apart_scoped_to_their_resource_types() {
        let policy: serde_json::Value = serde_json::from_str(&policy_json(false, true)).unwrap();
        let statements = policy["Statement"].as_array().unwrap();
        assert_eq!(
            statements.len(),
            4,
            "read-only, the fixes (stopping compute), the teardown, the optional one"
        );
        assert_eq!(statements[2]["Sid"], "SmCourseTeardown");
        assert_eq!(statements[3]["Sid"], OPTIONAL_SID, "the optional statement stays last");
        assert_eq!(
            actions(&policy, 2),
            [
                "elasticfilesystem:DeleteFileSystem",
                "elasticfilesystem:DeleteMountTarget",
                "elasticfilesystem:DescribeMountTargets",
                "sagemaker:DeleteDomain",
                "sagemaker:DeleteMlflowTrackingServer",
                "sagemaker:DeleteNotebookInstance",
                "sagemaker:DeleteSpace",
                "sagemaker:DeleteUserProfile"
            ]
        );
        // Never "*": each action acts on its own resource type only.
        let resources: Vec<&str> = statements[2]["Resource"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert!(resources.iter().all(|r| r.starts_with("arn:aws:") && *r != "*"));
        for action in teardown() {
            let (service, _) = action.split_once(':').unwrap();
            assert!(
                resources.iter().any(|r| r.starts_with(&format!("arn:aws:{service}:"))),
                "{action} has no resource of its service"
            );
        }
        // Not in the read-only statement: a learner who only checks never gets them.
        assert!(read_only().iter().all(|a| !teardown().contains(a)));
        // Every deletion the teardown makes names one of them.
        use crate::snapshot::inventory::Deletion;
        for deletion in [
            Deletion::Space {
                domain_id: "d".into(),
                name: "s".into(),
            },
            Deletion::UserProfile {
                domain_id: "d".into(),
                name: "u".into(),
            },
            Deletion::Domain { domain_id: "d".into() },
            Deletion::NotebookInstance { name: "n".into() },
            Deletion::MlflowTrackingServer { name: "m".into() },
            Deletion::MountTargets {
                file_system_id: "fs".into(),
            },
            Deletion::FileSystem {
                file_system_id: "fs".into(),
            },
        ] {
            assert!(teardown().contains(&deletion.action()), "{deletion:?}");
        }
    }

    /// Every SDK call in the code names its IAM action from this list, and
    /// every action here is in the generated policy: a call added without
    /// its permission fails this test. The whole of `src/` is read; calls
    /// outside `src/aws/` fail the shape test (`shape.rs`).
    #[test]
    fn every_operation_the_code_calls_is_in_the_policy() {
        let policy = policy_json(true, true);
        let mut used = std::collections::BTreeSet::new();
        let mut calls = 0;
        for (path, text) in crate::shape::production_sources() {
            for (at, _) in text.match_indices(".send()") {
                calls += 1;
                // Each call's error is sorted under its IAM action after it,
                // before the next call (in `list_all!`, the macro's operation).
                let rest = &text[at + 1..];
                let next = rest.find(".send()").unwrap_or(rest.len());
                let window: String = rest[..next].chars().take(900).collect();
                assert!(
                    window.contains("op::") || window.contains("call_error($operation"),
                    "{}: a call without its operation: {window}",
                    path.display()
                );
            }
            for (at, _) in text.match_indices("op::") {
                // `op::X`, not the end of another path (`stop::StopOptions`).
                if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let name: String = text[at + 4..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "ALL" {
                    used.insert(name);
                }
            }
        }
        assert!(calls > 20, "the collector and fixer make their calls with .send()");
        let source = include_str!("operations.rs");
        for name in &used {
            let line = source
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{name} = ")))
                .unwrap_or_else(|| panic!("op::{name} is not in operations.rs"));
            let action = line.split('"').nth(1).unwrap();
            if line.trim_end().ends_with(", identity;") {
                continue;
            }
            if line.trim_end().ends_with(", instructor;") {
                assert!(
                    instructor_policy_json("CourseAudit").contains(&format!("\"{action}\"")),
                    "{action} (op::{name}) missing from the instructor's policy"
                );
                assert!(
                    !policy.contains(action),
                    "{action} is the instructor's, not the learner's"
                );
                continue;
            }
            assert!(
                policy.contains(&format!("\"{action}\"")),
                "{action} (op::{name}) missing from the policy"
            );
        }
        for operation in ALL.iter().filter(|o| !o.identity && !o.instructor) {
            assert!(policy.contains(operation.action));
        }
    }
}
