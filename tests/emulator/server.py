"""The AWS emulator the tests talk to over HTTP: moto's server, plus what it lacks.

moto 5.2.5 implements STS, Budgets, CloudWatch, EFS, Organizations, Cost
Explorer and much of SageMaker. This script adds, in moto's own response
classes:

- SageMaker Studio calls: apps (with LastUserActivityTimestamp), user
  profiles, spaces (with their EBS size), Studio lifecycle configurations,
  UpdateDomain, and DeleteSpace/DeleteUserProfile/DeleteDomain that refuse
  with ResourceInUse while dependents exist (apps not Deleted or Failed;
  a profile's own apps and spaces; a domain's profiles and spaces);
- each domain's home EFS file system, created in moto's EFS backend with
  mount targets and the ManagedByAmazonSageMakerResource tag, kept or
  deleted by DeleteDomain's RetentionPolicy;
- notebook instances with their default 5 GB volume; DeleteNotebookInstance
  only when Stopped or Failed;
- training jobs: StopTrainingJob, warm pools (WarmPoolStatus in
  DescribeTrainingJob and ListTrainingJobs, WarmPoolStatusEquals,
  UpdateTrainingJob ending one), ListTrainingJobs filtered and sorted before
  it pages; processing jobs keep ProcessingResources, StopProcessingJob;
  transform jobs in progress, StopTransformJob;
- inference components (Create, Describe, List, Delete); endpoint variants
  without a model and any `ml.` instance type;
- MLflow tracking servers (Create, Describe, List, Stop, Delete); HyperPod
  clusters without ThreadsPerCore, deleted through Deleting;
- Budgets DescribeSubscribersForNotification (moto keeps subscribers but
  cannot read them back); Organizations ListChildren paged; Cost Explorer
  answers typed as JSON.

Whatever is deleted reports Deleting (an app: Deleting, then Deleted) for
`--deleting-seconds` (default 1), then is gone: Describe answers
ResourceNotFound (notebook instances: ValidationException RecordNotFound,
inference components: ValidationException), List omits it. Stopped jobs and
tracking servers report Stopping for as long, then Stopped.

The server is wrapped in WSGI layers:

- CloudWatch's Smithy RPC v2 CBOR protocol, spoken by current aws-sdk-cloudwatch,
  translated to the JSON 1.0 protocol moto understands and back (so
  GetMetricData works with data put by PutMetricData);
- the Price List API's GetProducts, which moto lacks, answered from a fixture
  file of product documents (`--pricing`), filtered and paged as AWS does,
  with chosen regions refused (`--pricing-fault REGION=CODE[:STATUS]`);
- regions as an account sees them: account ListRegions answers from
  `--enabled-regions`, and `--region-fault REGION=CODE[:STATUS]` refuses every
  request signed for that region (a region not enabled, or denied by an SCP);
- faults: `--fault OPERATION=CODE[:STATUS][@N|@N+|@N-M]` answers every call
  of an operation (or only the Nth, the Nth and later, calls N to M) with
  that AWS error, in the request's protocol (operation names from
  X-Amz-Target, the CBOR path, the query Action or, for EFS, the REST
  route); CODE may also be reset, slow:SECONDS, truncated, malformed or loop.
  `--throttle RATE` throttles that fraction of all requests, drawn from a
  generator seeded with `--throttle-seed` (default 0). `--deny-role` and
  `--mfa-role` refuse AssumeRole;
- runtime controls, JSON in and out: POST /harness/fault with {"add":
  [FAULT, ...]}, {"set": [...]} or {"clear": [OPERATION, ...] | "all"}; GET
  /harness/faults; GET /harness/calls (requests counted per operation) and
  DELETE /harness/calls; POST /harness/settings with {"throttle": RATE,
  "throttle_seed": N, "deleting_seconds": S};
- an optional fixed latency per request, for the speed benchmark.

Test-only knobs ride on tags, so tests seed state with the real SDK:
`harness:created-seconds-ago` backdates an app, notebook instance, job,
inference component or tracking server; `harness:status` sets a training,
processing or transform job's (or an inference component's) status;
`harness:training-seconds` and `harness:billable-seconds` set a training
job's timings, `harness:ended-seconds-ago` when it ended (its warm pool's
clock) and `harness:retained-seconds` its warm pool's retained time;
`harness:last-activity-seconds-ago` (and
`harness:last-health-check-seconds-ago`, default the same) set an app's
DescribeApp times (default: its creation); `harness:efs-size-bytes` on
CreateDomain sets the home file system's size, and `harness:size-bytes` on
any EFS file system (CreateFileSystem or TagResource) overrides it.

Cost Explorer answers are seeded through moto's own API: POST
/moto-api/static/ce/cost-and-usage-results with {"account_id": ACCOUNT,
"results": [GetCostAndUsage answer, ...]}; each request with a body not seen
before takes the next queued answer, the same body gets the same answer,
and an empty queue answers no results. Organizations is moto's: an account
is SUSPENDED by CloseAccount, and AssumeRole into any account id works.

Usage: python server.py [--port 0] [--latency-ms 0] [other flags: --help].
Prints `READY <port>` once it accepts connections.
"""

import argparse
import copy
import datetime
import functools
import io
import json
import os
import random
import re
import ssl
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import botocore.session
import cbor2
from moto.budgets.responses import BudgetsResponse
from moto.ce.responses import CostExplorerResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.ec2.models import ec2_backends
from moto.efs.models import FileSystem, efs_backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.organizations.responses import OrganizationsResponse
from moto.sagemaker.exceptions import ConflictException, ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import (
    Cluster,
    FakeEndpointConfig,
    FakeSagemakerNotebookInstance,
    SageMakerModelBackend,
    sagemaker_backends,
)
from moto.sagemaker.responses import SageMakerResponse
from moto.budgets.models import budgets_backends
from werkzeug.serving import make_server

# ---------------------------------------------------------------------------
# SageMaker Studio: state kept per (account, region), beside moto's backend.

_STUDIO = {}
_LOCK = threading.RLock()

# What is deleted reports Deleting (an app: Deleting, then Deleted) for this
# long, then is gone; a stopped job or tracking server reports Stopping, then
# Stopped. `--deleting-seconds` or POST /harness/settings changes it.
DELETING_SECONDS = 1.0


def _store(account, region):
    with _LOCK:
        return _STUDIO.setdefault(
            (account, region),
            {"apps": {}, "profiles": {}, "spaces": {}, "lccs": {}, "mlflow": {}, "ics": {}},
        )


def _studio(response):
    return _store(response.current_account, response.region)


def _arn(response, kind, *parts):
    return f"arn:aws:sagemaker:{response.region}:{response.current_account}:{kind}/" + "/".join(parts)


def _tag(tags, key):
    for tag in tags or []:
        if tag.get("Key") == key:
            return tag.get("Value")
    return None


def _ago(tags, key, default=None):
    """The time `key`'s value in seconds before now, or `default`."""
    seconds = _tag(tags, key)
    return utcnow() - datetime.timedelta(seconds=float(seconds)) if seconds else default


def _backdated(tags):
    return _ago(tags, "harness:created-seconds-ago", utcnow())


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


def _page(response, items, key, default_size=None):
    """Pagination as AWS does it: MaxResults per page, an opaque NextToken."""
    max_results = int(response._get_param("MaxResults") or default_size or PAGE_SIZE)
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


def _deleting(record, status_key="Status"):
    record[status_key] = "Deleting"
    record["_deleted_at"] = time.time()


def _due(started):
    return started is not None and time.time() - started > DELETING_SECONDS


def _in_use(kind, arn, dependents):
    """AWS's refusal to delete a resource that still has dependents. The one
    message seen from AWS is "Unable to delete UserProfile [ARN] because
    App(s) are associated with it." (aws/amazon-sagemaker-feedback#113); the
    others are written the same way. The error is ResourceInUse (HTTP 400),
    as the DeleteSpace/DeleteUserProfile/DeleteDomain references list it."""
    return ResourceInUseException(f"Unable to delete {kind} [{arn}] because {dependents} are associated with it.")


def _live_apps(store, domain_id, profile=None, space=None):
    """Apps that still block their owner's deletion: all but Deleted and
    Failed ones ("Only apps in a Failed state can remain", Delete a domain,
    https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html)."""
    return [
        a
        for a in store["apps"].values()
        if a["DomainId"] == domain_id
        and (profile is None or a.get("UserProfileName") == profile)
        and (space is None or a.get("SpaceName") == space)
        and _app_status(a) not in ("Deleted", "Failed")
    ]


def _drop_apps(store, domain_id, profile=None, space=None):
    for key, app in list(store["apps"].items()):
        if app["DomainId"] != domain_id:
            continue
        if profile is not None and app.get("UserProfileName") != profile:
            continue
        if space is not None and app.get("SpaceName") != space:
            continue
        store["apps"].pop(key, None)


def _sweep(account, region):
    """Lets time pass for one account and region: what was deleted
    DELETING_SECONDS ago is gone (with the Deleted apps it owned), what was
    stopped is Stopped."""
    with _LOCK:
        store = _store(account, region)
        for key, profile in list(store["profiles"].items()):
            if profile["Status"] == "Deleting" and _due(profile["_deleted_at"]):
                store["profiles"].pop(key, None)
                _drop_apps(store, key[0], profile=key[1])
        for key, space in list(store["spaces"].items()):
            if space["Status"] == "Deleting" and _due(space["_deleted_at"]):
                store["spaces"].pop(key, None)
                _drop_apps(store, key[0], space=key[1])
        for name, ic in list(store["ics"].items()):
            if ic["InferenceComponentStatus"] == "Deleting" and _due(ic["_deleted_at"]):
                store["ics"].pop(name, None)
        for name, server in list(store["mlflow"].items()):
            if server["TrackingServerStatus"] == "Deleting" and _due(server["_deleted_at"]):
                store["mlflow"].pop(name, None)
            elif server["TrackingServerStatus"] == "Stopping" and _due(server["_stopping_at"]):
                server["TrackingServerStatus"] = "Stopped"
                server["IsActive"] = "Inactive"
        backend = sagemaker_backends[account][region]
        for domain_id, domain in list(backend.domains.items()):
            if domain.status == "Deleting" and _due(getattr(domain, "harness_deleted_at", None)):
                backend.domains.pop(domain_id, None)
                _drop_apps(store, domain_id)
        for name, notebook in list(backend.notebook_instances.items()):
            if notebook.status == "Deleting" and _due(getattr(notebook, "harness_deleted_at", None)):
                backend.notebook_instances.pop(name, None)
        for name, cluster in list(backend.clusters.items()):
            if cluster.status == "Deleting" and _due(getattr(cluster, "harness_deleted_at", None)):
                backend.clusters.pop(name, None)
        for jobs, kind in (
            (backend.training_jobs, "training"),
            (backend.processing_jobs, "processing"),
            (backend.transform_jobs, "transform"),
        ):
            for job in list(jobs.values()):
                if getattr(job, f"{kind}_job_status") == "Stopping" and _due(_harness(job).get("stopping_at")):
                    setattr(job, f"{kind}_job_status", "Stopped")
                    setattr(job, f"{kind}_end_time", utcnow())
                    job.last_modified_time = utcnow()
                    if kind == "training":
                        job.secondary_status = "Stopped"


def _job(self, kind):
    """The training, processing or transform job the request names."""
    backend = sagemaker_backends[self.current_account][self.region]
    name = self._get_param(f"{kind.title()}JobName")
    job = getattr(backend, f"{kind}_jobs").get(name)
    if job is None:
        raise ResourceNotFound(f"Requested resource not found: {kind} job {name}")
    return job


def _stop_job(self, kind):
    """StopTrainingJob, StopProcessingJob, StopTransformJob: an InProgress
    job is Stopping, then Stopped DELETING_SECONDS later (the sweep)."""
    job = _job(self, kind)
    status = getattr(job, f"{kind}_job_status")
    if status != "InProgress":
        raise ValidationError(f"The request was rejected because the {kind} job is in status {status}.")
    setattr(job, f"{kind}_job_status", "Stopping")
    _harness(job)["stopping_at"] = time.time()
    return job


def _harness(obj):
    """The emulator's own notes on a moto object. Kept in one attribute whose
    name is no member of any output shape, so moto's serialiser drops it."""
    if not hasattr(obj, "harness"):
        obj.harness = {}
    return obj.harness


_original_call_action = SageMakerResponse.call_action


def call_action(self):
    _sweep(self.current_account, self.region)
    return _original_call_action(self)


SageMakerResponse.call_action = call_action


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


def delete_user_profile(self):
    """Refused while the profile has apps that are not Deleted or Failed, or
    owns spaces: "All apps launched by a user profile and all spaces owned by
    the user profile must be deleted to delete the user profile" (Remove user
    profiles, https://docs.aws.amazon.com/sagemaker/latest/dg/domain-user-profile-remove.html)."""
    profile = _profile(self)
    if profile["Status"] == "Deleting":
        raise ResourceNotFound(f"User profile {profile['UserProfileName']} is already being deleted")
    store = _studio(self)
    domain_id, name = profile["DomainId"], profile["UserProfileName"]
    if _live_apps(store, domain_id, profile=name):
        raise _in_use("UserProfile", profile["UserProfileArn"], "App(s)")
    owned = [
        s
        for (d, _), s in store["spaces"].items()
        if d == domain_id and s["OwnershipSettings"].get("OwnerUserProfileName") == name
    ]
    if owned:
        raise _in_use("UserProfile", profile["UserProfileArn"], "Space(s)")
    _deleting(profile)
    profile["LastModifiedTime"] = utcnow()
    return EmptyResult()


def create_space(self):
    domain_id = self._get_param("DomainId")
    domain = _domain(self, domain_id)
    name = self._get_param("SpaceName")
    arn = _arn(self, "space", domain_id, name)
    now = utcnow()
    settings = self._get_param("SpaceSettings") or {}
    # A space's EBS volume may not exceed the domain's maximum (DefaultEbsStorageSettings,
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultEbsStorageSettings.html).
    size = settings.get("SpaceStorageSettings", {}).get("EbsStorageSettings", {}).get("EbsVolumeSizeInGb")
    limits = ((domain.default_user_settings or {}).get("SpaceStorageSettings") or {}).get("DefaultEbsStorageSettings") or {}
    if size is not None and limits.get("MaximumEbsVolumeSizeInGb") and size > limits["MaximumEbsVolumeSizeInGb"]:
        raise ValidationError(
            f"EbsVolumeSizeInGb {size} exceeds the domain's MaximumEbsVolumeSizeInGb "
            f"{limits['MaximumEbsVolumeSizeInGb']}."
        )
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
        summary = {"AppType": s["SpaceSettings"].get("AppType")}
        if "SpaceStorageSettings" in s["SpaceSettings"]:
            summary["SpaceStorageSettings"] = s["SpaceSettings"]["SpaceStorageSettings"]
        items.append(
            {
                "DomainId": s["DomainId"],
                "SpaceName": s["SpaceName"],
                "Status": s["Status"],
                "CreationTime": s["CreationTime"],
                "LastModifiedTime": s["LastModifiedTime"],
                "SpaceSettingsSummary": summary,
                "OwnershipSettingsSummary": {
                    "OwnerUserProfileName": s["OwnershipSettings"].get("OwnerUserProfileName")
                },
                "SpaceSharingSettingsSummary": s["SpaceSharingSettings"],
            }
        )
    return _page(self, items, "Spaces")


def _space(self):
    key = (self._get_param("DomainId"), self._get_param("SpaceName"))
    space = _studio(self)["spaces"].get(key)
    if space is None:
        raise ResourceNotFound(f"Space {key[1]} not found in domain {key[0]}")
    return space


def describe_space(self):
    return ActionResult(_public(_space(self)))


def delete_space(self):
    """Refused while the space has apps that are not Deleted or Failed
    (Delete a Studio space, https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-running-stop.html);
    deleting it deletes its EBS volume."""
    space = _space(self)
    if space["Status"] == "Deleting":
        raise ResourceNotFound(f"Space {space['SpaceName']} is already being deleted")
    if _live_apps(_studio(self), space["DomainId"], space=space["SpaceName"]):
        raise _in_use("Space", space["SpaceArn"], "App(s)")
    _deleting(space)
    space["LastModifiedTime"] = utcnow()
    return EmptyResult()


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
    created = _backdated(tags)
    # DescribeApp's LastUserActivityTimestamp "is also updated when SageMaker
    # AI performs health checks without user activity. As a result, this value
    # is set to the same value as LastHealthCheckTimestamp" (DescribeApp
    # reference): both default to the activity time.
    activity = _ago(tags, "harness:last-activity-seconds-ago", created)
    app = {
        "AppArn": arn,
        "AppType": app_type,
        "AppName": name,
        "DomainId": domain_id,
        "Status": "InService",
        "CreationTime": created,
        "ResourceSpec": self._get_param("ResourceSpec") or {"InstanceType": "ml.t3.medium"},
        "LastUserActivityTimestamp": activity,
        "LastHealthCheckTimestamp": _ago(tags, "harness:last-health-check-seconds-ago", activity),
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


# ListApps' AppDetails carry no activity or health-check time, only these
# (AppDetails, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AppDetails.html).
_APP_DETAILS = ("AppType", "AppName", "DomainId", "UserProfileName", "SpaceName", "Status", "CreationTime", "ResourceSpec")


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
        items.append({k: app[k] for k in _APP_DETAILS if k in app})
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


# ---------------------------------------------------------------------------
# Domains and their home EFS file system. moto answers a fixed fake
# HomeEfsFileSystemId; here CreateDomain makes a real file system in moto's
# EFS backend, with mount targets, tagged as SageMaker tags it (the key
# ManagedByAmazonSageMakerResource, the domain's ARN as the value:
# AmazonSageMakerNotebooksServiceRolePolicy limits SageMaker's EFS actions
# to that key, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSageMakerNotebooksServiceRolePolicy.html).

# An empty EFS file system meters a little metadata (6 KiB), not zero.
EMPTY_EFS_BYTES = 6144


def _home_efs(account, region, domain, tags):
    efs = efs_backends[account][region]
    fs = efs.create_file_system(
        # Unique: a domain deleted with Retain leaves its file system, and
        # a new domain of the same name (and id, in moto) gets another.
        creation_token=f"{domain.arn}-{time.time_ns()}",
        performance_mode=None,
        encrypted=True,
        kms_key_id=domain.home_efs_file_system_kms_key_id,
        throughput_mode=None,
        provisioned_throughput_in_mibps=None,
        availability_zone_name=None,
        backup=False,
        tags=[{"Key": "ManagedByAmazonSageMakerResource", "Value": domain.arn}],
    )
    size = _tag(tags, "harness:efs-size-bytes")
    fs._size_value = int(size) if size else EMPTY_EFS_BYTES
    # One mount target per subnet the domain names (and per zone, as EFS
    # allows): tests name made-up subnets, which become the region's default ones.
    ec2 = ec2_backends[account][region]
    subnets = []
    for subnet_id in domain.subnet_ids or []:
        try:
            subnets.append(ec2.get_subnet(subnet_id))
        except Exception:
            pass
    if not subnets:
        defaults = [s for zone in ec2.subnets.values() for s in zone.values() if s.default_for_az]
        subnets = defaults[: max(1, len(domain.subnet_ids or []))]
    zones = set()
    for subnet in subnets:
        if subnet.availability_zone not in zones and subnet.vpc_id == subnets[0].vpc_id:
            zones.add(subnet.availability_zone)
            efs.create_mount_target(fs.file_system_id, subnet.id)
    domain.home_efs_file_system_id = fs.file_system_id


def _delete_efs(account, region, file_system_id):
    """What RetentionPolicy HomeEfsFileSystem=Delete does: the file system
    and its mount targets go."""
    efs = efs_backends[account][region]
    fs = efs.file_systems_by_id.get(file_system_id)
    if fs is None:
        return
    for target in list(fs.iter_mount_targets()):
        efs.delete_mount_target(target.mount_target_id)
    efs.delete_file_system(file_system_id)


_original_create_domain = SageMakerResponse.create_domain


def create_domain(self):
    result = _original_create_domain(self)
    backend = sagemaker_backends[self.current_account][self.region]
    domain = backend.domains[f"d-{self._get_param('DomainName')}"]
    _home_efs(self.current_account, self.region, domain, self._get_param("Tags"))
    return result


def describe_domain(self):
    domain_id = self._get_param("DomainId")
    return ActionResult(_domain(self, domain_id).describe())


def delete_domain(self):
    """Refused while user profiles or spaces remain ("To delete a domain, the
    domain cannot contain any user profiles or shared spaces", Delete a
    domain, https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html).
    RetentionPolicy.HomeEfsFileSystem: Retain (the default, "By default, all
    resources are retained", DeleteDomain reference) keeps the EFS file
    system; Delete removes it and its mount targets."""
    domain = _domain(self, self._get_param("DomainId"))
    if domain.status == "Deleting":
        raise ResourceNotFound(f"Domain {domain.id} is already being deleted")
    store = _studio(self)
    if any(d == domain.id for d, _ in store["profiles"]):
        raise _in_use("Domain", domain.arn, "UserProfile(s)")
    if any(d == domain.id for d, _ in store["spaces"]):
        raise _in_use("Domain", domain.arn, "Space(s)")
    retention = (self._get_param("RetentionPolicy") or {}).get("HomeEfsFileSystem", "Retain")
    if retention not in ("Retain", "Delete"):
        raise ValidationError(
            f"1 validation error detected: Value '{retention}' at 'retentionPolicy.homeEfsFileSystem' "
            "failed to satisfy constraint: Member must satisfy enum value set: [Retain, Delete]"
        )
    if retention == "Delete":
        _delete_efs(self.current_account, self.region, domain.home_efs_file_system_id)
    domain.status = "Deleting"
    domain.harness_deleted_at = time.time()
    domain.last_modified_time = utcnow()
    return EmptyResult()


def _size_in_bytes(fs):
    """EFS's metered size; a `harness:size-bytes` tag on the file system sets it."""
    value = fs._size_value
    for tag in fs._context.list_tags_for_resource(fs.file_system_id):
        if tag["Key"] == "harness:size-bytes":
            value = int(tag["Value"])
    return {"Value": value, "ValueInIA": 0, "ValueInStandard": value, "ValueInArchive": 0, "Timestamp": time.time()}


FileSystem.size_in_bytes = property(_size_in_bytes)

for _fn in (
    create_user_profile,
    describe_user_profile,
    update_user_profile,
    list_user_profiles,
    delete_user_profile,
    create_space,
    describe_space,
    list_spaces,
    delete_space,
    create_app,
    describe_app,
    delete_app,
    list_apps,
    create_studio_lifecycle_config,
    describe_studio_lifecycle_config,
    list_studio_lifecycle_configs,
    update_domain,
    create_domain,
    describe_domain,
    delete_domain,
):
    setattr(SageMakerResponse, _fn.__name__, _fn)


# ---------------------------------------------------------------------------
# moto checks instance types against lists older than AWS's (no ml.g5
# endpoint, no ml.g4dn notebook): any `ml.` type is accepted, as the service's
# own, much longer enums would be.


def _any_ml_type(self, instance_type):
    if not str(instance_type).startswith("ml."):
        raise ValidationError(f"Value '{instance_type}' at 'instanceType' failed to satisfy constraint")


FakeEndpointConfig.validate_instance_type = _any_ml_type
FakeSagemakerNotebookInstance.validate_instance_type = _any_ml_type
Cluster.valid_cluster_node_instance_types = _any_ml_type

_original_validate_production_variants = SageMakerModelBackend.validate_production_variants


def _validate_production_variants(self, production_variants):
    """A variant that hosts inference components names no model (only
    VariantName is required in ProductionVariant); moto required ModelName."""
    _original_validate_production_variants(self, [v for v in production_variants if "ModelName" in v])


SageMakerModelBackend.validate_production_variants = _validate_production_variants

# ---------------------------------------------------------------------------
# Notebook instances: created with the 5 GB volume AWS gives by default
# ("The default value is 5 GB", VolumeSizeInGB, CreateNotebookInstance reference);
# DeleteNotebookInstance refused unless Stopped or Failed (moto's message is
# AWS's), then Deleting, then gone.

_original_create_notebook_instance = SageMakerResponse.create_notebook_instance


def create_notebook_instance(self):
    result = _original_create_notebook_instance(self)
    backend = sagemaker_backends[self.current_account][self.region]
    notebook = backend.notebook_instances[self._get_param("NotebookInstanceName")]
    started = _backdated(self._get_param("Tags"))
    notebook.creation_time = notebook.last_modified_time = started
    if notebook.volume_size_in_gb is None:
        notebook.volume_size_in_gb = 5
    return result


def delete_notebook_instance(self):
    backend = sagemaker_backends[self.current_account][self.region]
    notebook = backend.get_notebook_instance(self._get_param("NotebookInstanceName"))
    if not notebook.is_deletable:
        raise ValidationError(
            f"Status ({notebook.status}) not in ([Stopped, Failed]). Unable to transition to (Deleting) "
            f"for Notebook Instance ({notebook.arn})"
        )
    notebook.status = "Deleting"
    notebook.harness_deleted_at = time.time()
    notebook.last_modified_time = utcnow()
    return EmptyResult()


SageMakerResponse.create_notebook_instance = create_notebook_instance
SageMakerResponse.delete_notebook_instance = delete_notebook_instance

# ---------------------------------------------------------------------------
# Training jobs: timings and status from tags, StopTrainingJob, and warm pools.

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
        job.training_job_status = job.secondary_status = _tag(tags, "harness:status")
        job.training_start_time = _backdated(tags)
    if job.training_job_status in ("InProgress", "Stopping"):
        job.training_end_time = None
    elif _tag(tags, "harness:ended-seconds-ago"):
        job.training_end_time = job.last_modified_time = _ago(tags, "harness:ended-seconds-ago")
    notes = _harness(job)
    notes["warm_pool"] = bool((job.resource_config or {}).get("KeepAlivePeriodInSeconds"))
    retained = _tag(tags, "harness:retained-seconds")
    notes["retained"] = int(retained) if retained is not None else None
    return result


def _warm_pool(job):
    """WarmPoolStatus as AWS reports it: InUse while the job trains; after
    it completes, Available for KeepAlivePeriodInSeconds, then Terminated,
    with the wall-clock time retained so far
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_WarmPoolStatus.html).
    Only a completed job leaves a pool ("When the training job completes, a
    warm pool is retained", https://docs.aws.amazon.com/sagemaker/latest/dg/train-warm-pools-how-to-use.html)."""
    notes = _harness(job)
    if not notes.get("warm_pool"):
        return None
    if job.training_job_status == "InProgress":
        return {"Status": "InUse"}
    if job.training_job_status != "Completed" or job.training_end_time is None:
        return None
    ended = job.training_end_time.timestamp()
    until = notes.get("terminated_at") or ended + ((job.resource_config or {}).get("KeepAlivePeriodInSeconds") or 0)
    now = time.time()
    retained = notes["retained"] if notes.get("retained") is not None else int(max(0, min(now, until) - ended))
    return {"Status": "Available" if now < until else "Terminated", "ResourceRetainedBillableTimeInSeconds": retained}


def describe_training_job(self):
    job = _job(self, "training")
    response = job.response_object
    pool = _warm_pool(job)
    if pool:
        response["WarmPoolStatus"] = pool
    return ActionResult(response)


def list_training_jobs(self):
    """moto pages before it filters (a filtered page comes back short or
    empty) and ignores SortBy/SortOrder and WarmPoolStatusEquals; this
    filters, sorts and then pages, as AWS does. Without MaxResults every
    match is one page, as moto answers (tests rely on it)."""
    backend = sagemaker_backends[self.current_account][self.region]
    jobs = list(backend.training_jobs.values())
    status = self._get_param("StatusEquals")
    pool_status = self._get_param("WarmPoolStatusEquals")
    name = self._get_param("NameContains")
    after, before = self._get_param("CreationTimeAfter"), self._get_param("CreationTimeBefore")
    summaries = []
    for job in jobs:
        pool = _warm_pool(job)
        if status not in (None, job.training_job_status):
            continue
        if pool_status is not None and (pool or {}).get("Status") != pool_status:
            continue
        if name is not None and name not in job.training_job_name:
            continue
        created = job.creation_time.timestamp()
        if after is not None and not created > _epoch(after):
            continue
        if before is not None and not created < _epoch(before):
            continue
        summary = {
            "TrainingJobName": job.training_job_name,
            "TrainingJobArn": job.arn,
            "CreationTime": job.creation_time,
            "TrainingEndTime": job.training_end_time,
            "LastModifiedTime": job.last_modified_time,
            "TrainingJobStatus": job.training_job_status,
            "SecondaryStatus": job.secondary_status,
        }
        if pool:
            summary["WarmPoolStatus"] = pool
        summaries.append({k: v for k, v in summary.items() if v is not None})
    sort_key = {"Name": "TrainingJobName", "Status": "TrainingJobStatus"}.get(self._get_param("SortBy"), "CreationTime")
    summaries.sort(key=lambda s: s[sort_key], reverse=self._get_param("SortOrder") == "Descending")
    return _page(self, summaries, "TrainingJobSummaries", default_size=max(1, len(summaries)))


def _epoch(value):
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    try:
        return float(value)
    except ValueError:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def stop_training_job(self):
    """StopTrainingJob, which moto lacks: Stopping, then Stopped."""
    _stop_job(self, "training").secondary_status = "Stopping"
    return EmptyResult()


def update_training_job(self):
    """UpdateTrainingJob's ResourceConfig: KeepAlivePeriodInSeconds 0 ends an
    Available warm pool now ("Terminate a warm pool",
    https://docs.aws.amazon.com/sagemaker/latest/dg/train-warm-pools-how-to-use.html);
    another value sets how long it is kept."""
    job = _job(self, "training")
    keep = (self._get_param("ResourceConfig") or {}).get("KeepAlivePeriodInSeconds")
    if keep is not None:
        pool = _warm_pool(job)
        if pool is None or pool["Status"] != "Available":
            status = pool["Status"] if pool else "absent"
            raise ValidationError(f"The warm pool of training job {job.training_job_name} is {status}, not Available.")
        job.resource_config["KeepAlivePeriodInSeconds"] = keep
        if keep == 0:
            _harness(job)["terminated_at"] = time.time()
    job.last_modified_time = utcnow()
    return ActionResult({"TrainingJobArn": job.arn})


for _fn in (create_training_job, describe_training_job, list_training_jobs, stop_training_job, update_training_job):
    setattr(SageMakerResponse, _fn.__name__, _fn)

# ---------------------------------------------------------------------------
# Processing jobs: ProcessingResources kept (moto drops them), a status
# from tags, StopProcessingJob that goes Stopping, then Stopped.

_original_create_processing_job = SageMakerResponse.create_processing_job


def create_processing_job(self):
    result = _original_create_processing_job(self)
    backend = sagemaker_backends[self.current_account][self.region]
    job = backend.processing_jobs[self._get_param("ProcessingJobName")]
    job.processing_resources = self._get_param("ProcessingResources")
    tags = self._get_param("Tags")
    if _tag(tags, "harness:status"):
        job.processing_job_status = _tag(tags, "harness:status")
        job.processing_start_time = _backdated(tags)
    if job.processing_job_status in ("InProgress", "Stopping"):
        job.processing_end_time = None
    return result


def stop_processing_job(self):
    _stop_job(self, "processing")
    return EmptyResult()


SageMakerResponse.create_processing_job = create_processing_job
SageMakerResponse.stop_processing_job = stop_processing_job

# ---------------------------------------------------------------------------
# Transform jobs.

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
    """StopTransformJob, which moto lacks."""
    _stop_job(self, "transform")
    return EmptyResult()


SageMakerResponse.create_transform_job = create_transform_job
SageMakerResponse.stop_transform_job = stop_transform_job

# ---------------------------------------------------------------------------
# SageMaker MLflow tracking servers, which moto lacks. Statuses as the API
# reference lists them (TrackingServerSummary: Creating | Created | ... |
# Stopping | Stopped | Starting | Started | ... | Deleting | ...); a new
# server is Created, a stopped one Stopping, then Stopped after
# DELETING_SECONDS; a deleted one Deleting, then gone.


def _mlflow(response):
    return _studio(response)["mlflow"]


def _mlflow_server(self):
    name = self._get_param("TrackingServerName")
    server = _mlflow(self).get(name)
    if server is None:
        raise ResourceNotFound(f"Tracking server {name} not found")
    return server


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
        server = _mlflow(self)[name]
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


def delete_mlflow_tracking_server(self):
    """Deleting, then gone; the reference states no required status
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteMlflowTrackingServer.html)."""
    server = _mlflow_server(self)
    if server["TrackingServerStatus"] == "Deleting":
        raise ResourceNotFound(f"Tracking server {server['TrackingServerName']} is already being deleted")
    _deleting(server, "TrackingServerStatus")
    server["IsActive"] = "Inactive"
    return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})


for _fn in (
    create_mlflow_tracking_server,
    describe_mlflow_tracking_server,
    list_mlflow_tracking_servers,
    stop_mlflow_tracking_server,
    delete_mlflow_tracking_server,
):
    setattr(SageMakerResponse, _fn.__name__, _fn)

# ---------------------------------------------------------------------------
# HyperPod clusters: moto's, with ThreadsPerCore optional (moto answered 500
# without it, after storing the cluster), ResourceNotFound for a missing
# cluster (DescribeCluster/DeleteCluster reference), and DeleteCluster
# leaving the cluster Deleting for a while before it is gone.


def _cluster(self):
    backend = sagemaker_backends[self.current_account][self.region]
    name = self._get_param("ClusterName").split("/")[-1]
    cluster = backend.clusters.get(name)
    if cluster is None:
        raise ResourceNotFound(f"Cluster {name} not found")
    return cluster


_original_create_cluster = SageMakerResponse.create_cluster


def create_cluster(self):
    for group in self._get_param("InstanceGroups") or []:
        group.setdefault("ThreadsPerCore", 1)
    return _original_create_cluster(self)


def describe_cluster(self):
    return ActionResult(_cluster(self).describe())


def delete_cluster(self):
    cluster = _cluster(self)
    if cluster.status == "Deleting":
        raise ConflictException(f"Cluster {cluster.cluster_name} is already being deleted.")
    cluster.status = "Deleting"
    cluster.harness_deleted_at = time.time()
    return ActionResult({"ClusterArn": cluster.arn})


for _fn in (create_cluster, describe_cluster, delete_cluster):
    setattr(SageMakerResponse, _fn.__name__, _fn)

# ---------------------------------------------------------------------------
# Inference components, which moto lacks: models placed on an endpoint's
# instances, each with its compute and copy count
# (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeInferenceComponent.html).


def _inference_component(self):
    name = self._get_param("InferenceComponentName")
    ic = _studio(self)["ics"].get(name)
    if ic is None:
        raise ValidationError(f"Could not find inference component '{_arn(self, 'inference-component', name)}'.")
    return ic


def create_inference_component(self):
    backend = sagemaker_backends[self.current_account][self.region]
    name = self._get_param("InferenceComponentName")
    store = _studio(self)["ics"]
    if name in store:
        raise ResourceInUseException(f"Inference component {name} already exists.")
    endpoint_name = self._get_param("EndpointName")
    endpoint = backend.endpoints.get(endpoint_name)
    if endpoint is None:
        raise ValidationError(f"Could not find endpoint '{_arn(self, 'endpoint', endpoint_name)}'.")
    variant = self._get_param("VariantName") or endpoint.production_variants[0]["VariantName"]
    copies = (self._get_param("RuntimeConfig") or {}).get("CopyCount", 1)
    spec = self._get_param("Specification") or {}
    tags = self._get_param("Tags")
    created = _backdated(tags)
    arn = _arn(self, "inference-component", name)
    store[name] = {
        "InferenceComponentName": name,
        "InferenceComponentArn": arn,
        "EndpointName": endpoint_name,
        "EndpointArn": endpoint.arn,
        "VariantName": variant,
        "Specification": {
            k: v
            for k, v in spec.items()
            if k in ("ModelName", "StartupParameters", "ComputeResourceRequirements", "BaseInferenceComponentName")
        },
        "RuntimeConfig": {"DesiredCopyCount": copies, "CurrentCopyCount": copies},
        "CreationTime": created,
        "LastModifiedTime": created,
        "InferenceComponentStatus": _tag(tags, "harness:status") or "InService",
    }
    return ActionResult({"InferenceComponentArn": arn})


def describe_inference_component(self):
    return ActionResult(_public(_inference_component(self)))


def list_inference_components(self):
    wanted = {
        "EndpointName": self._get_param("EndpointNameEquals"),
        "VariantName": self._get_param("VariantNameEquals"),
        "InferenceComponentStatus": self._get_param("StatusEquals"),
    }
    contains = self._get_param("NameContains")
    items = []
    for ic in _studio(self)["ics"].values():
        if any(value is not None and ic[key] != value for key, value in wanted.items()):
            continue
        if contains is not None and contains not in ic["InferenceComponentName"]:
            continue
        items.append(
            {
                k: ic[k]
                for k in (
                    "CreationTime",
                    "InferenceComponentArn",
                    "InferenceComponentName",
                    "EndpointArn",
                    "EndpointName",
                    "VariantName",
                    "InferenceComponentStatus",
                    "LastModifiedTime",
                )
            }
        )
    sort_key = {"Name": "InferenceComponentName", "Status": "InferenceComponentStatus"}.get(
        self._get_param("SortBy"), "CreationTime"
    )
    # SortOrder defaults to Descending ("The default is Descending",
    # ListInferenceComponents reference).
    items.sort(key=lambda i: i[sort_key], reverse=self._get_param("SortOrder") != "Ascending")
    return _page(self, items, "InferenceComponents")


def delete_inference_component(self):
    ic = _inference_component(self)
    if ic["InferenceComponentStatus"] == "Deleting":
        raise ValidationError(f"Inference component {ic['InferenceComponentName']} is already being deleted.")
    _deleting(ic, "InferenceComponentStatus")
    ic["LastModifiedTime"] = utcnow()
    return EmptyResult()


for _fn in (
    create_inference_component,
    describe_inference_component,
    list_inference_components,
    delete_inference_component,
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
# Organizations: moto's, with ListChildren paged as AWS pages it (moto
# ignores MaxResults and NextToken there). An account is SUSPENDED with
# moto's CloseAccount.


def list_children(self):
    children = self.organizations_backend.list_children(
        ParentId=self._get_param("ParentId"), ChildType=self._get_param("ChildType")
    )["Children"]
    size = int(self._get_param("MaxResults") or 20)
    token = self._get_param("NextToken") or "0"
    start = int(token) if token.isdigit() else 0
    page = {"Children": children[start : start + size]}
    if start + size < len(children):
        page["NextToken"] = str(start + size)
    return json.dumps(page)


OrganizationsResponse.list_children = list_children

# ---------------------------------------------------------------------------
# Cost Explorer: moto answers GetCostAndUsage from results queued through
# POST /moto-api/static/ce/cost-and-usage-results, as text/html; the answer
# is JSON, so it says so.


def get_cost_and_usage(self):
    body = json.dumps(self.ce_backend.get_cost_and_usage(self.body))
    return 200, {"Content-Type": "application/x-amz-json-1.1"}, body


CostExplorerResponse.get_cost_and_usage = get_cost_and_usage

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


class FaultRule:
    """One `OPERATION=CODE[:STATUS][@WHEN]`: WHEN is `N` (only the Nth call
    of OPERATION since the rule was set), `N+` (the Nth and every later one)
    or `N-M`; without it, every call."""

    def __init__(self, spec):
        operation, _, rest = spec.partition("=")
        rest, _, when = rest.partition("@")
        code, _, status = rest.partition(":")
        if not operation or not code:
            raise ValueError(f"a fault is OPERATION=CODE[:STATUS][@N|@N+|@N-M], not {spec!r}")
        self.spec, self.operation, self.code = spec, operation, code
        self.status = float(status) if code == "slow" else int(status or 400)
        if not when:
            self.first, self.last = 1, None
        elif when.endswith("+"):
            self.first, self.last = int(when[:-1]), None
        elif "-" in when:
            first, _, last = when.partition("-")
            self.first, self.last = int(first), int(last)
        else:
            self.first = self.last = int(when)
        self.calls = 0

    def count(self):
        """Counts one call of the operation; True when this one fails."""
        self.calls += 1
        return self.first <= self.calls and (self.last is None or self.calls <= self.last)


# Services that speak REST (the operation is the method and path, not a
# header), by the name their requests are signed with.
_REST_SERVICES = {"elasticfilesystem": "efs", "account": "account"}
_BOTOCORE = botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def _rest_routes(service):
    model = _BOTOCORE.get_service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        parts = re.split(r"(\{[^}]+\})", http["requestUri"].split("?")[0])
        pattern = "".join(
            (".+" if part.endswith("+}") else "[^/]+") if part.startswith("{") else re.escape(part) for part in parts
        )
        routes.append((http["method"], re.compile(pattern.rstrip("/") + "/?"), name))
    return routes


def _operation(environ, form):
    """The AWS operation a request calls, whatever its protocol."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    path = environ.get("PATH_INFO", "")
    if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
        return path.rsplit("/", 1)[-1]
    action = (form or {}).get("Action") or urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if action:
        return action[0]
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = auth.partition("Credential=")[2].split(",", 1)[0].split("/")
    service = _REST_SERVICES.get(scope[3] if len(scope) > 3 else "")
    if service:
        for method, pattern, name in _rest_routes(service):
            if method == environ.get("REQUEST_METHOD") and pattern.fullmatch(path):
                return name
    return path.rsplit("/", 1)[-1]


def _error(environ, start_response, code, status, message):
    """An AWS error in the request's own protocol: CBOR for Smithy RPC v2,
    XML for the query protocol (STS), JSON otherwise."""
    headers = [("x-amzn-ErrorType", code)]
    if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
        body = cbor2.dumps({"__type": code, "message": message})
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    elif environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>injected</RequestId></ErrorResponse>"
        ).encode()
        headers += [("Content-Type", "text/xml")]
    else:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers += [("Content-Type", "application/x-amz-json-1.1")]
    start_response(f"{status} Injected", headers + [("Content-Length", str(len(body)))])
    return [body]


def _json(start_response, document, status="200 OK"):
    body = json.dumps(document).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class Faults:
    """Answers chosen operations with an AWS error, as a real account would
    when a permission is missing or the API throttles: `--fault
    ListApps=AccessDeniedException:400`, `@N` for the Nth call only, `@N+`
    from the Nth call on. `--throttle RATE` answers that fraction of all
    requests with a throttling error, drawn from a seeded generator
    (`--throttle-seed`). `--deny-role ARN` refuses AssumeRole into that role,
    as a trust policy that does not list the caller would (moto itself lets
    anyone assume any role). `--mfa-role ARN=SERIAL:CODE` refuses AssumeRole
    into that role unless SerialNumber and TokenCode are those, as a trust
    policy with aws:MultiFactorAuthPresent would. Every request is counted
    by operation. The /harness/ paths change all this while the server runs."""

    def __init__(self, app, faults, denied_roles=(), mfa_roles=None, throttle=0.0, seed=0):
        self.app = app
        self.rules = [FaultRule(spec) for spec in faults]
        self.denied_roles = set(denied_roles)
        self.mfa_roles = mfa_roles or {}
        self.throttle = throttle
        self.random = random.Random(seed)
        self.seed = seed
        self.calls = {}
        self.lock = threading.Lock()

    def _refused(self, form):
        role = form.get("RoleArn", [""])[0]
        if role in self.denied_roles:
            return True
        if role in self.mfa_roles:
            given = (form.get("SerialNumber", [""])[0], form.get("TokenCode", [""])[0])
            return given != self.mfa_roles[role]
        return False

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/harness/"):
            return self._control(environ, start_response)
        if path.startswith("/moto-api"):
            return self.app(environ, start_response)
        form = None
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
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
        operation = _operation(environ, form)
        with self.lock:
            self.calls[operation] = self.calls.get(operation, 0) + 1
            failing = [rule for rule in self.rules if rule.operation == operation and rule.count()]
            throttled = not failing and self.throttle > 0 and self.random.random() < self.throttle
        if failing:
            rule = failing[0]
            if rule.code in ("reset", "slow", "truncated", "malformed", "loop"):
                return self._misbehave(rule.code, rule.status, environ, start_response)
            return _error(environ, start_response, rule.code, rule.status, f"injected by the test emulator: {rule.code}")
        if throttled:
            # The query protocol's services (STS) call it Throttling.
            code = "Throttling" if form is not None else "ThrottlingException"
            return _error(environ, start_response, code, 400, "Rate exceeded (injected by the test emulator)")
        return self.app(environ, start_response)

    def _state(self):
        return {
            "faults": [{"fault": rule.spec, "calls": rule.calls} for rule in self.rules],
            "throttle": self.throttle,
            "throttle_seed": self.seed,
            "deleting_seconds": DELETING_SECONDS,
        }

    def _control(self, environ, start_response):
        """The runtime controls (JSON in, JSON out):
        POST /harness/fault {"add": [SPEC, ...]} | {"set": [...]} | {"clear": [OPERATION, ...] or "all"};
        GET /harness/faults; GET /harness/calls (requests per operation), DELETE /harness/calls;
        POST /harness/settings {"throttle": RATE, "throttle_seed": N, "deleting_seconds": S}."""
        global DELETING_SECONDS
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            request = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
            with self.lock:
                if (method, path) == ("POST", "/harness/fault"):
                    if "set" in request:
                        self.rules = [FaultRule(spec) for spec in request["set"]]
                    clear = request.get("clear")
                    if clear == "all":
                        self.rules = []
                    elif clear:
                        self.rules = [rule for rule in self.rules if rule.operation not in clear]
                    self.rules += [FaultRule(spec) for spec in request.get("add", [])]
                    return _json(start_response, self._state())
                if (method, path) == ("GET", "/harness/faults"):
                    return _json(start_response, self._state())
                if path == "/harness/calls" and method in ("GET", "DELETE"):
                    calls = dict(self.calls)
                    if method == "DELETE":
                        self.calls = {}
                    return _json(start_response, {"calls": calls})
                if (method, path) == ("POST", "/harness/settings"):
                    if "throttle" in request:
                        self.throttle = float(request["throttle"])
                    if "throttle_seed" in request:
                        self.seed = int(request["throttle_seed"])
                        self.random = random.Random(self.seed)
                    if "deleting_seconds" in request:
                        DELETING_SECONDS = float(request["deleting_seconds"])
                    return _json(start_response, self._state())
        except (ValueError, TypeError, AttributeError) as e:
            return _json(start_response, {"error": str(e)}, "400 Bad Request")
        return _json(start_response, {"error": f"no control {method} {path}"}, "404 Not Found")

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
            return _error(environ, start_response, code, status, f"injected for region {region}")
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
        if self.seconds and not environ.get("PATH_INFO", "").startswith(("/moto-api", "/harness/")):
            time.sleep(self.seconds)
        return self.app(environ, start_response)


def main():
    global PAGE_SIZE, DELETING_SECONDS
    # No default AMIs: moto loads them into every account's EC2 backend,
    # which a domain's EFS mount targets create; that cost 80 ms per account
    # and nothing here needs an image.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--page-size", type=int, default=50, help="items per page of the added list calls")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="OPERATION=CODE[:STATUS][@N|@N+|@N-M]",
        help="answer OPERATION with this AWS error: every call, the Nth only, from the Nth on (repeatable)",
    )
    parser.add_argument("--throttle", type=float, default=0.0, metavar="RATE", help="throttle this fraction of requests")
    parser.add_argument("--throttle-seed", type=int, default=0, metavar="N", help="seed of --throttle's draws")
    parser.add_argument(
        "--deleting-seconds",
        type=float,
        default=DELETING_SECONDS,
        metavar="S",
        help="how long deleted resources report Deleting (and stopped ones Stopping)",
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
    PAGE_SIZE = args.page_size
    DELETING_SECONDS = args.deleting_seconds

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
    app = Regions(PriceList(CborBridge(moto_app), args.pricing, pricing_faults), enabled, region_faults)
    app = Faults(app, args.fault, args.deny_role, mfa_roles, args.throttle, args.throttle_seed)
    app = Latency(app, args.latency_ms / 1000.0)
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
