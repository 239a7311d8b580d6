"""The emulator's own test: starts server.py on a free port and checks,
through boto3 as a test would seed it, every call and knob it adds to moto.
Exits non-zero on the first failure of any group and names it.

Usage: target/emulator-venv/bin/python tests/emulator/selftest.py
"""

import datetime
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import cbor2
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
ACCOUNT = "123456789012"
REGION = "eu-central-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/course"
# Short, so the Deleting and Stopping phases pass quickly.
DELETING = 0.25

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION)
for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(name, None)

server = subprocess.Popen(
    [
        sys.executable,
        str(HERE / "server.py"),
        "--port",
        "0",
        "--deleting-seconds",
        str(DELETING),
        # Set at start, so the command-line form is covered too.
        "--fault",
        "GetCostAndUsage=AccessDeniedException:400@3+",
    ],
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
    text=True,
)
URL = f"http://127.0.0.1:{server.stdout.readline().split()[1]}"
# No retries: a fault must reach the test as it was answered.
PLAIN = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def client(service, region=REGION, **kw):
    return boto3.client(service, endpoint_url=URL, region_name=region, config=PLAIN, **kw)


sm, efs, ec2 = client("sagemaker"), client("efs"), client("ec2")


def code(call, **kw):
    """The AWS error code `call` answers, or None when it succeeds."""
    try:
        call(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def expect_error(expected, call, **kw):
    got = code(call, **kw)
    assert got == expected, f"{call.__name__}: expected {expected}, got {got}"


def gone_after_deleting(describe, status_of, not_found="ResourceNotFound", **kw):
    """`describe` shows Deleting now, and `not_found` once DELETING has passed."""
    assert status_of(describe(**kw)) == "Deleting", status_of(describe(**kw))
    time.sleep(DELETING + 0.1)
    expect_error(not_found, describe, **kw)


def control(method, path, body=None):
    answer = requests.request(method, URL + path, json=body)
    assert answer.ok, answer.text
    return answer.json()


def near(value, expected, slack=5):
    return abs(value - expected) <= slack


def domain(name, **kw):
    sm.create_domain(
        DomainName=name,
        AuthMode="IAM",
        DefaultUserSettings={
            "ExecutionRole": ROLE,
            "SpaceStorageSettings": {
                "DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 5, "MaximumEbsVolumeSizeInGb": 100}
            },
        },
        DefaultSpaceSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-made-up-1", "subnet-made-up-2"],
        VpcId="vpc-made-up",
        **kw,
    )
    return f"d-{name}"


def storage_and_efs():
    """Items 1, 2: space storage, domain defaults, the domain's home EFS."""
    d = domain("store", Tags=[{"Key": "harness:efs-size-bytes", "Value": str(7 * 2**30)}])
    described = sm.describe_domain(DomainId=d)
    ebs = described["DefaultUserSettings"]["SpaceStorageSettings"]["DefaultEbsStorageSettings"]
    assert ebs == {"DefaultEbsVolumeSizeInGb": 5, "MaximumEbsVolumeSizeInGb": 100}, ebs
    assert described["DefaultSpaceSettings"]["ExecutionRole"] == ROLE
    sm.create_user_profile(DomainId=d, UserProfileName="ana")
    sm.create_space(
        DomainId=d,
        SpaceName="big",
        SpaceSettings={"AppType": "JupyterLab", "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 50}}},
        OwnershipSettings={"OwnerUserProfileName": "ana"},
        SpaceSharingSettings={"SharingType": "Private"},
    )
    space = sm.describe_space(DomainId=d, SpaceName="big")
    assert space["SpaceSettings"]["SpaceStorageSettings"]["EbsStorageSettings"]["EbsVolumeSizeInGb"] == 50
    listed = sm.list_spaces(DomainIdEquals=d)["Spaces"][0]["SpaceSettingsSummary"]
    assert listed["SpaceStorageSettings"]["EbsStorageSettings"]["EbsVolumeSizeInGb"] == 50, listed
    expect_error(
        "ValidationException",
        sm.create_space,
        DomainId=d,
        SpaceName="too-big",
        SpaceSettings={"SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 500}}},
    )

    fs_id = described["HomeEfsFileSystemId"]
    assert fs_id.startswith("fs-"), fs_id
    fs = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
    assert {"Key": "ManagedByAmazonSageMakerResource", "Value": described["DomainArn"]} in fs["Tags"], fs["Tags"]
    assert fs["SizeInBytes"]["Value"] == 7 * 2**30, fs["SizeInBytes"]
    targets = efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]
    assert len(targets) == 2 and fs["NumberOfMountTargets"] == 2, targets
    subnets = {s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["DefaultForAz"]}
    assert {t["SubnetId"] for t in targets} <= subnets
    efs.tag_resource(ResourceId=fs_id, Tags=[{"Key": "harness:size-bytes", "Value": "12345"}])
    assert efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["SizeInBytes"]["Value"] == 12345


def notebooks():
    """Item 3, and item 11's DeleteNotebookInstance."""
    sm.create_notebook_instance(NotebookInstanceName="nb-default", InstanceType="ml.t3.medium", RoleArn=ROLE)
    sm.create_notebook_instance(
        NotebookInstanceName="nb-big", InstanceType="ml.g4dn.xlarge", RoleArn=ROLE, VolumeSizeInGB=500
    )
    assert sm.describe_notebook_instance(NotebookInstanceName="nb-default")["VolumeSizeInGB"] == 5
    assert sm.describe_notebook_instance(NotebookInstanceName="nb-big")["VolumeSizeInGB"] == 500
    expect_error("ValidationException", sm.delete_notebook_instance, NotebookInstanceName="nb-big")
    sm.stop_notebook_instance(NotebookInstanceName="nb-big")
    listed = {n["NotebookInstanceName"]: n["NotebookInstanceStatus"] for n in sm.list_notebook_instances()["NotebookInstances"]}
    assert listed == {"nb-default": "InService", "nb-big": "Stopped"}, listed
    sm.delete_notebook_instance(NotebookInstanceName="nb-big")
    describe = sm.describe_notebook_instance
    gone_after_deleting(
        describe, lambda r: r["NotebookInstanceStatus"], "ValidationException", NotebookInstanceName="nb-big"
    )
    assert [n["NotebookInstanceName"] for n in sm.list_notebook_instances()["NotebookInstances"]] == ["nb-default"]


def training_job(name, keep=None, tags=(), count=1):
    resources = {"InstanceType": "ml.p3.2xlarge", "InstanceCount": count, "VolumeSizeInGB": 10}
    if keep is not None:
        resources["KeepAlivePeriodInSeconds"] = keep
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": "i", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/o"},
        ResourceConfig=resources,
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=[{"Key": k, "Value": v} for k, v in tags],
    )


def warm_pools():
    """Item 4."""
    training_job("pool-available", 3600, [("harness:ended-seconds-ago", "600")], count=2)
    training_job("pool-expired", 60, [("harness:ended-seconds-ago", "600")])
    training_job("pool-released", 3600, [("harness:ended-seconds-ago", "30")])
    training_job("pool-in-use", 3600, [("harness:status", "InProgress")])
    training_job("no-pool")
    available = sm.describe_training_job(TrainingJobName="pool-available")
    assert available["ResourceConfig"]["KeepAlivePeriodInSeconds"] == 3600
    pool = available["WarmPoolStatus"]
    assert pool["Status"] == "Available" and near(pool["ResourceRetainedBillableTimeInSeconds"], 600), pool
    assert sm.describe_training_job(TrainingJobName="pool-expired")["WarmPoolStatus"] == {
        "Status": "Terminated",
        "ResourceRetainedBillableTimeInSeconds": 60,
    }
    assert sm.describe_training_job(TrainingJobName="pool-in-use")["WarmPoolStatus"] == {"Status": "InUse"}
    assert "WarmPoolStatus" not in sm.describe_training_job(TrainingJobName="no-pool")
    sm.update_training_job(TrainingJobName="pool-released", ResourceConfig={"KeepAlivePeriodInSeconds": 0})
    released = sm.describe_training_job(TrainingJobName="pool-released")["WarmPoolStatus"]
    assert released["Status"] == "Terminated" and near(released["ResourceRetainedBillableTimeInSeconds"], 30), released
    expect_error(
        "ValidationException",
        sm.update_training_job,
        TrainingJobName="pool-released",
        ResourceConfig={"KeepAlivePeriodInSeconds": 0},
    )

    def names(**kw):
        return sorted(s["TrainingJobName"] for s in sm.list_training_jobs(**kw)["TrainingJobSummaries"])

    assert names(WarmPoolStatusEquals="Available") == ["pool-available"]
    assert names(WarmPoolStatusEquals="Terminated") == ["pool-expired", "pool-released"]
    summary = sm.list_training_jobs(WarmPoolStatusEquals="Available")["TrainingJobSummaries"][0]
    assert summary["WarmPoolStatus"]["Status"] == "Available", summary
    page = sm.list_training_jobs(MaxResults=2, SortBy="Name", SortOrder="Ascending")
    assert [s["TrainingJobName"] for s in page["TrainingJobSummaries"]] == ["no-pool", "pool-available"]
    page = sm.list_training_jobs(MaxResults=2, SortBy="Name", SortOrder="Ascending", NextToken=page["NextToken"])
    assert [s["TrainingJobName"] for s in page["TrainingJobSummaries"]] == ["pool-expired", "pool-in-use"]


def inference_components():
    """Item 5."""
    sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "i"})
    for name in ("ic-host", "ic-other"):
        sm.create_endpoint_config(
            EndpointConfigName=name,
            ProductionVariants=[{"VariantName": "AllTraffic", "InstanceType": "ml.g5.12xlarge", "InitialInstanceCount": 1}],
        )
        sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    for name, endpoint, copies in (("llm-a", "ic-host", 2), ("llm-b", "ic-host", 1), ("llm-c", "ic-other", 3)):
        sm.create_inference_component(
            InferenceComponentName=name,
            EndpointName=endpoint,
            VariantName="AllTraffic",
            Specification={
                "ModelName": "m",
                "ComputeResourceRequirements": {"NumberOfAcceleratorDevicesRequired": 1, "MinMemoryRequiredInMb": 1024},
            },
            RuntimeConfig={"CopyCount": copies},
        )
    described = sm.describe_inference_component(InferenceComponentName="llm-a")
    assert described["Specification"]["ComputeResourceRequirements"] == {
        "NumberOfAcceleratorDevicesRequired": 1.0,
        "MinMemoryRequiredInMb": 1024,
    }, described["Specification"]
    assert described["RuntimeConfig"] == {"DesiredCopyCount": 2, "CurrentCopyCount": 2}
    assert described["InferenceComponentStatus"] == "InService" and described["EndpointName"] == "ic-host"
    first = sm.list_inference_components(EndpointNameEquals="ic-host", MaxResults=1)
    second = sm.list_inference_components(EndpointNameEquals="ic-host", MaxResults=1, NextToken=first["NextToken"])
    listed = [i["InferenceComponentName"] for i in first["InferenceComponents"] + second["InferenceComponents"]]
    assert sorted(listed) == ["llm-a", "llm-b"] and "NextToken" not in second, listed
    sm.delete_inference_component(InferenceComponentName="llm-b")
    gone_after_deleting(
        sm.describe_inference_component,
        lambda r: r["InferenceComponentStatus"],
        "ValidationException",
        InferenceComponentName="llm-b",
    )
    left = [i["InferenceComponentName"] for i in sm.list_inference_components()["InferenceComponents"]]
    assert sorted(left) == ["llm-a", "llm-c"], left


def async_and_serverless():
    """Item 6."""
    sm.create_endpoint_config(
        EndpointConfigName="async",
        ProductionVariants=[{"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.xlarge", "InitialInstanceCount": 2}],
        AsyncInferenceConfig={"OutputConfig": {"S3OutputPath": "s3://b/async"}},
    )
    sm.create_endpoint(EndpointName="async", EndpointConfigName="async")
    config = sm.describe_endpoint_config(EndpointConfigName="async")
    assert config["AsyncInferenceConfig"]["OutputConfig"]["S3OutputPath"] == "s3://b/async"
    assert "AsyncInferenceConfig" not in sm.describe_endpoint_config(EndpointConfigName="ic-host")
    assert sm.describe_endpoint(EndpointName="async")["ProductionVariants"][0]["CurrentInstanceCount"] == 2
    serverless = {"MemorySizeInMB": 2048, "MaxConcurrency": 5, "ProvisionedConcurrency": 2}
    sm.create_endpoint_config(
        EndpointConfigName="serverless",
        ProductionVariants=[{"VariantName": "v", "ModelName": "m", "ServerlessConfig": serverless}],
    )
    sm.create_endpoint(EndpointName="serverless", EndpointConfigName="serverless")
    variant = sm.describe_endpoint(EndpointName="serverless")["ProductionVariants"][0]
    assert variant["CurrentServerlessConfig"] == serverless, variant


def hyperpod():
    """Item 7."""
    sm.create_cluster(
        ClusterName="hp",
        InstanceGroups=[
            {
                "InstanceGroupName": "workers",
                "InstanceType": "ml.g5.xlarge",
                "InstanceCount": 2,
                "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lifecycle/", "OnCreate": "on_create.sh"},
                "ExecutionRole": ROLE,
            }
        ],
    )
    assert [c["ClusterName"] for c in sm.list_clusters()["ClusterSummaries"]] == ["hp"]
    groups = sm.describe_cluster(ClusterName="hp")["InstanceGroups"]
    assert [(g["InstanceType"], g["CurrentCount"]) for g in groups] == [("ml.g5.xlarge", 2)], groups
    sm.delete_cluster(ClusterName="hp")
    assert sm.list_clusters()["ClusterSummaries"][0]["ClusterStatus"] == "Deleting"
    expect_error("ConflictException", sm.delete_cluster, ClusterName="hp")
    gone_after_deleting(sm.describe_cluster, lambda r: r["ClusterStatus"], ClusterName="hp")
    assert sm.list_clusters()["ClusterSummaries"] == []


def jobs():
    """Item 8."""
    training_job("running", tags=[("harness:status", "InProgress"), ("harness:created-seconds-ago", "1800")])
    running = sm.describe_training_job(TrainingJobName="running")
    assert running["TrainingJobStatus"] == "InProgress" and "TrainingEndTime" not in running
    sm.stop_training_job(TrainingJobName="running")
    gone = sm.describe_training_job(TrainingJobName="running")["TrainingJobStatus"]
    assert gone == "Stopping", gone
    expect_error("ValidationException", sm.stop_training_job, TrainingJobName="no-pool")
    expect_error("ResourceNotFound", sm.stop_training_job, TrainingJobName="nobody")
    cluster = {"InstanceCount": 2, "InstanceType": "ml.m5.4xlarge", "VolumeSizeInGB": 30}
    sm.create_processing_job(
        ProcessingJobName="dw",
        ProcessingResources={"ClusterConfig": cluster},
        AppSpecification={"ImageUri": "i"},
        RoleArn=ROLE,
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=[{"Key": "harness:status", "Value": "InProgress"}],
    )
    processing = sm.describe_processing_job(ProcessingJobName="dw")
    assert processing["ProcessingResources"]["ClusterConfig"] == cluster, processing.get("ProcessingResources")
    assert [j["ProcessingJobName"] for j in sm.list_processing_jobs(StatusEquals="InProgress")["ProcessingJobSummaries"]] == ["dw"]
    sm.stop_processing_job(ProcessingJobName="dw")
    assert sm.describe_processing_job(ProcessingJobName="dw")["ProcessingJobStatus"] == "Stopping"
    time.sleep(DELETING + 0.1)
    assert sm.describe_training_job(TrainingJobName="running")["TrainingJobStatus"] == "Stopped"
    assert "TrainingEndTime" in sm.describe_training_job(TrainingJobName="running")
    assert sm.describe_processing_job(ProcessingJobName="dw")["ProcessingJobStatus"] == "Stopped"
    expect_error("ValidationException", sm.stop_processing_job, ProcessingJobName="dw")
    sm.create_transform_job(
        TransformJobName="batch",
        ModelName="m",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        TransformOutput={"S3OutputPath": "s3://b/out"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        Tags=[{"Key": "harness:status", "Value": "InProgress"}],
    )
    sm.stop_transform_job(TransformJobName="batch")
    assert sm.describe_transform_job(TransformJobName="batch")["TransformJobStatus"] == "Stopping"
    time.sleep(DELETING + 0.1)
    assert sm.list_transform_jobs()["TransformJobSummaries"][0]["TransformJobStatus"] == "Stopped"


def teardown():
    """Items 9, 10, 11: AWS's order, refusals, Deleting, retention."""
    d = domain("td")
    for name in ("ana", "bruno"):
        sm.create_user_profile(DomainId=d, UserProfileName=name)
    sm.create_space(
        DomainId=d,
        SpaceName="private",
        SpaceSettings={"AppType": "JupyterLab"},
        OwnershipSettings={"OwnerUserProfileName": "ana"},
        SpaceSharingSettings={"SharingType": "Private"},
    )
    sm.create_space(DomainId=d, SpaceName="shared", SpaceSharingSettings={"SharingType": "Shared"})
    app = dict(DomainId=d, SpaceName="private", AppType="JupyterLab", AppName="default")
    sm.create_app(**app, ResourceSpec={"InstanceType": "ml.t3.medium"})
    profile_app = dict(DomainId=d, UserProfileName="bruno", AppType="Canvas", AppName="default")
    sm.create_app(**profile_app)

    def refused(call, needle, **kw):
        try:
            call(**kw)
        except ClientError as e:
            error = e.response["Error"]
            assert error["Code"] == "ResourceInUse" and needle in error["Message"], error
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            return
        raise AssertionError(f"{call.__name__} was not refused")

    refused(sm.delete_space, "because App(s) are associated", DomainId=d, SpaceName="private")
    refused(sm.delete_user_profile, "because App(s) are associated", DomainId=d, UserProfileName="bruno")
    refused(sm.delete_user_profile, "because Space(s) are associated", DomainId=d, UserProfileName="ana")
    refused(sm.delete_domain, "because UserProfile(s) are associated", DomainId=d)
    sm.delete_app(**app)
    # A Deleting app still blocks its space.
    refused(sm.delete_space, "App(s)", DomainId=d, SpaceName="private")
    time.sleep(DELETING + 0.1)
    assert sm.describe_app(**app)["Status"] == "Deleted"
    sm.delete_space(DomainId=d, SpaceName="private")
    sm.delete_space(DomainId=d, SpaceName="shared")
    assert {s["Status"] for s in sm.list_spaces(DomainIdEquals=d)["Spaces"]} == {"Deleting"}
    expect_error("ResourceNotFound", sm.delete_space, DomainId=d, SpaceName="shared")
    refused(sm.delete_user_profile, "Space(s)", DomainId=d, UserProfileName="ana")
    gone_after_deleting(sm.describe_space, lambda r: r["Status"], DomainId=d, SpaceName="private")
    assert sm.list_spaces(DomainIdEquals=d)["Spaces"] == []
    assert sm.list_apps(DomainIdEquals=d, SpaceNameEquals="private")["Apps"] == []
    sm.delete_user_profile(DomainId=d, UserProfileName="ana")
    refused(sm.delete_domain, "UserProfile(s)", DomainId=d)
    sm.delete_app(**profile_app)
    time.sleep(DELETING + 0.1)
    sm.delete_user_profile(DomainId=d, UserProfileName="bruno")
    gone_after_deleting(sm.describe_user_profile, lambda r: r["Status"], DomainId=d, UserProfileName="bruno")
    assert sm.list_user_profiles(DomainIdEquals=d)["UserProfiles"] == []

    fs_kept = sm.describe_domain(DomainId=d)["HomeEfsFileSystemId"]
    sm.delete_domain(DomainId=d)  # RetentionPolicy defaults to Retain
    assert [x["Status"] for x in sm.list_domains()["Domains"] if x["DomainId"] == d] == ["Deleting"]
    gone_after_deleting(sm.describe_domain, lambda r: r["Status"], DomainId=d)
    assert d not in [x["DomainId"] for x in sm.list_domains()["Domains"]]
    assert efs.describe_file_systems(FileSystemId=fs_kept)["FileSystems"][0]["NumberOfMountTargets"] == 2

    d2 = domain("td2")
    fs_gone = sm.describe_domain(DomainId=d2)["HomeEfsFileSystemId"]
    expect_error("ValidationException", sm.delete_domain, DomainId=d2, RetentionPolicy={"HomeEfsFileSystem": "Keep"})
    sm.delete_domain(DomainId=d2, RetentionPolicy={"HomeEfsFileSystem": "Delete"})
    expect_error("FileSystemNotFound", efs.describe_file_systems, FileSystemId=fs_gone)
    assert [t for t in efs.describe_mount_targets(FileSystemId=fs_kept)["MountTargets"]]

    # The retained file system, found by its tag and deleted as AWS requires:
    # mount targets first (FileSystemInUse until then).
    tagged = [
        fs["FileSystemId"]
        for fs in efs.describe_file_systems()["FileSystems"]
        if any(t["Key"] == "ManagedByAmazonSageMakerResource" and t["Value"].endswith(f"domain/{d}") for t in fs["Tags"])
    ]
    assert tagged == [fs_kept], tagged
    expect_error("FileSystemInUse", efs.delete_file_system, FileSystemId=fs_kept)
    for target in efs.describe_mount_targets(FileSystemId=fs_kept)["MountTargets"]:
        efs.delete_mount_target(MountTargetId=target["MountTargetId"])
    efs.delete_file_system(FileSystemId=fs_kept)
    expect_error("FileSystemNotFound", efs.describe_file_systems, FileSystemId=fs_kept)

    sm.create_mlflow_tracking_server(TrackingServerName="mlf", ArtifactStoreUri="s3://b/m", RoleArn=ROLE)
    assert sm.delete_mlflow_tracking_server(TrackingServerName="mlf")["TrackingServerArn"].endswith("/mlf")
    gone_after_deleting(
        sm.describe_mlflow_tracking_server, lambda r: r["TrackingServerStatus"], TrackingServerName="mlf"
    )
    assert sm.list_mlflow_tracking_servers()["TrackingServerSummaries"] == []


def faults():
    """Item 12: the Nth call, from the Nth on, at run time; throttling."""
    control("DELETE", "/harness/calls")
    control("POST", "/harness/fault", {"add": ["DescribeDomain=ThrottlingException:400@2"]})
    answers = [code(sm.describe_domain, DomainId="d-store") for _ in range(3)]
    assert answers == [None, "ThrottlingException", None], answers
    control("POST", "/harness/fault", {"set": ["DeleteSpace=InternalFailure:500@2+"]})
    answers = [code(sm.delete_space, DomainId="d-store", SpaceName="nothing") for _ in range(3)]
    assert answers == ["ResourceNotFound", "InternalFailure", "InternalFailure"], answers
    # REST (EFS) and query-protocol (STS) operations are named too.
    control("POST", "/harness/fault", {"set": ["DescribeFileSystems=ThrottlingException:400", "GetCallerIdentity=Throttling:400@1"]})
    expect_error("ThrottlingException", efs.describe_file_systems)
    expect_error("Throttling", client("sts").get_caller_identity)
    assert client("sts").get_caller_identity()["Account"] == ACCOUNT
    state = control("GET", "/harness/faults")
    assert [(f["fault"], f["calls"]) for f in state["faults"]] == [
        ("DescribeFileSystems=ThrottlingException:400", 1),
        ("GetCallerIdentity=Throttling:400@1", 2),
    ], state
    control("POST", "/harness/fault", {"clear": "all"})
    calls = control("GET", "/harness/calls")["calls"]
    assert calls["DescribeDomain"] == 3 and calls["DeleteSpace"] == 3 and calls["DescribeFileSystems"] == 1, calls

    # Plain requests on one connection: boto3's own overhead would dominate.
    http = requests.Session()
    list_domains = {"X-Amz-Target": "SageMaker.ListDomains", "Content-Type": "application/x-amz-json-1.1"}

    def throttled(seed, count=150):
        control("POST", "/harness/settings", {"throttle": 0.05, "throttle_seed": seed})
        answers = [http.post(URL, data=b"{}", headers=list_domains) for _ in range(count)]
        control("POST", "/harness/settings", {"throttle": 0})
        assert {a.status_code for a in answers} <= {200, 400}
        return [a.headers.get("x-amzn-ErrorType") == "ThrottlingException" for a in answers]

    first, again, other = throttled(7), throttled(7), throttled(8)
    assert first == again and first != other, "the same seed throttles the same requests"
    assert 3 <= sum(first) <= 25, sum(first)
    assert code(sm.list_domains) is None


def cost_explorer():
    """Item 13: seeded DAILY, by usage type, filtered to SageMaker; denied;
    throttled."""
    ce = client("ce", region="us-east-1")
    days = [("2026-11-01", "1.20", "0.05"), ("2026-11-02", "2.40", "0.05"), ("2026-11-03", "0.00", "0.05")]
    result = {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": day, "End": (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()},
                "Total": {},
                "Groups": [
                    {"Keys": ["EUC1-Notebk:ml.t3.medium"], "Metrics": {"UnblendedCost": {"Amount": notebook, "Unit": "USD"}}},
                    {"Keys": ["EUC1-Studio:VolumeUsage.gp2"], "Metrics": {"UnblendedCost": {"Amount": storage, "Unit": "USD"}}},
                ],
                "Estimated": day == "2026-11-03",
            }
            for day, notebook, storage in days
        ],
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
        "DimensionValueAttributes": [],
    }
    assert requests.post(
        f"{URL}/moto-api/static/ce/cost-and-usage-results", json={"account_id": ACCOUNT, "results": [result]}
    ).status_code == 201
    request = dict(
        TimePeriod={"Start": "2026-11-01", "End": "2026-11-04"},
        Granularity="DAILY",
        Metrics=["UnblendedCost"],
        Filter={"Dimensions": {"Key": "SERVICE", "Values": ["Amazon SageMaker"]}},
        GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
    )
    answer = ce.get_cost_and_usage(**request)
    assert answer["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    assert [r["TimePeriod"]["Start"] for r in answer["ResultsByTime"]] == [d for d, _, _ in days]
    total = sum(float(g["Metrics"]["UnblendedCost"]["Amount"]) for r in answer["ResultsByTime"] for g in r["Groups"])
    assert abs(total - 3.75) < 1e-9, total
    assert ce.get_cost_and_usage(**request)["ResultsByTime"] == answer["ResultsByTime"]
    # The server was started with --fault GetCostAndUsage=AccessDeniedException:400@3+.
    expect_error("AccessDeniedException", ce.get_cost_and_usage, **request)
    control("POST", "/harness/fault", {"set": ["GetCostAndUsage=ThrottlingException:400"]})
    expect_error("ThrottlingException", ce.get_cost_and_usage, **request)
    control("POST", "/harness/fault", {"clear": ["GetCostAndUsage"]})
    assert ce.get_cost_and_usage(**request)["ResultsByTime"] == answer["ResultsByTime"]
    # A request not seen before takes the next queued answer: none is left.
    other = dict(request, TimePeriod={"Start": "2026-11-02", "End": "2026-11-04"})
    assert ce.get_cost_and_usage(**other)["ResultsByTime"] == []
    # Answers are seeded per account: a student's, read through AssumeRole.
    student = "210000000001"
    one_day = dict(result, ResultsByTime=result["ResultsByTime"][:1])
    requests.post(f"{URL}/moto-api/static/ce/cost-and-usage-results", json={"account_id": student, "results": [one_day]})
    creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{student}:role/CourseAudit", RoleSessionName="spend")
    keys = {k: creds["Credentials"][v] for k, v in (("aws_access_key_id", "AccessKeyId"), ("aws_secret_access_key", "SecretAccessKey"), ("aws_session_token", "SessionToken"))}
    theirs = client("ce", region="us-east-1", **keys).get_cost_and_usage(**request)["ResultsByTime"]
    assert theirs == answer["ResultsByTime"][:1], theirs


def app_activity():
    """Item 14."""
    d = domain("act")
    sm.create_user_profile(DomainId=d, UserProfileName="ana")
    sm.create_app(
        DomainId=d,
        UserProfileName="ana",
        AppType="JupyterLab",
        AppName="idle",
        Tags=[
            {"Key": "harness:created-seconds-ago", "Value": "14400"},
            {"Key": "harness:last-activity-seconds-ago", "Value": "300"},
        ],
    )
    sm.create_app(DomainId=d, UserProfileName="ana", AppType="CodeEditor", AppName="fresh")
    now = datetime.datetime.now(datetime.timezone.utc)
    idle = sm.describe_app(DomainId=d, UserProfileName="ana", AppType="JupyterLab", AppName="idle")
    assert near((now - idle["LastUserActivityTimestamp"]).total_seconds(), 300)
    assert near((now - idle["CreationTime"]).total_seconds(), 14400)
    assert idle["LastHealthCheckTimestamp"] == idle["LastUserActivityTimestamp"]
    fresh = sm.describe_app(DomainId=d, UserProfileName="ana", AppType="CodeEditor", AppName="fresh")
    assert fresh["LastUserActivityTimestamp"] == fresh["CreationTime"]
    for listed in sm.list_apps(DomainIdEquals=d)["Apps"]:
        assert "LastUserActivityTimestamp" not in listed and "AppArn" not in listed, listed


def cloudwatch():
    """Item 15: GetMetricData in Smithy RPC v2 CBOR, as aws-sdk-cloudwatch sends it."""
    cw = client("cloudwatch")
    now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
    dims = [{"Name": "EndpointName", "Value": "busy"}, {"Name": "VariantName", "Value": "AllTraffic"}]
    for hours, count in ((1, 7), (2, 3), (3, 0)):
        cw.put_metric_data(
            Namespace="AWS/SageMaker",
            MetricData=[
                {
                    "MetricName": "Invocations",
                    "Dimensions": dims,
                    "Timestamp": now - datetime.timedelta(hours=hours, minutes=-5),
                    "Value": count,
                }
            ],
        )

    def get_metric_data(endpoint):
        query = {
            "MetricDataQueries": [
                {
                    "Id": "invocations",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/SageMaker",
                            "MetricName": "Invocations",
                            "Dimensions": [{"Name": "EndpointName", "Value": endpoint}, {"Name": "VariantName", "Value": "AllTraffic"}],
                        },
                        "Period": 3600,
                        "Stat": "Sum",
                    },
                    "ReturnData": True,
                }
            ],
            "StartTime": cbor2.CBORTag(1, (now - datetime.timedelta(hours=24)).timestamp()),
            "EndTime": cbor2.CBORTag(1, (now + datetime.timedelta(hours=1)).timestamp()),
        }
        http = botocore.awsrequest.AWSRequest(
            method="POST",
            url=f"{URL}/service/GraniteServiceVersion20100801/operation/GetMetricData",
            data=cbor2.dumps(query),
            headers={
                "smithy-protocol": "rpc-v2-cbor",
                "Content-Type": "application/cbor",
                "Accept": "application/cbor",
            },
        )
        botocore.auth.SigV4Auth(botocore.credentials.Credentials("testing", "testing"), "monitoring", REGION).add_auth(http)
        answer = requests.post(http.url, data=http.body, headers=dict(http.headers))
        assert answer.status_code == 200 and answer.headers["smithy-protocol"] == "rpc-v2-cbor", answer.content
        return cbor2.loads(answer.content)

    busy = get_metric_data("busy")
    result = busy["MetricDataResults"][0]
    assert result["Id"] == "invocations" and result["StatusCode"] == "Complete", result
    assert sorted(result["Values"]) == [0.0, 3.0, 7.0], result
    # cbor2 decodes only tag 1 (epoch time) to an aware datetime; a bare number would stay a number.
    assert all(isinstance(t, datetime.datetime) for t in result["Timestamps"]), result["Timestamps"]
    assert max(result["Timestamps"]) == now - datetime.timedelta(hours=1), result["Timestamps"]
    quiet = get_metric_data("quiet")
    assert quiet["MetricDataResults"][0]["Values"] == [] and quiet["MetricDataResults"][0]["Timestamps"] == []


def organizations():
    """Item 16: OUs, nested OUs, paging, a suspended account, AssumeRole."""
    org = client("organizations", region="us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    course = org.create_organizational_unit(ParentId=root, Name="course")["OrganizationalUnit"]["Id"]
    group = org.create_organizational_unit(ParentId=course, Name="group-a")["OrganizationalUnit"]["Id"]
    students = []
    for n, parent in ((1, group), (2, group), (3, group), (4, course)):
        status = org.create_account(AccountName=f"student-{n}", Email=f"s{n}@example.com")["CreateAccountStatus"]
        account = status["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
        students.append(account)
    org.close_account(AccountId=students[3])

    def pages(call, key, **kw):
        items, token, count = [], None, 0
        while True:
            page = call(**kw, MaxResults=1, **({"NextToken": token} if token else {}))
            items += page[key]
            count += 1
            token = page.get("NextToken")
            if not token:
                return items, count

    children, count = pages(org.list_children, "Children", ParentId=course, ChildType="ORGANIZATIONAL_UNIT")
    assert [c["Id"] for c in children] == [group] and count == 1
    accounts, count = pages(org.list_children, "Children", ParentId=group, ChildType="ACCOUNT")
    assert sorted(c["Id"] for c in accounts) == sorted(students[:3]) and count == 3, (accounts, count)
    listed, count = pages(org.list_accounts_for_parent, "Accounts", ParentId=group)
    assert sorted(a["Id"] for a in listed) == sorted(students[:3]) and count == 3
    suspended = org.list_accounts_for_parent(ParentId=course)["Accounts"]
    assert [(a["Id"], a["Status"], a["State"]) for a in suspended] == [(students[3], "SUSPENDED", "SUSPENDED")], suspended

    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{students[0]}:role/OrganizationAccountAccessRole", RoleSessionName="verify"
    )["Credentials"]
    keys = dict(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert client("sts", **keys).get_caller_identity()["Account"] == students[0]
    student_sm = client("sagemaker", **keys)
    student_sm.create_notebook_instance(NotebookInstanceName="mine", InstanceType="ml.t3.medium", RoleArn=ROLE)
    assert [n["NotebookInstanceName"] for n in student_sm.list_notebook_instances()["NotebookInstances"]] == ["mine"]
    assert "mine" not in [n["NotebookInstanceName"] for n in sm.list_notebook_instances()["NotebookInstances"]]


GROUPS = [
    storage_and_efs,
    notebooks,
    warm_pools,
    inference_components,
    async_and_serverless,
    hyperpod,
    jobs,
    teardown,
    cost_explorer,
    faults,
    app_activity,
    cloudwatch,
    organizations,
]


def main():
    started = time.perf_counter()
    failed = []
    try:
        for group in GROUPS:
            try:
                began = time.perf_counter()
                group()
                print(f"ok   {group.__name__} ({time.perf_counter() - began:.1f} s)")
            except Exception:
                failed.append(group.__name__)
                print(f"FAIL {group.__name__}\n{traceback.format_exc()}")
    finally:
        server.kill()
        server.wait()
    print(f"{len(GROUPS) - len(failed)}/{len(GROUPS)} groups passed in {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
