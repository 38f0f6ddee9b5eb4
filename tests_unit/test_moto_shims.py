"""The emulated AWS answers deployments, exports and the account as real AWS does.

Each test builds a small API with plain boto3 clients in the emulated account (the ``aws``
fixture: ``emulated_aws()``), deploys it, changes it without redeploying, and checks that what
a stage serves is the deployment, not the current API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from collectors.demo import shims
from collectors.demo.builders import AccountBuilder
from collectors.demo.builders.clients import aws_client

REGION = "us-east-1"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:pets"
LAMBDA_URI = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"
ANY_METHOD = "x-amazon-apigateway-any-method"


def _keys(value: Any) -> Iterator[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


# --- REST APIs (apigateway) ------------------------------------------------------------------


class RestApi:
    """A REST API built with plain apigateway calls."""

    def __init__(self, name: str = "pets") -> None:
        self.client = aws_client("apigateway", REGION)
        created = self.client.create_rest_api(name=name)
        self.id: str = created["id"]
        self.resources: dict[str, str] = {"/": created["rootResourceId"]}

    def resource(self, path: str) -> str:
        if path not in self.resources:
            parent, _, part = path.rpartition("/")
            self.resources[path] = self.client.create_resource(
                restApiId=self.id, parentId=self.resource(parent or "/"), pathPart=part
            )["id"]
        return self.resources[path]

    def method(self, verb: str, path: str, timeout_ms: int = 29_000, **method: Any) -> None:
        ids = {"restApiId": self.id, "resourceId": self.resource(path), "httpMethod": verb}
        method.setdefault("authorizationType", "NONE")
        self.client.put_method(**ids, **method)
        self.client.put_integration(
            **ids,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=LAMBDA_URI,
            timeoutInMillis=timeout_ms,
        )

    def authorizer(self, name: str) -> str:
        return str(
            self.client.create_authorizer(
                restApiId=self.id,
                name=name,
                type="TOKEN",
                authorizerUri=LAMBDA_URI,
                identitySource="method.request.header.Authorization",
            )["id"]
        )

    def deploy(self, stage: str | None = None) -> str:
        kwargs = {"stageName": stage} if stage else {}
        return str(self.client.create_deployment(restApiId=self.id, **kwargs)["id"])

    def stage(self, name: str, deployment_id: str) -> None:
        self.client.create_stage(restApiId=self.id, stageName=name, deploymentId=deployment_id)

    def point(self, stage: str, deployment_id: str) -> None:
        self.client.update_stage(
            restApiId=self.id,
            stageName=stage,
            patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment_id}],
        )

    def export(self, stage: str, export_type: str = "oas30", **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("parameters", {"extensions": "apigateway"})
        response = self.client.get_export(
            restApiId=self.id, stageName=stage, exportType=export_type, **kwargs
        )
        document: dict[str, Any] = json.loads(response["body"].read())
        return document

    def summary(self, deployment_id: str) -> dict[str, Any]:
        deployment = self.client.get_deployment(
            restApiId=self.id, deploymentId=deployment_id, embed=["apisummary"]
        )
        summary: dict[str, Any] = deployment["apiSummary"]
        return summary


def _get_pets(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"]["/pets"]["get"]
    return operation


def test_rest_export_answers_the_deployment_the_stage_serves_not_later_changes(
    aws: None,
) -> None:
    api = RestApi()
    api.method("GET", "/pets", timeout_ms=10_000)
    api.stage("prod", api.deploy())
    authorizer = api.authorizer("token-auth")
    api.method(  # changed, not redeployed: an authorizer and a longer timeout
        "GET", "/pets", timeout_ms=29_000, authorizationType="CUSTOM", authorizerId=authorizer
    )

    operation = _get_pets(api.export("prod"))

    assert "security" not in operation
    assert operation["x-amazon-apigateway-integration"]["timeoutInMillis"] == 10_000
    assert "token-auth" not in api.export("prod")["components"]["securitySchemes"]


def test_rest_stage_serves_a_new_deployment_once_update_stage_points_it_there(aws: None) -> None:
    api = RestApi()
    api.method("GET", "/pets", timeout_ms=10_000)
    first = api.deploy()
    api.stage("prod", first)
    authorizer = api.authorizer("token-auth")
    api.method(
        "GET", "/pets", timeout_ms=29_000, authorizationType="CUSTOM", authorizerId=authorizer
    )
    second = api.deploy()
    assert _get_pets(api.export("prod"))["x-amazon-apigateway-integration"]["timeoutInMillis"] == (
        10_000
    )

    api.point("prod", second)

    operation = _get_pets(api.export("prod"))
    assert operation["security"] == [{"token-auth": []}]
    assert operation["x-amazon-apigateway-integration"]["timeoutInMillis"] == 29_000
    assert api.summary(first)["/pets"]["GET"]["authorizationType"] == "NONE"
    assert api.summary(second)["/pets"]["GET"]["authorizationType"] == "CUSTOM"


def test_rest_deployment_has_an_api_summary_only_when_embedded(aws: None) -> None:
    api = RestApi()
    api.method("GET", "/pets", apiKeyRequired=True)
    api.method("ANY", "/", authorizationType="AWS_IAM")
    deployment_id = api.deploy()
    api.method("POST", "/pets")  # not deployed

    plain = api.client.get_deployment(restApiId=api.id, deploymentId=deployment_id)

    assert "apiSummary" not in plain
    assert plain["id"] == deployment_id
    assert api.summary(deployment_id) == {
        "/": {"ANY": {"authorizationType": "AWS_IAM", "apiKeyRequired": False}},
        "/pets": {"GET": {"authorizationType": "NONE", "apiKeyRequired": True}},
    }


def test_rest_deployment_that_does_not_exist_is_not_found(aws: None) -> None:
    api = RestApi()
    with pytest.raises(ClientError) as error:
        api.client.get_deployment(restApiId=api.id, deploymentId="nope")
    assert _error_code(error) == "NotFoundException"


def test_rest_create_deployment_on_an_existing_stage_moves_it_and_keeps_its_settings(
    aws: None,
) -> None:
    api = RestApi()
    api.method("GET", "/pets", timeout_ms=10_000)
    api.stage("prod", api.deploy())
    api.client.update_stage(
        restApiId=api.id,
        stageName="prod",
        patchOperations=[{"op": "replace", "path": "/tracingEnabled", "value": "true"}],
    )
    api.method("GET", "/pets", timeout_ms=20_000)

    second = api.deploy(stage="prod")

    stage = api.client.get_stage(restApiId=api.id, stageName="prod")
    assert (stage["deploymentId"], stage["tracingEnabled"]) == (second, True)
    integration = _get_pets(api.export("prod"))["x-amazon-apigateway-integration"]
    assert integration["timeoutInMillis"] == 20_000


def test_rest_export_of_a_stage_that_does_not_exist_is_not_found(aws: None) -> None:
    api = RestApi()
    api.method("GET", "/pets")
    api.stage("prod", api.deploy())
    with pytest.raises(ClientError) as error:
        api.export("nope")
    assert _error_code(error) == "NotFoundException"


def test_rest_export_carries_the_contracted_definition_with_apigateway_extensions(
    aws: None,
) -> None:
    api = RestApi()
    client = api.client
    authorizer = api.authorizer("token-auth")
    validator = client.create_request_validator(
        restApiId=api.id, name="all", validateRequestBody=True, validateRequestParameters=True
    )["id"]
    client.create_model(
        restApiId=api.id,
        name="Pet",
        contentType="application/json",
        schema=json.dumps({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}),
    )
    api.method(
        "GET",
        "/pets",
        apiKeyRequired=True,
        requestValidatorId=validator,
        requestParameters={"method.request.querystring.limit": False},
    )
    api.method(
        "PUT",
        "/pets/{id}",
        authorizationType="CUSTOM",
        authorizerId=authorizer,
        requestParameters={"method.request.path.id": True},
        requestModels={"application/json": "Pet"},
    )
    api.method("DELETE", "/pets/{id}", authorizationType="AWS_IAM")
    options = {"restApiId": api.id, "resourceId": api.resource("/pets"), "httpMethod": "OPTIONS"}
    header = "method.response.header.Access-Control-Allow-Origin"
    client.put_method(**options, authorizationType="NONE")
    client.put_integration(
        **options, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}
    )
    client.put_method_response(**options, statusCode="204", responseParameters={header: False})
    client.put_integration_response(
        **options, statusCode="204", selectionPattern="", responseParameters={header: "'*'"}
    )
    client.put_gateway_response(
        restApiId=api.id,
        responseType="DEFAULT_4XX",
        statusCode="400",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
    )
    api.stage("prod", api.deploy())

    response = client.get_export(
        restApiId=api.id,
        stageName="prod",
        exportType="oas30",
        parameters={"extensions": "apigateway"},
        accepts="application/json",
    )
    document = json.loads(response["body"].read())

    assert response["contentType"] == "application/json"
    assert response["contentDisposition"].startswith('attachment; filename="')
    assert document["openapi"] == "3.0.1"
    assert document["info"]["title"] == "pets"
    assert document["servers"] == [
        {
            "url": f"https://{api.id}.execute-api.{REGION}.amazonaws.com/{{basePath}}",
            "variables": {"basePath": {"default": "prod"}},
        }
    ]
    get_pets = document["paths"]["/pets"]["get"]
    assert get_pets["parameters"] == [
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "string"}}
    ]
    assert get_pets["security"] == [{"api_key": []}]
    assert get_pets["x-amazon-apigateway-request-validator"] == "all"
    assert get_pets["x-amazon-apigateway-integration"] == {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": LAMBDA_URI,
        "connectionType": "INTERNET",
        "passthroughBehavior": "when_no_match",
        "timeoutInMillis": 29_000,
    }
    put_pet = document["paths"]["/pets/{id}"]["put"]
    assert put_pet["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert put_pet["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
        "required": True,
    }
    assert put_pet["security"] == [{"token-auth": []}]
    assert "x-amazon-apigateway-request-validator" not in put_pet
    assert document["paths"]["/pets/{id}"]["delete"]["security"] == [{"sigv4": []}]
    preflight = document["paths"]["/pets"]["options"]
    assert preflight["responses"]["204"]["headers"] == {
        "Access-Control-Allow-Origin": {"schema": {"type": "string"}}
    }
    assert preflight["x-amazon-apigateway-integration"]["type"] == "mock"
    assert preflight["x-amazon-apigateway-integration"]["requestTemplates"] == {
        "application/json": '{"statusCode": 200}'
    }
    assert preflight["x-amazon-apigateway-integration"]["responses"] == {
        "default": {"statusCode": "204", "responseParameters": {header: "'*'"}}
    }
    assert document["components"]["schemas"] == {"Pet": {"type": "object"}}
    schemes = document["components"]["securitySchemes"]
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert schemes["sigv4"]["x-amazon-apigateway-authtype"] == "awsSigv4"
    assert schemes["token-auth"] == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
            "type": "token",
            "authorizerUri": LAMBDA_URI,
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": 300,
        },
    }
    assert document["x-amazon-apigateway-gateway-responses"] == {
        "DEFAULT_4XX": {
            "statusCode": "400",
            "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        }
    }
    assert document["x-amazon-apigateway-request-validators"] == {
        "all": {"validateRequestBody": True, "validateRequestParameters": True}
    }


def test_rest_request_authorizer_reading_several_sources_is_an_unused_header_scheme(
    aws: None,
) -> None:
    api = RestApi()
    authorizer = api.client.create_authorizer(
        restApiId=api.id,
        name="request-auth",
        type="REQUEST",
        authorizerUri=LAMBDA_URI,
        identitySource="method.request.header.Auth, method.request.querystring.key",
    )["id"]
    api.method("GET", "/pets", authorizationType="CUSTOM", authorizerId=authorizer)
    api.stage("prod", api.deploy())

    scheme = api.export("prod")["components"]["securitySchemes"]["request-auth"]

    assert (scheme["name"], scheme["in"]) == ("Unused", "header")
    assert scheme["x-amazon-apigateway-authorizer"]["type"] == "request"


def test_rest_export_refers_to_the_built_in_empty_model_and_defines_it(aws: None) -> None:
    api = RestApi()
    api.method("POST", "/pets", requestModels={"application/json": "Empty"})
    api.stage("prod", api.deploy())

    document = api.export("prod")

    assert document["components"]["schemas"] == {
        "Empty": {"title": "Empty Schema", "type": "object"}
    }


def test_rest_export_without_extensions_has_no_amazon_keys(aws: None) -> None:
    api = RestApi()
    authorizer = api.authorizer("token-auth")
    api.method("GET", "/pets", authorizationType="CUSTOM", authorizerId=authorizer)
    api.method("ANY", "/", authorizationType="AWS_IAM")
    api.stage("prod", api.deploy())

    document = api.export("prod", parameters={})

    assert not [key for key in _keys(document) if key.startswith("x-amazon-apigateway")]
    assert _get_pets(document)["security"] == [{"token-auth": []}]
    assert "/" not in document["paths"]  # its only method is ANY, an extension


def test_rest_export_with_integrations_only_has_no_authorizer_extensions(aws: None) -> None:
    api = RestApi()
    authorizer = api.authorizer("token-auth")
    api.method("GET", "/pets", authorizationType="CUSTOM", authorizerId=authorizer)
    api.stage("prod", api.deploy())

    document = api.export("prod", parameters={"extensions": "integrations"})

    assert "x-amazon-apigateway-integration" in _get_pets(document)
    assert "x-amazon-apigateway-authorizer" not in set(_keys(document))


def test_rest_swagger_and_yaml_exports_answer_the_deployed_definition_too(aws: None) -> None:
    api = RestApi()
    api.method("GET", "/pets", timeout_ms=10_000)
    api.stage("prod", api.deploy())
    api.method("GET", "/pets", timeout_ms=20_000)

    swagger = api.export("prod", export_type="swagger")
    response = api.client.get_export(
        restApiId=api.id,
        stageName="prod",
        exportType="oas30",
        parameters={"extensions": "apigateway"},
        accepts="application/yaml",
    )
    from_yaml = yaml.safe_load(response["body"].read())

    assert (swagger["swagger"], swagger["basePath"]) == ("2.0", "/prod")
    assert _get_pets(swagger)["x-amazon-apigateway-integration"]["timeoutInMillis"] == 10_000
    assert response["contentType"] == "application/yaml"
    assert _get_pets(from_yaml)["x-amazon-apigateway-integration"]["timeoutInMillis"] == 10_000


def test_rest_cloudformation_deployment_is_snapshotted_like_any_other(aws: None) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "cfn-pets"}},
            "Pets": {
                "Type": "AWS::ApiGateway::Resource",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "PathPart": "pets",
                },
            },
            "GetPets": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ResourceId": {"Ref": "Pets"},
                    "HttpMethod": "GET",
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "AWS_PROXY",
                        "IntegrationHttpMethod": "POST",
                        "Uri": LAMBDA_URI,
                    },
                },
            },
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": "GetPets",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
            },
        },
    }
    aws_client("cloudformation", REGION).create_stack(
        StackName="pets", TemplateBody=json.dumps(template)
    )
    apigateway = aws_client("apigateway", REGION)
    (api,) = apigateway.get_rest_apis()["items"]
    pets = next(
        r
        for r in apigateway.get_resources(restApiId=api["id"])["items"]
        if r.get("pathPart") == "pets"
    )
    apigateway.put_method(
        restApiId=api["id"], resourceId=pets["id"], httpMethod="POST", authorizationType="NONE"
    )  # after the stack's deployment

    deployment_id = apigateway.get_stage(restApiId=api["id"], stageName="prod")["deploymentId"]
    deployment = apigateway.get_deployment(
        restApiId=api["id"], deploymentId=deployment_id, embed=["apisummary"]
    )

    assert deployment["apiSummary"] == {
        "/pets": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}
    }


# --- Canary settings of REST stages --------------------------------------------------------------


def _replace(path: str, value: str) -> dict[str, str]:
    return {"op": "replace", "path": path, "value": value}


def _canaried_api() -> tuple[RestApi, str, str]:
    """An API with two deployments: the released one (GET /pets) and the next (POST too)."""
    api = RestApi()
    api.method("GET", "/pets")
    released = api.deploy()
    api.method("POST", "/pets")
    return api, released, api.deploy()


def test_rest_stage_answers_the_canary_settings_it_was_created_with(aws: None) -> None:
    api, released, upcoming = _canaried_api()

    created = api.client.create_stage(
        restApiId=api.id,
        stageName="prod",
        deploymentId=released,
        canarySettings={
            "deploymentId": upcoming,
            "percentTraffic": 10,
            "stageVariableOverrides": {"alias": "next"},
        },
    )
    api.client.create_stage(  # a canary naming no deployment tries the stage's own
        restApiId=api.id,
        stageName="dev",
        deploymentId=released,
        canarySettings={"useStageCache": True},
    )
    api.stage("test", released)

    canary = {
        "deploymentId": upcoming,
        "percentTraffic": 10.0,
        "stageVariableOverrides": {"alias": "next"},
        "useStageCache": False,
    }
    stages = {
        stage["stageName"]: stage for stage in api.client.get_stages(restApiId=api.id)["item"]
    }
    assert (created["deploymentId"], created["canarySettings"]) == (released, canary)
    assert api.client.get_stage(restApiId=api.id, stageName="prod")["canarySettings"] == canary
    assert stages["prod"]["canarySettings"] == canary
    assert stages["dev"]["canarySettings"] == {
        "deploymentId": released,
        "percentTraffic": 0.0,
        "useStageCache": True,
    }
    assert "canarySettings" not in stages["test"]


def test_rest_update_stage_makes_changes_and_removes_a_canary(aws: None) -> None:
    api, released, upcoming = _canaried_api()
    api.stage("prod", released)

    def update(*operations: dict[str, str]) -> dict[str, Any]:
        stage: dict[str, Any] = api.client.update_stage(
            restApiId=api.id, stageName="prod", patchOperations=list(operations)
        )
        return stage

    # a replace on a stage without a canary starts one, on the stage's own deployment
    started = update(_replace("/canarySettings/percentTraffic", "25"))
    changed = update(
        _replace("/canarySettings/deploymentId", upcoming),
        _replace("/canarySettings/useStageCache", "true"),
        _replace("/canarySettings/stageVariableOverrides/alias", "next"),
        _replace("/canarySettings/stageVariableOverrides/mode", "beta"),
    )
    fewer = update({"op": "remove", "path": "/canarySettings/stageVariableOverrides/mode"})
    removed = update({"op": "remove", "path": "/canarySettings"})

    assert started["canarySettings"] == {
        "deploymentId": released,
        "percentTraffic": 25.0,
        "useStageCache": False,
    }
    assert changed["canarySettings"] == {
        "deploymentId": upcoming,
        "percentTraffic": 25.0,
        "stageVariableOverrides": {"alias": "next", "mode": "beta"},
        "useStageCache": True,
    }
    # moto alone reads /canarySettings/deploymentId as /deploymentId: the stage stays put
    assert changed["deploymentId"] == released
    assert fewer["canarySettings"]["stageVariableOverrides"] == {"alias": "next"}
    assert "canarySettings" not in removed
    stage = api.client.get_stage(restApiId=api.id, stageName="prod")
    assert (stage["deploymentId"], "canarySettings" in stage) == (released, False)


def test_rest_canary_promotion_copies_its_deployment_and_variables_to_the_stage(
    aws: None,
) -> None:
    api, released, upcoming = _canaried_api()
    api.client.create_stage(
        restApiId=api.id,
        stageName="prod",
        deploymentId=released,
        variables={"alias": "live", "region": "east"},
        canarySettings={
            "deploymentId": upcoming,
            "percentTraffic": 10,
            "stageVariableOverrides": {"alias": "next"},
        },
    )

    promoted = api.client.update_stage(  # promote-canary-deployment.html
        restApiId=api.id,
        stageName="prod",
        patchOperations=[
            _replace("/canarySettings/percentTraffic", "0.0"),
            {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"},
            {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        ],
    )

    assert promoted["deploymentId"] == upcoming
    assert promoted["variables"] == {"alias": "next", "region": "east"}
    # promoting does not turn the canary off
    assert promoted["canarySettings"]["percentTraffic"] == 0.0
    assert "post" in api.export("prod")["paths"]["/pets"]  # it serves the promoted deployment


def test_rest_canary_settings_are_refused_as_aws_refuses_them(aws: None) -> None:
    api, released, _ = _canaried_api()
    with pytest.raises(ClientError) as unknown_deployment:
        api.client.create_stage(
            restApiId=api.id,
            stageName="prod",
            deploymentId=released,
            canarySettings={"deploymentId": "nope"},
        )
    with pytest.raises(ClientError) as not_made:
        api.client.get_stage(restApiId=api.id, stageName="prod")
    api.stage("prod", released)

    def refused(*operations: dict[str, str]) -> str:
        with pytest.raises(ClientError) as error:
            api.client.update_stage(
                restApiId=api.id, stageName="prod", patchOperations=list(operations)
            )
        return f"{_error_code(error)}: {error.value.response['Error']['Message']}"

    assert _error_code(unknown_deployment) == "BadRequestException"
    assert _error_code(not_made) == "NotFoundException"
    assert refused({"op": "add", "path": "/canarySettings/deploymentId", "value": released}) == (
        "BadRequestException: Invalid add operation with path: /canarySettings/deploymentId"
    )
    assert refused({"op": "remove", "path": "/canarySettings/stageVariableOverrides"}) == (
        "BadRequestException: Cannot remove method setting canarySettings/"
        "stageVariableOverrides because there is no method setting for this method "
    )
    assert refused(_replace("/canarySettings/badPath", "x")).startswith(
        "BadRequestException: Invalid method setting path: /canarySettings/badPath"
    )
    assert refused(_replace("/canarySettings/percentTraffic", "150")).startswith(
        "BadRequestException: "
    )
    assert refused(
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"}
    ) == ("BadRequestException: Promotion not available. Canary does not exist.")
    # all or nothing: the description replaced before the refused operation is not kept
    assert refused(
        _replace("/description", "changed"),
        _replace("/canarySettings/deploymentId", "nope"),
    ).startswith("BadRequestException: ")
    stage = api.client.get_stage(restApiId=api.id, stageName="prod")
    assert (stage["description"], "canarySettings" in stage) == ("", False)


# --- Method settings of REST stages ------------------------------------------------------------


def test_rest_method_settings_entry_starts_with_aws_defaults_and_keeps_what_is_set(
    aws: None,
) -> None:
    api = RestApi()
    api.method("GET", "/pets")
    api.stage("prod", api.deploy())
    key = "~1pets/GET"
    stage = api.client.update_stage(
        restApiId=api.id,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": f"/{key}/caching/enabled", "value": "true"},
            {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"},
            {
                "op": "replace",
                "path": "/*/*/caching/requireAuthorizationForCacheControl",
                "value": "false",
            },
        ],
    )
    method, default = stage["methodSettings"][key], stage["methodSettings"]["*/*"]
    # an entry AWS creates says cacheDataEncrypted false and loggingLevel OFF until set
    assert (method["cachingEnabled"], method["cacheDataEncrypted"]) == (True, False)
    assert (method["loggingLevel"], method["requireAuthorizationForCacheControl"]) == ("OFF", True)
    assert (default["cacheDataEncrypted"], default["requireAuthorizationForCacheControl"]) == (
        True,
        False,
    )


# --- HTTP and WebSocket APIs (apigatewayv2) --------------------------------------------------


class HttpApi:
    """An HTTP API built with plain apigatewayv2 calls."""

    def __init__(self, name: str = "checkout", **kwargs: Any) -> None:
        self.client = aws_client("apigatewayv2", REGION)
        self.id: str = self.client.create_api(Name=name, ProtocolType="HTTP", **kwargs)["ApiId"]
        self.integration: str = self.client.create_integration(
            ApiId=self.id,
            IntegrationType="AWS_PROXY",
            IntegrationUri=FUNCTION,
            PayloadFormatVersion="2.0",
            TimeoutInMillis=10_000,
        )["IntegrationId"]

    def route(self, route_key: str, **kwargs: Any) -> str:
        return str(
            self.client.create_route(
                ApiId=self.id,
                RouteKey=route_key,
                Target=f"integrations/{self.integration}",
                **kwargs,
            )["RouteId"]
        )

    def jwt(self, name: str = "cognito-jwt") -> str:
        return str(
            self.client.create_authorizer(
                ApiId=self.id,
                AuthorizerType="JWT",
                IdentitySource=["$request.header.Authorization"],
                Name=name,
                JwtConfiguration={"Audience": ["app"], "Issuer": "https://issuer.example.com"},
            )["AuthorizerId"]
        )

    def deploy(self, **kwargs: Any) -> str:
        return str(self.client.create_deployment(ApiId=self.id, **kwargs)["DeploymentId"])

    def export(self, stage: str | None = None, extensions: bool = True) -> dict[str, Any]:
        kwargs = {"StageName": stage} if stage is not None else {}
        response = self.client.export_api(
            ApiId=self.id,
            Specification="OAS30",
            OutputType="JSON",
            IncludeExtensions=extensions,
            **kwargs,
        )
        document: dict[str, Any] = json.loads(response["body"].read())
        return document

    def stage(self, name: str) -> dict[str, Any]:
        stage: dict[str, Any] = self.client.get_stage(ApiId=self.id, StageName=name)
        return stage


def _get_cart(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"]["/cart"]["get"]
    return operation


def _change_get_cart(api: HttpApi, route_id: str) -> None:
    """Add a JWT authorizer to GET /cart and lengthen its integration's timeout."""
    api.client.update_route(
        ApiId=api.id, RouteId=route_id, AuthorizationType="JWT", AuthorizerId=api.jwt()
    )
    api.client.update_integration(
        ApiId=api.id, IntegrationId=api.integration, TimeoutInMillis=30_000
    )


def test_http_export_of_a_stage_answers_its_deployment_not_later_changes(aws: None) -> None:
    api = HttpApi()
    route_id = api.route("GET /cart")
    api.client.create_stage(ApiId=api.id, StageName="prod", DeploymentId=api.deploy())
    _change_get_cart(api, route_id)

    deployed = _get_cart(api.export("prod"))
    latest = _get_cart(api.export())

    assert "security" not in deployed
    assert deployed["x-amazon-apigateway-integration"]["timeoutInMillis"] == 10_000
    assert latest["security"] == [{"cognito-jwt": []}]
    assert latest["x-amazon-apigateway-integration"]["timeoutInMillis"] == 30_000


def test_http_stage_serves_a_new_deployment_once_update_stage_points_it_there(aws: None) -> None:
    api = HttpApi()
    route_id = api.route("GET /cart")
    first = api.deploy()
    api.client.create_stage(ApiId=api.id, StageName="prod", DeploymentId=first)
    _change_get_cart(api, route_id)
    second = api.deploy(Description="with jwt")

    updated = api.client.update_stage(ApiId=api.id, StageName="prod", DeploymentId=second)

    assert updated["DeploymentId"] == second
    assert api.stage("prod")["DeploymentId"] == second
    assert _get_cart(api.export("prod"))["security"] == [{"cognito-jwt": []}]


def test_http_create_deployment_with_a_stage_name_points_that_stage_at_it(aws: None) -> None:
    api = HttpApi()
    route_id = api.route("GET /cart")
    api.client.create_stage(ApiId=api.id, StageName="prod", DeploymentId=api.deploy())
    _change_get_cart(api, route_id)

    second = api.deploy(StageName="prod")

    assert api.stage("prod")["DeploymentId"] == second
    assert _get_cart(api.export("prod"))["security"] == [{"cognito-jwt": []}]


def test_http_auto_deploy_stage_serves_the_current_definition_through_auto_deployments(
    aws: None,
) -> None:
    api = HttpApi()
    route_id = api.route("GET /cart")
    created = api.client.create_stage(ApiId=api.id, StageName="prod", AutoDeploy=True)
    first = api.stage("prod")["DeploymentId"]
    _change_get_cart(api, route_id)

    exported = _get_cart(api.export("prod"))
    stage = api.stage("prod")
    deployment = api.client.get_deployment(ApiId=api.id, DeploymentId=stage["DeploymentId"])

    assert created["AutoDeploy"] is True
    assert stage["AutoDeploy"] is True
    assert exported["security"] == [{"cognito-jwt": []}]
    assert stage["DeploymentId"] != first
    assert deployment["AutoDeployed"] is True


def test_http_deployments_answer_botocore_deployment_shape(aws: None) -> None:
    api = HttpApi()
    api.route("GET /cart")
    deployment_id = api.deploy(Description="first")

    deployment = api.client.get_deployment(ApiId=api.id, DeploymentId=deployment_id)
    listed = api.client.get_deployments(ApiId=api.id)["Items"]

    assert deployment["DeploymentId"] == deployment_id
    assert deployment["DeploymentStatus"] == "DEPLOYED"
    assert deployment["AutoDeployed"] is False
    assert deployment["Description"] == "first"
    assert deployment["CreatedDate"].year >= 2024
    assert [item["DeploymentId"] for item in listed] == [deployment_id]


def test_http_deployment_that_does_not_exist_is_not_found(aws: None) -> None:
    api = HttpApi()
    with pytest.raises(ClientError) as error:
        api.client.get_deployment(ApiId=api.id, DeploymentId="nope")
    assert _error_code(error) == "NotFoundException"


def test_http_api_without_routes_cannot_be_deployed(aws: None) -> None:
    api = HttpApi()
    with pytest.raises(ClientError) as error:
        api.deploy()
    assert _error_code(error) == "BadRequestException"


def test_http_stage_cannot_name_a_deployment_that_does_not_exist(aws: None) -> None:
    api = HttpApi()
    with pytest.raises(ClientError) as error:
        api.client.create_stage(ApiId=api.id, StageName="prod", DeploymentId="nope")
    assert _error_code(error) == "NotFoundException"


def test_http_stage_without_a_deployment_has_nothing_to_export(aws: None) -> None:
    api = HttpApi()
    api.route("GET /cart")
    api.client.create_stage(ApiId=api.id, StageName="prod")

    with pytest.raises(ClientError) as error:
        api.export("prod")

    assert "DeploymentId" not in api.stage("prod")
    assert _error_code(error) == "NotFoundException"


def test_http_export_carries_routes_authorizers_integrations_and_cors(aws: None) -> None:
    api = HttpApi(CorsConfiguration={"AllowOrigins": ["*"], "AllowCredentials": True})
    jwt = api.jwt()
    api.route("GET /cart", AuthorizationType="JWT", AuthorizerId=jwt, AuthorizationScopes=["read"])
    api.route("ANY /cart")
    api.route("POST /pay", AuthorizationType="AWS_IAM")
    lambda_authorizer = api.client.create_authorizer(
        ApiId=api.id,
        AuthorizerType="REQUEST",
        IdentitySource=["$request.header.Authorization"],
        Name="lambda-auth",
        AuthorizerUri=LAMBDA_URI,
        AuthorizerPayloadFormatVersion="2.0",
    )["AuthorizerId"]
    api.route("DELETE /cart", AuthorizationType="CUSTOM", AuthorizerId=lambda_authorizer)
    api.route("$default")
    api.client.create_stage(ApiId=api.id, StageName="prod", DeploymentId=api.deploy())

    document = api.export("prod")

    assert document["openapi"] == "3.0.1"
    assert document["info"]["title"] == "checkout"
    assert document["servers"][0]["variables"] == {"basePath": {"default": "prod"}}
    cart = document["paths"]["/cart"]
    assert cart["get"]["responses"] == {
        "default": {"description": "Default response for GET /cart"}
    }
    assert cart["get"]["security"] == [{"cognito-jwt": ["read"]}]
    assert cart["get"]["x-amazon-apigateway-integration"] == {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": FUNCTION,
        "connectionType": "INTERNET",
        "timeoutInMillis": 10_000,
        "payloadFormatVersion": "2.0",
    }
    assert "security" not in cart[ANY_METHOD]
    assert document["paths"]["/pay"]["post"]["security"] == [{"sigv4": []}]
    # AWS's shape: ANY on /$default, marked isDefaultRoute (any-method extension's example)
    assert document["paths"]["/$default"][ANY_METHOD]["isDefaultRoute"] is True
    assert document["components"]["securitySchemes"]["cognito-jwt"] == {
        "type": "oauth2",
        "flows": {},
        "x-amazon-apigateway-authorizer": {
            "type": "jwt",
            "identitySource": "$request.header.Authorization",
            "jwtConfiguration": {"audience": ["app"], "issuer": "https://issuer.example.com"},
        },
    }
    assert cart["delete"]["security"] == [{"lambda-auth": []}]
    assert document["components"]["securitySchemes"]["lambda-auth"] == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authorizer": {
            "type": "request",
            "authorizerUri": LAMBDA_URI,
            "authorizerPayloadFormatVersion": "2.0",
            "identitySource": ["$request.header.Authorization"],
        },
    }
    assert document["components"]["securitySchemes"]["sigv4"]["x-amazon-apigateway-authtype"] == (
        "awsSigv4"
    )
    assert document["x-amazon-apigateway-cors"] == {"allowOrigins": ["*"], "allowCredentials": True}
    assert document["x-amazon-apigateway-importexport-version"] == "1.0"


def test_http_export_without_extensions_has_no_amazon_keys(aws: None) -> None:
    api = HttpApi(CorsConfiguration={"AllowOrigins": ["*"]})
    api.route("GET /cart", AuthorizationType="JWT", AuthorizerId=api.jwt())
    api.route("$default")

    document = api.export(extensions=False)

    assert not [key for key in _keys(document) if key.startswith("x-amazon-apigateway")]
    assert _get_cart(document)["security"] == [{"cognito-jwt": []}]


def test_http_export_of_a_websocket_api_is_a_bad_request(aws: None) -> None:
    client = aws_client("apigatewayv2", REGION)
    api_id = client.create_api(
        Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
    )["ApiId"]
    with pytest.raises(ClientError) as error:
        client.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON")
    assert _error_code(error) == "BadRequestException"


def test_integration_without_a_timeout_gets_the_default_of_its_api_type(aws: None) -> None:
    client = aws_client("apigatewayv2", REGION)
    chat = client.create_api(
        Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
    )["ApiId"]
    web = client.create_api(Name="web", ProtocolType="HTTP")["ApiId"]

    def timeout(api_id: str, integration_type: str = "AWS_PROXY", **kwargs: Any) -> int:
        if integration_type != "MOCK":
            kwargs["IntegrationUri"] = LAMBDA_URI if api_id == chat else FUNCTION
        if api_id == web:
            kwargs["PayloadFormatVersion"] = "2.0"
        created = client.create_integration(
            ApiId=api_id, IntegrationType=integration_type, **kwargs
        )
        integration_id = created["IntegrationId"]
        read = client.get_integration(ApiId=api_id, IntegrationId=integration_id)
        assert created["TimeoutInMillis"] == read["TimeoutInMillis"]
        return int(read["TimeoutInMillis"])

    # AWS's defaults: 29 s on WebSocket APIs, whatever the integration; 30 s on HTTP APIs
    assert timeout(chat) == 29_000
    assert timeout(chat, "MOCK") == 29_000
    assert timeout(chat, TimeoutInMillis=10_000) == 10_000
    assert timeout(web) == 30_000
    assert timeout(web, TimeoutInMillis=10_000) == 10_000
    listed = client.get_integrations(ApiId=chat)["Items"]
    assert sorted(item["TimeoutInMillis"] for item in listed) == [10_000, 29_000, 29_000]


def test_http_get_authorizers_lists_every_authorizer(aws: None) -> None:
    api = HttpApi()
    ids = {api.jwt("one"), api.jwt("two")}
    items = api.client.get_authorizers(ApiId=api.id)["Items"]
    assert {item["AuthorizerId"] for item in items} == ids


# --- The account, custom domains, CloudFront ---------------------------------------------------


def test_get_account_answers_the_limits_set_for_its_region_only(aws: None) -> None:
    role = "arn:aws:iam::123456789012:role/apigateway-logs"
    assert "cloudwatchRoleArn" not in aws_client("apigateway", REGION).get_account()

    shims.set_account_limits(REGION, rate_limit=500, burst_limit=250, cloudwatch_role_arn=role)

    account = aws_client("apigateway", REGION).get_account()
    elsewhere = aws_client("apigateway", "eu-west-1").get_account()
    assert account["throttleSettings"] == {"rateLimit": 500.0, "burstLimit": 250}
    assert account["cloudwatchRoleArn"] == role
    assert elsewhere["throttleSettings"] == {"rateLimit": 10_000.0, "burstLimit": 5_000}
    assert "cloudwatchRoleArn" not in elsewhere


def test_http_custom_domain_lists_its_api_gateway_domain_name_and_mappings(aws: None) -> None:
    api = HttpApi()
    client = api.client
    client.create_domain_name(
        DomainName="api.example.com",
        DomainNameConfigurations=[
            {"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}
        ],
    )
    client.create_api_mapping(
        DomainName="api.example.com", ApiId=api.id, Stage="prod", ApiMappingKey="shop"
    )

    (domain,) = client.get_domain_names()["Items"]
    (mapping,) = client.get_api_mappings(DomainName="api.example.com")["Items"]

    (configuration,) = domain["DomainNameConfigurations"]
    assert configuration["ApiGatewayDomainName"].startswith("d-")
    assert configuration["ApiGatewayDomainName"].endswith(".execute-api.us-east-1.amazonaws.com")
    assert configuration["EndpointType"] == "REGIONAL"
    assert (mapping["ApiId"], mapping["Stage"], mapping["ApiMappingKey"]) == (
        api.id,
        "prod",
        "shop",
    )


def test_rest_custom_domain_and_base_path_mappings_are_listed_by_apigatewayv2(aws: None) -> None:
    api = RestApi()
    api.method("GET", "/pets")
    api.stage("prod", api.deploy())
    rest = api.client
    created = rest.create_domain_name(
        domainName="pets.example.com",
        regionalCertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    rest.create_base_path_mapping(domainName="pets.example.com", restApiId=api.id, stage="prod")

    v2 = aws_client("apigatewayv2", REGION)
    (domain,) = v2.get_domain_names()["Items"]
    (mapping,) = v2.get_api_mappings(DomainName="pets.example.com")["Items"]

    assert domain["DomainName"] == "pets.example.com"
    assert (
        domain["DomainNameConfigurations"][0]["ApiGatewayDomainName"]
        == (created["regionalDomainName"])
    )
    assert (mapping["ApiId"], mapping["Stage"], mapping["ApiMappingKey"]) == (api.id, "prod", "")


def test_cloudfront_lists_web_acl_aliases_and_origins_as_created(aws: None) -> None:
    origin = "abc123.execute-api.us-east-1.amazonaws.com"
    web_acl = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/abc"
    AccountBuilder().cloudfront_distribution(origin, web_acl, aliases=("api.example.com",))

    (distribution,) = aws_client("cloudfront", REGION).list_distributions()["DistributionList"][
        "Items"
    ]

    assert distribution["WebACLId"] == web_acl
    assert distribution["Aliases"]["Items"] == ["api.example.com"]
    assert [o["DomainName"] for o in distribution["Origins"]["Items"]] == [origin]


def test_installing_the_shims_again_changes_nothing(aws: None) -> None:
    from moto.apigateway.models import RestAPI
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    # export_api is the shims' own handler: moto's class does not declare it
    before = (RestAPI.create_deployment, vars(ApiGatewayV2Response)["export_api"])
    shims.install()
    assert (RestAPI.create_deployment, vars(ApiGatewayV2Response)["export_api"]) == before


# --- Client certificates of REST stages ----------------------------------------------------------


def test_rest_client_certificate_is_generated_and_read_in_aws_shape(aws: None) -> None:
    from botocore.model import StructureShape
    from botocore.session import get_session

    client = aws_client("apigateway", REGION)
    generated = client.generate_client_certificate(description="backend", tags={"team": "a"})
    read = client.get_client_certificate(clientCertificateId=generated["clientCertificateId"])

    shape = get_session().get_service_model("apigateway").shape_for("ClientCertificate")
    assert isinstance(shape, StructureShape)
    members = set(shape.members)
    fields = {key for key in read if key != "ResponseMetadata"}
    assert fields == members
    assert read["pemEncodedCertificate"].startswith("-----BEGIN CERTIFICATE-----\n")
    assert (read["description"], read["tags"]) == ("backend", {"team": "a"})
    assert (read["expirationDate"] - read["createdDate"]).days == 365  # as AWS generates them
    with pytest.raises(ClientError) as missing:
        client.get_client_certificate(clientCertificateId="nosuch")
    assert _error_code(missing) == "NotFoundException"


def test_rest_stage_presents_the_certificate_update_stage_gives_it(aws: None) -> None:
    api, released, upcoming = _canaried_api()
    api.stage("prod", released)
    certificate = api.client.generate_client_certificate()["clientCertificateId"]

    with pytest.raises(ClientError) as refused:  # an id the region does not have
        api.client.update_stage(
            restApiId=api.id,
            stageName="prod",
            patchOperations=[_replace("/clientCertificateId", "nosuch")],
        )
    updated = api.client.update_stage(
        restApiId=api.id,
        stageName="prod",
        patchOperations=[
            _replace("/clientCertificateId", certificate),
            _replace("/canarySettings/deploymentId", upcoming),  # both shims answer
        ],
    )
    (listed,) = api.client.get_stages(restApiId=api.id)["item"]
    removed = api.client.update_stage(
        restApiId=api.id,
        stageName="prod",
        patchOperations=[{"op": "remove", "path": "/clientCertificateId"}],
    )

    assert _error_code(refused) == "NotFoundException"
    assert (updated["clientCertificateId"], updated["canarySettings"]["deploymentId"]) == (
        certificate,
        upcoming,
    )
    assert listed["clientCertificateId"] == certificate
    assert "clientCertificateId" not in removed


def test_rest_certificate_expiry_can_be_moved_as_no_api_can(aws: None) -> None:
    from datetime import UTC, datetime

    client = aws_client("apigateway", REGION)
    certificate = client.generate_client_certificate()["clientCertificateId"]
    shims.set_client_certificate_expiry(REGION, certificate, datetime(2030, 1, 2, tzinfo=UTC))
    read = client.get_client_certificate(clientCertificateId=certificate)
    assert read["expirationDate"] == datetime(2030, 1, 2, tzinfo=UTC)


def test_installing_the_shims_again_wraps_a_stage_once_per_concern(aws: None) -> None:
    from moto.apigateway.models import Stage

    before = Stage.to_json  # the canary's and the certificate's shims both wrap it
    shims.install()
    assert Stage.to_json is before


# --- REST APIs' own security policy and endpoint access mode ---------------------------------


def _security(api: dict[str, Any]) -> tuple[str | None, str | None]:
    return api.get("securityPolicy"), api.get("endpointAccessMode")


def test_rest_api_made_without_a_policy_answers_its_endpoint_types_default(aws: None) -> None:
    client = aws_client("apigateway", REGION)
    made = {
        kind: client.create_rest_api(name=kind.lower(), endpointConfiguration={"types": [kind]})
        for kind in ("REGIONAL", "EDGE", "PRIVATE")
    }
    assert {kind: _security(api) for kind, api in made.items()} == {
        "REGIONAL": ("TLS_1_0", None),
        "EDGE": ("TLS_1_0", None),
        "PRIVATE": ("TLS_1_2", None),
    }
    listed = {api["name"]: _security(api) for api in client.get_rest_apis()["items"]}
    assert listed == {
        "regional": ("TLS_1_0", None),
        "edge": ("TLS_1_0", None),
        "private": ("TLS_1_2", None),
    }


def test_rest_api_answers_the_policy_and_access_mode_it_is_given(aws: None) -> None:
    client = aws_client("apigateway", REGION)
    api = client.create_rest_api(
        name="pets",
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="SecurityPolicy_TLS13_1_3_2025_09",
        endpointAccessMode="BASIC",
    )
    assert _security(api) == ("SecurityPolicy_TLS13_1_3_2025_09", "BASIC")
    client.update_rest_api(
        restApiId=api["id"],
        patchOperations=[
            {"op": "replace", "path": "/endpointAccessMode", "value": "STRICT"},
            {"op": "replace", "path": "/description", "value": "strict now"},
        ],
    )
    answered = client.get_rest_api(restApiId=api["id"])
    assert _security(answered) == ("SecurityPolicy_TLS13_1_3_2025_09", "STRICT")
    assert answered["description"] == "strict now"  # moto's own patch paths still apply
    client.update_rest_api(
        restApiId=api["id"],
        patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "TLS_1_2"},
            {"op": "remove", "path": "/endpointAccessMode"},
        ],
    )
    assert _security(client.get_rest_api(restApiId=api["id"])) == ("TLS_1_2", None)


@pytest.mark.parametrize(
    ("endpoint_type", "settings"),
    [
        ("REGIONAL", {"securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09"}),  # no access mode
        ("REGIONAL", {"securityPolicy": "TLS_1_2", "endpointAccessMode": "STRICT"}),
        (
            "REGIONAL",
            {"securityPolicy": "SecurityPolicy_TLS13_2025_EDGE", "endpointAccessMode": "STRICT"},
        ),
        (
            "EDGE",
            {"securityPolicy": "SecurityPolicy_TLS13_1_3_2025_09", "endpointAccessMode": "STRICT"},
        ),
        ("REGIONAL", {"securityPolicy": "TLS_1_3"}),
    ],
)
def test_rest_api_policy_aws_refuses_is_refused_and_makes_nothing(
    aws: None, endpoint_type: str, settings: dict[str, str]
) -> None:
    client = aws_client("apigateway", REGION)
    with pytest.raises(ClientError) as refused:
        client.create_rest_api(
            name="pets", endpointConfiguration={"types": [endpoint_type]}, **settings
        )
    assert _error_code(refused) == "BadRequestException"
    assert client.get_rest_apis()["items"] == []


def test_rest_api_update_aws_refuses_changes_nothing(aws: None) -> None:
    client = aws_client("apigateway", REGION)
    api = client.create_rest_api(name="pets", endpointConfiguration={"types": ["REGIONAL"]})
    with pytest.raises(ClientError) as refused:
        client.update_rest_api(
            restApiId=api["id"],
            patchOperations=[
                {
                    "op": "replace",
                    "path": "/securityPolicy",
                    "value": "SecurityPolicy_TLS13_1_3_2025_09",
                },
                {"op": "replace", "path": "/description", "value": "never applied"},
            ],
        )
    assert _error_code(refused) == "BadRequestException"
    answered = client.get_rest_api(restApiId=api["id"])
    assert _security(answered) == ("TLS_1_0", None)
    assert not answered.get("description")


# --- logging to CloudWatch needs the region's CloudWatch role ----------------------------------


LOG_GROUP = f"arn:aws:logs:{REGION}:123456789012:log-group:/apigw/access"
STREAM = f"arn:aws:firehose:{REGION}:123456789012:deliverystream/amazon-apigateway-access"


def test_rest_and_websocket_logging_to_cloudwatch_is_refused_without_the_region_s_role(
    aws: None,
) -> None:
    """AWS: "CloudWatch Logs role ARN must be set in account settings to enable logging"
    (REST access and execution logs, WebSocket stages); HTTP APIs and Firehose need none."""
    api = RestApi()
    api.method("GET", "/pets")
    api.deploy("prod")
    access = [{"op": "replace", "path": "/accessLogSettings/destinationArn", "value": LOG_GROUP}]
    execution = [{"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"}]
    for operations in (access, execution):
        with pytest.raises(ClientError) as refused:
            api.client.update_stage(restApiId=api.id, stageName="prod", patchOperations=operations)
        assert _error_code(refused) == "BadRequestException"
        assert "CloudWatch Logs role ARN must be set" in str(refused.value)
    streamed = [{"op": "replace", "path": "/accessLogSettings/destinationArn", "value": STREAM}]
    api.client.update_stage(restApiId=api.id, stageName="prod", patchOperations=streamed)
    v2 = aws_client("apigatewayv2", REGION)
    socket = v2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                           RouteSelectionExpression="$request.body.action")  # fmt: skip
    logs = {"DestinationArn": LOG_GROUP, "Format": "$context.requestId"}
    with pytest.raises(ClientError) as refused:
        v2.create_stage(ApiId=socket["ApiId"], StageName="prod", AccessLogSettings=logs)
    assert _error_code(refused) == "BadRequestException"
    http = v2.create_api(Name="web", ProtocolType="HTTP")
    v2.create_stage(ApiId=http["ApiId"], StageName="prod", AccessLogSettings=logs)
    AccountBuilder(REGION).cloudwatch_role("arn:aws:iam::123456789012:role/apigateway-logs")
    api.client.update_stage(restApiId=api.id, stageName="prod", patchOperations=access + execution)
    v2.create_stage(ApiId=socket["ApiId"], StageName="prod",
                    DefaultRouteSettings={"LoggingLevel": "ERROR"})  # fmt: skip
