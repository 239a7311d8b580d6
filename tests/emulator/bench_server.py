"""A benchmark server that is not CPU-bound: the emulator's answers for one
account, recorded once, served for every account with a fixed latency.

moto answers a class of 300 with seconds of its own CPU (one Python process,
one interpreter lock, on the same cores as the tool), so a benchmark against
it measures moto. Here moto answers once, for one student, through a
recording proxy; then a small asyncio server answers every request from that
recording after `--latency-ms`, spending microseconds of CPU on each:

    python bench_server.py record --upstream http://127.0.0.1:PORT --out rec.json
    python bench_server.py serve --recording rec.json --latency-ms 100 [--throttle 0.05]

Each prints `READY <port>` once it listens. A request is matched to a
recorded one by its service, operation and body, account ids in it read as
one account (so the same call for another student matches); failing that,
by service and operation alone (a body with a time in it). The answer is the
recorded one with the recorded account id replaced by the caller's, and the
recorded region by the request's (JSON and XML answers; a CBOR answer keeps
its region, whose length is part of the encoding).

Whose account a request is for: STS AssumeRole is answered by this server
for any role ARN, with credentials whose access key id carries the role's
account (`ASIA` + 12 digits + `BNCH`); a request signed with such a key is
for that account, any other for the recording's default account (the
instructor's own, or the learner's).

`--throttle RATE` answers that fraction of requests (AssumeRole included)
with the service's throttling error in the request's protocol (STS's query
XML `Throttling`, JSON's and CBOR's `ThrottlingException`), drawn from a
generator seeded with `--seed`. GET /_bench/stats reports the requests
answered, throttled and not found in the recording, and the most that were
waiting at once (the client's open connections); DELETE resets them.
"""

import argparse
import asyncio
import base64
import datetime
import http.client
import json
import os
import random
import re
import sys
import urllib.parse

ACCOUNT_ID = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")
BENCH_KEY = re.compile(r"ASIA([0-9]{12})BNCH")
REGION_IN_SCOPE = re.compile(r"Credential=[^/]+/[0-9]{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


# ---------------------------------------------------------------------------
# HTTP/1.1 on asyncio streams: keep-alive, Content-Length or chunked bodies.


async def read_request(reader):
    """(method, target, headers with lower-case names, body), or None at EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.readexactly(int(headers.get("content-length") or 0))
    return method, target, headers, body


def response(status, headers, body):
    reason = http.client.responses.get(status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}"]
    for name, value in headers:
        if name.lower() not in ("content-length", "connection", "transfer-encoding", "date"):
            lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: keep-alive")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def serve_connections(handler, port):
    async def connection(reader, writer):
        try:
            while True:
                request = await read_request(reader)
                if request is None:
                    break
                writer.write(await handler(*request))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    # A class opens a connection per request in flight: a deep backlog.
    server = await asyncio.start_server(connection, "127.0.0.1", port, backlog=4096)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


# ---------------------------------------------------------------------------
# What a request is.


def scope(headers):
    """(region, service) of a SigV4 request's credential scope."""
    found = REGION_IN_SCOPE.search(headers.get("authorization", ""))
    return found.groups() if found else ("", "")


def access_key(headers):
    found = re.search(r"Credential=([^/]+)/", headers.get("authorization", ""))
    return found.group(1) if found else ""


def form(headers, body):
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return urllib.parse.parse_qs(body.decode(errors="replace"))
    return None


def operation(method, target, headers, body):
    """The operation's name, as the request carries it."""
    if "x-amz-target" in headers:
        return headers["x-amz-target"].rsplit(".", 1)[-1]
    fields = form(headers, body)
    if fields is not None and "Action" in fields:
        return fields["Action"][0]
    path = urllib.parse.urlsplit(target).path
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        return path.rsplit("/", 1)[-1]
    # REST: the method and the path with ids left out.
    return method + " " + re.sub(r"/fs-[0-9a-f]+", "/ID", path)


def key(method, target, headers, body):
    _, service = scope(headers)
    name = operation(method, target, headers, body)
    normal = ACCOUNT_ID.sub(b"{ACCOUNT}", body)
    path = ACCOUNT_ID.sub(b"{ACCOUNT}", target.encode()).decode()
    return f"{service} {name} {path}", base64.b64encode(normal).decode()


# ---------------------------------------------------------------------------
# record


async def record(upstream, out, port):
    parsed = urllib.parse.urlsplit(upstream)
    entries = []
    accounts = {}  # access key id -> account, learned from AssumeRole answers

    def forward(method, target, headers, body):
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        sent = {k: v for k, v in headers.items() if k not in ("host", "connection", "transfer-encoding", "content-length")}
        conn.request(method, target, body=body, headers=sent)
        answer = conn.getresponse()
        data = answer.read()
        result = answer.status, answer.getheaders(), data
        conn.close()
        return result

    async def handler(method, target, headers, body):
        status, answer_headers, data = await asyncio.to_thread(forward, method, target, headers, body)
        region, service = scope(headers)
        name = operation(method, target, headers, body)
        account = accounts.get(access_key(headers), "")
        fields = form(headers, body)
        if name == "AssumeRole" and fields and status == 200:
            role_account = ACCOUNT_ID.search(fields["RoleArn"][0].encode()).group().decode()
            found = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data)
            if found:
                accounts[found.group(1).decode()] = role_account
        route, normal = key(method, target, headers, body)
        entries.append(
            {
                "route": route,
                "body": normal,
                "operation": name,
                "service": service,
                "region": region,
                "account": account,
                "status": status,
                "headers": [[k, v] for k, v in answer_headers if k.lower() in KEPT_HEADERS],
                "answer": base64.b64encode(data).decode(),
            }
        )
        with open(out, "w") as f:
            json.dump({"entries": entries}, f)
        return response(status, answer_headers, data)

    await serve_connections(handler, port)


KEPT_HEADERS = ("content-type", "x-amzn-errortype", "smithy-protocol", "x-amzn-query-error")


# ---------------------------------------------------------------------------
# serve


class Recording:
    def __init__(self, path):
        with open(path) as f:
            entries = json.load(f)["entries"]
        self.exact = {}
        self.loose = {}
        accounts = [e["account"] for e in entries if e["account"]]
        # The account whose answers carry no bench key: the most recorded one
        # among requests signed with the caller's own key.
        own = [
            ACCOUNT_ID.search(base64.b64decode(e["answer"])).group().decode()
            for e in entries
            if e["operation"] == "GetCallerIdentity" and not e["account"]
        ]
        self.default_account = own[0] if own else "123456789012"
        for e in entries:
            e["account"] = e["account"] or self.default_account
            e["answer"] = base64.b64decode(e["answer"])
            if e["operation"] == "AssumeRole":
                continue
            self.exact.setdefault((e["route"], e["body"]), e)
            self.loose.setdefault((e["service"], e["operation"]), e)
        self.student_account = accounts[0] if accounts else None


def assume_role_answer(fields, account):
    role = fields.get("RoleArn", [""])[0]
    session = fields.get("RoleSessionName", ["bench"])[0]
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    role_name = role.rsplit("/", 1)[-1]
    body = (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
        f"<Credentials><AccessKeyId>ASIA{account}BNCH</AccessKeyId>"
        f"<SecretAccessKey>bench-secret-{account}</SecretAccessKey>"
        f"<SessionToken>bench-token-{account}</SessionToken><Expiration>{expires}</Expiration></Credentials>"
        f"<AssumedRoleUser><AssumedRoleId>AROABENCH:{session}</AssumedRoleId>"
        f"<Arn>arn:aws:sts::{account}:assumed-role/{role_name}/{session}</Arn></AssumedRoleUser>"
        "</AssumeRoleResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></AssumeRoleResponse>"
    ).encode()
    return 200, [("Content-Type", "text/xml")], body


def throttled(headers, fields):
    """The throttling error of the request's protocol."""
    message = "Rate exceeded (bench server)"
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        import cbor2

        body = cbor2.dumps({"__type": "ThrottlingException", "message": message})
        return 400, [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("x-amzn-ErrorType", "ThrottlingException"),
        ], body
    if fields is not None:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            f"<Message>{message}</Message></Error><RequestId>bench</RequestId></ErrorResponse>"
        ).encode()
        return 400, [("Content-Type", "text/xml")], body
    body = json.dumps({"__type": "ThrottlingException", "message": message}).encode()
    return 400, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", "ThrottlingException")], body


async def serve(recording_path, latency, rate, seed, port):
    recording = Recording(recording_path)
    draw = random.Random(seed)
    stats = {"requests": 0, "throttled": 0, "not_recorded": 0, "assume_role": 0, "in_flight": 0, "most_in_flight": 0}
    missing = {}

    async def handler(method, target, headers, body):
        if target.startswith("/_bench/stats"):
            if method == "DELETE":
                for name in stats:
                    stats[name] = 0
                missing.clear()
            data = json.dumps(dict(stats, missing=sorted(missing))).encode()
            return response(200, [("Content-Type", "application/json")], data)
        stats["requests"] += 1
        stats["in_flight"] += 1
        stats["most_in_flight"] = max(stats["most_in_flight"], stats["in_flight"])
        try:
            await asyncio.sleep(latency)
        finally:
            stats["in_flight"] -= 1
        fields = form(headers, body)
        if rate and draw.random() < rate:
            stats["throttled"] += 1
            return response(*throttled(headers, fields))
        region, service = scope(headers)
        name = operation(method, target, headers, body)
        signed = BENCH_KEY.fullmatch(access_key(headers))
        account = signed.group(1) if signed else recording.default_account
        if name == "AssumeRole" and fields is not None:
            stats["assume_role"] += 1
            role_account = ACCOUNT_ID.search(fields.get("RoleArn", [""])[0].encode())
            return response(*assume_role_answer(fields, role_account.group().decode() if role_account else account))
        route, normal = key(method, target, headers, body)
        entry = recording.exact.get((route, normal)) or recording.loose.get((service, name))
        if entry is None:
            stats["not_recorded"] += 1
            missing[f"{service} {name}"] = True
            data = json.dumps({"__type": "InternalFailure", "message": f"not in the recording: {service} {name}"})
            return response(500, [("Content-Type", "application/x-amz-json-1.1")], data.encode())
        answer = entry["answer"].replace(entry["account"].encode(), account.encode())
        cbor = any(k.lower() == "smithy-protocol" for k, _ in entry["headers"])
        if region and entry["region"] and region != entry["region"] and not cbor:
            answer = answer.replace(entry["region"].encode(), region.encode())
        return response(entry["status"], entry["headers"], answer)

    await serve_connections(handler, port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    rec = modes.add_parser("record", help="a proxy to the emulator that records every answer")
    rec.add_argument("--upstream", required=True, help="the emulator's URL")
    rec.add_argument("--out", required=True, help="the recording (JSON), rewritten after each answer")
    rec.add_argument("--port", type=int, default=0)
    srv = modes.add_parser("serve", help="answer from a recording, for any account")
    srv.add_argument("--recording", required=True)
    srv.add_argument("--latency-ms", type=float, default=100.0)
    srv.add_argument("--throttle", type=float, default=0.0, metavar="RATE")
    srv.add_argument("--seed", type=int, default=0)
    srv.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        if args.mode == "record":
            asyncio.run(record(args.upstream, args.out, args.port))
        else:
            asyncio.run(serve(args.recording, args.latency_ms / 1000.0, args.throttle, args.seed, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
