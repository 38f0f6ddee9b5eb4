"""boto3 clients for the audit: one per service and region, shared, read-only, and patient.

Every client is made here, so every client gets the same three things:
- adaptive retries (API Gateway's control plane allows only a few requests per second);
- the read-only guard: an operation whose name does not start with Get, List or Describe (or
  is not one of the few reads named otherwise, ``READ_ONLY_OPERATIONS``) is refused before its
  request is built, so the suite cannot change an account even by mistake;
- an optional observer, told of every operation called (tests and the benchmark count them);
- an optional pacer (``collectors.pacing``), which holds API Gateway calls to the account's
  control-plane quota when many accounts are audited at once.

``call_recording_errors`` turns a failed call into a ``CollectionError`` for the inventory
instead of an exception, so one denied call costs the targets it affects and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)

from collectors.errors import AuditSetupError, WriteOperationRefused
from collectors.model import CollectionError
from collectors.pacing import PACED_SERVICES, AccountPacer

if TYPE_CHECKING:  # the boto3 stubs are a development dependency: types only
    from botocore.client import BaseClient
    from botocore.model import OperationModel
    from mypy_boto3_account import AccountClient
    from mypy_boto3_acm import ACMClient
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sts import STSClient
    from mypy_boto3_wafv2 import WAFV2Client

READ_ONLY_PREFIXES = ("Get", "List", "Describe")
# Reads whose names do not say so, by service. apigatewayv2 ExportApi is an HTTP GET of the
# API's definition (GET /v2/apis/{apiId}/exports/{specification}, IAM apigateway:GET). Logs
# Insights' StartQuery and StopQuery start and cancel a read of a log group's events; they
# change nothing in the account (the queries they run are billed per byte scanned). STS
# AssumeRole is the auditing identity's one non-read call: it reads each account of an
# organisation's audit through a read-only role there (temporary credentials; no change to
# any account, CloudTrail records it).
READ_ONLY_OPERATIONS = frozenset(
    {
        ("apigatewayv2", "ExportApi"),
        ("logs", "StartQuery"),
        ("logs", "StopQuery"),
        ("sts", "AssumeRole"),
    }
)

# Shared by every client; pool size matches the collection thread pool.
CLIENT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 10},
    max_pool_connections=16,
    connect_timeout=10,
    read_timeout=30,
)

CallObserver = Callable[[str, str], None]  # (service, operation)
T = TypeVar("T")
Client = TypeVar("Client", bound="BaseClient")


def refuse_writes(model: OperationModel, **_: Any) -> None:
    """botocore ``before-parameter-build`` handler: only reads may proceed."""
    service = model.service_model.service_name
    if not model.name.startswith(READ_ONLY_PREFIXES) and (
        (service, model.name) not in READ_ONLY_OPERATIONS
    ):
        raise WriteOperationRefused(
            f"apigw-audit is read-only and refused to call {model.service_model.service_name}"
            f".{model.name}"
        )


def make_session(profile: str | None) -> boto3.Session:
    """A boto3 session on the standard credential chain (or the named profile)."""
    try:
        return boto3.Session(profile_name=profile) if profile else boto3.Session()
    except ProfileNotFound:
        raise AuditSetupError(
            f"AWS profile '{profile}' is not in your AWS config: check the name "
            "(aws configure list-profiles) or drop --aws-profile."
        ) from None


def require_credentials(session: boto3.Session) -> None:
    """Fail with one actionable line when the credential chain finds nothing."""
    try:
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        raise AuditSetupError(f"Cannot load AWS credentials: {exc}") from None
    if credentials is None:
        raise AuditSetupError(
            "No AWS credentials found: configure them (aws configure, AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, or SSO), pass --aws-profile NAME, "
            "or try the sample estate with --demo."
        )


ALL_REGIONS = "all"  # --region all: every region enabled in the account (account:ListRegions)


def resolve_regions(session: boto3.Session, requested: list[str]) -> tuple[str, ...]:
    """The regions to audit: those asked for, else the session's own; unknown names refused.
    ``(ALL_REGIONS,)`` stands for every region enabled in the account, listed while
    collecting."""
    regions = tuple(dict.fromkeys(r for r in requested if r)) or (
        (session.region_name,) if session.region_name else ()
    )
    if not regions:
        raise AuditSetupError(
            "No AWS region: pass --region (e.g. --region us-east-1) "
            "or set AWS_REGION / AWS_DEFAULT_REGION."
        )
    require_known_regions(regions)
    return regions


def require_known_regions(regions: Sequence[str]) -> None:
    """Refuse region names that have no API Gateway endpoint in botocore's endpoint data (the
    regions of every partition, so GovCloud and China too), and ``all`` beside a region name;
    no AWS call is made."""
    if ALL_REGIONS in regions:
        if len(set(regions)) > 1:
            raise AuditSetupError(
                "--region all audits every region enabled in the account: name no other "
                "region with it."
            )
        return
    endpoints = botocore.session.get_session()
    known = {
        region
        for partition in endpoints.get_available_partitions()
        for region in endpoints.get_available_regions("apigateway", partition_name=partition)
    }
    unknown = [r for r in regions if r not in known]
    if unknown:
        raise AuditSetupError(
            f"Unknown AWS region {', '.join(repr(r) for r in unknown)}: "
            "use a region name such as us-east-1 or eu-west-1."
        )


@dataclass(frozen=True)
class RoleCredentials:
    """An assumed role's temporary credentials (STS AssumeRole's ``Credentials``)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)  # never in a log or a traceback
    session_token: str = field(repr=False)


# Every AwsClients may share its session with others (an organisation's accounts share the
# auditor's), so one lock serialises all client creation. It is CPU work under the GIL: the
# lock costs no parallelism.
_CLIENT_CREATION = threading.Lock()


class AwsClients:
    """One guarded client per service and region, safe to share across threads.

    A method per service the audit reads, each returning that service's typed client, so the
    type checker knows every operation called and every key of every answer."""

    def __init__(
        self,
        session: boto3.Session,
        observer: CallObserver | None = None,
        pacer: AccountPacer | None = None,
        credentials: RoleCredentials | None = None,
    ) -> None:
        self._session = session
        self._observer = observer
        self._pacer = pacer
        # Without credentials, the session's own; with them (an assumed role's), the clients
        # sign with those, and the session (the auditor's, shared by every account) only
        # lends its loaded models, endpoints and configuration.
        self._signing: dict[str, Any] = {"config": CLIENT_CONFIG}
        if credentials is not None:
            self._signing.update(
                aws_access_key_id=credentials.access_key_id,
                aws_secret_access_key=credentials.secret_access_key,
                aws_session_token=credentials.session_token,
            )
        self._account: dict[str, AccountClient] = {}
        self._acm: dict[str, ACMClient] = {}
        self._apigateway: dict[str, APIGatewayClient] = {}
        self._apigatewayv2: dict[str, ApiGatewayV2Client] = {}
        self._cloudfront: dict[str, CloudFrontClient] = {}
        self._cloudwatch: dict[str, CloudWatchClient] = {}
        self._lambda: dict[str, LambdaClient] = {}
        self._logs: dict[str, CloudWatchLogsClient] = {}
        self._organizations: dict[str, OrganizationsClient] = {}
        self._sts: dict[str, STSClient] = {}
        self._wafv2: dict[str, WAFV2Client] = {}

    def account(self, region: str) -> AccountClient:
        return self._shared(
            self._account,
            region,
            lambda: self._session.client("account", region_name=region, **self._signing),
        )

    def acm(self, region: str) -> ACMClient:
        return self._shared(
            self._acm,
            region,
            lambda: self._session.client("acm", region_name=region, **self._signing),
        )

    def apigateway(self, region: str) -> APIGatewayClient:
        return self._shared(
            self._apigateway,
            region,
            lambda: self._session.client("apigateway", region_name=region, **self._signing),
        )

    def apigatewayv2(self, region: str) -> ApiGatewayV2Client:
        return self._shared(
            self._apigatewayv2,
            region,
            lambda: self._session.client("apigatewayv2", region_name=region, **self._signing),
        )

    def cloudfront(self, region: str) -> CloudFrontClient:
        return self._shared(
            self._cloudfront,
            region,
            lambda: self._session.client("cloudfront", region_name=region, **self._signing),
        )

    def cloudwatch(self, region: str) -> CloudWatchClient:
        return self._shared(
            self._cloudwatch,
            region,
            lambda: self._session.client("cloudwatch", region_name=region, **self._signing),
        )

    def lambda_(self, region: str) -> LambdaClient:
        return self._shared(
            self._lambda,
            region,
            lambda: self._session.client("lambda", region_name=region, **self._signing),
        )

    def logs(self, region: str) -> CloudWatchLogsClient:
        return self._shared(
            self._logs,
            region,
            lambda: self._session.client("logs", region_name=region, **self._signing),
        )

    def organizations(self, region: str) -> OrganizationsClient:
        return self._shared(
            self._organizations,
            region,
            lambda: self._session.client("organizations", region_name=region, **self._signing),
        )

    def sts(self, region: str) -> STSClient:
        return self._shared(
            self._sts,
            region,
            lambda: self._session.client("sts", region_name=region, **self._signing),
        )

    def wafv2(self, region: str) -> WAFV2Client:
        return self._shared(
            self._wafv2,
            region,
            lambda: self._session.client("wafv2", region_name=region, **self._signing),
        )

    def _shared(
        self, clients: dict[str, Client], region: str, make: Callable[[], Client]
    ) -> Client:
        with _CLIENT_CREATION:  # creating clients from one session is not thread-safe
            client = clients.get(region)
            if client is None:
                try:
                    client = make()
                except NoRegionError:
                    raise AuditSetupError(f"Unknown AWS region {region!r}.") from None
                self._guard(client)
                clients[region] = client
            return client

    def _guard(self, client: BaseClient) -> None:
        client.meta.events.register("before-parameter-build", refuse_writes)
        service = client.meta.service_model.service_name
        if self._pacer is not None and service in PACED_SERVICES:
            client.meta.events.register("before-send", self._pacer.before_send)
        if self._observer is not None:
            observer = self._observer

            def observe(model: OperationModel, **_: Any) -> None:
                observer(service, model.name)

            client.meta.events.register("before-call", observe)


def error_from_exception(
    service: str, operation: str, target: str, exc: Exception
) -> CollectionError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return CollectionError(
            service=service,
            operation=operation,
            target=target,
            code=str(error.get("Code", "ClientError")),
            message=str(error.get("Message", exc)),
        )
    return CollectionError(
        service=service,
        operation=operation,
        target=target,
        code=type(exc).__name__,
        message=str(exc),
    )


def call_recording_errors(
    errors: list[CollectionError],
    service: str,
    operation: str,
    target: str,
    call: Callable[[], T],
) -> T | None:
    """Run ``call``; on an AWS error append a ``CollectionError`` and return ``None``.

    Credentials that vanish mid-run and the read-only guard are not "a denied call": they
    propagate, because they invalidate the whole run rather than one target.
    """
    try:
        return call()
    except (NoCredentialsError, WriteOperationRefused):
        raise
    except (ClientError, BotoCoreError) as exc:
        errors.append(error_from_exception(service, operation, target, exc))
        return None
