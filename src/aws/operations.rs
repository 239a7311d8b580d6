//! Every AWS operation the tool calls, as its IAM action: the one list the
//! IAM policy is generated from. Call sites name these constants.

pub struct Operation {
    pub action: &'static str,
    /// Changes something in the account (only fixes do).
    pub mutating: bool,
}

macro_rules! operations {
    ($($name:ident = $action:literal $(, $mutating:ident)?;)*) => {
        // Budgets answers several calls under one IAM action (DescribeBudgets,
        // DescribeNotificationsForBudget and DescribeSubscribersForNotification
        // all need budgets:ViewBudget; CreateBudget with its notifications needs
        // budgets:ModifyBudget).
        $(pub const $name: &str = $action;)*
        pub const ALL: &[Operation] = &[$(Operation { action: $action, mutating: operations!(@m $($mutating)?) }),*];
    };
    (@m) => { false };
    (@m mutating) => { true };
}

operations! {
    GET_CALLER_IDENTITY = "sts:GetCallerIdentity";
    LIST_DOMAINS = "sagemaker:ListDomains";
    DESCRIBE_DOMAIN = "sagemaker:DescribeDomain";
    LIST_USER_PROFILES = "sagemaker:ListUserProfiles";
    DESCRIBE_USER_PROFILE = "sagemaker:DescribeUserProfile";
    LIST_SPACES = "sagemaker:ListSpaces";
    LIST_APPS = "sagemaker:ListApps";
    LIST_STUDIO_LIFECYCLE_CONFIGS = "sagemaker:ListStudioLifecycleConfigs";
    DESCRIBE_STUDIO_LIFECYCLE_CONFIG = "sagemaker:DescribeStudioLifecycleConfig";
    LIST_NOTEBOOK_INSTANCES = "sagemaker:ListNotebookInstances";
    LIST_ENDPOINTS = "sagemaker:ListEndpoints";
    DESCRIBE_ENDPOINT = "sagemaker:DescribeEndpoint";
    DESCRIBE_ENDPOINT_CONFIG = "sagemaker:DescribeEndpointConfig";
    LIST_TRAINING_JOBS = "sagemaker:ListTrainingJobs";
    DESCRIBE_TRAINING_JOB = "sagemaker:DescribeTrainingJob";
    DESCRIBE_BUDGETS = "budgets:ViewBudget";
    DESCRIBE_ALARMS = "cloudwatch:DescribeAlarms";
    GET_PRODUCTS = "pricing:GetProducts";
    LIST_PROCESSING_JOBS = "sagemaker:ListProcessingJobs";
    DESCRIBE_PROCESSING_JOB = "sagemaker:DescribeProcessingJob";
    DESCRIBE_APP = "sagemaker:DescribeApp";
    DESCRIBE_NOTEBOOK_INSTANCE = "sagemaker:DescribeNotebookInstance";
    DELETE_APP = "sagemaker:DeleteApp", mutating;
    STOP_NOTEBOOK_INSTANCE = "sagemaker:StopNotebookInstance", mutating;
    DELETE_ENDPOINT = "sagemaker:DeleteEndpoint", mutating;
    CREATE_BUDGET = "budgets:ModifyBudget", mutating;
    UPDATE_DOMAIN = "sagemaker:UpdateDomain", mutating;
    UPDATE_USER_PROFILE = "sagemaker:UpdateUserProfile", mutating;
}
