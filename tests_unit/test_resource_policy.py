"""The execute-api resource-policy evaluator, one policy form at a time: who the policy lets
invoke a method, judged for a caller that does not come from the named VPC endpoints/VPCs."""

from __future__ import annotations

from typing import Any

import pytest

from checks.policy.resource_policy import InvokeAccess, invoke_access

API_ID = "a1b2c3"
ARN = "arn:aws:execute-api:us-east-1:123456789012"
VPCE, VPC = "aws:SourceVpce", "aws:SourceVpc"
ALLOWS_VPCE_1 = "resource policy allows Invoke only with aws:SourceVpce=vpce-1"
DENIES_UNLESS_VPCE_1 = "resource policy denies Invoke unless aws:SourceVpce=vpce-1"


def policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(resource: Any = "execute-api:/*", **fields: Any) -> dict[str, Any]:
    """An Allow of Invoke to everyone; a field given as None is left out."""
    statement = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke"}
    statement |= {"Resource": resource, **fields}
    return {name: value for name, value in statement.items() if value is not None}


def deny(resource: Any = "execute-api:/*", **fields: Any) -> dict[str, Any]:
    return {**allow(resource, **fields), "Effect": "Deny"}


def when(operator: str, key: str, *values: str) -> dict[str, Any]:
    return {operator: {key: values[0] if len(values) == 1 else list(values)}}


FROM_VPCE_1 = when("StringEquals", VPCE, "vpce-1")
NOT_FROM_VPCE_1 = when("StringNotEquals", VPCE, "vpce-1")
# The pattern of the AWS private-API examples: allow everyone, deny all but the endpoint.
PRIVATE = policy(allow(), deny(Condition=NOT_FROM_VPCE_1))

CLOSED = InvokeAccess(False, None, ())


def pinned(how: str, *, allowed: bool = True) -> InvokeAccess:
    return InvokeAccess(allowed, how, ())


def unpinned(*statements: str) -> InvokeAccess:
    return InvokeAccess(True, None, statements or ("Statement[0]",))


def access(document: Any, method: str = "GET /pets") -> InvokeAccess:
    http_method, resource_path = method.split(" ")
    return invoke_access(
        document, api_id=API_ID, stage="prod", http_method=http_method, resource_path=resource_path
    )


@pytest.mark.parametrize(
    ("condition", "pin"),
    [
        pytest.param(FROM_VPCE_1, "aws:SourceVpce=vpce-1", id="string-equals"),
        pytest.param(
            when("StringEquals", "aws:sourcevpce", "vpce-1"),
            "aws:SourceVpce=vpce-1",
            id="key-any-case",
        ),
        pytest.param(
            when("StringLike", VPC, "vpc-1", "vpc-2"),
            "aws:SourceVpc=vpc-1,vpc-2",
            id="like-no-wildcard",
        ),
        pytest.param(
            when("ForAnyValue:StringEquals", VPCE, "vpce-1"),
            "aws:SourceVpce=vpce-1",
            id="for-any-value",
        ),
        pytest.param(
            {**FROM_VPCE_1, **when("StringLike", VPC, "vpc-1")},
            "aws:SourceVpce=vpce-1 and aws:SourceVpc=vpc-1",
            id="two-network-keys-anded",
        ),
        pytest.param(
            {**FROM_VPCE_1, **when("IpAddress", "aws:SourceIp", "192.0.2.0/24")},
            "aws:SourceVpce=vpce-1",
            id="pin-and-another-condition",
        ),
        pytest.param(when("StringLike", VPCE, "vpce-*"), None, id="like-any-endpoint"),
        pytest.param(when("StringEquals", VPCE, "vpce-?"), None, id="question-mark"),
        pytest.param(when("StringEquals", VPCE, "${aws:SourceVpce}"), None, id="policy-variable"),
        # ...IfExists and ForAllValues: are true when the request has no endpoint at all
        pytest.param(when("StringEqualsIfExists", VPCE, "vpce-1"), None, id="if-exists"),
        pytest.param(when("ForAllValues:StringEquals", VPCE, "vpce-1"), None, id="for-all-values"),
        pytest.param(when("StringNotEquals", VPCE, "vpce-1"), None, id="negated-in-an-allow"),
        pytest.param(when("Null", VPCE, "false"), None, id="null-any-endpoint"),
        pytest.param(when("IpAddress", "aws:SourceIp", "192.0.2.0/24"), None, id="source-ip"),
        pytest.param(when("StringEquals", "aws:SourceVpceX", "vpce-1"), None, id="other-key"),
        pytest.param("vpce-1", None, id="unreadable-condition"),
    ],
)
def test_an_allow_pins_only_with_named_endpoints_or_vpcs(condition: Any, pin: str | None) -> None:
    expected = pinned(f"resource policy allows Invoke only with {pin}") if pin else unpinned()
    assert access(policy(allow(Condition=condition))) == expected


@pytest.mark.parametrize(
    ("condition", "pin"),
    [
        pytest.param(NOT_FROM_VPCE_1, "aws:SourceVpce=vpce-1", id="string-not-equals"),
        pytest.param(
            when("StringNotLike", "AWS:SOURCEVPC", "vpc-1"),
            "aws:SourceVpc=vpc-1",
            id="not-like-key-case",
        ),
        # absent keys: IfExists and ForAllValues: are true, so such requests are denied too
        pytest.param(
            when("StringNotEqualsIfExists", VPCE, "vpce-1"), "aws:SourceVpce=vpce-1", id="if-exists"
        ),
        pytest.param(
            when("ForAllValues:StringNotLike", VPCE, "vpce-1"),
            "aws:SourceVpce=vpce-1",
            id="for-all-values",
        ),
        pytest.param(
            {**NOT_FROM_VPCE_1, **when("StringNotLike", VPC, "vpc-1")},
            "aws:SourceVpce=vpce-1 or aws:SourceVpc=vpc-1",
            id="two-network-keys",
        ),
        pytest.param(when("ForAnyValue:StringNotEquals", VPCE, "vpce-1"), None, id="for-any-value"),
        pytest.param(when("StringNotLike", VPCE, "vpce-*"), None, id="not-like-any-endpoint"),
        pytest.param(when("Null", VPCE, "true"), None, id="null-spares-other-endpoints"),
        pytest.param(when("StringEquals", VPCE, "vpce-2"), None, id="denies-one-endpoint"),
        # ANDed: an outside caller for whom the extra condition is false escapes the Deny
        pytest.param(
            {**NOT_FROM_VPCE_1, **when("NotIpAddress", "aws:SourceIp", "192.0.2.0/24")},
            None,
            id="extra-condition",
        ),
        pytest.param(["vpce-1"], None, id="unreadable-condition"),
    ],
)
def test_a_deny_pins_only_when_every_condition_is_a_negated_network_one(
    condition: Any, pin: str | None
) -> None:
    expected = pinned(f"resource policy denies Invoke unless {pin}") if pin else unpinned()
    assert access(policy(allow(), deny(Condition=condition))) == expected


def test_a_deny_pins_even_without_an_allow() -> None:
    assert access(policy(deny(Condition=NOT_FROM_VPCE_1))) == pinned(
        DENIES_UNLESS_VPCE_1, allowed=False
    )


def test_an_explicit_deny_of_everyone_pins_the_method_shut() -> None:
    """Nobody, in the VPC or not, can invoke it: no authorization gap, so it counts as pinned,
    and the Allow it overrides admits nobody."""
    assert access(policy(allow(), deny())) == pinned(
        "resource policy denies Invoke to every caller"
    )


@pytest.mark.parametrize(
    ("document", "method", "expected"),
    [
        # --- the document and its statements
        pytest.param(None, "GET /pets", CLOSED, id="no-policy"),
        pytest.param("not a policy", "GET /pets", CLOSED, id="policy-not-a-dict"),
        pytest.param(policy(), "GET /pets", CLOSED, id="no-statements"),
        pytest.param(policy(allow()), "GET /pets", unpinned(), id="allow-everyone"),
        pytest.param(policy(allow(Sid="Public")), "GET /pets", unpinned("Public"), id="by-sid"),
        pytest.param(
            {"Statement": allow(Condition=FROM_VPCE_1)},
            "GET /pets",
            pinned(ALLOWS_VPCE_1),
            id="single-statement-not-in-a-list",
        ),
        pytest.param(
            policy(allow(Condition=FROM_VPCE_1), allow(Sid="Partners")),
            "GET /pets",
            unpinned("Partners"),
            id="one-unpinned-allow-among-pinned",
        ),
        # --- principals
        pytest.param(
            policy(
                allow(Condition=FROM_VPCE_1), allow(Principal={"AWS": ["arn:aws:iam::1:role/ci"]})
            ),
            "GET /pets",
            unpinned("Statement[1]"),
            id="allow-for-a-role-without-pin",
        ),
        pytest.param(
            policy(allow(Principal={"Service": "events.amazonaws.com"})),
            "GET /pets",
            unpinned(),
            id="allow-service-principal",
        ),
        pytest.param(
            policy(allow(), deny(Principal={"AWS": "*"}, Condition=NOT_FROM_VPCE_1)),
            "GET /pets",
            pinned(DENIES_UNLESS_VPCE_1),
            id="deny-principal-aws-star",
        ),
        pytest.param(
            policy(
                allow(), deny(Principal={"AWS": "arn:aws:iam::1:root"}, Condition=NOT_FROM_VPCE_1)
            ),
            "GET /pets",
            unpinned(),
            id="deny-for-one-account-only",
        ),
        pytest.param(
            policy(
                allow(),
                deny(
                    Principal=None,
                    NotPrincipal={"AWS": "arn:aws:iam::1:role/ops"},
                    Condition=NOT_FROM_VPCE_1,
                ),
            ),
            "GET /pets",
            unpinned(),
            id="deny-not-principal-exempts-some",
        ),
        # --- actions
        pytest.param(
            policy(allow(Action="execute-api:Inv*")), "GET /pets", unpinned(), id="action-wildcard"
        ),
        pytest.param(
            policy(allow(Action="EXECUTE-API:invoke")),
            "GET /pets",
            unpinned(),
            id="action-any-case",
        ),
        pytest.param(policy(allow(Action=["*"])), "GET /pets", unpinned(), id="action-star"),
        pytest.param(
            policy(allow(Action="execute-api:ManageConnections")),
            "GET /pets",
            CLOSED,
            id="other-action",
        ),
        pytest.param(
            policy(allow(Action=None, NotAction="execute-api:ManageConnections")),
            "GET /pets",
            unpinned(),
            id="not-action-other-action-still-invokes",
        ),
        pytest.param(
            policy(allow(Action=None, NotAction="execute-api:*")),
            "GET /pets",
            CLOSED,
            id="not-action-all",
        ),
        pytest.param(
            policy(
                allow(),
                deny(
                    Action=None,
                    NotAction="execute-api:ManageConnections",
                    Condition=NOT_FROM_VPCE_1,
                ),
            ),
            "GET /pets",
            pinned(DENIES_UNLESS_VPCE_1),
            id="deny-not-action-covers-invoke",
        ),
        pytest.param(
            policy(
                allow(), deny(Action="execute-api:ManageConnections", Condition=NOT_FROM_VPCE_1)
            ),
            "GET /pets",
            unpinned(),
            id="deny-of-another-action",
        ),
        # --- resources
        pytest.param(policy(allow("*")), "GET /pets", unpinned(), id="resource-star"),
        pytest.param(policy(allow(f"{ARN}:zzz999/*")), "GET /pets", CLOSED, id="another-api"),
        pytest.param(
            policy(allow("arn:aws:s3:::bucket/*")), "GET /pets", CLOSED, id="another-service"
        ),
        pytest.param(
            policy(allow(f"arn:aws:execute-api:*:123456789012:{API_ID}/*", Condition=FROM_VPCE_1)),
            "GET /pets",
            pinned(ALLOWS_VPCE_1),
            id="arn-wildcard-region-pinned",
        ),
        pytest.param(
            policy(allow("arn:aws:execute-api:*:*:*")),
            "GET /pets",
            unpinned(),
            id="arn-all-wildcards",
        ),
        pytest.param(
            policy(allow("arn:aws:execute-api:*")),
            "GET /pets",
            unpinned(),
            id="arn-star-past-colons",
        ),
        pytest.param(
            policy(allow(f"{ARN}:*/prod/*")), "GET /pets", unpinned(), id="arn-any-api-on-prod"
        ),
        pytest.param(policy(allow(f"{ARN}:*/dev/*")), "GET /pets", CLOSED, id="arn-other-stage"),
        pytest.param(
            policy(allow(f"arn:aws-cn:execute-api:cn-north-1:123456789012:{API_ID}/prod/GET/pets")),
            "GET /pets",
            unpinned(),
            id="arn-china-partition",
        ),
        pytest.param(
            policy(
                allow(),
                deny(
                    f"arn:aws-us-gov:execute-api:us-gov-west-1:1:{API_ID}/*",
                    Condition=NOT_FROM_VPCE_1,
                ),
            ),
            "GET /pets",
            pinned(DENIES_UNLESS_VPCE_1),
            id="arn-govcloud-partition-deny",
        ),
        pytest.param(
            policy(
                allow(["execute-api:/prod/POST/orders", "execute-api:/*"], Condition=FROM_VPCE_1)
            ),
            "GET /pets",
            pinned(ALLOWS_VPCE_1),
            id="short-form-star-in-a-list",
        ),
        pytest.param(
            policy(allow("execute-api:/prod/GET/pets/*")),
            "GET /pets/{id}",
            unpinned(),
            id="path-parameter",
        ),
        pytest.param(
            policy(allow("execute-api:/prod/GET/pets")),
            "GET /pets/{id}",
            CLOSED,
            id="no-prefix-match",
        ),
        pytest.param(
            policy(allow("execute-api:/*/pets/*")),
            "GET /pets/{id}",
            unpinned(),
            id="star-spans-slashes",
        ),
        pytest.param(
            policy(allow("execute-api:/pro?/GET/*")), "GET /pets", unpinned(), id="question-mark"
        ),
        pytest.param(
            policy(allow("execute-api:/PROD/*")), "GET /pets", CLOSED, id="resource-case-sensitive"
        ),
        pytest.param(
            policy(allow("execute-api:/prod/GET/")), "GET /", unpinned(), id="root-resource"
        ),
        pytest.param(
            policy(allow(), deny("execute-api:/*/*/admin/*", Condition=NOT_FROM_VPCE_1)),
            "GET /pets",
            unpinned(),
            id="deny-for-admin-leaves-pets-open",
        ),
        pytest.param(
            policy(allow(), deny("execute-api:/*/*/admin/*", Condition=NOT_FROM_VPCE_1)),
            "GET /admin/users",
            pinned(DENIES_UNLESS_VPCE_1),
            id="deny-for-admin-pins-admin",
        ),
        # --- NotResource
        pytest.param(
            policy(allow(None, NotResource="execute-api:/*/GET/pets")),
            "GET /pets",
            CLOSED,
            id="not-resource-allow-excludes-method",
        ),
        pytest.param(
            policy(allow(None, NotResource=["execute-api:/*/*/admin"])),
            "GET /pets",
            unpinned(),
            id="not-resource-allow-covers-others",
        ),
        pytest.param(
            policy(
                allow(),
                deny(None, NotResource="execute-api:/*/GET/health", Condition=NOT_FROM_VPCE_1),
            ),
            "GET /pets",
            pinned(DENIES_UNLESS_VPCE_1),
            id="not-resource-deny-covers-method",
        ),
        pytest.param(
            policy(
                allow(),
                deny(None, NotResource="execute-api:/*/GET/health", Condition=NOT_FROM_VPCE_1),
            ),
            "GET /health",
            unpinned(),
            id="not-resource-deny-spares-excluded",
        ),
        # --- ANY methods, judged verb by verb
        pytest.param(PRIVATE, "ANY /pets", pinned(DENIES_UNLESS_VPCE_1), id="any-method-deny-all"),
        pytest.param(
            policy(allow(), deny("execute-api:/*/GET/*", Condition=NOT_FROM_VPCE_1)),
            "ANY /pets",
            unpinned(),
            id="any-method-deny-for-get-only",
        ),
        pytest.param(
            policy(
                allow("execute-api:/*/GET/*", Condition=FROM_VPCE_1),
                allow("execute-api:/*/POST/*", Sid="Writes"),
            ),
            "ANY /pets",
            unpinned("Writes"),
            id="any-method-one-verb-open",
        ),
        # Only GET is granted. The other verbs are not pinned but not granted either (a
        # same-account caller with IAM permissions needs no Allow), so nothing is pinned.
        pytest.param(
            policy(allow("execute-api:/*/GET/*", Condition=FROM_VPCE_1)),
            "ANY /pets",
            InvokeAccess(True, None, ()),
            id="any-method-only-get-granted",
        ),
        # --- statements that cannot be read: an Allow admits, a Deny protects nothing
        pytest.param(policy(allow(42)), "GET /pets", unpinned(), id="unreadable-allow-resource"),
        pytest.param(
            policy(allow(Condition=FROM_VPCE_1, Effect="allow")),
            "GET /pets",
            unpinned(),
            id="allow-effect-misspelt",
        ),
        pytest.param(
            policy(allow(Condition=FROM_VPCE_1, NotPrincipal={"AWS": "arn:aws:iam::1:root"})),
            "GET /pets",
            unpinned(),
            id="allow-with-not-principal-unsupported",
        ),
        pytest.param(
            policy(allow(), deny(42, Condition=NOT_FROM_VPCE_1)),
            "GET /pets",
            unpinned(),
            id="unreadable-deny-pins-nothing",
        ),
    ],
)
def test_invoke_access(document: Any, method: str, expected: InvokeAccess) -> None:
    assert access(document, method) == expected
