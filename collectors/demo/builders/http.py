"""One HTTP (or WebSocket) API in the emulator: Lambda and HTTP integrations (private ones
through VPC links), routes, JWT authorizers, deployments and stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from collectors.demo.builders.clients import aws_client


@dataclass
class HttpApiBuilder:
    """One HTTP (or WebSocket) API: Lambda and HTTP integrations, routes, JWT authorizers,
    stages."""

    name: str
    region: str = "us-east-1"
    tags: dict[str, str] = field(default_factory=dict)
    cors_origins: tuple[str, ...] | None = None
    cors_credentials: bool = False
    protocol: str = "HTTP"
    disable_execute_api_endpoint: bool = False
    id: str = field(init=False)

    def __post_init__(self) -> None:
        self.client = aws_client("apigatewayv2", self.region)
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

    def http_integration(
        self,
        uri: str,
        *,
        private: bool = False,
        tls_server_name: str | None = None,
        request_parameters: dict[str, str] | None = None,
        request_templates: dict[str, str] | None = None,
    ) -> str:
        """An HTTP_PROXY integration to ``uri``; for an HTTP API, ``private`` goes through a
        new VPC link to the load-balancer listener ``uri`` names, with a TlsConfig verifying
        ``tls_server_name`` when one is given. ``request_templates``: WebSocket APIs only."""
        kwargs: dict[str, Any] = {
            "ApiId": self.id,
            "IntegrationType": "HTTP_PROXY",
            "IntegrationUri": uri,
            "IntegrationMethod": "POST" if self.protocol == "WEBSOCKET" else "ANY",
        }
        if self.protocol == "HTTP":
            kwargs["PayloadFormatVersion"] = "1.0"
        if private:
            link = self.client.create_vpc_link(Name=f"{self.name}-link", SubnetIds=["subnet-1"])
            kwargs.update(ConnectionType="VPC_LINK", ConnectionId=link["VpcLinkId"])
        if tls_server_name is not None:
            kwargs["TlsConfig"] = {"ServerNameToVerify": tls_server_name}
        if request_parameters:
            kwargs["RequestParameters"] = request_parameters
        if request_templates:
            kwargs["RequestTemplates"] = request_templates
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
        variables: dict[str, str] | None = None,
    ) -> None:
        """A stage; without AutoDeploy it serves ``deployment_id``, else a new deployment of
        the current definition (WebSocket APIs: always the current definition)."""
        kwargs: dict[str, Any] = {"ApiId": self.id, "StageName": name}
        if variables:
            kwargs["StageVariables"] = variables
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

    def route_settings(
        self,
        stage: str,
        route_key: str | None = None,
        *,
        logging: str | None = None,
        data_trace: bool | None = None,
        detailed_metrics: bool | None = None,
    ) -> None:
        """Set what is given of ``stage``'s settings for ``route_key``, or of its default route
        settings (UpdateStage, which merges them with those already set)."""
        values = {
            "LoggingLevel": logging,
            "DataTraceEnabled": data_trace,
            "DetailedMetricsEnabled": detailed_metrics,
        }
        settings = {name: value for name, value in values.items() if value is not None}
        kwargs: dict[str, Any] = {"ApiId": self.id, "StageName": stage}
        if route_key is None:
            kwargs["DefaultRouteSettings"] = settings
        else:
            kwargs["RouteSettings"] = {route_key: settings}
        self.client.update_stage(**kwargs)

    def access_logs(self, stage: str, destination_arn: str, log_format: str) -> None:
        """Write ``stage``'s access logs to ``destination_arn`` (a CloudWatch Logs group or a
        Firehose delivery stream) in ``log_format`` (``$context`` variables)."""
        self.client.update_stage(
            ApiId=self.id,
            StageName=stage,
            AccessLogSettings={"DestinationArn": destination_arn, "Format": log_format},
        )
