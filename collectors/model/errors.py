"""A failed AWS call, as the inventory records it beside the section it left unknown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectionError:
    """One AWS call that failed while collecting; the affected targets cannot be audited."""

    service: str
    operation: str
    # what the call was about: a region, "region/apiId", a Lambda, log group or web ACL ARN,
    # or a client certificate ("region/clientcertificates/id")
    target: str
    code: str
    message: str

    def describe(self) -> str:
        return f"{self.operation} on {self.target} failed ({self.code}): {self.message}"
