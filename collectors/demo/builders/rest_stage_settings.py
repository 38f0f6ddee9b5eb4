"""What a REST API builder sets on a stage after creating it (UpdateStage patches): one
methodSettings entry, the access-log destination and format, the client certificate."""

from __future__ import annotations

from typing import Any

from collectors.model import method_settings_key

UNSET = "-1"  # a throttle "not set", as Terraform writes it (moto's placeholder otherwise)


def replace(path: str, value: str) -> dict[str, str]:
    return {"op": "replace", "path": path, "value": value}


class StageSettings:
    """The stage-settings half of ``RestApiBuilder``."""

    id: str
    client: Any  # the emulator's apigateway client (builders.clients.aws_client)

    def method_settings(
        self,
        stage: str,
        method: str = "*/*",
        *,
        logging: str | None = None,
        data_trace: bool | None = None,
        metrics: bool | None = None,
        cache_encrypted: bool | None = None,
        cache_control_authorized: bool | None = None,
    ) -> None:
        """Set what is given of one methodSettings entry of ``stage`` (UpdateStage): the
        method's own, ``method="GET /pets/{id}"``, or the stage default ``"*/*"``."""
        verb, _, path = method.partition(" ")
        key = method if method == "*/*" else method_settings_key(path, verb)
        values: dict[str, str | bool | None] = {
            "logging/loglevel": logging,
            "logging/dataTrace": data_trace,
            "metrics/enabled": metrics,
            "caching/dataEncrypted": cache_encrypted,
            "caching/requireAuthorizationForCacheControl": cache_control_authorized,
        }
        operations = [
            replace(f"/{key}/{name}", str(value).lower() if isinstance(value, bool) else value)
            for name, value in values.items()
            if value is not None
        ]
        existing = self.client.get_stage(restApiId=self.id, stageName=stage)["methodSettings"]
        if key not in existing:  # a new entry: no throttle, not moto's placeholder
            operations += [
                replace(f"/{key}/throttling/rateLimit", UNSET),
                replace(f"/{key}/throttling/burstLimit", UNSET),
            ]
        self.client.update_stage(restApiId=self.id, stageName=stage, patchOperations=operations)

    def access_logs(self, stage: str, destination_arn: str, log_format: str) -> None:
        """Write ``stage``'s access logs to ``destination_arn`` (a CloudWatch Logs group or a
        Firehose delivery stream) in ``log_format`` (``$context`` variables)."""
        operations = [
            replace("/accessLogSettings/destinationArn", destination_arn),
            replace("/accessLogSettings/format", log_format),
        ]
        self.client.update_stage(restApiId=self.id, stageName=stage, patchOperations=operations)

    def client_certificate(self, stage: str, certificate_id: str) -> None:
        """Make ``stage`` present the client certificate to its HTTP backends."""
        operations = [replace("/clientCertificateId", certificate_id)]
        self.client.update_stage(restApiId=self.id, stageName=stage, patchOperations=operations)
