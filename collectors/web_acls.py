"""Collect the AWS WAF web ACLs in front of in-scope stages, once each (wafv2 GetWebACL).

A web ACL stands in front of a stage when it is the REST stage's own (``webAclArn``: scope
REGIONAL, read in the ARN's region) or the web ACL of an enabled CloudFront distribution in
front of a regional custom domain that maps the stage (scope CLOUDFRONT, always read in
us-east-1). HTTP and WebSocket APIs cannot be associated with AWS WAF at all
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html).

Only the web ACLs APIGW-WAF-002 judges are read (APIGW-WAF-001 asks only whether there is
one): a REST stage's own web ACL, which every request meets, is judged instead of CloudFront's,
and a PRIVATE REST API without one is reached through VPC endpoints alone. So CloudFront's web
ACLs are read only for the custom domains that map an in-scope HTTP or WebSocket stage, or a
REST stage without a web ACL of its own whose API is not PRIVATE
(``checks.policy.perimeter.in_front`` decides the same).

GetWebACL is called with Name, Scope and Id, all three in the ARN: one call either way, and
botocore 1.35 (the oldest this package supports) requires them; only later models accept the
ARN alone. A WebACLId or webAclArn that is not a WAFv2 ARN names an AWS WAF Classic web ACL,
which wafv2 cannot read, or something this audit does not know: nothing is called for it (the
check says which).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from collectors.clients import AwsClients, call_recording_errors
from collectors.domains import maps_any
from collectors.model import (
    CloudFrontDistribution,
    CollectionError,
    CustomDomain,
    RestApi,
    RestStage,
    V2Api,
    WafStatement,
    WebAcl,
    WebAclRef,
    WebAclRule,
    web_acl_ref,
)
from collectors.scope import StageFilter

if TYPE_CHECKING:
    from mypy_boto3_wafv2.type_defs import FirewallManagerRuleGroupTypeDef, RuleOutputTypeDef

SERVICE = "wafv2"
# The body's FieldToMatch members, whose OversizeHandling says what AWS WAF does with a body
# larger than it inspects (the only oversize handling the audit judges).
_BODY_FIELDS = frozenset({"Body", "JsonBody"})


def web_acls_in_front(
    rest_apis: Iterable[RestApi],
    v2_apis: Iterable[V2Api],
    custom_domains: Iterable[CustomDomain],
    distributions: Iterable[CloudFrontDistribution] | None,
    audited: StageFilter,
) -> set[WebAclRef]:
    """Every WAFv2 web ACL APIGW-WAF-002 judges: the in-scope REST stages' own, and those of
    the distributions in front of the regional custom domains that map an in-scope stage
    judged on CloudFront's (see the module's docstring)."""
    refs: set[WebAclRef | None] = set()
    behind_domains: set[tuple[str, str, str]] = set()  # (region, API id, stage)
    apis: list[RestApi | V2Api] = [*rest_apis, *v2_apis]
    for api in apis:
        for stage in api.stages or ():
            if not audited(stage.name):
                continue
            if isinstance(stage, RestStage) and stage.web_acl_arn:
                refs.add(web_acl_ref(stage.web_acl_arn))
            elif not (isinstance(api, RestApi) and "PRIVATE" in api.endpoint_types):
                behind_domains.add((api.region, api.id, stage.name))
    fronted = [
        domain
        for domain in custom_domains
        # an edge-optimized domain's CloudFront distribution is AWS's, not in the account
        if domain.endpoint_type != "EDGE" and maps_any(domain, behind_domains)
    ]
    refs.update(
        web_acl_ref(distribution.web_acl_id)
        for distribution in distributions or ()
        if any(distribution.fronts(domain) for domain in fronted)
    )
    return {ref for ref in refs if ref is not None}


def collect_web_acl(
    clients: AwsClients, ref: WebAclRef, *, errors: list[CollectionError]
) -> WebAcl | None:
    client = clients.wafv2(ref.region)
    raw = call_recording_errors(
        errors,
        SERVICE,
        "GetWebACL",
        ref.arn,
        lambda: client.get_web_acl(Name=ref.name, Scope=ref.scope, Id=ref.id),
    )
    if raw is None:
        return None
    acl = raw["WebACL"]
    request_body = (acl.get("AssociationConfig") or {}).get("RequestBody") or {}
    return WebAcl(
        # as stages and distributions name it (the answer's ARN is the same one)
        arn=ref.arn,
        name=acl["Name"],
        id=acl["Id"],
        scope=ref.scope,
        default_action=_one_of(acl.get("DefaultAction")),
        rules=tuple(_rule(rule) for rule in acl.get("Rules") or ()),
        pre_process_firewall_manager_rule_groups=tuple(
            _firewall_manager_group(group)
            for group in acl.get("PreProcessFirewallManagerRuleGroups") or ()
        ),
        post_process_firewall_manager_rule_groups=tuple(
            _firewall_manager_group(group)
            for group in acl.get("PostProcessFirewallManagerRuleGroups") or ()
        ),
        body_inspection_limits={
            str(resource_type): str(config.get("DefaultSizeInspectionLimit"))
            for resource_type, config in request_body.items()
        },
    )


def _member(union: Mapping[str, Any] | None) -> tuple[str | None, Mapping[str, Any]]:
    """The member set in a WAF union and its value (``{"Block": {}}`` -> ``("Block", {})``)."""
    for key, value in (union or {}).items():
        return str(key), value or {}
    return None, {}


def _one_of(union: Mapping[str, Any] | None) -> str | None:
    return _member(union)[0]


def _rule(rule: RuleOutputTypeDef) -> WebAclRule:
    return WebAclRule(
        name=rule["Name"],
        priority=rule["Priority"],
        action=_one_of(rule.get("Action")),
        override_action=_one_of(rule.get("OverrideAction")),
        statement=statement(rule["Statement"]),
    )


def _firewall_manager_group(group: FirewallManagerRuleGroupTypeDef) -> WebAclRule:
    return WebAclRule(
        name=group["Name"],
        priority=group["Priority"],
        action=None,
        override_action=_one_of(group.get("OverrideAction")),
        # a FirewallManagerStatement holds a ManagedRuleGroup or RuleGroupReference statement
        statement=statement(group["FirewallManagerStatement"]),
    )


def statement(raw: Mapping[str, Any]) -> WafStatement:
    """The summary of a rule statement (the one ``...Statement`` member it sets)."""
    key, body = _member(raw)
    kind = (key or "Unknown").removesuffix("Statement")
    if kind in ("And", "Or"):
        return WafStatement(kind=kind, statements=tuple(statement(s) for s in body["Statements"]))
    if kind == "Not":
        return WafStatement(kind=kind, statements=(statement(body["Statement"]),))
    scope_down = body.get("ScopeDownStatement")
    field_name, field_options = _member(body.get("FieldToMatch"))
    overrides = {excluded["Name"]: "Count" for excluded in body.get("ExcludedRules") or ()}
    overrides.update(
        (override["Name"], _one_of(override["ActionToUse"]) or "")
        for override in body.get("RuleActionOverrides") or ()
    )
    return WafStatement(
        kind=kind,
        rate_limit=body.get("Limit"),
        evaluation_window_sec=body.get("EvaluationWindowSec"),
        vendor_name=body.get("VendorName"),
        name=body.get("Name") if kind == "ManagedRuleGroup" else None,
        rule_action_overrides=overrides,
        arn=body.get("ARN"),
        field_to_match=field_name,
        comparison_operator=body.get("ComparisonOperator"),
        size=body.get("Size"),
        oversize_handling=(
            field_options.get("OversizeHandling") if field_name in _BODY_FIELDS else None
        ),
        scope_down=statement(scope_down) if scope_down else None,
        aggregate_key_type=str(body.get("AggregateKeyType") or "IP")
        if kind == "RateBased"
        else None,
        custom_keys=tuple(str(next(iter(key), "")) for key in body.get("CustomKeys") or ()),
        text_transformations=(
            tuple(
                str(t.get("Type", ""))
                for t in sorted(body.get("TextTransformations") or (), key=_priority)
            )
            if field_name is not None
            else None
        ),
    )


def _priority(transformation: Mapping[str, Any]) -> int:
    return int(transformation.get("Priority", 0))
