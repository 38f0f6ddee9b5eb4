"""A denied or throttled call costs the targets it affects, is recorded, and never passes."""

from __future__ import annotations

import pytest

from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.errors import DataUnavailable
from collectors.scope import StageScope
from collectors.targets import RestMethodTarget, TargetIndex
from tests_unit.conftest import ACCOUNT, collect, failing_session


def two_apis() -> tuple[RestApiBuilder, RestApiBuilder]:
    apis = []
    for name in ("denied", "readable"):
        api = RestApiBuilder(name)
        api.method("GET", "/items")
        api.stage("prod")
        apis.append(api)
    return apis[0], apis[1]


def test_access_denied_on_one_api_is_recorded_and_the_others_are_collected(aws: None) -> None:
    denied, readable = two_apis()
    session = failing_session(
        "before-call.apigateway.GetResources",
        "AccessDeniedException",
        when=lambda request: f"/restapis/{denied.id}/" in request["url_path"],
    )
    inventory = collect(session=session)

    by_id = {api.id: api for api in inventory.rest_apis}
    assert by_id[denied.id].resources is None
    assert by_id[denied.id].stages is not None  # only the denied section is missing
    assert by_id[readable.id].resources is not None
    (error,) = inventory.errors
    assert (error.operation, error.target, error.code) == (
        "GetResources",
        f"us-east-1/{denied.id}",
        "AccessDeniedException",
    )

    # The stage's methods come from the deployment it serves, which was read: only what
    # compares with the current definition (drift) is left unknown.
    index = TargetIndex(inventory, StageScope())
    assert f"{ACCOUNT}/us-east-1/{denied.id}/prod/GET /items" in index.keys("operation")
    assert f"{ACCOUNT}/us-east-1/{readable.id}/prod/GET /items" in index.keys("operation")
    assert by_id[denied.id].current_definition() is None


def test_a_denied_export_keeps_the_stage_s_methods_from_the_api_summary(aws: None) -> None:
    denied, readable = two_apis()
    session = failing_session(
        "before-call.apigateway.GetExport",
        "AccessDeniedException",
        when=lambda request: f"/restapis/{denied.id}/" in request["url_path"],
    )
    inventory = collect(session=session)
    (error,) = inventory.errors
    assert (error.operation, error.target) == ("GetExport", f"us-east-1/{denied.id}/prod")

    index = TargetIndex(inventory, StageScope())
    method = index.resolve("operation", f"{ACCOUNT}/us-east-1/{denied.id}/prod/GET /items")
    assert isinstance(method, RestMethodTarget)
    assert not method.deployment.exported
    assert method.method.integration is None  # what only the export says stays unknown
    with pytest.raises(DataUnavailable, match=r"GetExport .* AccessDeniedException"):
        method.require_export()
    assert f"{ACCOUNT}/us-east-1/{readable.id}/prod/GET /items" in index.keys("operation")


def test_exhausted_throttling_is_recorded_like_any_failed_call(aws: None) -> None:
    two_apis()
    session = failing_session("before-call.apigateway.GetStages", "TooManyRequestsException")
    inventory = collect(session=session)
    assert {e.code for e in inventory.errors} == {"TooManyRequestsException"}
    index = TargetIndex(inventory, StageScope())
    assert all(key.endswith("(stages not listed)") for key in index.keys("stage"))
    assert len(index.keys("stage")) == 2


def test_unlisted_region_stands_in_for_every_target_there(aws: None) -> None:
    two_apis()
    session = failing_session("before-call.apigateway.GetRestApis", "AccessDeniedException")
    inventory = collect(session=session)
    index = TargetIndex(inventory, StageScope())
    assert index.keys("rest_method") == [f"{ACCOUNT}/us-east-1/(REST APIs not listed)"]
    with pytest.raises(DataUnavailable, match="GetRestApis on us-east-1 failed"):
        index.resolve("rest_api", f"{ACCOUNT}/us-east-1/(REST APIs not listed)")


def test_unreadable_lambda_configuration_is_unavailable_not_zero(aws: None) -> None:
    function = AccountBuilder().lambda_function("secret-fn", timeout_seconds=60)
    api = RestApiBuilder("calls-lambda")
    api.method("GET", "/run", lambda_arn=function)
    api.stage("prod")
    session = failing_session(
        "before-call.lambda.GetFunctionConfiguration", "AccessDeniedException"
    )
    inventory = collect(session=session)
    assert inventory.lambda_functions == ()
    index = TargetIndex(inventory, StageScope())
    (key,) = index.keys("lambda_operation")
    operation = index.resolve("lambda_operation", key)
    with pytest.raises(DataUnavailable, match=r"GetFunctionConfiguration on .*secret-fn"):
        index.lambda_function(operation, function, None)
