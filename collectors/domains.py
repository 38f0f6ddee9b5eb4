"""Custom domain names and the API stages they map, per region (apigatewayv2).

One GetDomainNames per region, then one GetApiMappings per domain: a distinct referenced
resource, never per API or stage. apigatewayv2 lists the custom domains of the region, those
REST APIs use included (a configuration's ``EndpointType`` is ``REGIONAL`` or ``EDGE`` in
botocore's model), and its API mappings include REST base path mappings
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html).
"""

from __future__ import annotations

import functools
from typing import Any

from collectors.clients import call_recording_errors
from collectors.model import ApiMapping, CollectionError, CustomDomain

SERVICE = "apigatewayv2"


def _domain_names(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("get_domain_names").paginate()
    return [item for page in pages for item in page.get("Items", [])]


def _api_mappings(client: Any, domain: str) -> list[dict[str, Any]]:
    """Every mapping of ``domain``; botocore has no paginator for GetApiMappings, so the
    ``NextToken`` loop is written out."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = client.get_api_mappings(DomainName=domain, **({"NextToken": token} if token else {}))
        items += page.get("Items", [])
        token = page.get("NextToken")
        if not token:
            return items


def collect_custom_domains(
    client: Any, region: str, errors: list[CollectionError]
) -> tuple[CustomDomain, ...] | None:
    """The region's custom domains; ``None`` when they could not be listed."""
    raw_domains = call_recording_errors(
        errors, SERVICE, "GetDomainNames", region, lambda: _domain_names(client)
    )
    if raw_domains is None:
        return None
    domains = []
    for raw in sorted(raw_domains, key=lambda d: str(d["DomainName"])):
        name = str(raw["DomainName"])
        raw_mappings = call_recording_errors(
            errors,
            SERVICE,
            "GetApiMappings",
            f"{region}/{name}",
            functools.partial(_api_mappings, client, name),
        )
        domains.append(
            CustomDomain(
                name=name,
                region=region,
                regional_domain_names=tuple(
                    str(c["ApiGatewayDomainName"])
                    for c in raw.get("DomainNameConfigurations") or ()
                    if c.get("ApiGatewayDomainName")
                ),
                mappings=(
                    tuple(
                        ApiMapping(
                            api_id=str(m["ApiId"]),
                            stage=str(m.get("Stage", "")),
                            key=str(m.get("ApiMappingKey", "")),
                        )
                        for m in raw_mappings
                    )
                    if raw_mappings is not None
                    else None
                ),
            )
        )
    return tuple(domains)
