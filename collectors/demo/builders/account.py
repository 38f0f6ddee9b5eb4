"""Account-wide things in the emulator: Lambda functions, WAF web ACLs, the account's API
Gateway limits, CloudFront distributions, custom domains and their ACM certificates,
CloudWatch request counts, log
groups, API Gateway client certificates and API keys."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.demo.builders import waf_rules
from collectors.demo.builders.certificates import self_signed
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


def _prioritised(rules: Sequence[waf_rules.Rule]) -> list[waf_rules.Rule]:
    return [{**rule, "Priority": priority} for priority, rule in enumerate(rules)]


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

    def web_acl(
        self,
        name: str,
        scope: str = "REGIONAL",
        rules: Sequence[waf_rules.Rule] = (),
        *,
        body_inspection_limit: str | None = None,
    ) -> str:
        """A WAFv2 web ACL with ``rules`` (``waf_rules``; prioritised in the order given);
        ``scope="CLOUDFRONT"`` for a distribution (made in us-east-1); ``body_inspection_limit``
        (``KB_32``...) what API Gateway and CloudFront forward of a body for inspection."""
        region = "us-east-1" if scope == "CLOUDFRONT" else self.region
        extra: dict[str, Any] = {}
        if body_inspection_limit:
            limit = {"DefaultSizeInspectionLimit": body_inspection_limit}
            extra["AssociationConfig"] = {
                "RequestBody": {"API_GATEWAY": limit, "CLOUDFRONT": limit}
            }
        created = aws_client("wafv2", region).create_web_acl(
            Name=name,
            Scope=scope,
            DefaultAction={"Allow": {}},
            VisibilityConfig=waf_rules.visibility(name),
            Rules=_prioritised(rules),
            **extra,
        )
        return str(created["Summary"]["ARN"])

    def web_acl_rules(self, arn: str, rules: Sequence[waf_rules.Rule]) -> None:
        """Replace the rules of the web ACL ``arn`` (UpdateWebACL, which needs its lock
        token)."""
        name, acl_id = arn.split("/")[-2:]
        scope = "CLOUDFRONT" if ":global/" in arn else "REGIONAL"
        client = aws_client("wafv2", arn.split(":")[3])
        current = client.get_web_acl(Name=name, Scope=scope, Id=acl_id)
        client.update_web_acl(
            Name=name,
            Scope=scope,
            Id=acl_id,
            DefaultAction=current["WebACL"]["DefaultAction"],
            VisibilityConfig=current["WebACL"]["VisibilityConfig"],
            Rules=_prioritised(rules),
            LockToken=current["LockToken"],
        )

    def limits(self, rate: float, burst: int, cloudwatch_role_arn: str | None = None) -> None:
        """The account's API Gateway throttle in this region (raised or lowered by AWS
        Support in real accounts, so set directly in the emulator)."""
        from collectors.demo.shims import set_account_limits

        set_account_limits(self.region, rate, burst, cloudwatch_role_arn)

    def before_usage_plans(self) -> None:
        """This region as an account from before 11 August 2016 has it until it migrates to
        usage plans: API keys reach the stages their stageKeys name, without limits."""
        from collectors.demo.shims import set_before_usage_plans

        set_before_usage_plans(self.region)

    def cloudwatch_role(self, role_arn: str | None = None) -> None:
        """The role API Gateway writes REST and WebSocket logs with in this region
        (UpdateAccount; an ``apigateway-logs`` role of the account by default); logging to
        CloudWatch is refused without it, as on AWS."""
        role_arn = role_arn or f"arn:aws:iam::{ACCOUNT_ID}:role/apigateway-logs"
        aws_client("apigateway", self.region).update_account(
            patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role_arn}]
        )

    def remove_cloudwatch_role(self) -> None:
        """This region's CloudWatch role removed (UpdateAccount), after logging was set up
        with it: the settings stay, and nothing is written any more."""
        aws_client("apigateway", self.region).update_account(
            patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": ""}]
        )

    def cloudfront_distribution(
        self,
        origin_domain: str,
        web_acl_arn: str | None,
        aliases: tuple[str, ...] = (),
        *,
        multi_tenant: bool = False,
    ) -> str:
        """A CloudFront distribution in front of ``origin_domain``, with a web ACL or none;
        ``multi_tenant``: one serving distribution tenants (ConnectionMode tenant-only)."""
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
        if multi_tenant:
            config["ConnectionMode"] = "tenant-only"
        created = aws_client("cloudfront", "us-east-1").create_distribution(
            DistributionConfig=config
        )
        return str(created["Distribution"]["Id"])

    def _no_certificate_yet(self) -> str:
        """The certificate of a domain made without one: an ARN ACM does not have (its
        DescribeCertificate fails) until ``use_certificate`` points the domain at a real one.
        Making one here would draw on the emulator's seeded ids."""
        return f"arn:aws:acm:{self.region}:{ACCOUNT_ID}:certificate/demo"

    def custom_domain(
        self,
        name: str,
        mappings: list[tuple[str, str]],
        security_policy: str = "TLS_1_2",
        *,
        certificate_arn: str | None = None,
        truststore_uri: str | None = None,
        ownership_certificate_arn: str | None = None,
    ) -> str:
        """A regional custom domain mapping ``(api id, stage)`` pairs (apigatewayv2, which
        maps REST and HTTP APIs alike), serving ``certificate_arn`` (``certificate``), with
        mutual TLS when ``truststore_uri`` is given; returns its regional ``d-...`` name."""
        client = aws_client("apigatewayv2", self.region)
        configuration = {
            "CertificateArn": certificate_arn or self._no_certificate_yet(),
            "EndpointType": "REGIONAL",
            "SecurityPolicy": security_policy,
        }
        if ownership_certificate_arn:
            configuration["OwnershipVerificationCertificateArn"] = ownership_certificate_arn
        mutual_tls = {"MutualTlsAuthentication": {"TruststoreUri": truststore_uri}}
        created = client.create_domain_name(
            DomainName=name,
            DomainNameConfigurations=[configuration],
            **(mutual_tls if truststore_uri else {}),
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
        self,
        name: str,
        api_id: str,
        stage: str,
        security_policy: str = "TLS_1_2",
        *,
        certificate_arn: str | None = None,
    ) -> str:
        """A regional custom domain made through apigateway v1 with a base path mapping of a
        REST API's stage (moto's apigatewayv2 refuses to map a REST API; apigatewayv2 lists
        both, as on AWS), serving ``certificate_arn``; returns its regional ``d-...`` name."""
        client = aws_client("apigateway", self.region)
        created = client.create_domain_name(
            domainName=name,
            regionalCertificateArn=certificate_arn or self._no_certificate_yet(),
            endpointConfiguration={"types": ["REGIONAL"]},
            securityPolicy=security_policy,
        )
        client.create_base_path_mapping(domainName=name, restApiId=api_id, stage=stage)
        return str(created["regionalDomainName"])

    def private_custom_domain(
        self,
        name: str,
        mappings: list[tuple[str, str, str]],
        certificate_arn: str,
        *,
        security_policy: str | None = None,
        routing_mode: str | None = None,
    ) -> str:
        """A private custom domain (apigateway v1, known by name and id) mapping
        ``(api id, stage, base path)`` triples of PRIVATE REST APIs ("" for the root),
        serving the ACM ``certificate_arn``; returns its ``domainNameId``."""
        client = aws_client("apigateway", self.region)
        settings: dict[str, str] = {}
        if security_policy:
            settings["securityPolicy"] = security_policy
        if routing_mode:
            settings["routingMode"] = routing_mode
        created = client.create_domain_name(
            domainName=name,
            certificateArn=certificate_arn,
            endpointConfiguration={"types": ["PRIVATE"]},
            **settings,
        )
        domain_name_id = str(created["domainNameId"])
        for api_id, stage, base_path in mappings:
            client.create_base_path_mapping(
                domainName=name,
                domainNameId=domain_name_id,
                restApiId=api_id,
                stage=stage,
                basePath=base_path,
            )
        return domain_name_id

    def routing_mode(self, domain_name: str, mode: str) -> None:
        """Route the custom domain's requests as ``mode`` says (API_MAPPING_ONLY,
        ROUTING_RULE_ONLY or ROUTING_RULE_THEN_API_MAPPING), as UpdateDomainName would."""
        from collectors.demo.shims import set_routing_mode

        set_routing_mode(self.region, domain_name, mode)

    def routing_rule(
        self,
        domain_name: str,
        api_id: str,
        stage: str,
        priority: int,
        base_path: str | None = None,
        domain_name_id: str | None = None,
    ) -> str:
        """A routing rule of the custom domain (whose mode must use rules; a private one
        named with its ``domain_name_id``) sending requests on ``base_path`` (every request,
        without one) to a REST API's stage; its id."""
        conditions = [{"MatchBasePaths": {"AnyOf": [base_path]}}] if base_path else []
        private = {"DomainNameId": domain_name_id} if domain_name_id else {}
        created = aws_client("apigatewayv2", self.region).create_routing_rule(
            DomainName=domain_name,
            **private,
            Priority=priority,
            Conditions=conditions,
            Actions=[{"InvokeApi": {"ApiId": api_id, "Stage": stage}}],
        )
        return str(created["RoutingRuleId"])

    def certificate(
        self, domain_name: str, expires_in_days: int = 365, region: str | None = None
    ) -> str:
        """A self-signed certificate for ``domain_name`` imported into ACM (its ARN; an
        edge-optimized domain's is in us-east-1), expiring ``expires_in_days`` from now
        (zero or negative: it has expired)."""
        from collectors.demo.shims import set_certificate_expiry

        not_after = datetime.now(UTC) + timedelta(days=expires_in_days)
        # ACM refuses an expired certificate: import a valid one, then let time pass
        pem, key = self_signed(domain_name, max(not_after, datetime.now(UTC) + timedelta(days=1)))
        arn = str(
            aws_client("acm", region or self.region).import_certificate(
                Certificate=pem, PrivateKey=key
            )["CertificateArn"]
        )
        if expires_in_days <= 0:
            set_certificate_expiry(arn, not_after)
        return arn

    def use_certificate(self, domain_name: str, certificate_arn: str) -> None:
        """Serve ``certificate_arn`` on a custom domain made before it (UpdateDomainName)."""
        from collectors.demo.shims import set_domain_certificate

        set_domain_certificate(self.region, domain_name, certificate_arn)

    def domain_status(self, domain_name: str, status: str, message: str | None = None) -> None:
        """The status API Gateway gives a custom domain (PENDING_CERTIFICATE_REIMPORT...)."""
        from collectors.demo.shims import set_domain_status

        set_domain_status(self.region, domain_name, status, message)

    def truststore_warnings(self, domain_name: str, *warnings: str) -> None:
        """What API Gateway found wrong in a mutual TLS domain's truststore (apigatewayv2)."""
        from collectors.demo.shims import set_truststore_warnings

        set_truststore_warnings(self.region, domain_name, list(warnings))

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

    def api_key(
        self,
        name: str,
        *plan_ids: str,
        enabled: bool = True,
        value: str | None = None,
        stages: tuple[tuple[str, str], ...] = (),
    ) -> str:
        """An API key (its id) added to the usage plans ``plan_ids``
        (``RestApiBuilder.usage_plan``) and associated with ``stages`` ((API id, stage name)
        each: its legacy stageKeys); ``value`` None: API Gateway generates one."""
        client = aws_client("apigateway", self.region)
        key: dict[str, Any] = {"name": name, "enabled": enabled}
        if value is not None:
            key["value"] = value
        if stages:
            key["stageKeys"] = [{"restApiId": api, "stageName": stage} for api, stage in stages]
        key_id = str(client.create_api_key(**key)["id"])
        for plan_id in plan_ids:
            client.create_usage_plan_key(usagePlanId=plan_id, keyId=key_id, keyType="API_KEY")
        return key_id
