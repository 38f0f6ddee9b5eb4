"""Every target's description carries its ARN and account, in the format AWS documents
(https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html):
an API's and a stage's own ``arn:aws:apigateway:REGION::/restapis/ID[/stages/NAME]``
(``/apis/ID`` for HTTP and WebSocket APIs), and for what callers invoke
``arn:aws:execute-api:REGION:ACCOUNT:ID/STAGE/METHOD/PATH``."""

from __future__ import annotations

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.scope import StageScope
from collectors.targets import Kind, TargetIndex, describe
from tests_unit.conftest import ACCOUNT, REGION, collect


def test_each_level_of_an_estate_has_its_own_arn_and_the_account(aws: None) -> None:
    pets = RestApiBuilder("pets")
    pets.method("GET", "/pets")
    pets.method("ANY", "/{proxy+}")
    pets.stage("prod")
    shop = HttpApiBuilder("shop")
    backend = shop.lambda_integration(AccountBuilder().lambda_function("shop", timeout_seconds=5))
    shop.route("GET /orders", backend)
    shop.route("$default", backend)
    shop.stage("prod")
    chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
    chat.route(
        "$connect",
        chat.lambda_integration(AccountBuilder().lambda_function("chat", timeout_seconds=5)),
    )
    chat.stage("prod")
    index = TargetIndex(collect(), StageScope())
    described = {target.key: describe(target) for kind in Kind for target in index.targets(kind)}
    assert {d.account for d in described.values()} == {ACCOUNT}
    arns = {key.split("/", 2)[2]: d.arn for key, d in described.items()}
    control, invoke = f"arn:aws:apigateway:{REGION}::", f"arn:aws:execute-api:{REGION}:{ACCOUNT}"
    assert arns[pets.id] == f"{control}/restapis/{pets.id}"
    assert arns[f"{pets.id}/prod"] == f"{control}/restapis/{pets.id}/stages/prod"
    assert arns[f"{pets.id}/prod/pets"] == f"{invoke}:{pets.id}/prod/*/pets"
    assert arns[f"{pets.id}/prod/GET /pets"] == f"{invoke}:{pets.id}/prod/GET/pets"
    assert arns[f"{pets.id}/prod/ANY /{{proxy+}}"] == f"{invoke}:{pets.id}/prod/*/{{proxy+}}"
    assert arns[shop.id] == f"{control}/apis/{shop.id}"
    assert arns[f"{shop.id}/prod"] == f"{control}/apis/{shop.id}/stages/prod"
    assert arns[f"{shop.id}/prod/GET /orders"] == f"{invoke}:{shop.id}/prod/GET/orders"
    assert arns[f"{shop.id}/prod/$default"] == f"{invoke}:{shop.id}/prod/$default"
    assert arns[f"{chat.id}/prod"] == f"{control}/apis/{chat.id}/stages/prod"
    assert arns[f"{chat.id}/prod/$connect"] == f"{invoke}:{chat.id}/prod/$connect"
