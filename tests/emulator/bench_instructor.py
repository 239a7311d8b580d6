"""Times `sm-course instructor verify` for a class against one student.

Run through scripts/bench-instructor. Each student is reached with AssumeRole
into its own account (moto maps it), so the class costs what it would in AWS:
one AssumeRole plus the checks' reads per student. Peak memory comes from
/usr/bin/time.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

LATENCY_MS, STUDENTS, CONCURRENCY = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("SM_COURSE_BIN", os.path.join(ROOT, "target/debug/sm-course"))

server = subprocess.Popen(
    [sys.executable, os.path.join(ROOT, "tests/emulator/server.py"), "--port", "0", "--latency-ms", str(LATENCY_MS)],
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
    text=True,
)
try:
    port = server.stdout.readline().split()[1]
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="eu-central-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_EC2_METADATA_DISABLED="true",
    )
    work = tempfile.mkdtemp()

    def roster(count):
        path = os.path.join(work, f"class-{count}.toml")
        with open(path, "w") as f:
            f.write('[defaults]\nregion = "eu-central-1"\nrole_name = "CourseAudit"\n')
            for n in range(count):
                f.write(f'\n[[student]]\nname = "Student {n:03}"\naccount_id = "{200000000000 + n:012}"\n')
        return path

    def server_cpu():
        # utime + stime of the emulator process, in seconds.
        fields = open(f"/proc/{server.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def run(path, concurrency, runs=3):
        times, peaks = [], []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                ["/usr/bin/time", "-v", BINARY, "instructor", "verify", path,
                 "--format", "json", "--concurrency", str(concurrency)],
                env=env, capture_output=True, text=True,
            )
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                sys.exit(f"verify failed: {done.stderr}")
            peaks.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)))
        return statistics.median(times) * 1000, max(peaks) / 1024

    one_ms, one_mb = run(roster(1), 1)
    cpu_before = server_cpu()
    class_ms, class_mb = run(roster(STUDENTS), CONCURRENCY)
    emulator_cpu = (server_cpu() - cpu_before) / 3
    default_ms, default_mb = run(roster(STUDENTS), 8, runs=1)
    print(f"latency per request: {LATENCY_MS:.0f} ms")
    print(f"1 student:              {one_ms:.0f} ms, peak {one_mb:.1f} MB")
    print(f"{STUDENTS} students, --concurrency {CONCURRENCY}: {class_ms:.0f} ms ({class_ms / one_ms:.1f}x one student), peak {class_mb:.1f} MB")
    print(f"{STUDENTS} students, --concurrency 8 (default): {default_ms:.0f} ms ({default_ms / one_ms:.1f}x), peak {default_mb:.1f} MB")
    print(f"emulator CPU per {STUDENTS}-student run: {emulator_cpu:.1f} s (the Python emulator's own work, on the same {os.cpu_count()} cores)")
    print(f"target: within 3x of one student and under 100 MB -> {'met' if class_ms <= 3 * one_ms and class_mb < 100 else 'MISSED'}")
finally:
    server.kill()
