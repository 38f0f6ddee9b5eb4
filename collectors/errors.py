"""Exceptions with a meaning for the user: what went wrong and what to do about it."""

from __future__ import annotations


class AuditSetupError(Exception):
    """The audit cannot start (credentials, region, profile, snapshot): a usage error.

    The message is one line a user can act on; it is shown without a traceback and the run
    ends with pytest's usage-error status (4).
    """


class DataUnavailable(Exception):
    """What a check needs was not collected; the check errors (fail closed) with this reason."""


class WriteOperationRefused(RuntimeError):
    """The read-only guard stopped an AWS call that could change the account."""
