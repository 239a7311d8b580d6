"""Times `sm-course module5 check` against the emulator with injected latency.

Run through scripts/bench-check. Prints the check's wall time (median of
RUNS), the same reads made one after another with boto3 (the whole inventory
of what bills: Studio, notebook instances and their volumes, endpoints and
inference components, jobs, warm pools, MLflow, HyperPod, the domain's EFS,
then budgets and alarms), and the two targets: at most 0.25 × the calls in
sequence (issue 23), and 1.5 × depth × latency + 100 ms, where depth 4 is the
longest chain of dependent calls (identity → budgets → notifications →
subscribers).

Then the region sweep (issue 13): `audit --regions` over six regions, each
with a notebook instance, against `audit` of one region; the target is
at most 1.6 × one region's time.

Then the whole account (issue 26): `audit --all-regions` (the 34 SageMaker
regions) against `audit` of one region, on bench_server.py rather than the
emulator: the emulator answers the two audits once through the recording
proxy, and the server answers every region from that recording after the
same latency, spending next to no CPU of its own (moto's own work on the
same cores would be measured otherwise). Target: at most 2 × one region.
"""

import base64
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import boto3

LATENCY_MS = float(sys.argv[1])
RUNS = int(sys.argv[2])
DEPTH = 4
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"

# The 34 regions of src/aws/regions.rs, enabled for the account (account:ListRegions).
REGIONS = re.findall(r'"([a-z]+-[a-z]+-[0-9])"', open(os.path.join(ROOT, "src/aws/regions.rs")).read()
                     .split("SAGEMAKER_REGIONS", 1)[1].split("];", 1)[0])
server = subprocess.Popen(
    [sys.executable, os.path.join(ROOT, "tests/emulator/server.py"), "--port", "0", "--latency-ms", str(LATENCY_MS),
     "--enabled-regions", ",".join(REGIONS)],
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
    text=True,
)
try:
    port = server.stdout.readline().split()[1]
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="eu-central-1",
        AWS_DEFAULT_REGION="eu-central-1",
        AWS_ENDPOINT_URL=url,
        AWS_EC2_METADATA_DISABLED="true",
    )
    os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")})
    sm = boto3.client("sagemaker", endpoint_url=url)
    budgets = boto3.client("budgets", endpoint_url=url, region_name="us-east-1")
    cw = boto3.client("cloudwatch", endpoint_url=url)
    sts = boto3.client("sts", endpoint_url=url)
    efs = boto3.client("efs", endpoint_url=url)

    # A typical course account: one domain, three learners with apps, a
    # forgotten notebook, an endpoint, a budget with an alert, an alarm, jobs.
    sm.create_domain(DomainName="course", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE}, SubnetIds=["s"], VpcId="v")
    for n in range(3):
        sm.create_user_profile(DomainId="d-course", UserProfileName=f"student{n}")
        sm.create_app(DomainId="d-course", UserProfileName=f"student{n}", AppType="KernelGateway", AppName=f"app{n}",
                      ResourceSpec={"InstanceType": "ml.t3.medium"})
    sm.create_space(DomainId="d-course", SpaceName="lab", OwnershipSettings={"OwnerUserProfileName": "student0"},
                    SpaceSharingSettings={"SharingType": "Private"},
                    SpaceSettings={"AppType": "JupyterLab",
                                   "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 20}}})
    sm.create_studio_lifecycle_config(StudioLifecycleConfigName="autoshutdown", StudioLifecycleConfigAppType="JupyterServer",
                                      StudioLifecycleConfigContent=base64.b64encode(b"echo sagemaker-studio-autoshutdown").decode())
    sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE)
    sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "i"})
    sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[
        {"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
    sm.create_endpoint(EndpointName="e", EndpointConfigName="c")
    for n in range(2):
        sm.create_training_job(TrainingJobName=f"job{n}", RoleArn=ROLE,
                               AlgorithmSpecification={"TrainingImage": "i", "TrainingInputMode": "File"},
                               OutputDataConfig={"S3OutputPath": "s3://b/o"},
                               ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
                               StoppingCondition={"MaxRuntimeInSeconds": 3600}, EnableManagedSpotTraining=True)
    notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80, "ThresholdType": "PERCENTAGE"}
    budgets.create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": "SageMaker-Monthly-Budget", "BudgetLimit": {"Amount": "100", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST", "CostFilters": {"Service": ["Amazon SageMaker"]}},
        NotificationsWithSubscribers=[{"Notification": notification, "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "a@example.com"}]}])
    cw.put_metric_alarm(AlarmName="sagemaker-app-running-too-long", MetricName="NumberOfRunningApps", Namespace="Custom/SageMaker",
                        Statistic="Sum", Period=3600, EvaluationPeriods=2, Threshold=1, ComparisonOperator="GreaterThanThreshold")

    binary = os.environ.get("SM_COURSE_BIN", os.path.join(ROOT, "target/debug/sm-course"))
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run([binary, "module5", "check", "--format", "json"], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"check failed: {done.stderr.decode()}")
    check_ms = statistics.median(times) * 1000

    # The same reads, one after another.
    calls = 0
    start = time.perf_counter()

    def call(fn, **kw):
        global calls
        calls += 1
        return fn(**kw)

    call(sts.get_caller_identity)
    for d in call(sm.list_domains)["Domains"]:
        call(sm.describe_domain, DomainId=d["DomainId"])
    for p in call(sm.list_user_profiles)["UserProfiles"]:
        call(sm.describe_user_profile, DomainId=p["DomainId"], UserProfileName=p["UserProfileName"])
    for sp in call(sm.list_spaces)["Spaces"]:
        call(sm.describe_space, DomainId=sp["DomainId"], SpaceName=sp["SpaceName"])
    for a in call(sm.list_apps)["Apps"]:
        if a.get("Status") == "InService":
            owner = {"SpaceName": a["SpaceName"]} if a.get("SpaceName") else {"UserProfileName": a["UserProfileName"]}
            call(sm.describe_app, DomainId=a["DomainId"], AppType=a["AppType"], AppName=a["AppName"], **owner)
    for c in call(sm.list_studio_lifecycle_configs)["StudioLifecycleConfigs"]:
        call(sm.describe_studio_lifecycle_config, StudioLifecycleConfigName=c["StudioLifecycleConfigName"])
    for n in call(sm.list_notebook_instances)["NotebookInstances"]:
        call(sm.describe_notebook_instance, NotebookInstanceName=n["NotebookInstanceName"])
    for e in call(sm.list_endpoints)["Endpoints"]:
        config = call(sm.describe_endpoint, EndpointName=e["EndpointName"])["EndpointConfigName"]
        call(sm.describe_endpoint_config, EndpointConfigName=config)
    call(sm.list_inference_components)
    # Each real-time variant's requests over 24 h, in one GetMetricData.
    now = time.time()
    call(cw.get_metric_data, StartTime=now - 86400, EndTime=now, MetricDataQueries=[{
        "Id": "e0", "ReturnData": True, "MetricStat": {"Stat": "Sum", "Period": 3600, "Metric": {
            "Namespace": "AWS/SageMaker", "MetricName": "Invocations",
            "Dimensions": [{"Name": "EndpointName", "Value": "e"}, {"Name": "VariantName", "Value": "v"}]}}}])
    for j in call(sm.list_training_jobs)["TrainingJobSummaries"]:
        call(sm.describe_training_job, TrainingJobName=j["TrainingJobName"])
    # What bills by the hour beside the apps: jobs in progress, warm pools,
    # MLflow, HyperPod; and by the GB-month, the domain's EFS.
    for j in call(sm.list_training_jobs, StatusEquals="InProgress")["TrainingJobSummaries"]:
        call(sm.describe_training_job, TrainingJobName=j["TrainingJobName"])
    for j in call(sm.list_processing_jobs, StatusEquals="InProgress")["ProcessingJobSummaries"]:
        call(sm.describe_processing_job, ProcessingJobName=j["ProcessingJobName"])
    for j in call(sm.list_transform_jobs, StatusEquals="InProgress")["TransformJobSummaries"]:
        call(sm.describe_transform_job, TransformJobName=j["TransformJobName"])
    for j in call(sm.list_training_jobs, WarmPoolStatusEquals="Available")["TrainingJobSummaries"]:
        call(sm.describe_training_job, TrainingJobName=j["TrainingJobName"])
    call(sm.list_mlflow_tracking_servers)
    call(sm.list_clusters)
    call(efs.describe_file_systems)
    call(cw.describe_alarms)
    for b in call(budgets.describe_budgets, AccountId=ACCOUNT)["Budgets"]:
        for n in call(budgets.describe_notifications_for_budget, AccountId=ACCOUNT, BudgetName=b["BudgetName"])["Notifications"]:
            call(budgets.describe_subscribers_for_notification, AccountId=ACCOUNT, BudgetName=b["BudgetName"], Notification=n)
    sequential_ms = (time.perf_counter() - start) * 1000

    # Six regions, read at once, against one.
    SIX = ["eu-central-1", "us-east-1", "us-west-2", "eu-west-1", "ap-south-1", "sa-east-1"]
    for region in SIX:
        boto3.client("sagemaker", endpoint_url=url, region_name=region).create_notebook_instance(
            NotebookInstanceName=f"nb-{region}", InstanceType="ml.t3.medium", RoleArn=ROLE)

    def audit_ms(regions):
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            done = subprocess.run([binary, "module5", "audit", "--format", "json", "--regions", ",".join(regions)],
                                  env=env, capture_output=True)
            runs.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                sys.exit(f"audit failed: {done.stderr.decode()}")
        return statistics.median(runs) * 1000

    one_ms = audit_ms(SIX[:1])
    six_ms = audit_ms(SIX)

    # The whole account: both audits answered once by the emulator, through the recorder.
    work = tempfile.mkdtemp()
    recording = os.path.join(work, "account.json")
    recorder = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests/emulator/bench_server.py"), "record", "--upstream", url,
         "--out", recording], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        recorder_env = dict(env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{recorder.stdout.readline().split()[1]}")
        for extra in ([], ["--all-regions"]):
            done = subprocess.run([binary, "module5", "audit", "--format", "json", *extra], env=recorder_env,
                                  capture_output=True)
            if done.returncode not in (0, 1):
                sys.exit(f"audit failed while recording: {done.stderr.decode()}")
    finally:
        recorder.kill()
    # The emulator lists enabled regions two to a page, to exercise paging;
    # AWS pages up to 50 (MaxResults 1-50), so a real account's regions come
    # in one answer: so they do here.
    with open(recording) as f:
        entries = json.load(f)["entries"]
    pages = [e for e in entries if e["operation"] == "POST /listRegions"]
    one_page = {"Regions": [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in REGIONS]}
    pages[0]["answer"] = base64.b64encode(json.dumps(one_page).encode()).decode()
    entries = [e for e in entries if e not in pages[1:]]
    with open(recording, "w") as f:
        json.dump({"entries": entries}, f)

    bench = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests/emulator/bench_server.py"), "serve", "--recording", recording,
         "--latency-ms", str(LATENCY_MS)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        bench_env = dict(env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{bench.stdout.readline().split()[1]}")

        def timed(extra):
            """Median wall ms of RUNS audits, the largest peak MB, the median CPU s, the regions read."""
            walls, peaks, cpus = [], [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                done = subprocess.run(["/usr/bin/time", "-v", binary, "module5", "audit", "--format", "json", *extra],
                                      env=bench_env, capture_output=True, text=True)
                walls.append((time.perf_counter() - start) * 1000)
                if done.returncode not in (0, 1):
                    sys.exit(f"audit failed: {done.stderr[-2000:]}")
                audit = json.loads(done.stdout)
                peaks.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024)
                cpus.append(sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)))
            return statistics.median(walls), max(peaks), statistics.median(cpus), audit

        region_ms, region_mb, region_cpu, _ = timed([])
        all_ms, all_mb, all_cpu, swept = timed(["--all-regions"])
        read = len(swept["regions"])
        if read != len(REGIONS) or swept["errors"]:
            sys.exit(f"--all-regions read {read} of {len(REGIONS)} regions, errors {swept['errors'][:2]}")
    finally:
        bench.kill()

    target_ms = 1.5 * DEPTH * LATENCY_MS + 100
    share = check_ms / sequential_ms
    print(f"latency per request:        {LATENCY_MS:.0f} ms")
    print(f"check (median of {RUNS}):       {check_ms:.0f} ms   (runs: {', '.join(f'{t * 1000:.0f}' for t in times)})")
    print(f"same {calls} calls in sequence: {sequential_ms:.0f} ms")
    print(f"check / sequence: {share:.2f} -> {'met' if share <= 0.25 else 'MISSED'} (target 0.25)")
    print(f"target 1.5 x {DEPTH} x latency + 100 ms: {target_ms:.0f} ms -> {'met' if check_ms <= target_ms else 'MISSED'}")
    ratio = six_ms / one_ms
    print(f"audit, 1 region (median of {RUNS}):  {one_ms:.0f} ms")
    print(f"audit, 6 regions (median of {RUNS}): {six_ms:.0f} ms = {ratio:.2f} x one region "
          f"-> {'met' if ratio <= 1.6 else 'MISSED'} (target 1.6 x)")
    whole = all_ms / region_ms
    print(f"on bench_server.py (the emulator's answers replayed, {LATENCY_MS:.0f} ms each; load {os.getloadavg()[0]:.1f}):")
    print(f"audit, 1 region (median of {RUNS}):        {region_ms:.0f} ms, peak {region_mb:.1f} MB, CPU {region_cpu:.2f} s")
    print(f"audit --all-regions, {read} regions:        {all_ms:.0f} ms, peak {all_mb:.1f} MB, CPU {all_cpu:.2f} s "
          f"= {whole:.2f} x one region -> {'met' if whole <= 2 else 'MISSED'} (target 2 x)")
finally:
    server.kill()
