"""Account-wide things in the emulator: Lambda functions, WAF web ACLs, the account's API
Gateway limits, CloudFront distributions, custom domains, CloudWatch request counts, log
groups and API Gateway client certificates."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.demo.builders.clients import ACCOUNT_ID, aws_client

_LAMBDA_ROLE = "apigw-audit-demo-lambda"


def _lambda_role() -> str:
    """The execution role every emulated function uses (IAM is global: made once)."""
    iam = aws_client("iam", "us-east-1")
    try:
        return str(iam.get_role(RoleName=_LAMBDA_ROLE)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(
            iam.create_role(
                RoleName=_LAMBDA_ROLE,
                AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
            )["Role"]["Arn"]
        )


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
        created = aws_client("lambda", region).create_function(
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
        created = aws_client("wafv2", region).create_web_acl(
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

    def cloudwatch_role(self, role_arn: str) -> None:
        """The role API Gateway writes execution logs with in this region (UpdateAccount)."""
        aws_client("apigateway", self.region).update_account(
            patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role_arn}]
        )

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
        created = aws_client("cloudfront", "us-east-1").create_distribution(
            DistributionConfig=config
        )
        return str(created["Distribution"]["Id"])

    def custom_domain(
        self, name: str, mappings: list[tuple[str, str]], security_policy: str = "TLS_1_2"
    ) -> str:
        """A regional custom domain mapping ``(api id, stage)`` pairs (apigatewayv2, which
        maps REST and HTTP APIs alike); returns its regional ``d-...`` domain name."""
        client = aws_client("apigatewayv2", self.region)
        created = client.create_domain_name(
            DomainName=name,
            DomainNameConfigurations=[
                {
                    "CertificateArn": f"arn:aws:acm:{self.region}:{ACCOUNT_ID}:certificate/demo",
                    "EndpointType": "REGIONAL",
                    "SecurityPolicy": security_policy,
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

    def rest_custom_domain(
        self, name: str, api_id: str, stage: str, security_policy: str = "TLS_1_2"
    ) -> str:
        """A regional custom domain made through apigateway v1 with a base path mapping of a
        REST API's stage (moto's apigatewayv2 refuses to map a REST API; apigatewayv2 lists
        both, as on AWS); returns its regional ``d-...`` domain name."""
        client = aws_client("apigateway", self.region)
        created = client.create_domain_name(
            domainName=name,
            regionalCertificateArn=f"arn:aws:acm:{self.region}:{ACCOUNT_ID}:certificate/demo",
            endpointConfiguration={"types": ["REGIONAL"]},
            securityPolicy=security_policy,
        )
        client.create_base_path_mapping(domainName=name, restApiId=api_id, stage=stage)
        return str(created["regionalDomainName"])

    def request_count(
        self,
        dimensions: dict[str, str],
        count: float,
        days_ago: int = 2,
        metric: str = "Count",
    ) -> None:
        """Record ``count`` of ``metric`` for one stage, ``days_ago`` days back."""
        aws_client("cloudwatch", self.region).put_metric_data(
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

    def log_group(self, name: str, retention_days: int | None = None) -> str:
        """A CloudWatch Logs group (its ARN); without ``retention_days`` it keeps events
        forever, as CloudWatch Logs does by default."""
        logs = aws_client("logs", self.region)
        logs.create_log_group(logGroupName=name)
        if retention_days is not None:
            logs.put_retention_policy(logGroupName=name, retentionInDays=retention_days)
        return f"arn:aws:logs:{self.region}:{ACCOUNT_ID}:log-group:{name}"

    def client_certificate(self, expires_in_days: int | None = None) -> str:
        """An API Gateway client certificate (its id), valid 365 days as AWS makes them, or
        expiring ``expires_in_days`` from now (negative: already expired)."""
        from collectors.demo.shims import set_client_certificate_expiry

        created = aws_client("apigateway", self.region).generate_client_certificate()
        certificate_id = str(created["clientCertificateId"])
        if expires_in_days is not None:
            expiration = datetime.now(UTC) + timedelta(days=expires_in_days)
            set_client_certificate_expiry(self.region, certificate_id, expiration)
        return certificate_id
