"""apigw-audit's checks: one test function per check, over the audit's target fixtures.

An organisation's own checks use the same public API: ``check`` and ``Severity``.
"""

from checks.catalog import check
from collectors.contract import Severity

__all__ = ["Severity", "check"]
