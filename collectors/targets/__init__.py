"""Audit targets: what a check runs on, each under a stable, readable key.

Keys are built from account id, region, API id, stage and method + path, never from names
or positions, so the same target has the same key tomorrow (waivers and CI history refer to
it):

    123456789012/us-east-1/a1b2c3d4e5                      an API
    123456789012/us-east-1/a1b2c3d4e5/prod                 a stage
    123456789012/us-east-1/a1b2c3d4e5/prod/pets/{id}       a REST resource on a stage
    123456789012/us-east-1/a1b2c3d4e5/prod/GET /pets/{id}  a REST method on a stage
    123456789012/us-east-1/h1i2j3/prod/POST /cart          an HTTP route on a stage
    210987654321/(account not reached)                     every kind, in an account the
                                                           audit could not read

- ``objects``: the targets, and what each stage serves;
- ``fixtures``: the public fixture names and the targets each one means;
- ``index``: every in-scope target of an estate, with placeholders where data is missing;
- ``served``: why what a stage serves is unknown (the failed call), and ``require``;
- ``describe``: a target in the words reports use.
"""

from collectors.targets.describe import describe
from collectors.targets.fixtures import FIXTURES
from collectors.targets.index import TargetIndex, is_exempt_preflight, is_mock_preflight
from collectors.targets.objects import (
    Kind,
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    Target,
    Unlisted,
    V2ApiTarget,
    V2RouteTarget,
    V2StageTarget,
)
from collectors.targets.served import (
    deployment_reason,
    require,
    require_exported,
)

__all__ = [
    "FIXTURES",
    "Kind",
    "RestApiTarget",
    "RestMethodTarget",
    "RestResourceTarget",
    "RestStageTarget",
    "Target",
    "TargetIndex",
    "Unlisted",
    "V2ApiTarget",
    "V2RouteTarget",
    "V2StageTarget",
    "deployment_reason",
    "describe",
    "is_exempt_preflight",
    "is_mock_preflight",
    "require",
    "require_exported",
]
