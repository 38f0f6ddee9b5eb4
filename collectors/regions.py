"""List one region: its APIs, usage plans, API keys, account settings and custom domains.

Seven calls a region, whatever it holds (plus pages): GetRestApis, GetApis, GetUsagePlans,
GetApiKeys, GetAccount and GetDomainNames of apigatewayv2 (regional) and of apigateway
(edge), then one mapping listing per custom domain (and one routing rule listing per domain
whose routing mode uses them). A failed call leaves its part ``None`` and an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectors import account, api_keys, domains, http, rest
from collectors.clients import AwsClients, call_recording_errors
from collectors.listing import ListedApi
from collectors.model import AccountSettings, CollectionError, CustomDomain, RegionApiKeys
from collectors.usage_plans import UsagePlans, list_usage_plans

if TYPE_CHECKING:
    from mypy_boto3_apigateway.type_defs import RestApiTypeDef
    from mypy_boto3_apigatewayv2.type_defs import ApiTypeDef


@dataclass(frozen=True, kw_only=True)
class RegionListing:
    region: str
    rest: list[ListedApi[RestApiTypeDef]] | None  # None: GetRestApis failed
    v2: list[ListedApi[ApiTypeDef]] | None  # None: GetApis failed
    usage_plans: UsagePlans | None  # None: GetUsagePlans failed
    api_keys: RegionApiKeys | None  # None: GetApiKeys failed
    account: AccountSettings | None
    custom_domains: tuple[CustomDomain, ...] | None  # None: a domain listing failed
    errors: tuple[CollectionError, ...]

    def shared_rest_names(self) -> set[str]:
        """REST API names used by more than one REST API of the region (excluded ones too)."""
        names = [listed.name for listed in self.rest or ()]
        return {name for name in names if names.count(name) > 1}


def list_region(clients: AwsClients, region: str) -> RegionListing:
    errors: list[CollectionError] = []
    apigateway = clients.apigateway(region)
    apigatewayv2 = clients.apigatewayv2(region)
    return RegionListing(
        region=region,
        rest=call_recording_errors(
            errors,
            rest.SERVICE,
            "GetRestApis",
            region,
            lambda: rest.list_rest_apis(apigateway, region),
        ),
        v2=call_recording_errors(
            errors,
            http.SERVICE,
            "GetApis",
            region,
            lambda: http.list_v2_apis(apigatewayv2, region),
        ),
        usage_plans=call_recording_errors(
            errors,
            rest.SERVICE,
            "GetUsagePlans",
            region,
            lambda: list_usage_plans(apigateway),
        ),
        api_keys=api_keys.collect_api_keys(apigateway, region, errors),
        account=account.collect_account(apigateway, region, errors),
        custom_domains=_both(
            domains.collect_custom_domains(apigatewayv2, region, errors),
            domains.collect_v1_domains(apigateway, apigatewayv2, region, errors),
        ),
        errors=tuple(errors),
    )


def _both(
    regional: tuple[CustomDomain, ...] | None, v1_only: tuple[CustomDomain, ...] | None
) -> tuple[CustomDomain, ...] | None:
    """Every custom domain of the region (regional ones; edge-optimized and private ones);
    ``None`` when either listing failed."""
    if regional is None or v1_only is None:
        return None
    return (*regional, *v1_only)
