"""What the web ACLs in front of stages block (APIGW-WAF-002), and how they are read: one
GetWebACL per distinct web ACL in front of an in-scope stage."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from collectors.clients import AwsClients
from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.builders.waf_rules import (
    COMMON_RULE_SET,
    EVERY_REQUEST,
    KNOWN_BAD_INPUTS,
    SQL_INJECTION_RULE_SET,
    Rule,
    allow,
    blocking_common_attacks,
    body_size_limit,
    managed_group,
    rate_based,
    rule_group,
    sql_injection,
    uri_path_starts_with,
    visibility,
)
from collectors.demo.estate import emulated_aws
from collectors.demo.shims import set_firewall_manager_rule_groups
from collectors.model import (
    CollectionError,
    Inventory,
    WafStatement,
    WebAcl,
    WebAclRule,
    is_waf_classic,
    web_acl_ref,
)
from collectors.serialization import from_jsonable, to_jsonable
from collectors.web_acls import collect_web_acl, statement
from tests_unit.checks_harness import (
    AuditRun,
    audit_account,
    audit_inventory,
    denying,
    key,
    written_before,
)
from tests_unit.conftest import collect

RULES, PERIMETER = "APIGW-WAF-002", "APIGW-WAF-001"
OWN_RULE_GROUP = "arn:aws:wafv2:us-east-1:123456789012:regional/rulegroup/shared/1a2b3c"
WAF_CLASSIC_ID = "473e64fd-f30b-4765-81a0-62ad96dd167a"
UNKNOWN_WEB_ACL_ID = "webacl-of-another-kind"
IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList"
LOGIN = uri_path_starts_with("/login")
BLOCKING_GROUPS = [
    managed_group(COMMON_RULE_SET),
    managed_group(KNOWN_BAD_INPUTS),
    managed_group(SQL_INJECTION_RULE_SET),
]
BODY_COUNTED = managed_group(COMMON_RULE_SET, overrides={"SizeRestrictions_BODY": "Count"})
NO_BODY_LIMIT = (
    f"no body-size limit (SizeRestrictions_BODY of {COMMON_RULE_SET} is overridden to Count, "
    "and no rule of its own blocks bodies over a size below the 16384 bytes AWS WAF inspects)"
)


def _negated(rule: Rule, name: str) -> Rule:
    """``rule`` matching what it did not, under another name."""
    return {
        **rule,
        "Name": name,
        "Statement": {"NotStatement": {"Statement": rule["Statement"]}},
        "VisibilityConfig": visibility(name),
    }


# name: (the web ACL's rules, its body inspection limit), each on the prod stage of its own API
WEB_ACLS: dict[str, tuple[list[Rule], str | None]] = {
    "complete": (blocking_common_attacks(), None),
    "count-mode": (
        [rate_based(), managed_group(COMMON_RULE_SET, count_mode=True), *BLOCKING_GROUPS[1:]],
        None,
    ),
    "counted-rules": (
        [
            rate_based(),
            managed_group(COMMON_RULE_SET, overrides={"GenericLFI_BODY": "Count"}),
            managed_group(KNOWN_BAD_INPUTS, excluded=("Log4JRCE_HEADER",)),
            managed_group(SQL_INJECTION_RULE_SET),
        ],
        None,
    ),
    "rate-counts": ([rate_based(action="Count"), *BLOCKING_GROUPS], None),
    "no-rate": (BLOCKING_GROUPS, None),
    "missing-groups": ([rate_based(), managed_group(COMMON_RULE_SET)], None),
    "no-body-limit": ([rate_based(), BODY_COUNTED, *BLOCKING_GROUPS[1:]], None),
    # 20 000 bytes: above the 16 KB API Gateway forwards, so the constraint never matches...
    "limit-over-inspection": (
        [rate_based(), BODY_COUNTED, *BLOCKING_GROUPS[1:], body_size_limit(size=20_000)],
        None,
    ),
    # ... unless the web ACL inspects 32 KB, or oversize bodies match
    "limit-within-32kb": (
        [rate_based(), BODY_COUNTED, *BLOCKING_GROUPS[1:], body_size_limit(size=20_000)],
        "KB_32",
    ),
    "oversize-match": (
        [
            rate_based(),
            BODY_COUNTED,
            *BLOCKING_GROUPS[1:],
            body_size_limit(size=65_536, oversize_handling="MATCH"),
        ],
        None,
    ),
    "own-sqli-rule": ([rate_based(), *BLOCKING_GROUPS[:2], sql_injection()], None),
    # NOT (body size <= 10 000): bodies over 10 000 bytes are refused
    "negated-limit": (
        [
            rate_based(),
            BODY_COUNTED,
            *BLOCKING_GROUPS[1:],
            _negated(body_size_limit(size=10_000, operator="LE"), "SmallBodiesOnly"),
        ],
        None,
    ),
    # below the inspection limit, but a body over the limit does not match with NO_MATCH...
    "oversize-no-match": (
        [
            rate_based(),
            BODY_COUNTED,
            *BLOCKING_GROUPS[1:],
            body_size_limit(oversize_handling="NO_MATCH"),
        ],
        None,
    ),
    # ... and matches LE with MATCH, so NOT (body size <= 8192) lets it through
    "negated-oversize-match": (
        [
            rate_based(),
            BODY_COUNTED,
            *BLOCKING_GROUPS[1:],
            _negated(body_size_limit(operator="LE", oversize_handling="MATCH"), "SmallBodiesOnly"),
        ],
        None,
    ),
    "allow-all-first": ([allow(), *blocking_common_attacks()], None),
    "allow-all-last": ([*blocking_common_attacks(), allow()], None),
    # what these two allow skips every protection but the rate limit, which comes first
    "allow-before": (
        [
            rate_based(),
            allow("AllowHealth", uri_path_starts_with("/health")),
            managed_group(IP_REPUTATION, overrides={"AWSManagedIPReputationList": "Allow"}),
            *BLOCKING_GROUPS,
        ],
        None,
    ),
    "scoped-down": (
        [
            rate_based(scope_down=LOGIN),
            managed_group(COMMON_RULE_SET, scope_down=LOGIN),
            *BLOCKING_GROUPS[1:],
        ],
        None,
    ),
    "scoped-to-every-request": (
        [
            rate_based(scope_down=EVERY_REQUEST),
            managed_group(COMMON_RULE_SET, scope_down=EVERY_REQUEST),
            *BLOCKING_GROUPS[1:],
        ],
        None,
    ),
    "own-rule-group": (
        [rate_based(), rule_group("Shared", OWN_RULE_GROUP), *BLOCKING_GROUPS[1:]],
        None,
    ),
    # counted by what callers send: requests without it are not counted at all...
    "rate-by-forwarded-ip": (
        [rate_based(aggregate_key_type="FORWARDED_IP"), *BLOCKING_GROUPS],
        None,
    ),
    "rate-by-header": (
        [
            rate_based(
                aggregate_key_type="CUSTOM_KEYS",
                custom_keys=[
                    {
                        "Header": {
                            "Name": "x-api-key",
                            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                        }
                    }
                ],
            ),
            *BLOCKING_GROUPS,
        ],
        None,
    ),
    "rate-all-together": (
        [rate_based(aggregate_key_type="CONSTANT", scope_down=EVERY_REQUEST), *BLOCKING_GROUPS],
        None,
    ),
    # ... while a custom key of the source IP alone counts each caller
    "rate-by-ip-key": (
        [rate_based(aggregate_key_type="CUSTOM_KEYS", custom_keys=[{"IP": {}}]), *BLOCKING_GROUPS],
        None,
    ),
    # whitespace compressed before the size is compared: a padded body shrinks below it
    "limit-after-compression": (
        [
            rate_based(),
            BODY_COUNTED,
            *BLOCKING_GROUPS[1:],
            body_size_limit(transformation="COMPRESS_WHITE_SPACE"),
        ],
        None,
    ),
    "empty": ([], None),
}
PASSING = {
    "rate-by-ip-key",
    "complete",
    "limit-within-32kb",
    "oversize-match",
    "own-sqli-rule",
    "negated-limit",
    "allow-all-last",
    "allow-before",
    "scoped-to-every-request",
}


def _firewall_manager_group(group: str) -> dict[str, object]:
    return {
        "Name": f"FMS-{group}",
        "Priority": 0,
        "FirewallManagerStatement": {
            "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}
        },
        "OverrideAction": {"None": {}},
        "VisibilityConfig": visibility(group),
    }


@dataclass
class Estate:
    apis: dict[str, RestApiBuilder]  # by web ACL name
    firewall_manager: RestApiBuilder  # the core rule set comes from Firewall Manager
    shared: list[RestApiBuilder]  # two APIs, prod and staging each, behind one web ACL
    bare: RestApiBuilder  # no web ACL at all
    cloudfront: HttpApiBuilder  # behind CloudFront whose web ACL counts
    classic: HttpApiBuilder  # behind CloudFront with a WAF Classic web ACL
    unknown: HttpApiBuilder  # behind CloudFront with a web ACL id of no known kind
    own_and_edge: RestApiBuilder  # its own web ACL, and CloudFront's in front of its domain
    excluded: RestApiBuilder  # ExcludeFromAudit, with a web ACL of its own
    denied_acl: str  # its GetWebACL is denied in ``denied``
    inventory: Inventory
    calls: Counter[str]
    run: AuditRun
    denied: AuditRun


def _behind_cloudfront(account: AccountBuilder, name: str, web_acl: str) -> HttpApiBuilder:
    api = HttpApiBuilder(name, disable_execute_api_endpoint=True)
    api.route("GET /items", api.lambda_integration(account.lambda_function(name, 5)))
    api.stage("prod")
    origin = account.custom_domain(f"{name}.example.com", [(api.id, "prod")])
    account.cloudfront_distribution(origin, web_acl)
    return api


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        apis = {}
        for name, (rules, limit) in WEB_ACLS.items():
            api = RestApiBuilder(f"api-{name}")
            api.method("GET", "/items")
            api.stage(
                "prod", web_acl_arn=account.web_acl(name, rules=rules, body_inspection_limit=limit)
            )
            apis[name] = api

        managed = account.web_acl("firewall-manager", rules=[rate_based(), *BLOCKING_GROUPS[1:]])
        set_firewall_manager_rule_groups(
            managed, pre_process=[_firewall_manager_group(COMMON_RULE_SET)]
        )
        firewall_manager = RestApiBuilder("api-firewall-manager")
        firewall_manager.method("GET", "/items")
        firewall_manager.stage("prod", web_acl_arn=managed)

        shared_acl = account.web_acl("shared", rules=blocking_common_attacks())
        shared = []
        for number in range(2):
            api = RestApiBuilder(f"api-shared-{number}")
            api.method("GET", "/items")
            api.stage("prod", web_acl_arn=shared_acl)
            api.stage("staging", web_acl_arn=shared_acl)
            api.stage("dev", web_acl_arn=account.web_acl(f"dev-{number}"))  # out of scope
            shared.append(api)

        bare = RestApiBuilder("api-bare")
        bare.method("GET", "/items")
        bare.stage("prod")

        edge_acl = account.web_acl(
            "edge-count",
            scope="CLOUDFRONT",
            rules=[
                rate_based(),
                managed_group(COMMON_RULE_SET),
                managed_group(KNOWN_BAD_INPUTS, count_mode=True),
                managed_group(SQL_INJECTION_RULE_SET),
            ],
        )
        cloudfront = _behind_cloudfront(account, "edge", edge_acl)
        classic = _behind_cloudfront(account, "classic", WAF_CLASSIC_ID)
        unknown = _behind_cloudfront(account, "unknown", UNKNOWN_WEB_ACL_ID)

        # a REST stage's own web ACL is judged, not CloudFront's; a PRIVATE API has none
        own_and_edge = RestApiBuilder("api-own-and-edge")
        private = RestApiBuilder("api-private", endpoint_type="PRIVATE")
        for api, web_acl in ((own_and_edge, account.web_acl("own-acl")), (private, None)):
            api.method("GET", "/items")
            api.stage("prod", web_acl_arn=web_acl)
            origin = account.rest_custom_domain(f"{api.name}.example.com", api.id, "prod")
            account.cloudfront_distribution(
                origin, account.web_acl(f"unjudged-{api.name}", scope="CLOUDFRONT")
            )

        excluded = RestApiBuilder("api-excluded", tags={"ExcludeFromAudit": "true"})
        excluded.method("GET", "/items")
        excluded.stage("prod", web_acl_arn=account.web_acl("excluded-acl"))

        denied_acl = account.web_acl("denied-acl", rules=blocking_common_attacks())
        denied_api = RestApiBuilder("api-denied")
        denied_api.method("GET", "/items")
        denied_api.stage("prod", web_acl_arn=denied_acl)
        apis["denied-acl"] = denied_api

        calls: list[str] = []
        inventory = collect(calls=calls)
        run = audit_inventory(inventory, tmp_path_factory.mktemp("audit"))
        # the web ACL's id is in GetWebACL's request body (Name, Scope, Id)
        denied = audit_account(tmp_path_factory, denying(denied_acl.rsplit("/", 1)[1]))
    return Estate(
        apis,
        firewall_manager,
        shared,
        bare,
        cloudfront,
        classic,
        unknown,
        own_and_edge,
        excluded,
        denied_acl,
        inventory,
        Counter(calls),
        run,
        denied,
    )


def _prod(estate: Estate, web_acl: str) -> str:
    return key(estate.apis[web_acl], "prod")


# --- Web ACL Does Not Block Common Attacks ----------------------------------------------------


@pytest.mark.parametrize("web_acl", sorted(PASSING))
def test_web_acl_blocking_every_common_attack_passes(estate: Estate, web_acl: str) -> None:
    outcome = estate.run[RULES, _prod(estate, web_acl)]
    assert outcome.outcome == "passed", outcome.message
    assert outcome.details["web_acl_gaps"] == {f"{web_acl} on the stage": []}


def test_complete_web_acl_records_what_it_blocks_and_its_rules(estate: Estate) -> None:
    (judged,) = estate.run[RULES, _prod(estate, "complete")].details["web_acls"]
    assert judged["on"] == "the stage"
    assert judged["default_action"] == "Allow"
    assert judged["blocking"] == [
        "rate-based rule RateLimit (2000 requests per 300 s, Block)",
        COMMON_RULE_SET,
        KNOWN_BAD_INPUTS,
        SQL_INJECTION_RULE_SET,
        f"SizeRestrictions_BODY of {COMMON_RULE_SET} (bodies over 8 KB)",
    ]
    assert judged["rules"][0] == "0 RateLimit: rate-based, 2000 per 300 s; Action Block"
    assert judged["rules"][1] == (
        f"1 AWS-{COMMON_RULE_SET}: managed AWS/{COMMON_RULE_SET}; OverrideAction None"
    )


@pytest.mark.parametrize(
    ("web_acl", "gaps"),
    [
        (
            "count-mode",
            [
                f"{COMMON_RULE_SET} runs in count mode (OverrideAction Count)",
                f"no body-size limit ({COMMON_RULE_SET}, which runs SizeRestrictions_BODY, is in "
                "count mode, and no rule of its own blocks bodies over a size below the 16384 "
                "bytes AWS WAF inspects)",
            ],
        ),
        (
            "counted-rules",
            [
                f"{COMMON_RULE_SET} overrides GenericLFI_BODY to Count",
                f"{KNOWN_BAD_INPUTS} overrides Log4JRCE_HEADER to Count",
            ],
        ),
        ("rate-counts", ["rate-based rule RateLimit runs in count mode (Action Count)"]),
        ("no-rate", ["no rate-based rule"]),
        (
            "missing-groups",
            [
                f"no {KNOWN_BAD_INPUTS} (known bad inputs)",
                f"no SQL injection blocking ({SQL_INJECTION_RULE_SET} or a rule with a SQL "
                "injection match statement)",
            ],
        ),
        (
            "no-body-limit",
            [
                f"no body-size limit (SizeRestrictions_BODY of {COMMON_RULE_SET} is overridden "
                "to Count, and no rule of its own blocks bodies over a size below the 16384 "
                "bytes AWS WAF inspects)"
            ],
        ),
        (
            "limit-over-inspection",
            [
                f"no body-size limit (SizeRestrictions_BODY of {COMMON_RULE_SET} is overridden "
                "to Count, and no rule of its own blocks bodies over a size below the 16384 "
                "bytes AWS WAF inspects)"
            ],
        ),
        (
            "own-rule-group",
            [
                f"no {COMMON_RULE_SET} (common exploits)",
                f"no body-size limit (no {COMMON_RULE_SET} to run SizeRestrictions_BODY, and no "
                "rule of its own blocks bodies over a size below the 16384 bytes AWS WAF "
                "inspects)",
            ],
        ),
        ("oversize-no-match", [NO_BODY_LIMIT]),
        (
            "rate-by-forwarded-ip",
            [
                "rate-based rule RateLimit does not limit each caller: it counts by a "
                "forwarded-IP header, which callers set as they like or leave out (requests "
                "without it are not counted)"
            ],
        ),
        (
            "rate-by-header",
            [
                "rate-based rule RateLimit does not limit each caller: it counts by custom "
                "keys (Header) callers can vary or leave out (requests missing one are not "
                "counted)"
            ],
        ),
        (
            "rate-all-together",
            [
                "rate-based rule RateLimit does not limit each caller: it counts every "
                "request it matches together (CONSTANT): one limit for all callers"
            ],
        ),
        (
            "limit-after-compression",
            [
                "body-size rule BodySizeLimit compares the body after COMPRESS_WHITE_SPACE, "
                "which can make a larger body smaller than its size",
                NO_BODY_LIMIT,
            ],
        ),
        ("negated-oversize-match", [NO_BODY_LIMIT]),
        (
            "allow-all-first",
            [
                "rule AllowAll (priority 0) allows every request (size of UriPath GE 0), so the "
                "4 rules after it never run",
                "no rate-based rule",
                f"no {COMMON_RULE_SET} (common exploits)",
                f"no {KNOWN_BAD_INPUTS} (known bad inputs)",
                f"no SQL injection blocking ({SQL_INJECTION_RULE_SET} or a rule with a SQL "
                "injection match statement)",
                f"no body-size limit (no {COMMON_RULE_SET} to run SizeRestrictions_BODY, and no "
                "rule of its own blocks bodies over a size below the 16384 bytes AWS WAF "
                "inspects)",
            ],
        ),
        (
            "scoped-down",
            [
                "rate-based rule RateLimit is scoped down: it limits only requests matching "
                "ByteMatch on UriPath",
                f"{COMMON_RULE_SET} is scoped down: it inspects only requests matching ByteMatch "
                "on UriPath",
                f"no body-size limit ({COMMON_RULE_SET}, which runs SizeRestrictions_BODY, is "
                "scoped down, and no rule of its own blocks bodies over a size below the 16384 "
                "bytes AWS WAF inspects)",
            ],
        ),
    ],
)
def test_web_acl_missing_a_protection_fails_naming_each_gap(
    estate: Estate, web_acl: str, gaps: list[str]
) -> None:
    outcome = estate.run[RULES, _prod(estate, web_acl)]
    assert outcome.outcome == "failed"
    assert outcome.details["web_acl_gaps"] == {f"{web_acl} on the stage": gaps}
    assert outcome.message == (
        f"stage api-{web_acl}/prod: web ACL {web_acl} on the stage: {'; '.join(gaps)}"
    )


def test_web_acl_without_rules_lacks_everything(estate: Estate) -> None:
    (gaps,) = estate.run[RULES, _prod(estate, "empty")].details["web_acl_gaps"].values()
    assert gaps[:3] == [
        "no rate-based rule",
        f"no {COMMON_RULE_SET} (common exploits)",
        f"no {KNOWN_BAD_INPUTS} (known bad inputs)",
    ]
    assert len(gaps) == 5


def test_allow_rules_before_protections_are_named_with_what_they_skip(estate: Estate) -> None:
    (judged,) = estate.run[RULES, _prod(estate, "allow-before")].details["web_acls"]
    skipped = (
        f"{COMMON_RULE_SET}; {KNOWN_BAD_INPUTS}; {SQL_INJECTION_RULE_SET}; "
        f"SizeRestrictions_BODY of {COMMON_RULE_SET} (bodies over 8 KB)"
    )
    assert judged["allowed_first"] == [
        f"1 AllowHealth: ByteMatch on UriPath; Action Allow: what it allows skips {skipped}",
        f"2 AWS-{IP_REPUTATION}: managed AWS/{IP_REPUTATION} (overridden: "
        f"AWSManagedIPReputationList=Allow); OverrideAction None: what it allows skips {skipped}",
    ]
    (complete,) = estate.run[RULES, _prod(estate, "complete")].details["web_acls"]
    assert complete["allowed_first"] == []


def test_an_allow_rule_for_every_request_after_the_protections_takes_nothing(
    estate: Estate,
) -> None:
    (judged,) = estate.run[RULES, _prod(estate, "allow-all-last")].details["web_acls"]
    assert judged["allowed_first"] == []
    assert judged["rules"][-1] == "4 AllowAll: size of UriPath GE 0; Action Allow"


def test_a_scope_down_statement_matching_every_request_narrows_nothing(estate: Estate) -> None:
    (judged,) = estate.run[RULES, _prod(estate, "scoped-to-every-request")].details["web_acls"]
    assert judged["blocking"][:2] == [
        "rate-based rule RateLimit (2000 requests per 300 s, Block)",
        COMMON_RULE_SET,
    ]
    assert judged["rules"][0] == (
        "0 RateLimit: rate-based, 2000 per 300 s, scoped down to size of UriPath GE 0; Action Block"
    )


def test_rules_are_judged_in_priority_order() -> None:
    everything = statement(EVERY_REQUEST)
    rules = tuple(
        WebAclRule(
            name=name, priority=priority, action=action, override_action=None, statement=everything
        )
        for name, priority, action in (("Late", 9, "Block"), ("Early", 1, "Allow"))
    )
    acl = WebAcl(arn="arn", name="acl", id="1", scope="REGIONAL", default_action=None, rules=rules)
    assert [rule.name for rule in acl.evaluated] == ["Early", "Late"]


def test_own_rule_group_is_named_but_not_credited(estate: Estate) -> None:
    (judged,) = estate.run[RULES, _prod(estate, "own-rule-group")].details["web_acls"]
    assert judged["not_judged"] == [
        f"rule group {OWN_RULE_GROUP} (rule Shared): not read, so not credited"
    ]


def test_body_limit_within_a_raised_inspection_limit_is_credited(estate: Estate) -> None:
    (judged,) = estate.run[RULES, _prod(estate, "limit-within-32kb")].details["web_acls"]
    assert "body-size rule BodySizeLimit (bodies over 20000 bytes)" in judged["blocking"]
    (oversize,) = estate.run[RULES, _prod(estate, "oversize-match")].details["web_acls"]
    assert "body-size rule BodySizeLimit (bodies over 16384 bytes)" in oversize["blocking"]
    (negated,) = estate.run[RULES, _prod(estate, "negated-limit")].details["web_acls"]
    assert "body-size rule SmallBodiesOnly (bodies over 10000 bytes)" in negated["blocking"]
    assert negated["rules"][-1] == ("4 SmallBodiesOnly: Not(size of Body LE 10000); Action Block")


def test_firewall_manager_rule_groups_count_as_the_web_acl_s_own(estate: Estate) -> None:
    outcome = estate.run[RULES, key(estate.firewall_manager, "prod")]
    assert outcome.outcome == "passed", outcome.message
    (judged,) = outcome.details["web_acls"]
    assert judged["rules"][0] == (
        f"Firewall Manager, first: 0 FMS-{COMMON_RULE_SET}: managed AWS/{COMMON_RULE_SET}; "
        "OverrideAction None"
    )


def test_http_api_behind_cloudfront_is_judged_on_the_distribution_s_web_acl(
    estate: Estate,
) -> None:
    outcome = estate.run[RULES, key(estate.cloudfront, "prod")]
    assert outcome.outcome == "failed"
    (where,) = outcome.details["web_acl_gaps"]
    assert where.startswith("edge-count on CloudFront ")
    assert where.endswith(" in front of custom domain edge.example.com")
    assert outcome.message.endswith(f"{KNOWN_BAD_INPUTS} runs in count mode (OverrideAction Count)")
    assert estate.run.outcome(PERIMETER, key(estate.cloudfront, "prod")) == "passed"


def test_waf_classic_web_acl_fails_as_unreadable_and_retired(estate: Estate) -> None:
    outcome = estate.run[RULES, key(estate.classic, "prod")]
    assert outcome.outcome == "failed"
    assert "is an AWS WAF Classic web ACL (support ended on 30 September 2025)" in (outcome.message)
    assert outcome.details["web_acls"][0]["web_acl"] == WAF_CLASSIC_ID


def test_web_acl_named_by_neither_wafv2_nor_classic_is_unknown(estate: Estate) -> None:
    outcome = estate.run[RULES, key(estate.unknown, "prod")]
    assert outcome.outcome == "error"
    assert f"web ACL {UNKNOWN_WEB_ACL_ID} on CloudFront " in outcome.message
    assert (
        "is named neither by an AWS WAF (wafv2) ARN nor by an AWS WAF Classic id or ARN: what it "
        "blocks is unknown"
    ) in outcome.message


def test_waf_classic_is_recognised_by_its_id_or_arn() -> None:
    assert is_waf_classic(WAF_CLASSIC_ID)
    assert is_waf_classic("arn:aws:waf-regional:us-east-1:123456789012:webacl/" + WAF_CLASSIC_ID)
    assert is_waf_classic("arn:aws:waf::123456789012:webacl/" + WAF_CLASSIC_ID)
    assert not is_waf_classic("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/a1")
    assert not is_waf_classic(UNKNOWN_WEB_ACL_ID)


def test_stage_without_a_web_acl_in_front_is_not_applicable(estate: Estate) -> None:
    outcome = estate.run[RULES, key(estate.bare, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "no web ACL stands in front of stage api-bare/prod: APIGW-WAF-001 reports its ways in "
        "without one",
    )
    assert estate.run.outcome(PERIMETER, key(estate.bare, "prod")) == "failed"


def test_excluded_apis_and_out_of_scope_stages_are_not_targets(estate: Estate) -> None:
    assert not estate.run.on(RULES, apis={estate.excluded.id}, stages=("dev",))


def test_unreadable_web_acl_is_unknown_with_the_failed_call(estate: Estate) -> None:
    outcome = estate.denied[RULES, _prod(estate, "denied-acl")]
    assert outcome.outcome == "error"
    assert f"GetWebACL on {estate.denied_acl} failed (AccessDeniedException)" in outcome.message
    assert estate.denied.outcome(RULES, _prod(estate, "complete")) == "passed"
    assert estate.denied.outcome(PERIMETER, _prod(estate, "denied-acl")) == "passed"


def test_a_snapshot_from_before_web_acls_were_read_fails_closed(
    estate: Estate, tmp_path: Path
) -> None:
    document = to_jsonable(estate.inventory)
    del document["web_acls"]
    run = audit_inventory(from_jsonable(Inventory, document), tmp_path)
    outcome = run[RULES, _prod(estate, "complete")]
    assert (outcome.outcome, "was not collected" in outcome.message) == ("error", True)
    assert run.outcome(RULES, key(estate.classic, "prod")) == "failed"  # nothing to read


def test_a_snapshot_from_before_rate_keys_and_transformations_were_read_fails_closed(
    estate: Estate, tmp_path: Path
) -> None:
    """What a rate-based rule counts by, and what a body-size rule compares after, decide
    what they block: a snapshot without them leaves the web ACLs they decide UNKNOWN."""
    old = written_before(estate.inventory, "aggregate_key_type", "text_transformations")
    run = audit_inventory(old, tmp_path)
    outcome = run[RULES, _prod(estate, "complete")]
    assert outcome.outcome == "error"
    assert "what rate-based rule RateLimit counts requests by was not read" in outcome.message
    # a web ACL without a rate-based rule still lacks one: the rest is judged as it can be
    assert run.outcome(RULES, _prod(estate, "no-rate")) == "failed"


def test_a_web_acl_without_a_default_action_is_judged_on_its_rules(
    estate: Estate, tmp_path: Path
) -> None:
    """Nor does a snapshot keeping ``managed_by_firewall_manager``, no longer collected, fail
    to load."""
    document = to_jsonable(estate.inventory)
    for acl in document["web_acls"]:
        acl.update(default_action=None, managed_by_firewall_manager=False)
    outcome = audit_inventory(from_jsonable(Inventory, document), tmp_path)[
        RULES, _prod(estate, "complete")
    ]
    assert outcome.outcome == "passed", outcome.message
    assert outcome.details["web_acls"][0]["default_action"] is None


# --- Collection ---------------------------------------------------------------------------------


def test_each_web_acl_in_front_of_an_in_scope_stage_is_read_once(estate: Estate) -> None:
    """Four stages share "shared"; the dev stages' and the excluded API's web ACLs, the WAF
    Classic one and CloudFront's in front of a REST stage with its own or of a PRIVATE API
    (APIGW-WAF-002 judges neither) cost nothing."""
    read = {acl.name for acl in estate.inventory.web_acls}
    assert read == {
        *WEB_ACLS,
        "firewall-manager",
        "shared",
        "edge-count",
        "denied-acl",
        "own-acl",
    }
    assert estate.calls["wafv2.GetWebACL"] == len(read)
    judged = estate.run[RULES, key(estate.own_and_edge, "prod")].details["web_acls"]
    assert [acl["name"] for acl in judged] == ["own-acl"]


def test_a_web_acl_is_kept_rule_by_rule(estate: Estate) -> None:
    (acl,) = [a for a in estate.inventory.web_acls if a.name == "limit-within-32kb"]
    assert (acl.scope, acl.default_action) == ("REGIONAL", "Allow")
    assert acl.body_inspection_limits == {"API_GATEWAY": "KB_32", "CLOUDFRONT": "KB_32"}
    assert [rule.priority for rule in acl.rules] == [0, 1, 2, 3, 4]
    rate, core, *_, size = acl.rules
    assert (rate.statement.kind, rate.statement.rate_limit, rate.action) == (
        "RateBased",
        2_000,
        "Block",
    )
    assert core.override_action == "None"
    assert core.statement.rule_action_overrides == {"SizeRestrictions_BODY": "Count"}
    assert size.statement == WafStatement(
        kind="SizeConstraint",
        field_to_match="Body",
        comparison_operator="GT",
        size=20_000,
        oversize_handling="CONTINUE",
        text_transformations=("NONE",),
    )
    assert rate.statement.aggregate_key_type == "IP"
    (edge,) = [a for a in estate.inventory.web_acls if a.name == "edge-count"]
    assert edge.scope == "CLOUDFRONT"
    (managed,) = [a for a in estate.inventory.web_acls if a.name == "firewall-manager"]
    assert managed.pre_process_firewall_manager_rule_groups[0].statement.name == COMMON_RULE_SET


def test_oversize_handling_is_kept_for_the_body_alone() -> None:
    headers = {"MatchPattern": {"All": {}}, "MatchScope": "ALL", "OversizeHandling": "MATCH"}
    constraint = {"ComparisonOperator": "GT", "Size": 8_192, "TextTransformations": []}
    assert statement(
        {"SizeConstraintStatement": {**constraint, "FieldToMatch": {"Headers": headers}}}
    ) == WafStatement(
        kind="SizeConstraint",
        field_to_match="Headers",
        comparison_operator="GT",
        size=8_192,
        text_transformations=(),
    )


class _AnswersGetWebAcl:
    """Clients whose wafv2 GetWebACL answers ``web_acl``."""

    def __init__(self, web_acl: dict[str, Any]) -> None:
        self.web_acl = web_acl

    def wafv2(self, region: str) -> _AnswersGetWebAcl:
        return self

    def get_web_acl(self, **request: str) -> dict[str, Any]:
        return {"WebACL": self.web_acl}


def test_a_web_acl_is_given_no_default_action_its_answer_lacks() -> None:
    ref = web_acl_ref("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/a1")
    assert ref is not None
    clients = cast(AwsClients, _AnswersGetWebAcl({"Name": "api", "Id": "a1"}))
    acl = collect_web_acl(clients, ref, errors=[])
    assert acl is not None
    assert acl.default_action is None


def test_excluded_rules_count_like_rule_action_overrides(estate: Estate) -> None:
    (acl,) = [a for a in estate.inventory.web_acls if a.name == "counted-rules"]
    assert acl.rules[2].statement.rule_action_overrides == {"Log4JRCE_HEADER": "Count"}


def test_web_acls_survive_a_snapshot(estate: Estate) -> None:
    document = to_jsonable(estate.inventory)
    assert from_jsonable(Inventory, document).web_acls == estate.inventory.web_acls


def test_web_acl_arns_name_the_region_and_scope_to_read_them_with() -> None:
    regional = web_acl_ref("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/a1")
    edge = web_acl_ref("arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/b2")
    assert regional is not None
    assert edge is not None
    assert (regional.region, regional.scope, regional.name, regional.id) == (
        "eu-west-1",
        "REGIONAL",
        "api",
        "a1",
    )
    assert (edge.region, edge.scope) == ("us-east-1", "CLOUDFRONT")
    assert web_acl_ref(WAF_CLASSIC_ID) is None
    assert web_acl_ref("arn:aws:waf-regional:us-east-1:123456789012:webacl/x") is None


def test_a_failed_get_web_acl_is_recorded_against_the_web_acl(aws: None) -> None:
    arn = AccountBuilder().web_acl("gone")
    ref = web_acl_ref(arn)
    assert ref is not None
    errors: list[CollectionError] = []
    session = denying(ref.id)
    assert collect_web_acl(AwsClients(session), ref, errors=errors) is None
    assert [(e.operation, e.target, e.code) for e in errors] == [
        ("GetWebACL", arn, "AccessDeniedException")
    ]
