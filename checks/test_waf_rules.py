"""What the web ACLs in front of a stage block: a web ACL is only as good as its rules."""

from __future__ import annotations

import pytest

from checks import AWS_CONFIG, SECURITY_HUB, Severity, check
from checks.policy import NotApplicable, WebAclProtection, gaps_by_web_acl, label
from collectors.targets import RestStageTarget, V2StageTarget


@check(
    id="APIGW-WAF-002",
    issue_type="Web ACL Does Not Block Common Attacks",
    severity=Severity.HIGH,
    security_impact="The stage looks protected by AWS WAF, yet floods, injection, known "
    "exploit payloads or oversized bodies pass the web ACL to the backend.",
    remediation=(
        "Add a rate-based rule whose action is Block (or Captcha/Challenge) to the web ACL.",
        "Add the AWS managed rule groups AWSManagedRulesCommonRuleSet, "
        "AWSManagedRulesKnownBadInputsRuleSet and AWSManagedRulesSQLiRuleSet with "
        "OverrideAction None; leave count mode (OverrideAction Count, rules overridden to "
        "Count) once their CloudWatch counts show no false positives, and waive a rule you "
        "must keep counting.",
        "Keep SizeRestrictions_BODY of the core rule set blocking, or add a rule blocking "
        "bodies over a size below the web ACL's body inspection limit (AssociationConfig; "
        "16 KB by default) whose oversize handling is CONTINUE or MATCH.",
        "Remove an Allow rule that matches every request, or give it a priority after these "
        "rules; keep the rate-based rule and managed rule groups without a scope-down "
        "statement, or waive the stage when what the scope leaves out is meant to be.",
        "Migrate AWS WAF Classic web ACLs to AWS WAF.",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/waf-controls.html#waf-10",
        "https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html",
        "https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html",
        "https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html",
        "https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html",
        "https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html",
        "https://docs.aws.amazon.com/waf/latest/developerguide/waf-migrating-from-classic.html",
    ),
    posture=("web_acl_gaps",),
    compliance={
        SECURITY_HUB: ("WAF.10",),
        AWS_CONFIG: ("wafv2-webacl-not-empty",),
        "NIST.800-53.r5": ("CA-9(1)", "CM-2"),
    },
)
def test_web_acls_block_common_attacks(
    stage: RestStageTarget | V2StageTarget,
    stage_web_acls: WebAclProtection | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """The web ACLs in front of a stage block floods, common exploits and oversized bodies

    A web ACL with no rule, or whose rules only count, filters nothing while the stage looks
    protected. Each web ACL in front of the stage (a REST stage's own, which every request
    meets, else the one on each CloudFront distribution in front of its custom domains) needs
    a blocking rate-based rule, AWS's core rule set and known bad inputs rule groups, SQL
    injection blocking (AWSManagedRulesSQLiRuleSet or a rule of its own) and a body-size
    limit, none of them in count mode. Rules run in order: an Allow rule matching every request
    leaves the rules after it nothing to do, and the evidence names every other Allow rule
    with the protections it lets requests skip. A rate-based rule or managed rule group
    scoped down to some requests does not protect the rest. A rule group of the account's own
    is not read and is credited with nothing; an AWS WAF Classic web ACL blocks none of this,
    and one named by an id of neither kind cannot be judged.
    """
    if isinstance(stage_web_acls, NotApplicable):
        pytest.skip(stage_web_acls.reason)
    evidence.update(
        web_acl_gaps=gaps_by_web_acl(stage_web_acls),
        web_acls=[
            {
                "web_acl": acl.web_acl.id,
                "name": acl.name,
                "on": acl.web_acl.on,
                "default_action": acl.default_action,
                "blocking": list(acl.blocking),
                "allowed_first": list(acl.allowed_first),
                "missing": list(acl.gaps),
                "not_judged": list(acl.not_judged),
                "rules": list(acl.rules),
            }
            for acl in stage_web_acls.web_acls
        ],
    )
    lacking = [acl for acl in stage_web_acls.web_acls if acl.gaps]
    assert stage_web_acls.complete, f"stage {label(stage)}: " + " | ".join(
        f"web ACL {acl.name} on {acl.web_acl.on}: {'; '.join(acl.gaps)}" for acl in lacking
    )
