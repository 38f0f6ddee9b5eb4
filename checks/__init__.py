"""apigw-audit's checks: one test function per check, over the audit's target fixtures.

An organisation's own checks use the same public API: ``check`` and ``Severity``, and the
``compliance`` keys ``SECURITY_HUB`` and ``AWS_CONFIG``.
"""

from checks.catalog import check
from collectors.contract import AWS_CONFIG, SECURITY_HUB, Severity

__all__ = ["AWS_CONFIG", "SECURITY_HUB", "Severity", "check"]
