"""Times `sm-course instructor verify` for classes of 100 and 300 against one
student, on a server that is not CPU-bound (bench_server.py).

Run through scripts/bench-instructor. One student's account is seeded in the
emulator and verified once through the recording proxy; then every class is
read from bench_server.py, which answers any account from that recording
after a fixed latency, AssumeRole included. For each run: wall time, the
tool's peak memory and CPU (/usr/bin/time -v), the server's CPU, and whether
every student was read. Then the largest class again with a fraction of all
requests answered ThrottlingException.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import boto3

LATENCY_MS = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
HIGH = int(sys.argv[2]) if len(sys.argv) > 2 else 128
THROTTLE = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("SM_COURSE_BIN", os.path.join(ROOT, "target/debug/sm-course"))
HERE = os.path.join(ROOT, "tests/emulator")
STUDENT = "200000000000"
REGION = "eu-central-1"


def start(args):
    """A server script, and its port once it says READY."""
    process = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = process.stdout.readline()
    if not line.startswith("READY "):
        sys.exit(f"{args[0]} did not start: {line!r}")
    return process, line.split()[1]


def environment(port, home):
    return dict(
        PATH=os.environ["PATH"],
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        SM_COURSE_HOME=home,
        LANG="en_US.UTF-8",
    )


def seed(url):
    """A typical student's account: a domain with a learner, an app left
    running, a notebook instance, a space, a budget."""
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{STUDENT}:role/CourseAudit", RoleSessionName="seed")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=REGION)
    sm = session.client("sagemaker", endpoint_url=url)
    role = f"arn:aws:iam::{STUDENT}:role/SageMakerExecution"
    domain = sm.create_domain(DomainName="course", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": role},
                              SubnetIds=["s"], VpcId="v")["DomainArn"].rsplit("/", 1)[-1]
    sm.create_user_profile(DomainId=domain, UserProfileName="learner")
    sm.create_space(DomainId=domain, SpaceName="lab", OwnershipSettings={"OwnerUserProfileName": "learner"},
                    SpaceSharingSettings={"SharingType": "Private"},
                    SpaceSettings={"AppType": "JupyterLab",
                                   "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 20}}})
    sm.create_app(DomainId=domain, UserProfileName="learner", AppType="KernelGateway", AppName="forgotten",
                  ResourceSpec={"InstanceType": "ml.t3.medium"})
    sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=role)
    session.client("budgets", endpoint_url=url, region_name="us-east-1").create_budget(AccountId=STUDENT, Budget={
        "BudgetName": "SageMaker-Monthly-Budget", "BudgetLimit": {"Amount": "100", "Unit": "USD"},
        "TimeUnit": "MONTHLY", "BudgetType": "COST"})


def roster(work, count):
    path = os.path.join(work, f"class-{count}.toml")
    with open(path, "w") as f:
        f.write(f'[defaults]\nregion = "{REGION}"\nrole_name = "CourseAudit"\n')
        for n in range(count):
            f.write(f'\n[[student]]\nname = "Student {n:03}"\naccount_id = "{int(STUDENT) + n:012}"\n')
    return path


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def verify(env, path, concurrency, students, server=None):
    """One run: wall seconds, peak MB, the tool's CPU seconds, the server's."""
    before = cpu_seconds(server.pid) if server else 0.0
    start_time = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", BINARY, "instructor", "verify", path, "--format", "json",
         "--concurrency", str(concurrency)],
        env=env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start_time
    if done.returncode not in (0, 1):
        sys.exit(f"verify failed ({done.returncode}): {done.stderr[-2000:]}")
    book = json.loads(done.stdout)
    unread = [s for s in book["students"] if s["status"] != "ok"]
    if len(book["students"]) != students or unread:
        sys.exit(f"{students} students, --concurrency {concurrency}, {wall:.1f} s: {len(unread)} not read, "
                 f"e.g. {unread[:1]}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", done.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", done.stderr).group(1))
    server_cpu = cpu_seconds(server.pid) - before if server else 0.0
    print(f"  {students} students, --concurrency {concurrency}: {wall:.2f} s, {peak:.1f} MB", file=sys.stderr)
    return wall, peak, user + system, server_cpu


def stats(port, method="GET"):
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}/_bench/stats", method=method)
    return json.load(urllib.request.urlopen(request))


work = tempfile.mkdtemp()
recording = os.path.join(work, "student.json")

# Once: the emulator answers one student's verify, through the recorder.
moto, moto_port = start([os.path.join(HERE, "server.py"), "--port", "0"])
try:
    seed(f"http://127.0.0.1:{moto_port}")
    recorder, recorder_port = start([os.path.join(HERE, "bench_server.py"), "record",
                                     "--upstream", f"http://127.0.0.1:{moto_port}", "--out", recording])
    try:
        verify(environment(recorder_port, os.path.join(work, "home")), roster(work, 1), 1, 1)
    finally:
        recorder.kill()
finally:
    moto.kill()
recorded = len(json.load(open(recording))["entries"])


def serving(throttle):
    return start([os.path.join(HERE, "bench_server.py"), "serve", "--recording", recording,
                  "--latency-ms", str(LATENCY_MS), "--throttle", str(throttle), "--seed", "1"])


DEFAULT = int(re.search(r"default_value_t = (\d+)", open(os.path.join(ROOT, "src/cli.rs")).read()
                        .split("pub struct VerifyArgs", 1)[1]).group(1))
rows = []
server, port = serving(0.0)
try:
    env = environment(port, os.path.join(work, "home"))
    ones = [verify(env, roster(work, 1), 1, 1, server) for _ in range(5)]
    one = tuple(statistics.median(run[i] for run in ones) for i in range(4))
    served = stats(port)
    per_student = served["requests"] / 5
    rows.append(("1 student", 1, one + (served["most_in_flight"],)))
    for students in (100, 300):
        for concurrency in sorted({DEFAULT, HIGH}):
            stats(port, "DELETE")
            run = verify(env, roster(work, students), concurrency, students, server)
            served = stats(port)
            rows.append((f"{students} students", concurrency, run + (served["most_in_flight"],)))
            if served["not_recorded"]:
                sys.exit(f"requests not in the recording: {served}")
finally:
    server.kill()

server, port = serving(THROTTLE)
try:
    env = environment(port, os.path.join(work, "home"))
    throttled_run = verify(env, roster(work, 300), DEFAULT, 300, server)
    throttled = stats(port)
finally:
    server.kill()

print(f"latency per request: {LATENCY_MS:.0f} ms; binary: {BINARY}")
print(f"one student: {per_student:.0f} requests (AssumeRole included); recording of {recorded} answers")
print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
print(f"{'class':<13} {'concurrency':>11} {'wall':>8} {'x one':>6} {'peak MB':>8} {'tool CPU s':>10} "
      f"{'server CPU s':>12} {'most requests at once':>21}")
for label, concurrency, (wall, peak, cpu, server_cpu, most) in rows:
    print(f"{label:<13} {concurrency:>11} {wall * 1000:>6.0f}ms {wall / one[0]:>6.2f} {peak:>8.1f} {cpu:>10.2f} "
          f"{server_cpu:>12.2f} {most:>21}")
wall, peak, cpu, server_cpu = throttled_run
print(f"300 students, --concurrency {DEFAULT}, {THROTTLE:.0%} of requests throttled "
      f"({throttled['throttled']} of {throttled['requests']}): "
      f"{wall * 1000:.0f} ms ({wall / one[0]:.2f} x one), peak {peak:.1f} MB, tool CPU {cpu:.2f} s; every student read")
best = min((r for r in rows if r[0] == "300 students"), key=lambda r: r[2][0])
print(f"target: 300 students within 2 x one student and under 100 MB -> "
      f"--concurrency {best[1]}: {best[2][0] / one[0]:.2f} x, {best[2][1]:.1f} MB -> "
      f"{'met' if best[2][0] <= 2 * one[0] and best[2][1] <= 100 else 'MISSED'}")
