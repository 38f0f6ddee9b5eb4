"""What an account has beside its APIs: API Gateway's limits per region, custom domains and the
CloudFront distributions in front of them."""

from __future__ import annotations

from dataclasses import dataclass

from collectors.model.throttle import Throttle


@dataclass(frozen=True, kw_only=True)
class AccountSettings:
    """API Gateway's account-level settings in one region (GetAccount)."""

    region: str
    throttle: Throttle  # the account's limit for every API in the region together
    cloudwatch_role_arn: str | None


@dataclass(frozen=True, kw_only=True)
class ApiMapping:
    api_id: str
    stage: str  # "" (v1 "(none)"): every stage, named by callers after the base path
    key: str  # the base path ("" for the root)

    def maps(self, api_id: str, stage: str) -> bool:
        return self.api_id == api_id and self.stage in ("", stage)


@dataclass(frozen=True, kw_only=True)
class CustomDomain:
    """A custom domain name and the API stages it maps."""

    name: str
    region: str
    endpoint_type: str  # REGIONAL (apigatewayv2) or EDGE (apigateway v1)
    # the host names API Gateway serves it at: d-abc.execute-api.region.amazonaws.com
    # (REGIONAL), or the AWS-managed CloudFront's d111.cloudfront.net (EDGE)
    regional_domain_names: tuple[str, ...]
    mappings: tuple[ApiMapping, ...] | None  # None: GetApiMappings/GetBasePathMappings failed


@dataclass(frozen=True, kw_only=True)
class CloudFrontDistribution:
    id: str
    domain_name: str  # d111111abcdef8.cloudfront.net
    aliases: tuple[str, ...]
    origin_domain_names: tuple[str, ...]
    web_acl_id: str | None  # a WAFv2 web ACL ARN (or a WAF Classic id)
    enabled: bool
