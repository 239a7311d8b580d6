"""The AWS emulator the tests talk to over HTTP: moto's server, plus what it lacks.

moto 5.2.5 implements STS, Budgets, CloudWatch and much of SageMaker. This
script adds, in moto's own response classes:

- SageMaker Studio calls: apps, user profiles, spaces, Studio lifecycle
  configurations and UpdateDomain;
- Budgets DescribeSubscribersForNotification (moto keeps subscribers but
  cannot read them back);
- training-job timings (billable and training seconds) set from tags;
- MLflow tracking servers (Create, Describe, List, Stop), StopTransformJob,
  and transform jobs in progress (moto creates them Completed);

and wraps the server in two WSGI layers:

- CloudWatch's Smithy RPC v2 CBOR protocol, spoken by current aws-sdk-cloudwatch,
  translated to the JSON 1.0 protocol moto understands and back;
- the Price List API's GetProducts, which moto lacks, answered from a fixture
  file of product documents (`--pricing`), filtered and paged as AWS does,
  with chosen regions refused (`--pricing-fault REGION=CODE[:STATUS]`);
- an optional fixed latency per request, for the speed benchmark;
- regions as an account sees them: account ListRegions answers from
  `--enabled-regions`, and `--region-fault REGION=CODE[:STATUS]` refuses every
  request signed for that region (a region not enabled, or denied by an SCP).

Test-only knobs ride on tags, so tests seed state with the real SDK:
`harness:created-seconds-ago` backdates an app, notebook instance or job;
`harness:training-seconds` and `harness:billable-seconds` set a training job's
timings; `harness:status` sets a training, processing or transform job's
status.

Usage: python server.py [--port 0] [--latency-ms 0]. Prints `READY <port>`
once it accepts connections.
"""

import argparse
import copy
import datetime
import io
import json
import ssl
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import cbor2
from moto.budgets.responses import BudgetsResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.budgets.models import budgets_backends
from werkzeug.serving import make_server

# ---------------------------------------------------------------------------
# SageMaker Studio: state kept per (account, region), beside moto's backend.

_STUDIO = {}
_LOCK = threading.Lock()

# Deleted apps report Deleting for this long, then Deleted, as AWS does.
DELETING_SECONDS = 1.0


def _studio(response):
    key = (response.current_account, response.region)
    with _LOCK:
        return _STUDIO.setdefault(key, {"apps": {}, "profiles": {}, "spaces": {}, "lccs": {}})


def _arn(response, kind, *parts):
    return f"arn:aws:sagemaker:{response.region}:{response.current_account}:{kind}/" + "/".join(parts)


def _tag(tags, key):
    for tag in tags or []:
        if tag.get("Key") == key:
            return tag.get("Value")
    return None


def _backdated(tags):
    seconds = _tag(tags, "harness:created-seconds-ago")
    now = utcnow()
    return now - datetime.timedelta(seconds=float(seconds)) if seconds else now


def _merge(base, update):
    """Deep-merges `update` into a copy of `base`, as Update* calls do."""
    result = copy.deepcopy(base) if isinstance(base, dict) else {}
    for key, value in (update or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


# Items per page when the caller sets no MaxResults (tests lower it to make
# the collector follow NextToken).
PAGE_SIZE = 50


def _page(response, items, key):
    """Pagination as AWS does it: MaxResults per page, an opaque NextToken."""
    max_results = int(response._get_param("MaxResults") or PAGE_SIZE)
    token = response._get_param("NextToken") or "0"
    # A token we did not hand out (the `loop` fault's) starts again at the top.
    start = int(token) if token.isdigit() else 0
    page = items[start : start + max_results]
    result = {key: page}
    if start + max_results < len(items):
        result["NextToken"] = str(start + max_results)
    return ActionResult(result)


def _domain(response, domain_id):
    backend = sagemaker_backends[response.current_account][response.region]
    if domain_id not in backend.domains:
        raise ResourceNotFound(f"Domain {domain_id} not found")
    return backend.domains[domain_id]


def _app_status(app):
    if app["Status"] == "Deleting" and time.time() - app["_deleted_at"] > DELETING_SECONDS:
        app["Status"] = "Deleted"
    return app["Status"]


def _public(record):
    return {k: v for k, v in record.items() if not k.startswith("_")}


def create_user_profile(self):
    domain_id = self._get_param("DomainId")
    _domain(self, domain_id)
    name = self._get_param("UserProfileName")
    store = _studio(self)["profiles"]
    if (domain_id, name) in store:
        raise ValidationError(f"User profile {name} already exists")
    arn = _arn(self, "user-profile", domain_id, name)
    now = utcnow()
    store[(domain_id, name)] = {
        "DomainId": domain_id,
        "UserProfileArn": arn,
        "UserProfileName": name,
        "Status": "InService",
        "CreationTime": now,
        "LastModifiedTime": now,
        "UserSettings": self._get_param("UserSettings") or {},
    }
    return ActionResult({"UserProfileArn": arn})


def _profile(self):
    key = (self._get_param("DomainId"), self._get_param("UserProfileName"))
    profile = _studio(self)["profiles"].get(key)
    if profile is None:
        raise ResourceNotFound(f"User profile {key[1]} not found in domain {key[0]}")
    return profile


def describe_user_profile(self):
    return ActionResult(_public(_profile(self)))


def update_user_profile(self):
    profile = _profile(self)
    profile["UserSettings"] = _merge(profile["UserSettings"], self._get_param("UserSettings"))
    profile["LastModifiedTime"] = utcnow()
    return ActionResult({"UserProfileArn": profile["UserProfileArn"]})


def list_user_profiles(self):
    domain_id = self._get_param("DomainIdEquals")
    items = [
        {k: p[k] for k in ("DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime")}
        for (d, _), p in sorted(_studio(self)["profiles"].items())
        if domain_id in (None, d)
    ]
    return _page(self, items, "UserProfiles")


def create_space(self):
    domain_id = self._get_param("DomainId")
    _domain(self, domain_id)
    name = self._get_param("SpaceName")
    arn = _arn(self, "space", domain_id, name)
    now = utcnow()
    settings = self._get_param("SpaceSettings") or {}
    _studio(self)["spaces"][(domain_id, name)] = {
        "DomainId": domain_id,
        "SpaceArn": arn,
        "SpaceName": name,
        "Status": "InService",
        "CreationTime": now,
        "LastModifiedTime": now,
        "SpaceSettings": settings,
        "OwnershipSettings": self._get_param("OwnershipSettings") or {},
        "SpaceSharingSettings": self._get_param("SpaceSharingSettings") or {"SharingType": "Private"},
    }
    return ActionResult({"SpaceArn": arn})


def list_spaces(self):
    domain_id = self._get_param("DomainIdEquals")
    items = []
    for (d, _), s in sorted(_studio(self)["spaces"].items()):
        if domain_id not in (None, d):
            continue
        items.append(
            {
                "DomainId": s["DomainId"],
                "SpaceName": s["SpaceName"],
                "Status": s["Status"],
                "CreationTime": s["CreationTime"],
                "LastModifiedTime": s["LastModifiedTime"],
                "SpaceSettingsSummary": {"AppType": s["SpaceSettings"].get("AppType")},
                "OwnershipSettingsSummary": {
                    "OwnerUserProfileName": s["OwnershipSettings"].get("OwnerUserProfileName")
                },
                "SpaceSharingSettingsSummary": s["SpaceSharingSettings"],
            }
        )
    return _page(self, items, "Spaces")


def describe_space(self):
    key = (self._get_param("DomainId"), self._get_param("SpaceName"))
    space = _studio(self)["spaces"].get(key)
    if space is None:
        raise ResourceNotFound(f"Space {key[1]} not found in domain {key[0]}")
    return ActionResult(_public(space))


def _app_key(self):
    return (
        self._get_param("DomainId"),
        self._get_param("UserProfileName"),
        self._get_param("SpaceName"),
        self._get_param("AppType"),
        self._get_param("AppName"),
    )


def create_app(self):
    domain_id, profile, space, app_type, name = _app_key(self)
    _domain(self, domain_id)
    store = _studio(self)
    if profile and (domain_id, profile) not in store["profiles"]:
        raise ResourceNotFound(f"User profile {profile} not found")
    if space and (domain_id, space) not in store["spaces"]:
        raise ResourceNotFound(f"Space {space} not found")
    owner = ("space", space) if space else ("user-profile", profile)
    arn = _arn(self, "app", domain_id, owner[1], app_type.lower(), name)
    tags = self._get_param("Tags")
    app = {
        "AppArn": arn,
        "AppType": app_type,
        "AppName": name,
        "DomainId": domain_id,
        "Status": "InService",
        "CreationTime": _backdated(tags),
        "ResourceSpec": self._get_param("ResourceSpec") or {"InstanceType": "ml.t3.medium"},
    }
    if space:
        app["SpaceName"] = space
    else:
        app["UserProfileName"] = profile
    store["apps"][(domain_id, profile, space, app_type, name)] = app
    return ActionResult({"AppArn": arn})


def describe_app(self):
    app = _studio(self)["apps"].get(_app_key(self))
    if app is None:
        raise ResourceNotFound("App not found")
    _app_status(app)
    return ActionResult(_public(app))


def delete_app(self):
    app = _studio(self)["apps"].get(_app_key(self))
    if app is None or _app_status(app) in ("Deleting", "Deleted"):
        raise ResourceNotFound("App not found or already deleted")
    app["Status"] = "Deleting"
    app["_deleted_at"] = time.time()
    return EmptyResult()


def list_apps(self):
    domain_id = self._get_param("DomainIdEquals")
    profile = self._get_param("UserProfileNameEquals")
    space = self._get_param("SpaceNameEquals")
    items = []
    for app in sorted(_studio(self)["apps"].values(), key=lambda a: a["AppArn"]):
        if domain_id not in (None, app["DomainId"]):
            continue
        if profile not in (None, app.get("UserProfileName")):
            continue
        if space not in (None, app.get("SpaceName")):
            continue
        _app_status(app)
        items.append(_public(app))
    return _page(self, items, "Apps")


def create_studio_lifecycle_config(self):
    name = self._get_param("StudioLifecycleConfigName")
    arn = _arn(self, "studio-lifecycle-config", name)
    now = utcnow()
    _studio(self)["lccs"][name] = {
        "StudioLifecycleConfigArn": arn,
        "StudioLifecycleConfigName": name,
        "CreationTime": now,
        "LastModifiedTime": now,
        "StudioLifecycleConfigContent": self._get_param("StudioLifecycleConfigContent"),
        "StudioLifecycleConfigAppType": self._get_param("StudioLifecycleConfigAppType"),
    }
    return ActionResult({"StudioLifecycleConfigArn": arn})


def describe_studio_lifecycle_config(self):
    lcc = _studio(self)["lccs"].get(self._get_param("StudioLifecycleConfigName"))
    if lcc is None:
        raise ResourceNotFound("Studio lifecycle config not found")
    return ActionResult(lcc)


def list_studio_lifecycle_configs(self):
    items = [
        {k: v for k, v in lcc.items() if k != "StudioLifecycleConfigContent"}
        for _, lcc in sorted(_studio(self)["lccs"].items())
    ]
    return _page(self, items, "StudioLifecycleConfigs")


def update_domain(self):
    domain = _domain(self, self._get_param("DomainId"))
    if self._get_param("DefaultUserSettings") is not None:
        domain.default_user_settings = _merge(domain.default_user_settings, self._get_param("DefaultUserSettings"))
    if self._get_param("DefaultSpaceSettings") is not None:
        domain.default_space_settings = _merge(domain.default_space_settings, self._get_param("DefaultSpaceSettings"))
    domain.last_modified_time = utcnow()
    return ActionResult({"DomainArn": domain.arn})


for _fn in (
    create_user_profile,
    describe_user_profile,
    update_user_profile,
    list_user_profiles,
    create_space,
    describe_space,
    list_spaces,
    create_app,
    describe_app,
    delete_app,
    list_apps,
    create_studio_lifecycle_config,
    describe_studio_lifecycle_config,
    list_studio_lifecycle_configs,
    update_domain,
):
    setattr(SageMakerResponse, _fn.__name__, _fn)


_original_create_notebook_instance = SageMakerResponse.create_notebook_instance


def create_notebook_instance(self):
    result = _original_create_notebook_instance(self)
    backend = sagemaker_backends[self.current_account][self.region]
    notebook = backend.notebook_instances[self._get_param("NotebookInstanceName")]
    started = _backdated(self._get_param("Tags"))
    notebook.creation_time = notebook.last_modified_time = started
    return result


SageMakerResponse.create_notebook_instance = create_notebook_instance

_original_create_training_job = SageMakerResponse.create_training_job


def create_training_job(self):
    result = _original_create_training_job(self)
    backend = sagemaker_backends[self.current_account][self.region]
    job = backend.training_jobs[self._get_param("TrainingJobName")]
    tags = self._get_param("Tags")
    for tag, attribute in (
        ("harness:training-seconds", "training_time_in_seconds"),
        ("harness:billable-seconds", "billable_time_in_seconds"),
    ):
        value = _tag(tags, tag)
        if value is not None:
            setattr(job, attribute, int(value))
    if _tag(tags, "harness:status"):
        job.training_job_status = _tag(tags, "harness:status")
        job.training_start_time = _backdated(tags)
    return result


SageMakerResponse.create_training_job = create_training_job

_original_create_processing_job = SageMakerResponse.create_processing_job


def create_processing_job(self):
    result = _original_create_processing_job(self)
    backend = sagemaker_backends[self.current_account][self.region]
    job = backend.processing_jobs[self._get_param("ProcessingJobName")]
    tags = self._get_param("Tags")
    if _tag(tags, "harness:status"):
        job.processing_job_status = _tag(tags, "harness:status")
        job.processing_start_time = _backdated(tags)
    return result


SageMakerResponse.create_processing_job = create_processing_job

_original_create_transform_job = SageMakerResponse.create_transform_job


def create_transform_job(self):
    """moto creates transform jobs Completed: `harness:status` makes one
    InProgress (or any status), started `harness:created-seconds-ago`."""
    result = _original_create_transform_job(self)
    backend = sagemaker_backends[self.current_account][self.region]
    job = backend.transform_jobs[self._get_param("TransformJobName")]
    tags = self._get_param("Tags")
    if _tag(tags, "harness:status"):
        job.transform_job_status = _tag(tags, "harness:status")
        job.creation_time = job.transform_start_time = _backdated(tags)
    return result


def stop_transform_job(self):
    """StopTransformJob, which moto lacks: Stopping, then Stopped a moment later."""
    backend = sagemaker_backends[self.current_account][self.region]
    name = self._get_param("TransformJobName")
    job = backend.transform_jobs.get(name)
    if job is None:
        raise ValidationError(f"Could not find transform job '{name}'.")
    if job.transform_job_status != "InProgress":
        raise ValidationError(f"Transform job {name} is {job.transform_job_status}, not InProgress.")
    job.transform_job_status = "Stopping"
    job._stopping_at = time.time()
    return EmptyResult()


_original_describe_transform_job = SageMakerResponse.describe_transform_job


def describe_transform_job(self):
    backend = sagemaker_backends[self.current_account][self.region]
    job = backend.transform_jobs.get(self._get_param("TransformJobName"))
    if job is not None and job.transform_job_status == "Stopping":
        if time.time() - job._stopping_at > DELETING_SECONDS:
            job.transform_job_status = "Stopped"
    return _original_describe_transform_job(self)


SageMakerResponse.create_transform_job = create_transform_job
SageMakerResponse.stop_transform_job = stop_transform_job
SageMakerResponse.describe_transform_job = describe_transform_job

# ---------------------------------------------------------------------------
# SageMaker MLflow tracking servers, which moto lacks. Statuses as the API
# reference lists them (TrackingServerSummary: Creating | Created | ... |
# Stopping | Stopped | Starting | Started | ...); a new server is Created,
# a stopped one Stopping, then Stopped after DELETING_SECONDS.


def _mlflow(response):
    key = (response.current_account, response.region)
    with _LOCK:
        return _STUDIO.setdefault(key, {"apps": {}, "profiles": {}, "spaces": {}, "lccs": {}}).setdefault(
            "mlflow", {}
        )


def _mlflow_server(self):
    name = self._get_param("TrackingServerName")
    if name not in _mlflow(self):
        raise ResourceNotFound(f"Tracking server {name} not found")
    return _mlflow_server_named(self, name)


def create_mlflow_tracking_server(self):
    name = self._get_param("TrackingServerName")
    store = _mlflow(self)
    if name in store:
        raise ValidationError(f"Tracking server {name} already exists")
    arn = _arn(self, "mlflow-tracking-server", name)
    tags = self._get_param("Tags")
    created = _backdated(tags)
    store[name] = {
        "TrackingServerArn": arn,
        "TrackingServerName": name,
        "ArtifactStoreUri": self._get_param("ArtifactStoreUri"),
        "TrackingServerSize": self._get_param("TrackingServerSize") or "Small",
        "MlflowVersion": self._get_param("MlflowVersion") or "2.16.2",
        "RoleArn": self._get_param("RoleArn"),
        "TrackingServerStatus": "Created",
        "IsActive": "Active",
        "TrackingServerUrl": f"https://{name}.mlflow.example",
        "CreationTime": created,
        "LastModifiedTime": created,
    }
    return ActionResult({"TrackingServerArn": arn})


def describe_mlflow_tracking_server(self):
    return ActionResult(_public(_mlflow_server(self)))


def list_mlflow_tracking_servers(self):
    status = self._get_param("TrackingServerStatus")
    items = []
    for name in sorted(_mlflow(self)):
        server = _mlflow_server_named(self, name)
        if status not in (None, server["TrackingServerStatus"]):
            continue
        items.append(
            {
                k: server[k]
                for k in (
                    "TrackingServerArn",
                    "TrackingServerName",
                    "CreationTime",
                    "LastModifiedTime",
                    "TrackingServerStatus",
                    "IsActive",
                    "MlflowVersion",
                )
            }
        )
    return _page(self, items, "TrackingServerSummaries")


def _mlflow_server_named(self, name):
    """The server, Stopped once DELETING_SECONDS have passed since its stop."""
    server = _mlflow(self)[name]
    if server["TrackingServerStatus"] == "Stopping" and time.time() - server["_stopping_at"] > DELETING_SECONDS:
        server["TrackingServerStatus"] = "Stopped"
        server["IsActive"] = "Inactive"
    return server


def stop_mlflow_tracking_server(self):
    server = _mlflow_server(self)
    if server["TrackingServerStatus"] not in ("Created", "Started", "Updated", "StartFailed", "StopFailed"):
        raise ValidationError(
            f"Tracking Server {server['TrackingServerArn']} is currently in status "
            f"{server['TrackingServerStatus'].upper()}, can't be stopped."
        )
    server["TrackingServerStatus"] = "Stopping"
    server["_stopping_at"] = time.time()
    return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})


for _fn in (
    create_mlflow_tracking_server,
    describe_mlflow_tracking_server,
    list_mlflow_tracking_servers,
    stop_mlflow_tracking_server,
):
    setattr(SageMakerResponse, _fn.__name__, _fn)

# ---------------------------------------------------------------------------
# Budgets: read back a notification's subscribers.


def _same_notification(a, b):
    keys = ("NotificationType", "ComparisonOperator", "ThresholdType")
    return all(a.get(k) == b.get(k) for k in keys) and float(a.get("Threshold", 0)) == float(b.get("Threshold", 0))


def describe_subscribers_for_notification(self):
    account_id = self._get_param("AccountId")
    budget_name = self._get_param("BudgetName")
    wanted = self._get_param("Notification")
    backend = budgets_backends[self.current_account][self.partition]
    budget = backend.budgets[account_id].get(budget_name)
    if budget is None:
        return self._not_found(f"Unable to get budget: {budget_name} - the budget doesn't exist.")
    for notification in budget.notifications:
        if _same_notification(notification.details, wanted):
            return json.dumps({"Subscribers": notification.subscribers})
    return self._not_found("Unable to find the notification.")


def _not_found(self, message):
    body = json.dumps({"__type": "NotFoundException", "Message": message})
    return 400, {"status": 400}, body


BudgetsResponse.describe_subscribers_for_notification = describe_subscribers_for_notification
BudgetsResponse._not_found = _not_found

# ---------------------------------------------------------------------------
# WSGI layers.


def _to_json(value):
    """CBOR values to JSON ones: timestamps become epoch seconds."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    return value


def _to_cbor(value, key=""):
    """JSON values to CBOR ones: members named *Timestamp (or Timestamps
    lists) become CBOR tag 1 epoch times, as Smithy's RPC v2 CBOR requires."""
    if isinstance(value, dict):
        return {k: _to_cbor(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_cbor(v, key) for v in value]
    if key.endswith("Timestamp") or key.endswith("Timestamps"):
        if isinstance(value, (int, float)):
            return cbor2.CBORTag(1, value)
        if isinstance(value, str):
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return cbor2.CBORTag(1, parsed.timestamp())
    return value


class CborBridge:
    """Speaks Smithy RPC v2 CBOR to the SDK and JSON 1.0 to moto."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor" or not path.startswith("/service/"):
            return self.app(environ, start_response)
        _, _, service, _, operation = path.split("/", 4)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        params = _to_json(cbor2.loads(raw)) if raw else {}
        body = json.dumps(params).encode()
        inner = dict(environ)
        inner.pop("HTTP_SMITHY_PROTOCOL", None)
        inner.update(
            {
                "PATH_INFO": "/",
                "wsgi.input": io.BytesIO(body),
                "CONTENT_LENGTH": str(len(body)),
                "CONTENT_TYPE": "application/x-amz-json-1.0",
                "HTTP_X_AMZ_TARGET": f"{service}.{operation}",
            }
        )
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: None

        chunks = self.app(inner, capture)
        try:
            answer = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        try:
            decoded = json.loads(answer) if answer.strip() else {}
        except ValueError:
            decoded = {"__type": "InternalFailure", "message": answer.decode(errors="replace")}
        if isinstance(decoded, dict) and "__type" in decoded and "message" not in decoded:
            decoded["message"] = decoded.get("Message", "")
        out = cbor2.dumps(_to_cbor(decoded))
        headers = [
            (k, v)
            for k, v in captured["headers"]
            if k.lower() not in ("content-type", "content-length", "x-amzn-query-error")
        ]
        headers += [
            ("Content-Type", "application/cbor"),
            ("Content-Length", str(len(out))),
            ("smithy-protocol", "rpc-v2-cbor"),
        ]
        start_response(captured["status"], headers)
        return [out]


class Faults:
    """Answers chosen operations with an AWS error, as a real account would
    when a permission is missing or the API throttles: `--fault
    ListApps=AccessDeniedException:400`. `--deny-role ARN` refuses
    AssumeRole into that role, as a trust policy that does not list the
    caller would (moto itself lets anyone assume any role). `--mfa-role
    ARN=SERIAL:CODE` refuses AssumeRole into that role unless SerialNumber
    and TokenCode are those, as a trust policy with
    aws:MultiFactorAuthPresent would."""

    def __init__(self, app, faults, denied_roles=(), mfa_roles=None):
        self.app = app
        self.faults = faults
        self.denied_roles = set(denied_roles)
        self.mfa_roles = mfa_roles or {}

    def _refused(self, form):
        role = form.get("RoleArn", [""])[0]
        if role in self.denied_roles:
            return True
        if role in self.mfa_roles:
            given = (form.get("SerialNumber", [""])[0], form.get("TokenCode", [""])[0])
            return given != self.mfa_roles[role]
        return False

    def __call__(self, environ, start_response):
        if (self.denied_roles or self.mfa_roles) and environ.get("CONTENT_TYPE", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            form = urllib.parse.parse_qs(body.decode(errors="replace"))
            if form.get("Action") == ["AssumeRole"] and self._refused(form):
                error = (
                    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
                    "<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: "
                    f"{form['RoleArn'][0]}</Message></Error><RequestId>denied</RequestId></ErrorResponse>"
                ).encode()
                start_response("403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(error)))])
                return [error]
        if self.faults:
            target = environ.get("HTTP_X_AMZ_TARGET", "")
            operation = target.rsplit(".", 1)[-1] if target else environ.get("PATH_INFO", "").rsplit("/", 1)[-1]
            if operation in self.faults:
                code, status = self.faults[operation]
                if code in ("reset", "slow", "truncated", "malformed", "loop"):
                    return self._misbehave(code, status, environ, start_response)
                cbor = environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor"
                error = {"__type": code, "message": f"injected by the test emulator: {code}"}
                body = cbor2.dumps(error) if cbor else json.dumps(error).encode()
                headers = [
                    ("Content-Type", "application/cbor" if cbor else "application/x-amz-json-1.1"),
                    ("Content-Length", str(len(body))),
                    ("x-amzn-ErrorType", code),
                ]
                if cbor:
                    headers.append(("smithy-protocol", "rpc-v2-cbor"))
                start_response(f"{status} Injected", headers)
                return [body]
        return self.app(environ, start_response)


    def _misbehave(self, mode, arg, environ, start_response):
        """Faults a real network or a broken service produces: the
        connection dropped, no answer in time, half an answer, garbage, or a
        NextToken that never runs out."""
        if mode == "reset":
            # Closing the socket without an answer: the client sees the
            # connection reset mid-request.
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                import socket

                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.close()
            raise ConnectionResetError("injected reset")
        if mode == "slow":
            time.sleep(arg)
            return self.app(environ, start_response)
        if mode == "loop":
            # Answer with the real page, then point at yet another page, for
            # ever; each page takes a real service's few milliseconds, so the
            # loop does not starve the other requests of this one process.
            time.sleep(0.02)
            captured = {}

            def capture(status, headers, exc_info=None):
                captured["status"], captured["headers"] = status, headers
                return lambda data: None

            body = b"".join(self.app(environ, capture))
            try:
                doc = json.loads(body)
                doc["NextToken"] = f"page-{time.time_ns()}"
                body = json.dumps(doc).encode()
            except ValueError:
                pass
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
            start_response(captured["status"], headers + [("Content-Length", str(len(body)))])
            return [body]
        body = b'{"Apps": [{"AppName": "cut' if mode == "truncated" else b"<html>502 Bad Gateway</html>\x00\xff"
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body)))])
        return [body]


class PriceList:
    """GetProducts (AWSPriceListService, JSON 1.1) from a fixture: the
    documents whose attributes (or product fields) match every TERM_MATCH
    filter, `MaxResults` a page with a NextToken after it. A region listed
    in `faults` is answered with that AWS error instead, as a throttled or
    refused call would be."""

    def __init__(self, app, path, faults):
        self.app = app
        self.faults = faults
        with open(path) as f:
            self.items = json.load(f)["PriceList"]

    @staticmethod
    def _matches(item, filters):
        doc = json.loads(item)
        product = doc.get("product", {})
        attributes = product.get("attributes", {})
        for f in filters:
            field = f.get("Field", "")
            value = attributes.get(field, product.get(field))
            if value is None or str(value).lower() != str(f.get("Value", "")).lower():
                return False
        return True

    def _answer(self, start_response, status, body, error=None):
        data = json.dumps(body).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))]
        if error:
            headers.append(("x-amzn-ErrorType", error))
        start_response(status, headers)
        return [data]

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET") != "AWSPriceListService.GetProducts":
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}")
        filters = request.get("Filters", [])
        region = next((f.get("Value") for f in filters if f.get("Field") == "regionCode"), None)
        if region in self.faults:
            code, status = self.faults[region]
            message = f"injected by the test emulator for {region}: {code}"
            return self._answer(start_response, f"{status} Injected", {"__type": code, "message": message}, code)
        found = [item for item in self.items if self._matches(item, filters)]
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or 100)
        body = {"FormatVersion": "aws_v1", "PriceList": found[start : start + size]}
        if start + size < len(found):
            body["NextToken"] = str(start + size)
        return self._answer(start_response, "200 OK", body)


def _signed_region(environ):
    """The region a SigV4 request was signed for (its credential scope)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    _, _, rest = auth.partition("Credential=")
    parts = rest.split(",", 1)[0].split("/")
    return parts[2] if len(parts) > 2 else ""


class Regions:
    """Regions as an account sees them. account:ListRegions, which moto lacks,
    lists `enabled` (or is refused when None, as for a caller without the
    permission); a request signed for a region in `faults` gets that region's
    error, whatever the service (XML for the query protocol, CBOR for Smithy
    RPC v2 CBOR, JSON else), as
    an opt-in region that is not enabled (UnrecognizedClientException) or an
    SCP denying a region (AccessDeniedException) answers."""

    def __init__(self, app, enabled, faults):
        self.app = app
        self.enabled = enabled
        self.faults = faults

    def __call__(self, environ, start_response):
        region = _signed_region(environ)
        if region in self.faults:
            code, status = self.faults[region]
            if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
                body = (
                    f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected for "
                    f"region {region}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
                ).encode()
                content_type = "text/xml"
            elif environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
                body = cbor2.dumps({"__type": code, "message": f"injected for region {region}"})
                content_type = "application/cbor"
            else:
                body = json.dumps({"__type": code, "message": f"injected for region {region}"}).encode()
                content_type = "application/x-amz-json-1.1"
            headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("x-amzn-ErrorType", code)]
            if content_type == "application/cbor":
                headers.append(("smithy-protocol", "rpc-v2-cbor"))
            start_response(f"{status} Injected", headers)
            return [body]
        if environ.get("PATH_INFO") == "/listRegions":
            return self._list_regions(environ, start_response)
        return self.app(environ, start_response)

    def _list_regions(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
        if self.enabled is None:
            body = json.dumps({"message": "not authorized to perform: account:ListRegions"}).encode()
            headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "AccessDeniedException")]
            start_response("403 Forbidden", headers + [("Content-Length", str(len(body)))])
            return [body]
        wanted = request.get("RegionOptStatusContains") or ["ENABLED", "ENABLED_BY_DEFAULT"]
        regions = [
            {"RegionName": name, "RegionOptStatus": status}
            for name, status in self.enabled
            if status in wanted
        ]
        # Two per page, so the client's paging is exercised.
        start = int(request.get("NextToken") or 0)
        page = {"Regions": regions[start : start + 2]}
        if start + 2 < len(regions):
            page["NextToken"] = str(start + 2)
        body = json.dumps(page).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


class Latency:
    """Holds every request for a fixed time, like a distant region."""

    def __init__(self, app, seconds):
        self.app = app
        self.seconds = seconds

    def __call__(self, environ, start_response):
        if self.seconds and not environ.get("PATH_INFO", "").startswith("/moto-api"):
            time.sleep(self.seconds)
        return self.app(environ, start_response)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--page-size", type=int, default=50, help="items per page of the added list calls")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="OPERATION=CODE[:STATUS]",
        help="answer OPERATION with this AWS error (repeatable)",
    )
    parser.add_argument(
        "--pricing",
        default=str(Path(__file__).resolve().parent.parent / "fixtures" / "pricing-getproducts.json"),
        metavar="JSON",
        help="GetProducts answers: a file with a PriceList of product documents",
    )
    parser.add_argument(
        "--pricing-fault",
        action="append",
        default=[],
        metavar="REGION=CODE[:STATUS]",
        help="answer GetProducts for REGION with this AWS error (repeatable)",
    )
    parser.add_argument("--deny-role", action="append", default=[], metavar="ROLE_ARN", help="refuse AssumeRole into it")
    parser.add_argument(
        "--mfa-role",
        action="append",
        default=[],
        metavar="ROLE_ARN=SERIAL:CODE",
        help="refuse AssumeRole into it without this MFA device and code",
    )
    parser.add_argument(
        "--enabled-regions",
        metavar="R1,R2:STATUS,...",
        help="what account:ListRegions lists (STATUS defaults to ENABLED_BY_DEFAULT); unset, the call is refused",
    )
    parser.add_argument(
        "--region-fault",
        action="append",
        default=[],
        metavar="REGION=CODE[:STATUS]",
        help="answer every request signed for REGION with this AWS error (repeatable)",
    )
    parser.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain) ...")
    parser.add_argument("--tls-key", metavar="PEM", help="... and this private key")
    args = parser.parse_args()
    global PAGE_SIZE
    PAGE_SIZE = args.page_size
    faults = {}
    for fault in args.fault:
        operation, _, rest = fault.partition("=")
        code, _, status = rest.partition(":")
        faults[operation] = (code, float(status) if code == "slow" else int(status or 400))

    pricing_faults = {}
    for fault in args.pricing_fault:
        region, _, rest = fault.partition("=")
        code, _, status = rest.partition(":")
        pricing_faults[region] = (code, int(status or 400))

    moto_app = DomainDispatcherApplication(create_backend_app)
    mfa_roles = {}
    for entry in args.mfa_role:
        role, _, rest = entry.partition("=")
        serial, _, code = rest.rpartition(":")
        mfa_roles[role] = (serial, code)
    enabled = None
    if args.enabled_regions is not None:
        enabled = []
        for entry in filter(None, args.enabled_regions.split(",")):
            name, _, status = entry.partition(":")
            enabled.append((name, status or "ENABLED_BY_DEFAULT"))
    region_faults = {}
    for fault in args.region_fault:
        region, _, rest = fault.partition("=")
        code, _, status = rest.partition(":")
        region_faults[region] = (code, int(status or 400))
    priced = PriceList(CborBridge(moto_app), args.pricing, pricing_faults)
    app = Faults(priced, faults, args.deny_role, mfa_roles)
    app = Latency(Regions(app, enabled, region_faults), args.latency_ms / 1000.0)
    ssl_context = None
    if args.tls_cert:
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.load_cert_chain(args.tls_cert, args.tls_key)
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler, ssl_context=ssl_context
    )
    print(f"READY {server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
