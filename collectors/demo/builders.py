"""Small, named builders that create API Gateway estates in an AWS emulator (moto).

Shared by the ``--demo`` estate, the unit tests and the benchmark, so every estate is built the
same way and reads in a few lines. These clients write (they build the emulated account), so
they are deliberately not the audit's guarded clients; never point them at a real account.

One moto quirk shapes ``RestApiBuilder.stage``: moto fills ``throttlingRateLimit=1000`` and
``throttlingBurstLimit=2000`` into every method-settings entry it creates, even one made only
for caching. The builder therefore always writes throttling explicitly (``-1`` = "not set", as
Terraform writes it), so no estate carries moto's placeholder as if it were a real limit.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import boto3

from collectors.model import method_settings_key

ACCOUNT_ID = "123456789012"
_UNSET = "-1"
_LAMBDA_ROLE = "apigw-audit-demo-lambda"


def _client(service: str, region: str) -> Any:
    return cast(Any, boto3).client(service, region_name=region)


def lambda_invocation_uri(region: str, function_arn: str) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )


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


def _lambda_role() -> str:
    """The execution role every emulated function uses (IAM is global: made once)."""
    iam = _client("iam", "us-east-1")
    try:
        return str(iam.get_role(RoleName=_LAMBDA_ROLE)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(
            iam.create_role(
                RoleName=_LAMBDA_ROLE,
                AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
            )["Role"]["Arn"]
        )


@dataclass(frozen=True)
class MethodCache:
    """Per-method stage settings: caching on/off and an explicit throttle (None = not set)."""

    caching: bool | None = None
    rate: float | None = None
    burst: int | None = None


class AccountBuilder:
    """Account-wide things: Lambda functions, WAF web ACLs, CloudWatch request counts."""

    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        self._role_arn: str | None = None

    def lambda_function(self, name: str, timeout_seconds: int, region: str | None = None) -> str:
        region = region or self.region
        if self._role_arn is None:
            self._role_arn = _lambda_role()
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("handler.py", "def handler(event, context):\n    return {}\n")
        created = _client("lambda", region).create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=self._role_arn,
            Handler="handler.handler",
            Code={"ZipFile": archive.getvalue()},
            Timeout=timeout_seconds,
        )
        return str(created["FunctionArn"])

    def web_acl(self, name: str, scope: str = "REGIONAL") -> str:
        """A WAFv2 web ACL; ``scope="CLOUDFRONT"`` for a distribution (made in us-east-1)."""
        region = "us-east-1" if scope == "CLOUDFRONT" else self.region
        created = _client("wafv2", region).create_web_acl(
            Name=name,
            Scope=scope,
            DefaultAction={"Allow": {}},
            VisibilityConfig={
                "SampledRequestsEnabled": False,
                "CloudWatchMetricsEnabled": False,
                "MetricName": name,
            },
        )
        return str(created["Summary"]["ARN"])

    def limits(self, rate: float, burst: int, cloudwatch_role_arn: str | None = None) -> None:
        """The account's API Gateway throttle in this region (raised or lowered by AWS
        Support in real accounts, so set directly in the emulator)."""
        from collectors.demo.shims import set_account_limits

        set_account_limits(self.region, rate, burst, cloudwatch_role_arn)

    def cloudfront_distribution(
        self, origin_domain: str, web_acl_arn: str | None, aliases: tuple[str, ...] = ()
    ) -> str:
        """A CloudFront distribution in front of ``origin_domain``, with a web ACL or none."""
        config: dict[str, Any] = {
            "CallerReference": f"{origin_domain}-{web_acl_arn}",
            "Comment": "",
            "Enabled": True,
            "Aliases": {"Quantity": len(aliases), "Items": list(aliases)},
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "api",
                        "DomainName": origin_domain,
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "api",
                "ViewerProtocolPolicy": "https-only",
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
                "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
                "MinTTL": 0,
            },
        }
        if web_acl_arn:
            config["WebACLId"] = web_acl_arn
        created = _client("cloudfront", "us-east-1").create_distribution(DistributionConfig=config)
        return str(created["Distribution"]["Id"])

    def custom_domain(self, name: str, mappings: list[tuple[str, str]]) -> str:
        """A regional custom domain mapping ``(api id, stage)`` pairs (apigatewayv2, which
        maps REST and HTTP APIs alike); returns its regional ``d-...`` domain name."""
        client = _client("apigatewayv2", self.region)
        created = client.create_domain_name(
            DomainName=name,
            DomainNameConfigurations=[
                {
                    "CertificateArn": f"arn:aws:acm:{self.region}:{ACCOUNT_ID}:certificate/demo",
                    "EndpointType": "REGIONAL",
                    "SecurityPolicy": "TLS_1_2",
                }
            ],
        )
        for index, (api_id, stage) in enumerate(mappings):
            client.create_api_mapping(
                DomainName=name,
                ApiId=api_id,
                Stage=stage,
                ApiMappingKey="" if index == 0 else f"{stage}{index}",
            )
        configurations = created.get("DomainNameConfigurations") or [{}]
        return str(configurations[0].get("ApiGatewayDomainName", name))

    def request_count(
        self,
        dimensions: dict[str, str],
        count: float,
        days_ago: int = 2,
        metric: str = "Count",
    ) -> None:
        """Record ``count`` of ``metric`` for one stage, ``days_ago`` days back."""
        _client("cloudwatch", self.region).put_metric_data(
            Namespace="AWS/ApiGateway",
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
                    "Value": count,
                    "Timestamp": datetime.now(UTC) - timedelta(days=days_ago),
                }
            ],
        )


@dataclass
class RestApiBuilder:
    """One REST API: resources by path, methods, CORS preflights, authorizers, stages."""

    name: str
    region: str = "us-east-1"
    tags: dict[str, str] = field(default_factory=dict)
    endpoint_type: str = "REGIONAL"
    policy: dict[str, Any] | None = None
    disable_execute_api_endpoint: bool = False
    id: str = field(init=False)
    _resources: dict[str, str] = field(init=False, default_factory=dict)
    _deployment_id: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.client = _client("apigateway", self.region)
        kwargs: dict[str, Any] = {
            "name": self.name,
            "tags": self.tags,
            "endpointConfiguration": {"types": [self.endpoint_type]},
        }
        if self.policy is not None:
            kwargs["policy"] = json.dumps(self.policy)
        if self.disable_execute_api_endpoint:
            kwargs["disableExecuteApiEndpoint"] = True
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
    ) -> None:
        """A method with its integration: Lambda proxy, HTTP proxy, else a MOCK."""
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
        rate: float | None = None,
        burst: int | None = None,
        caching: bool | None = None,
        methods: dict[str, MethodCache] | None = None,
        web_acl_arn: str | None = None,
        variables: dict[str, str] | None = None,
        access_log_arn: str | None = None,
    ) -> None:
        """A deployed stage; ``rate``/``burst``/``caching`` are the ``*/*`` defaults and
        ``methods`` the per-method settings, keyed ``"GET /pets/{id}"``."""
        if self._deployment_id is None:
            self.deploy()
        self.client.create_stage(
            restApiId=self.id,
            stageName=name,
            deploymentId=self._deployment_id,
            cacheClusterEnabled=cache_cluster,
            tracingEnabled=tracing,
            variables=variables or {},
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
                _replace(f"/{key}/throttling/rateLimit", _number(value.rate)),
                _replace(f"/{key}/throttling/burstLimit", _number(value.burst)),
            ]
            if value.caching is not None:
                operations.append(_replace(f"/{key}/caching/enabled", str(value.caching).lower()))
        if access_log_arn:
            operations += [
                _replace("/accessLogSettings/destinationArn", access_log_arn),
                _replace("/accessLogSettings/format", "$context.requestId"),
            ]
        if operations:
            self.client.update_stage(restApiId=self.id, stageName=name, patchOperations=operations)
        if web_acl_arn:
            _client("wafv2", self.region).associate_web_acl(
                WebACLArn=web_acl_arn,
                ResourceArn=f"arn:aws:apigateway:{self.region}::/restapis/{self.id}/stages/{name}",
            )

    def usage_plan(
        self,
        stage: str,
        *,
        rate: float,
        burst: int,
        method_throttles: dict[str, tuple[float, int]] | None = None,
    ) -> None:
        """A usage plan on ``stage``; ``method_throttles`` keyed as AWS keys them: /pets/GET."""
        api_stage: dict[str, Any] = {"apiId": self.id, "stage": stage}
        if method_throttles:
            api_stage["throttle"] = {
                key: {"rateLimit": r, "burstLimit": b} for key, (r, b) in method_throttles.items()
            }
        self.client.create_usage_plan(
            name=f"{self.name}-{stage}-plan",
            apiStages=[api_stage],
            throttle={"rateLimit": rate, "burstLimit": burst},
            quota={"limit": 100_000, "period": "MONTH"},
        )


def _replace(path: str, value: str) -> dict[str, str]:
    return {"op": "replace", "path": path, "value": value}


def _number(value: float | None) -> str:
    return _UNSET if value is None else str(value)


@dataclass
class HttpApiBuilder:
    """One HTTP (or WebSocket) API: Lambda integrations, routes, JWT authorizers, stages."""

    name: str
    region: str = "us-east-1"
    tags: dict[str, str] = field(default_factory=dict)
    cors_origins: tuple[str, ...] | None = None
    cors_credentials: bool = False
    protocol: str = "HTTP"
    disable_execute_api_endpoint: bool = False
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.client = _client("apigatewayv2", self.region)
        kwargs: dict[str, Any] = {
            "Name": self.name,
            "ProtocolType": self.protocol,
            "Tags": self.tags,
        }
        if self.cors_origins is not None:
            kwargs["CorsConfiguration"] = {
                "AllowOrigins": list(self.cors_origins),
                "AllowCredentials": self.cors_credentials,
            }
        if self.protocol == "WEBSOCKET":
            kwargs["RouteSelectionExpression"] = "$request.body.action"
        if self.disable_execute_api_endpoint:
            kwargs["DisableExecuteApiEndpoint"] = True
        self.id = self.client.create_api(**kwargs)["ApiId"]

    def lambda_integration(self, function_arn: str, timeout_ms: int | None = None) -> str:
        kwargs: dict[str, Any] = {
            "ApiId": self.id,
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": function_arn,
            "PayloadFormatVersion": "2.0",
        }
        if timeout_ms is not None:
            kwargs["TimeoutInMillis"] = timeout_ms
        return str(self.client.create_integration(**kwargs)["IntegrationId"])

    def jwt_authorizer(self, name: str) -> str:
        created = self.client.create_authorizer(
            ApiId=self.id,
            AuthorizerType="JWT",
            IdentitySource=["$request.header.Authorization"],
            Name=name,
            JwtConfiguration={"Audience": ["demo"], "Issuer": "https://issuer.example.com"},
        )
        return str(created["AuthorizerId"])

    def route(
        self,
        route_key: str,
        integration_id: str,
        *,
        authorization: str = "NONE",
        authorizer_id: str | None = None,
        request_models: dict[str, str] | None = None,
    ) -> str:
        kwargs: dict[str, Any] = {
            "ApiId": self.id,
            "RouteKey": route_key,
            "AuthorizationType": authorization,
            "Target": f"integrations/{integration_id}",
        }
        if authorizer_id:
            kwargs["AuthorizerId"] = authorizer_id
        if request_models:
            kwargs["RequestModels"] = request_models
            kwargs["ModelSelectionExpression"] = "$request.body.type"
        return str(self.client.create_route(**kwargs)["RouteId"])

    def update_route(
        self, route_id: str, *, authorization: str, authorizer_id: str | None = None
    ) -> None:
        """Change a route's authorization in the current definition (not deployed)."""
        kwargs: dict[str, Any] = {
            "ApiId": self.id,
            "RouteId": route_id,
            "AuthorizationType": authorization,
        }
        if authorizer_id:
            kwargs["AuthorizerId"] = authorizer_id
        self.client.update_route(**kwargs)

    def _has_routes(self) -> bool:
        return bool(self.client.get_routes(ApiId=self.id).get("Items"))

    def deploy(self) -> str:
        """A deployment of the current definition (stages made without AutoDeploy serve the
        latest one)."""
        return str(self.client.create_deployment(ApiId=self.id)["DeploymentId"])

    def stage(
        self,
        name: str,
        *,
        rate: float | None = None,
        burst: int | None = None,
        routes: dict[str, tuple[float, int]] | None = None,
        access_log_arn: str | None = None,
        auto_deploy: bool = False,
        deployment_id: str | None = None,
    ) -> None:
        """A stage; without AutoDeploy it serves ``deployment_id``, else a new deployment of
        the current definition (WebSocket APIs: always the current definition)."""
        kwargs: dict[str, Any] = {"ApiId": self.id, "StageName": name}
        if auto_deploy:
            kwargs["AutoDeploy"] = True
        elif deployment_id or self._has_routes():
            # AWS refuses to deploy an API without routes: such a stage serves nothing yet.
            kwargs["DeploymentId"] = deployment_id or self.deploy()
        if access_log_arn:
            kwargs["AccessLogSettings"] = {
                "DestinationArn": access_log_arn,
                "Format": "$context.requestId",
            }
        if rate is not None or burst is not None:
            kwargs["DefaultRouteSettings"] = {
                "ThrottlingRateLimit": rate if rate is not None else -1,
                "ThrottlingBurstLimit": burst if burst is not None else -1,
            }
        if routes:
            kwargs["RouteSettings"] = {
                key: {"ThrottlingRateLimit": r, "ThrottlingBurstLimit": b}
                for key, (r, b) in routes.items()
            }
        self.client.create_stage(**kwargs)
