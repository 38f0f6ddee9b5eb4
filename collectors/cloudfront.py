"""CloudFront distributions (global): which origins sit behind a web ACL.

One paginated ListDistributions per audit. HTTP and WebSocket APIs cannot be associated with
AWS WAF, so a web ACL reaches them only on a CloudFront distribution whose origin is their
custom domain (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html).
A multi-tenant distribution (``ConnectionMode`` tenant-only) serves its distribution tenants,
each of which may override its web ACL or turn it off
(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_WebAclCustomization.html);
the tenants are not read, so what stands in front of its origins is unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collectors.clients import call_recording_errors
from collectors.model import CloudFrontDistribution, CollectionError

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_cloudfront.type_defs import DistributionSummaryTypeDef

SERVICE = "cloudfront"
REGION = "us-east-1"  # CloudFront's control plane is global, served from us-east-1


def _list(client: CloudFrontClient) -> list[DistributionSummaryTypeDef]:
    pages = client.get_paginator("list_distributions").paginate()
    return [
        item for page in pages for item in (page.get("DistributionList") or {}).get("Items") or ()
    ]


def collect_distributions(
    client: CloudFrontClient, errors: list[CollectionError]
) -> tuple[CloudFrontDistribution, ...] | None:
    raw = call_recording_errors(
        errors, SERVICE, "ListDistributions", "global", lambda: _list(client)
    )
    if raw is None:
        return None
    return tuple(
        CloudFrontDistribution(
            id=str(d["Id"]),
            domain_name=str(d.get("DomainName", "")),
            aliases=tuple((d.get("Aliases") or {}).get("Items") or ()),
            origin_domain_names=tuple(
                str(o["DomainName"]) for o in (d.get("Origins") or {}).get("Items") or ()
            ),
            web_acl_id=d.get("WebACLId") or None,
            enabled=bool(d.get("Enabled", True)),
            # an answer without one is a standard distribution, as every one was before
            # multi-tenant distributions
            connection_mode=str(d.get("ConnectionMode") or "direct"),
        )
        for d in sorted(raw, key=lambda d: str(d["Id"]))
    )
