"""Fill gaps in moto so the emulated estate answers the calls real AWS answers.

The shims live in ``collectors.demo.shims``, one module per service; this module keeps the
entry points where the demo and the tests import them.
"""

from __future__ import annotations

from collectors.demo.shims import install, set_account_limits

__all__ = ["install", "set_account_limits"]
