"""The floor: the fewest AWS calls that can build the inventory of an estate.

Every inventory field comes from some read call, and API Gateway offers no call that answers
for more than one API (except the region-wide listings), so any collector needs at least:

    floor = 1                                     STS GetCallerIdentity (the account id)
      + 1                                         CloudFront ListDistributions (global)
      + per region
          pages(REST APIs)                        GetRestApis  (tags included: exclusion is free)
          + pages(HTTP/WebSocket APIs)            GetApis
          + pages(usage plans)                    GetUsagePlans (bound to stages locally)
          + pages(API keys)                       GetApiKeys (includeValues=false; the
                                                  estates have none: one page)
          + 1                                     GetAccount (the region's account limits)
          + 1                                     GetDomainNames, apigatewayv2 (regional domains,
                                                  + GetApiMappings per domain)
          + 1                                     GetDomainNames, v1 (edge-optimized and private
                                                  domains, + GetBasePathMappings per such domain)
                                                  (+ ListRoutingRules per domain whose
                                                  routing mode uses routing rules)
          + ceil(metric queries / 500)            GetMetricData (a query per stage, 500 a call)
      + per REST API in scope
          pages(resources)                        GetResources (embed=methods: no per-method call)
          + 1                                     GetStages (not paginated)
          + pages(authorizers) + pages(validators) + pages(gateway responses)
          + 2 per distinct deployment of its in-scope stages
                                                  GetDeployment (embed=apisummary) + GetExport
          + 1 per distinct canary deployment      GetDeployment (the estates have none)
      + per HTTP/WebSocket API in scope
          pages(routes) + pages(integrations) + pages(stages) + pages(authorizers)
          + 2 per distinct deployment of its in-scope HTTP stages
                                                  GetDeployment + ExportApi
      + per distinct Lambda function an integration of an API in scope invokes
          1                                       GetFunctionConfiguration
      + per distinct CloudWatch Logs group an in-scope stage writes access logs to
          1                                       DescribeLogGroups (by name prefix; the group
                                                  sorts first, so one page; Firehose: none)
      + per distinct client certificate an in-scope REST or WebSocket stage presents
          1                                       GetClientCertificate
      + per distinct usage plan an in-scope REST stage of an API in scope is bound to, where
        the deployment the stage serves requires an API key on some method (only those
        methods are judged by the plans' keys)
          pages(its API keys)                     GetUsagePlanKeys (the estates' plans have
                                                  none: one page each)
      + per distinct web ACL on an in-scope stage of an API in scope (or on CloudFront in
        front of a custom domain mapping one without a web ACL of its own, HTTP, WebSocket or
        REST of a non-PRIVATE API: the estates have no custom domains)
          1                                       GetWebACL (its rules: APIGW-WAF-002)
      + per distinct ACM certificate of a custom domain mapping an in-scope stage of an API in
        scope (served, or proving a mutual-TLS domain's ownership)
          1                                       DescribeCertificate, in its region

    pages(n) = max(1, ceil(n / 500)) for apigateway lists (500 is the largest ``limit``);
    apigatewayv2 documents no largest page, so its lists count one page each (the
    emulator answers every list in one page, so it does too).

Nothing in it grows with methods per resource, resources beyond 500 per API, or stages
(beyond 500 per region), which is what ``python -m bench scaling`` demonstrates. A stage
names its web ACL (``webAclArn``); what the web ACL blocks needs it read, once however many
stages share it. The deployed definition a stage serves needs its deployment read, once per
distinct deployment, never per method. The bench estates have no custom domains and no
canaries, so ``floor_by_operation`` counts no GetApiMappings, GetBasePathMappings,
ListRoutingRules, DescribeCertificate or canary GetDeployment: give them terms here when an
estate gains any.
"""

from __future__ import annotations

import math
from collections import Counter

from bench.estate import EstateManifest

APIGATEWAY_PAGE = 500
METRIC_QUERIES_PER_CALL = 500


def _pages(items: int, page: int = APIGATEWAY_PAGE) -> int:
    return max(1, math.ceil(items / page))


def floor_by_operation(manifest: EstateManifest) -> Counter[str]:
    """The floor, as ``"service.Operation" -> calls``."""
    floor: Counter[str] = Counter({"sts.GetCallerIdentity": 1, "cloudfront.ListDistributions": 1})
    for region in manifest.regions:
        floor["apigateway.GetRestApis"] += _pages(len(region.rest_apis))
        floor["apigatewayv2.GetApis"] += 1
        floor["apigateway.GetUsagePlans"] += _pages(region.usage_plans)
        floor["apigateway.GetApiKeys"] += 1
        floor["apigateway.GetAccount"] += 1
        floor["apigatewayv2.GetDomainNames"] += 1
        floor["apigateway.GetDomainNames"] += 1
        rest = [api for api in region.rest_apis if not api.excluded]
        v2 = [api for api in region.v2_apis if not api.excluded]
        stages = sum(api.stages for api in rest) + sum(api.stages for api in v2)
        floor["cloudwatch.GetMetricData"] += math.ceil(stages / METRIC_QUERIES_PER_CALL)
        for api in rest:
            floor["apigateway.GetResources"] += _pages(api.resources)
            floor["apigateway.GetStages"] += 1
            floor["apigateway.GetAuthorizers"] += _pages(api.authorizers)
            floor["apigateway.GetRequestValidators"] += _pages(api.validators)
            floor["apigateway.GetGatewayResponses"] += _pages(api.gateway_responses)
            floor["apigateway.GetDeployment"] += api.deployments_in_scope
            floor["apigateway.GetExport"] += api.deployments_in_scope
        for operation in ("GetRoutes", "GetIntegrations", "GetStages", "GetAuthorizers"):
            floor[f"apigatewayv2.{operation}"] += len(v2)
        for v2_api in v2:
            floor["apigatewayv2.GetDeployment"] += v2_api.deployments_in_scope
            floor["apigatewayv2.ExportApi"] += v2_api.deployments_in_scope
        floor["lambda.GetFunctionConfiguration"] += len(region.lambda_arns)
        floor["logs.DescribeLogGroups"] += len(region.log_groups)
        floor["apigateway.GetClientCertificate"] += len(region.client_certificates)
        floor["apigateway.GetUsagePlanKeys"] += region.usage_plans_in_scope
        floor["wafv2.GetWebACL"] += len(region.web_acls)
    return +floor  # drop zero entries (e.g. no stages, so no GetMetricData)
