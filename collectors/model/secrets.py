"""What the audit keeps of a value that looks like a credential: where it is and what kind.

Stage variables, integration request parameters, request mapping templates and integration
URIs are scanned the moment their answer is parsed (``collectors.secrets``); only these
findings reach the inventory, never the value, its hash or the line it was on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, order=True, slots=True)
class SecretFinding:
    # "stage variable dbPassword", "stage variable dbPassword (canary override)", "integration
    # request parameter integration.request.header.Authorization", "request mapping template
    # application/json", "integration URI", "integration URI query parameter access_token"
    where: str
    # what the scanner took it for: detect-secrets' secret type ("Secret Keyword", "AWS Access
    # Key", "Base64 High Entropy String"...), or, for a credential by definition,
    # "Authorization Header Credentials", "Credential Header" or "Credential Query Parameter"
    secret_type: str
