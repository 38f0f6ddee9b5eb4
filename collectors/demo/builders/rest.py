"""One REST API in the emulator: resources by path, methods, CORS preflights, authorizers,
validators, gateway responses, stages, usage plans; and the resource policy it may carry.

One moto quirk shapes ``RestApiBuilder.stage``: moto fills ``throttlingRateLimit=1000`` and
``throttlingBurstLimit=2000`` into every method-settings entry it creates, even one made only
for caching. The builder therefore always writes throttling explicitly (``-1`` = "not set", as
Terraform writes it), so no estate carries moto's placeholder as if it were a real limit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from collectors.demo.builders.clients import aws_client, lambda_invocation_uri
from collectors.demo.builders.rest_stage_settings import UNSET, StageSettings, replace
from collectors.model import method_settings_key


def invoke_policy(condition: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """A resource policy allowing anyone to invoke the API, under ``condition`` if given
    (e.g. ``{"StringEquals": {"aws:SourceVpce": "vpce-123"}}`` pins it to a VPC endpoint)."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


@dataclass(frozen=True)
class MethodCache:
    """Per-method stage settings: caching on/off and an explicit throttle (None = not set)."""

    caching: bool | None = None
    rate: float | None = None
    burst: int | None = None


@dataclass
class RestApiBuilder(StageSettings):
    """One REST API: resources by path, methods, CORS preflights, authorizers, stages."""

    name: str
    region: str = "us-east-1"
    tags: dict[str, str] = field(default_factory=dict)
    endpoint_type: str = "REGIONAL"
    policy: dict[str, Any] | None = None
    disable_execute_api_endpoint: bool = False
    # its default endpoint's TLS policy (None: AWS's default for the endpoint type) and, with
    # an enhanced SecurityPolicy_* one, the endpoint access mode (BASIC or STRICT)
    security_policy: str | None = None
    endpoint_access_mode: str | None = None
    id: str = field(init=False)
    _resources: dict[str, str] = field(init=False, default_factory=dict)
    _deployment_id: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.client = aws_client("apigateway", self.region)
        kwargs: dict[str, Any] = {
            "name": self.name,
            "tags": self.tags,
            "endpointConfiguration": {"types": [self.endpoint_type]},
        }
        if self.policy is not None:
            kwargs["policy"] = json.dumps(self.policy)
        if self.disable_execute_api_endpoint:
            kwargs["disableExecuteApiEndpoint"] = True
        if self.security_policy is not None:
            kwargs["securityPolicy"] = self.security_policy
        if self.endpoint_access_mode is not None:
            kwargs["endpointAccessMode"] = self.endpoint_access_mode
        created = self.client.create_rest_api(**kwargs)
        self.id = created["id"]
        self._resources["/"] = created["rootResourceId"]

    def resource(self, path: str) -> str:
        """The id of the resource at ``path``, creating it and its parents as needed."""
        if path in self._resources:
            return self._resources[path]
        parent_path, _, part = path.rstrip("/").rpartition("/")
        parent_id = self.resource(parent_path or "/")
        created = self.client.create_resource(restApiId=self.id, parentId=parent_id, pathPart=part)
        self._resources[path] = created["id"]
        return str(created["id"])

    def method(
        self,
        verb: str,
        path: str,
        *,
        authorization: str = "NONE",
        authorizer_id: str | None = None,
        api_key_required: bool = False,
        validator_id: str | None = None,
        request_parameters: dict[str, bool] | None = None,
        request_models: dict[str, str] | None = None,
        lambda_arn: str | None = None,
        http_url: str | None = None,
        timeout_ms: int | None = None,
        request_templates: dict[str, str] | None = None,
        cache_key_parameters: list[str] | None = None,
    ) -> None:
        """A method with its integration: Lambda proxy, HTTP proxy, else a MOCK;
        ``cache_key_parameters`` name request parameters (declare them in
        ``request_parameters``), ``"method.request.header.Authorization"``."""
        resource_id = self.resource(path)
        method_kwargs: dict[str, Any] = {
            "restApiId": self.id,
            "resourceId": resource_id,
            "httpMethod": verb,
            "authorizationType": authorization,
            "apiKeyRequired": api_key_required,
        }
        if authorizer_id:
            method_kwargs["authorizerId"] = authorizer_id
        if validator_id:
            method_kwargs["requestValidatorId"] = validator_id
        if request_parameters:
            method_kwargs["requestParameters"] = request_parameters
        if request_models:
            method_kwargs["requestModels"] = request_models
        self.client.put_method(**method_kwargs)
        integration: dict[str, Any] = {
            "restApiId": self.id,
            "resourceId": resource_id,
            "httpMethod": verb,
        }
        if lambda_arn:
            integration.update(
                type="AWS_PROXY",
                integrationHttpMethod="POST",
                uri=lambda_invocation_uri(self.region, lambda_arn),
            )
        elif http_url:
            integration.update(type="HTTP_PROXY", integrationHttpMethod=verb, uri=http_url)
        else:
            integration.update(type="MOCK")
        if timeout_ms is not None:
            integration["timeoutInMillis"] = timeout_ms
        if request_templates:
            integration["requestTemplates"] = request_templates
        if cache_key_parameters:
            integration["cacheKeyParameters"] = cache_key_parameters
        self.client.put_integration(**integration)

    def http_integration(
        self,
        verb: str,
        path: str,
        uri: str,
        *,
        proxy: bool = True,
        vpc_link: str | None = None,
        request_parameters: dict[str, str] | None = None,
        request_templates: dict[str, str] | None = None,
    ) -> None:
        """Give the method ``verb path`` (made by ``method``) an HTTP_PROXY integration to
        ``uri`` (HTTP without ``proxy``), through VPC link ``vpc_link`` when given;
        ``request_parameters`` as AWS writes them ("integration.request.header.X": "'static'"
        or "method.request.header.X")."""
        integration: dict[str, Any] = {
            "restApiId": self.id,
            "resourceId": self.resource(path),
            "httpMethod": verb,
            "type": "HTTP_PROXY" if proxy else "HTTP",
            "integrationHttpMethod": verb,
            "uri": uri,
        }
        if vpc_link is not None:
            integration.update(connectionType="VPC_LINK", connectionId=vpc_link)
        if request_parameters:
            integration["requestParameters"] = request_parameters
        if request_templates:
            integration["requestTemplates"] = request_templates
        self.client.put_integration(**integration)

    def deploy(self, description: str = "") -> str:
        """A new deployment of the current definition; stages made next serve it."""
        self._deployment_id = str(
            self.client.create_deployment(restApiId=self.id, description=description)["id"]
        )
        return self._deployment_id

    def cors_preflight(
        self, path: str, allow_origin: str = "'*'", status_code: str = "200"
    ) -> None:
        """An OPTIONS MOCK answering ``Access-Control-Allow-Origin: <allow_origin>``."""
        resource_id = self.resource(path)
        header = "method.response.header.Access-Control-Allow-Origin"
        ids = {"restApiId": self.id, "resourceId": resource_id, "httpMethod": "OPTIONS"}
        self.client.put_method(**ids, authorizationType="NONE")
        self.client.put_integration(
            **ids, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}
        )
        self.client.put_method_response(
            **ids, statusCode=status_code, responseParameters={header: False}
        )
        self.client.put_integration_response(
            **ids, statusCode=status_code, responseParameters={header: allow_origin}
        )

    def authorizer(self, name: str, function_arn: str) -> str:
        created = self.client.create_authorizer(
            restApiId=self.id,
            name=name,
            type="TOKEN",
            authorizerUri=lambda_invocation_uri(self.region, function_arn),
            identitySource="method.request.header.Authorization",
        )
        return str(created["id"])

    def validator(self, name: str, *, body: bool, parameters: bool) -> str:
        created = self.client.create_request_validator(
            restApiId=self.id,
            name=name,
            validateRequestBody=body,
            validateRequestParameters=parameters,
        )
        return str(created["id"])

    def gateway_response(self, response_type: str, parameters: dict[str, str]) -> None:
        self.client.put_gateway_response(
            restApiId=self.id, responseType=response_type, responseParameters=parameters
        )

    def stage(
        self,
        name: str,
        *,
        tracing: bool = False,
        cache_cluster: bool = False,
        cache_size: str | None = None,
        rate: float | None = None,
        burst: int | None = None,
        caching: bool | None = None,
        methods: dict[str, MethodCache] | None = None,
        web_acl_arn: str | None = None,
        variables: dict[str, str] | None = None,
        access_log_arn: str | None = None,
    ) -> None:
        """A deployed stage; ``rate``/``burst``/``caching`` are the ``*/*`` defaults and
        ``methods`` the per-method settings, keyed ``"GET /pets/{id}"``; ``cache_size`` in GB
        as AWS writes it (``"0.5"``, ``"6.1"``...)."""
        if self._deployment_id is None:
            self.deploy()
        stage: dict[str, Any] = {}
        if cache_size is not None:
            stage["cacheClusterSize"] = cache_size
        self.client.create_stage(
            restApiId=self.id,
            stageName=name,
            deploymentId=self._deployment_id,
            cacheClusterEnabled=cache_cluster,
            tracingEnabled=tracing,
            variables=variables or {},
            **stage,
        )
        operations = []
        settings = (
            {"*/*": MethodCache(caching, rate, burst)}
            if (rate, burst, caching)
            != (
                None,
                None,
                None,
            )
            else {}
        )
        for key, value in (methods or {}).items():
            verb, _, path = key.partition(" ")
            settings[method_settings_key(path, verb)] = value
        for key, value in settings.items():
            operations += [
                replace(f"/{key}/throttling/rateLimit", _number(value.rate)),
                replace(f"/{key}/throttling/burstLimit", _number(value.burst)),
            ]
            if value.caching is not None:
                operations.append(replace(f"/{key}/caching/enabled", str(value.caching).lower()))
        if access_log_arn:
            operations += [
                replace("/accessLogSettings/destinationArn", access_log_arn),
                replace("/accessLogSettings/format", "$context.requestId"),
            ]
        if operations:
            self.client.update_stage(restApiId=self.id, stageName=name, patchOperations=operations)
        if web_acl_arn:
            aws_client("wafv2", self.region).associate_web_acl(
                WebACLArn=web_acl_arn,
                ResourceArn=f"arn:aws:apigateway:{self.region}::/restapis/{self.id}/stages/{name}",
            )

    def usage_plan(
        self,
        stage: str,
        *more_stages: str,
        rate: float | None,
        burst: int | None,
        method_throttles: dict[str, tuple[float, int]] | None = None,
        quota: int | None = 100_000,
    ) -> str:
        """A usage plan on ``stage`` (and ``more_stages``), its id; ``rate``, ``burst`` and
        ``quota`` (a month's requests) None: the plan sets none; ``method_throttles`` keyed
        as AWS keys them: /pets/GET. Add keys with ``AccountBuilder.api_key``."""
        api_stages: list[Any] = []
        for name in (stage, *more_stages):
            api_stage: dict[str, Any] = {"apiId": self.id, "stage": name}
            if method_throttles:
                api_stage["throttle"] = {
                    key: {"rateLimit": r, "burstLimit": b}
                    for key, (r, b) in method_throttles.items()
                }
            api_stages.append(api_stage)
        plan: dict[str, Any] = {"name": f"{self.name}-{stage}-plan", "apiStages": api_stages}
        throttle = {"rateLimit": rate, "burstLimit": burst}
        if any(value is not None for value in throttle.values()):
            plan["throttle"] = {k: v for k, v in throttle.items() if v is not None}
        if quota is not None:
            plan["quota"] = {"limit": quota, "period": "MONTH"}
        return str(self.client.create_usage_plan(**plan)["id"])


def _number(value: float | None) -> str:
    return UNSET if value is None else str(value)
