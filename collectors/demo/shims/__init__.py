"""Fill gaps in moto so the emulated estate answers the calls real AWS answers.

One module per service, each built on moto's own backend objects (the only state added is
the deployment snapshots and canary settings, hung on moto's objects): ``apigateway`` (REST
deployments that freeze the API, GetDeployment ``embed=apisummary``, GetExport of the
deployment a stage serves, GetAccount and ``set_account_limits``, methodSettings entries
with AWS's defaults, PutIntegration's cacheKeyParameters; its stages' canarySettings in
``apigateway_canary``, the export documents in ``apigateway_export`` and
``apigateway_export_extensions``), ``apigatewayv2`` (deployments, kept in
``apigatewayv2_deployments``, stages serving them, AutoDeploy, ExportApi, written by
``apigatewayv2_export``, GetAuthorizers, WebSocket integrations' 29 s default) and
``domains`` (custom domain names as AWS lists them: regional ones in apigatewayv2,
edge-optimized ones in v1 only; what API Gateway decides of their certificates, truststore
warnings and status in ``domain_certificates``; their routing modes and routing rules, which
moto lacks, in ``routing_rules``; private custom domains, known by name and domainNameId, in
``private_domains``). REST client certificates, which moto lacks,
are ``apigateway_certificates``'s, a REST API's own TLS security policy and endpoint access mode
``apigateway_security_policy``'s; ``acm`` makes an imported ACM certificate expire;
``wafv2`` adds to web ACLs what only Firewall Manager writes on them; ``cloudwatch_role``
refuses REST and WebSocket logging to CloudWatch in a region without its CloudWatch role.
``_patching`` is how they attach to moto. CloudFront's ListDistributions already answers
WebACLId, Aliases and Origins (``cloudfront`` adds the ConnectionMode moto keeps unlisted),
and CloudWatch Logs' DescribeLogGroups a group's retention: no shim for those. API keys need
little: GetApiKeys leaves values out unless asked, GetUsagePlanKeys answers id, type, value
and name, as AWS does; ``apigateway`` answers their ``stageKeys`` as
AWS's "apiId/stage" strings (moto's are objects) and GetAccount's ``features`` as an account
that uses usage plans has them. CloudWatch Logs Insights (StartQuery, GetQueryResults,
StopQuery) answers the audit's traffic queries in ``logs_insights``. AWS Account Management's
ListRegions (``--region all``), which moto lacks, is ``account_regions``'s.
"""

from __future__ import annotations

from collectors.demo.shims import (
    account_regions,
    apigateway,
    apigateway_certificates,
    apigateway_security_policy,
    apigatewayv2,
    cloudfront,
    cloudwatch_role,
    domain_certificates,
    domains,
    logs_insights,
    private_domains,
    routing_rules,
    wafv2,
)
from collectors.demo.shims.account_regions import set_region_opt_status
from collectors.demo.shims.acm import set_certificate_expiry
from collectors.demo.shims.apigateway import set_account_limits, set_before_usage_plans
from collectors.demo.shims.apigateway_certificates import set_client_certificate_expiry
from collectors.demo.shims.cloudwatch_role import set_cloudwatch_role
from collectors.demo.shims.domain_certificates import (
    set_domain_certificate,
    set_domain_status,
    set_truststore_warnings,
)
from collectors.demo.shims.routing_rules import set_routing_mode
from collectors.demo.shims.wafv2 import set_firewall_manager_rule_groups

__all__ = [
    "install",
    "set_account_limits",
    "set_before_usage_plans",
    "set_certificate_expiry",
    "set_client_certificate_expiry",
    "set_cloudwatch_role",
    "set_domain_certificate",
    "set_domain_status",
    "set_firewall_manager_rule_groups",
    "set_region_opt_status",
    "set_routing_mode",
    "set_truststore_warnings",
]


def install() -> None:
    """Idempotent; safe to call from every process that emulates AWS with moto."""
    apigateway.install()
    apigateway_certificates.install()
    apigateway_security_policy.install()
    apigatewayv2.install()
    domains.install()
    private_domains.install()
    domain_certificates.install()
    routing_rules.install()
    wafv2.install()
    cloudfront.install()
    cloudwatch_role.install()
    logs_insights.install()
    account_regions.install()
