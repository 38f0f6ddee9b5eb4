"""The inventory's root: what was collected, when and where, what was left out, what failed."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from collectors.model.account import (
    AccountSettings,
    AcmCertificate,
    ClientCertificate,
    CloudFrontDistribution,
    CustomDomain,
    LogGroup,
)
from collectors.model.api_keys import RegionApiKeys
from collectors.model.errors import CollectionError
from collectors.model.http import V2Api
from collectors.model.integrations import LambdaFunction
from collectors.model.rest import RestApi
from collectors.model.traffic import TrafficEvidence
from collectors.model.web_acl import WebAcl

LISTING_OPERATIONS = frozenset({"GetRestApis", "GetApis"})


@dataclass(frozen=True, kw_only=True, slots=True)
class SkippedApi:
    """An API left out of the audit by its tags; collected no further than its listing."""

    id: str
    name: str
    region: str
    api_type: str
    tags: Mapping[str, str]
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectionMetadata:
    account_id: str
    regions: tuple[str, ...]
    started_at: str
    finished_at: str
    tool_version: str
    demo: bool


@dataclass(frozen=True, kw_only=True)
class Inventory:
    metadata: CollectionMetadata
    rest_apis: tuple[RestApi, ...]
    http_apis: tuple[V2Api, ...]
    lambda_functions: tuple[LambdaFunction, ...]
    accounts: tuple[AccountSettings, ...]  # per region; a region whose GetAccount failed: absent
    custom_domains: tuple[CustomDomain, ...]  # a region whose GetDomainNames failed: errors
    distributions: tuple[CloudFrontDistribution, ...] | None  # None: ListDistributions failed
    skipped_apis: tuple[SkippedApi, ...]
    # every failed call; a failed GetRestApis/GetApis leaves a whole region's APIs unknown
    errors: tuple[CollectionError, ...]
    # What in-scope stages refer to, read once each; one whose read failed is absent, with its
    # error. Snapshots written before they were read hold none (the checks are then UNKNOWN).
    log_groups: tuple[LogGroup, ...] = ()  # their access-log destinations
    client_certificates: tuple[ClientCertificate, ...] = ()  # of REST stages
    acm_certificates: tuple[AcmCertificate, ...] = ()  # of the custom domains mapping them
    web_acls: tuple[WebAcl, ...] = ()  # on REST stages or CloudFront in front of their domains
    # per region (GetApiKeys, values never read); a region whose GetApiKeys failed: absent,
    # with its error (snapshots written before keys were read hold none: UNKNOWN)
    api_keys: tuple[RegionApiKeys, ...] = ()
    # What audited stages served, from their access logs (Logs Insights); None: not asked
    traffic: TrafficEvidence | None = None

    def listing_failures(self) -> tuple[CollectionError, ...]:
        return tuple(e for e in self.errors if e.operation in LISTING_OPERATIONS)

    def account(self, region: str) -> AccountSettings | None:
        return next((a for a in self.accounts if a.region == region), None)

    def log_group(self, arn: str) -> LogGroup | None:
        return self._log_groups.get(arn)

    def client_certificate(self, region: str, certificate_id: str) -> ClientCertificate | None:
        return self._client_certificates.get((region, certificate_id))

    def acm_certificate(self, arn: str) -> AcmCertificate | None:
        return self._acm_certificates.get(arn)

    def web_acl(self, arn: str) -> WebAcl | None:
        return self._web_acls.get(arn)

    def region_api_keys(self, region: str) -> RegionApiKeys | None:
        return next((keys for keys in self.api_keys if keys.region == region), None)

    # Lookups built once per inventory (kept out of the JSON: not fields).
    @functools.cached_property
    def _log_groups(self) -> dict[str, LogGroup]:
        return {group.arn: group for group in self.log_groups}

    @functools.cached_property
    def _client_certificates(self) -> dict[tuple[str, str], ClientCertificate]:
        return {(c.region, c.id): c for c in self.client_certificates}

    @functools.cached_property
    def _acm_certificates(self) -> dict[str, AcmCertificate]:
        return {c.arn: c for c in self.acm_certificates}

    @functools.cached_property
    def _web_acls(self) -> dict[str, WebAcl]:
        return {acl.arn: acl for acl in self.web_acls}
