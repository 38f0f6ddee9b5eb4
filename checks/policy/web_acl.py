"""What the web ACLs in front of a stage block (APIGW-WAF-002).

The web ACLs in front of a stage are decided once, in ``checks.policy.perimeter.in_front``;
here each is judged on its own, as read by GetWebACL. A web ACL blocks common attacks when
every rule it evaluates (Firewall Manager's rule groups included) gives it all of:

- a rate-based rule that stops what exceeds it (Block, Captcha or Challenge: a rule whose
  action is Count only counts;
  https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html)
  for each caller: counting by source IP (``AggregateKeyType`` IP, or custom keys of the IP
  alone), not by a forwarded-IP header or other keys a request may lack or vary, which leave
  such requests uncounted, nor every request together (CONSTANT);
- AWS's core rule set, ``AWSManagedRulesCommonRuleSet`` (cross-site scripting, local and
  remote file inclusion, SSRF, bad bots, size restrictions;
  https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html)
  and ``AWSManagedRulesKnownBadInputsRuleSet`` (Log4j, Java deserialization, exploitable
  paths; same page), each blocking: neither run in count mode (``OverrideAction: Count``
  turns every match of the group into a count) nor with any of their rules overridden to
  Count or Allow (``RuleActionOverrides``, or the legacy ``ExcludedRules``, which count;
  https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html,
  https://docs.aws.amazon.com/waf/latest/APIReference/API_ExcludedRule.html);
- SQL injection blocking: the core rule set has no SQL injection rule, so
  ``AWSManagedRulesSQLiRuleSet``, held to the same terms, or an equivalent rule of the web
  ACL's own with a SQL injection match statement that blocks
  (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html);
- a body-size limit: the core rule set's ``SizeRestrictions_BODY`` (bodies over 8 KB), or a
  rule of its own blocking bodies over a size. AWS WAF inspects a body only up to the limit
  the protected resource forwards (16 KB for API Gateway and CloudFront unless the web ACL's
  ``AssociationConfig`` raises it); the rest reaches the backend uninspected, and a size
  constraint compares the size WAF received, cut to that limit, unless its oversize handling
  says otherwise. So a limit at or above the inspection limit never matches unless its
  oversize handling is MATCH (NO_MATCH under a ``Not``), and one below it counts unless its
  oversize handling makes the largest bodies miss it: NO_MATCH (MATCH under a ``Not``); and
  one of its own compares the body as received, since text transformations
  (COMPRESS_WHITE_SPACE, URL_DECODE...) can shrink it first
  (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html,
  https://docs.aws.amazon.com/waf/latest/APIReference/API_Body.html).

Rules run in order and an Allow rule ends evaluation for the requests it matches
(https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-actions.html). An
Allow rule matching every request (AWS WAF has no such statement: the size of the URI path or
method at least 0 is one) is a gap when rules come after it, and only the rules before it
are judged. Any other Allow rule, and any rule group with a rule overridden to Allow, is named
in the evidence with the rules that count after it: what it allows skips them. What an Allow
statement matches is not judged beyond that, as an IP set or a pattern cannot be read from
the web ACL. A rate-based rule or managed rule group with a scope-down statement acts only on
the requests the statement matches: it meets its requirement only when an instance of it is
not scoped down (or its scope-down statement matches every request), else the scope-down is
the gap, in words.

A rule group of the account's own (``RuleGroupReferenceStatement``) is not read, so it is
credited with nothing, and the evidence says so. An AWS WAF Classic web ACL (a CloudFront
``WebACLId`` that is a GUID, or a stage ``webAclArn`` of ``waf-regional``) cannot be read
with wafv2 and cannot hold AWS Managed Rules, which exist in AWS WAF only; Classic's support
ended on 30 September 2025
(https://docs.aws.amazon.com/waf/latest/developerguide/waf-migrating-from-classic.html): it
blocks none of the above. A web ACL named by anything else cannot be judged (UNKNOWN).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from checks.policy.hardening import NotApplicable
from checks.policy.labels import label, some
from checks.policy.perimeter import WebAclInFront, in_front
from collectors.errors import DataUnavailable
from collectors.model import (
    Inventory,
    WafStatement,
    WebAcl,
    WebAclRule,
    is_waf_classic,
    web_acl_ref,
)
from collectors.targets import RestStageTarget, V2StageTarget, require

COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
SQL_INJECTION_RULE_SET = "AWSManagedRulesSQLiRuleSet"
BODY_SIZE_RULE = "SizeRestrictions_BODY"  # of the core rule set: bodies over 8 KB
# Actions that stop a request (Captcha and Challenge unless the client solves the puzzle).
STOPPING = frozenset({"Block", "Captcha", "Challenge"})
# AssociationConfig.RequestBody DefaultSizeInspectionLimit, in bytes; 16 KB when not set.
INSPECTION_LIMITS = {"KB_16": 16_384, "KB_32": 32_768, "KB_48": 49_152, "KB_64": 65_536}
DEFAULT_INSPECTION_LIMIT = 16_384
CLASSIC = (
    "is an AWS WAF Classic web ACL (support ended on 30 September 2025): its rules cannot be "
    "read with AWS WAF (wafv2) and AWS Managed Rules exist only there, so it has no "
    "rate-based rule, managed rule groups or body-size limit this audit can credit"
)


@dataclass(frozen=True)
class JudgedWebAcl:
    """One web ACL in front of the stage, and what it lacks."""

    web_acl: WebAclInFront
    name: str  # the web ACL's name (a WAF Classic one: its id)
    default_action: str | None  # Allow or Block; None: WAF Classic (not read), or not given
    gaps: tuple[str, ...]  # what it lacks, each in words
    blocking: tuple[str, ...]  # what it has that counts
    # each Allow rule evaluated before rules that count: what it allows skips them
    allowed_first: tuple[str, ...]
    not_judged: tuple[str, ...]  # rule groups of the account's own: not read, not credited
    rules: tuple[str, ...]  # every rule it evaluates, in order, in words


@dataclass(frozen=True)
class WebAclProtection:
    web_acls: tuple[JudgedWebAcl, ...]

    @property
    def complete(self) -> bool:
        return not any(acl.gaps for acl in self.web_acls)


def web_acl_protection(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> WebAclProtection | NotApplicable:
    """Each web ACL in front of the stage, judged. Raises ``DataUnavailable`` when one could
    not be read (GetWebACL) or is named by what is neither a WAFv2 nor a WAF Classic id, or
    when what stands in front of the stage could not be read."""
    front = in_front(target, inventory)
    if front.private:
        return NotApplicable(
            f"stage {label(target)} is PRIVATE and has no web ACL: VPC endpoints are its only "
            "ways in (APIGW-WAF-001 judges whom its resource policy admits)"
        )
    if not front.web_acls:
        return NotApplicable(
            f"no web ACL stands in front of stage {label(target)}: APIGW-WAF-001 reports its "
            "ways in without one"
        )
    return WebAclProtection(tuple(_judged(acl, inventory) for acl in front.web_acls))


def _judged(in_front_of: WebAclInFront, inventory: Inventory) -> JudgedWebAcl:
    ref = web_acl_ref(in_front_of.id)
    if ref is None:
        if not is_waf_classic(in_front_of.id):
            raise DataUnavailable(
                f"web ACL {in_front_of.id} on {in_front_of.on} is named neither by an AWS WAF "
                "(wafv2) ARN nor by an AWS WAF Classic id or ARN: what it blocks is unknown"
            )
        return JudgedWebAcl(in_front_of, in_front_of.id, None, (CLASSIC,), (), (), (), ())
    acl = require(
        inventory.web_acl(ref.arn),
        inventory.errors,
        "GetWebACL",
        f"web ACL {ref.name} ({ref.arn})",
        target=ref.arn,
    )
    judgement = _Judgement(acl, _inspection_limit(acl, in_front_of.resource_type))
    return JudgedWebAcl(
        web_acl=in_front_of,
        name=acl.name,
        default_action=acl.default_action,
        gaps=tuple(judgement.gaps),
        blocking=tuple(words for _, words in judgement.credited),
        allowed_first=tuple(judgement.allowed_first()),
        not_judged=tuple(
            f"rule group {rule.statement.arn} (rule {rule.name}): not read, so not credited"
            for rule in judgement.rules
            if rule.statement.kind == "RuleGroupReference"
        ),
        rules=_in_order(acl),
    )


def _inspection_limit(acl: WebAcl, resource_type: str) -> int:
    setting = acl.body_inspection_limits.get(resource_type)
    return INSPECTION_LIMITS.get(setting or "", DEFAULT_INSPECTION_LIMIT)


def _in_order(acl: WebAcl) -> tuple[str, ...]:
    evaluated = acl.evaluated
    first = len(acl.pre_process_firewall_manager_rule_groups)
    last = len(evaluated) - len(acl.post_process_firewall_manager_rule_groups)
    return (
        *(f"Firewall Manager, first: {describe(rule)}" for rule in evaluated[:first]),
        *(describe(rule) for rule in evaluated[first:last]),
        *(f"Firewall Manager, last: {describe(rule)}" for rule in evaluated[last:]),
    )


class _Judgement:
    """What one web ACL blocks, and what it lacks, requirement by requirement.

    Only the rules AWS WAF gets to are judged: a rule allowing every request ends evaluation
    for all of them, so the rules after it earn nothing. A rate-based rule or managed rule
    group with a scope-down statement acts only on the requests the statement matches, so it
    meets a requirement for the whole stage only when that statement matches every request.
    """

    def __init__(self, acl: WebAcl, inspection_limit: int) -> None:
        evaluated = acl.evaluated
        allowing_all = next(
            (i for i, rule in enumerate(evaluated) if _allows_every_request(rule)), None
        )
        self.rules = evaluated if allowing_all is None else evaluated[:allowing_all]
        self.inspection_limit = inspection_limit
        self.gaps: list[str] = []
        self.credited: list[tuple[WebAclRule, str]] = []  # the rule, what it counts for
        if allowing_all is not None and (never := len(evaluated) - allowing_all - 1):
            rule = evaluated[allowing_all]
            self.gaps.append(
                f"rule {rule.name} (priority {rule.priority}) allows every request "
                f"({_statement_words(rule.statement)}), so "
                + (
                    "the rule after it never runs"
                    if never == 1
                    else f"the {never} rules after it never run"
                )
            )
        self._rate_based()
        self._managed_group(COMMON_RULE_SET, "common exploits", exempt=BODY_SIZE_RULE)
        self._managed_group(KNOWN_BAD_INPUTS, "known bad inputs")
        self._sql_injection()
        self._body_size_limit()

    def allowed_first(self) -> list[str]:
        """Each rule that may allow requests before rules that count: an Allow rule ends
        evaluation for what it matches, so those requests skip the rules after it."""
        position = {id(rule): i for i, rule in enumerate(self.rules)}
        found = []
        for i, rule in enumerate(self.rules):
            if rule.action == "Allow" or "Allow" in rule.statement.rule_action_overrides.values():
                skipped = [words for credited, words in self.credited if position[id(credited)] > i]
                if skipped:
                    found.append(f"{describe(rule)}: what it allows skips {'; '.join(skipped)}")
        return found

    def _rate_based(self) -> None:
        rules = [rule for rule in self.rules if rule.statement.kind == "RateBased"]
        stopping = [rule for rule in rules if rule.action in STOPPING]
        whole = [
            rule for rule in stopping if _narrowed_to(rule) is None and _uncounted(rule) is None
        ]
        if whole:
            self.credited += [(rule, f"rate-based rule {_rate(rule)}") for rule in whole]
        elif stopping:
            self.gaps += [
                f"rate-based rule {rule.name} is scoped down: it limits only requests matching "
                f"{_narrowed_to(rule)}"
                if _narrowed_to(rule) is not None
                else f"rate-based rule {rule.name} does not limit each caller: {_uncounted(rule)}"
                for rule in stopping
            ]
        elif rules:
            self.gaps += [
                f"rate-based rule {rule.name} "
                + ("runs in count mode" if rule.action == "Count" else "does not block")
                + f" (Action {rule.action})"
                for rule in rules
            ]
        else:
            self.gaps.append("no rate-based rule")

    def _instances(self, group: str) -> list[WebAclRule]:
        return [
            rule
            for rule in self.rules
            if rule.statement.kind == "ManagedRuleGroup"
            and (rule.statement.vendor_name, rule.statement.name) == ("AWS", group)
        ]

    def _group_problems(self, rule: WebAclRule, group: str, exempt: str | None) -> list[str]:
        if rule.override_action == "Count":
            return [f"{group} runs in count mode (OverrideAction Count)"]
        overridden = {
            name: action
            for name, action in rule.statement.rule_action_overrides.items()
            if action not in STOPPING and name != exempt
        }
        if not overridden:
            return []
        return [f"{group} overrides {some([f'{n} to {a}' for n, a in sorted(overridden.items())])}"]

    def _blocking_instance(
        self, group: str, exempt: str | None = None
    ) -> tuple[WebAclRule | None, list[str]]:
        """The instance of the managed group that blocks for every request, or what keeps
        each instance from it (nothing when there is none)."""
        problems = [(r, self._group_problems(r, group, exempt)) for r in self._instances(group)]
        blocking = [rule for rule, found in problems if not found]
        whole = [rule for rule in blocking if _narrowed_to(rule) is None]
        if whole:
            return whole[0], []
        if blocking:
            return None, [
                f"{group} is scoped down: it inspects only requests matching {_narrowed_to(rule)}"
                for rule in blocking
            ]
        return None, [problem for _, found in problems for problem in found]

    def _managed_group(self, group: str, what: str, exempt: str | None = None) -> None:
        instance, problems = self._blocking_instance(group, exempt)
        if instance is not None:
            self.credited.append((instance, group))
        else:
            self.gaps += problems or [f"no {group} ({what})"]

    def _sql_injection(self) -> None:
        own = [
            rule
            for rule in self.rules
            if rule.action in STOPPING and _matches(rule.statement, "SqliMatch")
        ]
        instance, problems = self._blocking_instance(SQL_INJECTION_RULE_SET)
        if instance is not None:
            self.credited.append((instance, SQL_INJECTION_RULE_SET))
        elif own:
            self.credited += [(rule, f"SQL injection rule {rule.name}") for rule in own]
        else:
            self.gaps += problems or [
                f"no SQL injection blocking ({SQL_INJECTION_RULE_SET} or a rule with a SQL "
                "injection match statement)"
            ]

    def _body_size_limit(self) -> None:
        core = [
            (
                rule,
                "Count"
                if rule.override_action == "Count"
                else rule.statement.rule_action_overrides.get(BODY_SIZE_RULE, "Block"),
            )
            for rule in self._instances(COMMON_RULE_SET)
        ]
        blocking = [rule for rule, action in core if action in STOPPING]
        whole = [rule for rule in blocking if _narrowed_to(rule) is None]
        if whole:
            self.credited.append(
                (whole[0], f"{BODY_SIZE_RULE} of {COMMON_RULE_SET} (bodies over 8 KB)")
            )
            return
        own = [
            (rule, over)
            for rule in self.rules
            if rule.action in STOPPING
            and (over := _blocks_bodies_over(rule.statement, self.inspection_limit)) is not None
        ]
        if own:
            self.credited += [
                (rule, f"body-size rule {rule.name} (bodies over {over} bytes)")
                for rule, over in own
            ]
            return
        self.gaps += [
            f"body-size rule {rule.name} compares the body after {', '.join(transformed)}, "
            "which can make a larger body smaller than its size"
            for rule in self.rules
            if rule.action in STOPPING
            and (transformed := _body_transformations(rule.statement, self.inspection_limit))
        ]
        if not core:
            why = f"no {COMMON_RULE_SET} to run {BODY_SIZE_RULE}"
        elif blocking:
            why = f"{COMMON_RULE_SET}, which runs {BODY_SIZE_RULE}, is scoped down"
        elif core[0][0].override_action == "Count":
            why = f"{COMMON_RULE_SET}, which runs {BODY_SIZE_RULE}, is in count mode"
        else:
            why = f"{BODY_SIZE_RULE} of {COMMON_RULE_SET} is overridden to {core[0][1]}"
        self.gaps.append(
            f"no body-size limit ({why}, and no rule of its own blocks bodies over a size "
            f"below the {self.inspection_limit} bytes AWS WAF inspects)"
        )


def _matches(statement: WafStatement, kind: str) -> bool:
    """The statement matches every request a ``kind`` statement inside it matches: it is one,
    or an ``Or`` holding one."""
    if statement.kind == "Or":
        return any(_matches(s, kind) for s in statement.statements)
    return statement.kind == kind


# Request components every request has: whatever its text transformations, the size of
# either is at least 0. AWS WAF has no statement that matches every request; this is one.
ALWAYS_PRESENT = frozenset({"UriPath", "Method"})


def _matches_every_request(statement: WafStatement) -> bool:
    """Certainly true of every request: the size of the URI path or method at least 0 (or
    not below 0), an ``Or`` holding such a statement, an ``And`` of only such. Anything else
    may leave requests out, so it is taken to."""
    if statement.kind == "Or":
        return any(_matches_every_request(s) for s in statement.statements)
    if statement.kind == "And":
        return bool(statement.statements) and all(
            _matches_every_request(s) for s in statement.statements
        )
    negated = statement.kind == "Not"
    constraint = statement.statements[0] if negated else statement
    return (
        constraint.kind == "SizeConstraint"
        and constraint.field_to_match in ALWAYS_PRESENT
        and (constraint.comparison_operator, constraint.size, negated)
        in {("GE", 0, False), ("LT", 0, True)}
    )


def _allows_every_request(rule: WebAclRule) -> bool:
    return rule.action == "Allow" and _matches_every_request(rule.statement)


def _narrowed_to(rule: WebAclRule) -> str | None:
    """In words, the scope-down statement that leaves requests out of what the rule acts on;
    ``None`` when it has none, or one that matches every request."""
    scope = rule.statement.scope_down
    if scope is None or _matches_every_request(scope):
        return None
    return _statement_words(scope)


BODY_FIELDS = frozenset({"Body", "JsonBody"})
# A size constraint matching bodies larger than its size: GT, or the negation of LE.
_LARGER = {("GT", False), ("LE", True)}
_AT_LEAST = {("GE", False), ("LT", True)}


def _body_size_constraint(statement: WafStatement) -> tuple[WafStatement, bool] | None:
    """The size constraint on the body a statement is, and whether it is negated."""
    negated = statement.kind == "Not"
    constraint = statement.statements[0] if negated else statement
    if constraint.kind != "SizeConstraint" or constraint.field_to_match not in BODY_FIELDS:
        return None
    return constraint, negated


def _transformations(constraint: WafStatement) -> tuple[str, ...]:
    """The text transformations a constraint compares the body after (none: ``()``). Raises
    ``DataUnavailable`` when they were not read."""
    if constraint.text_transformations is None:
        raise DataUnavailable(
            "the text transformations of a body-size rule were not read (a snapshot written "
            "before they were collected): collect again"
        )
    return tuple(t for t in constraint.text_transformations if t != "NONE")


def _body_transformations(statement: WafStatement, inspection_limit: int) -> tuple[str, ...]:
    """The transformations that keep a body-size statement from being credited: what it
    would block, were the body compared as received."""
    if statement.kind == "Or":
        return tuple(
            t for s in statement.statements for t in _body_transformations(s, inspection_limit)
        )
    found = _body_size_constraint(statement)
    if found is None or not _transformations(found[0]):
        return ()
    untransformed = replace(found[0], text_transformations=())
    whole = replace(statement, statements=(untransformed,)) if found[1] else untransformed
    if _blocks_bodies_over(whole, inspection_limit) is None:
        return ()
    return _transformations(found[0])


def _blocks_bodies_over(statement: WafStatement, inspection_limit: int) -> int | None:
    """The size in bytes above which every body matches the statement, or ``None``. A size
    constraint compares the body after its text transformations ("the size ... to compare to
    the request part, after any transformations",
    https://docs.aws.amazon.com/waf/latest/APIReference/API_SizeConstraintStatement.html),
    which can shrink it (COMPRESS_WHITE_SPACE, URL_DECODE, BASE64_DECODE...): only one
    comparing the body as received blocks bodies over its size."""
    if statement.kind == "Or":
        sizes = [_blocks_bodies_over(s, inspection_limit) for s in statement.statements]
        return min((size for size in sizes if size is not None), default=None)
    found = _body_size_constraint(statement)
    if found is None:
        return None
    size_constraint, negated = found
    if _transformations(size_constraint):
        return None
    operator, size = size_constraint.comparison_operator, size_constraint.size
    if size is None:
        return None
    if (operator, negated) in _AT_LEAST:
        size -= 1
    elif (operator, negated) not in _LARGER:
        return None
    # A body over the inspection limit reaches AWS WAF cut to the limit, and oversize
    # handling decides how the constraint treats it: CONTINUE compares the part received (as
    # large as the limit), MATCH matches the constraint, so its negation never does, and
    # NO_MATCH the reverse (https://docs.aws.amazon.com/waf/latest/APIReference/API_Body.html).
    oversize = size_constraint.oversize_handling or "CONTINUE"
    if size < inspection_limit:
        # every body over the size still matches, unless oversize handling drops the largest
        return None if oversize == ("MATCH" if negated else "NO_MATCH") else size
    # the part received is never over the size: only oversize handling can match
    return inspection_limit if oversize == ("NO_MATCH" if negated else "MATCH") else None


def _uncounted(rule: WebAclRule) -> str | None:
    """Why a rate-based rule does not count each caller's requests, in words; ``None`` when it
    counts them by source IP. A forwarded-IP header or custom keys are what the request says:
    "If the specified header isn't present in the request, AWS WAF doesn't apply the rule to
    the web request at all" (https://docs.aws.amazon.com/waf/latest/APIReference/API_ForwardedIPConfig.html),
    and "Web requests that are missing any of the components specified in the aggregation keys
    are omitted from the rate-based rule evaluation"
    (https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatementCustomKey.html).
    CONSTANT counts every request the rule matches together: one limit for all callers.
    Raises ``DataUnavailable`` when what it counts by was not read."""
    statement = rule.statement
    key = statement.aggregate_key_type
    if key is None:
        raise DataUnavailable(
            f"what rate-based rule {rule.name} counts requests by was not read (a snapshot "
            "written before it was collected): collect again"
        )
    if key == "IP" or (key == "CUSTOM_KEYS" and set(statement.custom_keys) == {"IP"}):
        return None
    if key == "FORWARDED_IP":
        return (
            "it counts by a forwarded-IP header, which callers set as they like or leave out "
            "(requests without it are not counted)"
        )
    if key == "CUSTOM_KEYS":
        keys = ", ".join(statement.custom_keys) or "no key"
        return (
            f"it counts by custom keys ({keys}) callers can vary or leave out (requests "
            "missing one are not counted)"
        )
    if key == "CONSTANT":
        return "it counts every request it matches together (CONSTANT): one limit for all callers"
    return f"it counts by {key}, which this version does not know"


def _rate(rule: WebAclRule) -> str:
    statement = rule.statement
    window = statement.evaluation_window_sec or 300
    return f"{rule.name} ({statement.rate_limit} requests per {window} s, {rule.action})"


def _statement_words(statement: WafStatement) -> str:
    scope = statement.scope_down
    scoped = f", scoped down to {_statement_words(scope)}" if scope else ""
    if statement.kind == "RateBased":
        window = statement.evaluation_window_sec or 300
        return f"rate-based, {statement.rate_limit} per {window} s{scoped}"
    if statement.kind == "ManagedRuleGroup":
        overrides = ", ".join(
            f"{n}={a}" for n, a in sorted(statement.rule_action_overrides.items())
        )
        return (
            f"managed {statement.vendor_name}/{statement.name}"
            + (f" (overridden: {overrides})" if overrides else "")
            + scoped
        )
    if statement.kind == "RuleGroupReference":
        return f"rule group {statement.arn}"
    if statement.kind == "SizeConstraint":
        return (
            f"size of {statement.field_to_match} {statement.comparison_operator} {statement.size}"
        )
    if statement.statements:
        return f"{statement.kind}({', '.join(_statement_words(s) for s in statement.statements)})"
    if statement.field_to_match:
        return f"{statement.kind} on {statement.field_to_match}"
    return statement.kind


def describe(rule: WebAclRule) -> str:
    """``2 AWS-AWSManagedRulesCommonRuleSet: managed AWS/AWSManagedRulesCommonRuleSet;
    OverrideAction None``: priority, name, statement, action."""
    action = f"Action {rule.action}" if rule.action else f"OverrideAction {rule.override_action}"
    return f"{rule.priority} {rule.name}: {_statement_words(rule.statement)}; {action}"


def gaps_by_web_acl(protection: WebAclProtection) -> Mapping[str, list[str]]:
    """``{"petstore-acl on the stage": [...gaps]}``: the posture the check records."""
    return {f"{acl.name} on {acl.web_acl.on}": list(acl.gaps) for acl in protection.web_acls}
