"""apigw-audit's checks: one test function per check, over the audit's target fixtures.

An organisation's own checks use the same public API: ``check`` and ``Severity``, the
``compliance`` keys ``SECURITY_HUB`` and ``AWS_CONFIG``, and ``derived_fixture`` for a
fixture computed from its arguments alone (``checks.handed``).
"""

from checks.catalog import check
from checks.handed import derived_fixture
from collectors.contract import AWS_CONFIG, SECURITY_HUB, Severity

__all__ = ["AWS_CONFIG", "SECURITY_HUB", "Severity", "check", "derived_fixture"]
