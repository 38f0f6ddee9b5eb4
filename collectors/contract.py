"""The contract apigw-audit's three pytest plugins share, and nothing else.

``collectors.plugin`` builds the inventory and the targets, ``checks.plugin`` runs the checks
over them and ``reporting.plugin`` writes the reports. None of them imports another: each
imports this module, which imports nothing of the project but the pytest-free
``collectors.version`` (importing it loads neither boto3 nor a check). What passes between them:

- ``config.stash[DESCRIBE_TARGET]``: set by the collectors, a function from (target fixture,
  key) to the target's ``TargetDescription`` (one object per target, under any of its
  fixtures, made once); the checks plugin puts its JSON in each record.
- ``config.stash[RESOLVE_TARGET]``: set by the collectors, a function from (target fixture,
  key) to the target, as the target fixture returns it (``DataUnavailable`` for a target
  that could not be read); each target fixture's function carries its fixture's name as its
  ``TARGET_FIXTURE`` attribute. The checks plugin hands a check item its target with it,
  without the fixture's setup (``checks.handed``).
- ``config.stash[SUITE_CHECKS]``: set by the checks plugin in its ``pytest_configure``, a
  function returning the ids of the suite's whole catalogue, whatever the run collects; the
  reports check the waivers naming the suite's own ids against it before the session starts.
- ``config.stash[COLLECTED_CHECKS]``: set by the checks plugin, a function returning the ids
  of the checks this process collected (before any deselection); the reports judge the
  waivers naming an organisation's own checks against it once collection is over.
- ``config.stash[AUDITED_ESTATE]``: set by the collectors, a function returning what the run
  audited (``AuditedEstate``), or ``None`` while no inventory has been built; the reports
  read it at the end and never start a collection.
- A check's record (``CheckRecord``), in ``user_properties`` under ``RECORD``: the check's
  metadata, the target's description and the evidence the check filled. JSON-serialisable,
  it reaches a pytest-xdist controller with the test reports.
- Each phase's verdict (``Verdict``), as the ``VERDICT`` attribute of the phase's report, set
  where the test runs (the exception is at hand there).
- Both are read as each report is logged (``pytest_runtest_logreport``): once a test's last
  report has been, they leave its reports and item (``checks.record_lifetime``).
- How each plugin's options refuse a bad value in one line: their argparse types are wrapped
  in ``deferred_refusal``, and each plugin's ``pytest_configure`` first calls
  ``reject_invalid_values``.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from enum import IntEnum, StrEnum
from importlib import util
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import pytest

from collectors.version import tool_version as tool_version  # part of the contract

T = TypeVar("T")

RECORD = "apigw_audit"  # the user_properties name of a check's record
VERDICT = "apigw_audit_verdict"  # the attribute of a check's phase report holding its verdict


# The frameworks of CheckInfo.compliance that name another tool's check of the same thing.
SECURITY_HUB = "AWS Security Hub"  # control ids, e.g. APIGateway.1
AWS_CONFIG = "AWS Config"  # managed rule names, e.g. api-gw-execution-logging-enabled


class Severity(IntEnum):
    """Ordered so that a higher value is more severe; always shown by name."""

    FINOPS = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    CRITICAL = 5

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in sorted(cls, reverse=True))
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


def severity_option(text: str) -> Severity:
    """argparse type for a severity name (--min-severity, --fail-on)."""
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class InvalidValue:
    """An option value its type refused, left in ``config.option`` for
    ``reject_invalid_values``: refused by argparse itself, it would end the run with pytest's
    usage block (usage, error, inifile and rootdir lines) instead of one line."""

    text: str
    reason: str


def deferred_refusal(parse: Callable[[str], T]) -> Callable[[str], T | InvalidValue]:
    """``parse`` as an argparse type that returns an ``InvalidValue`` where ``parse`` raises
    ``ArgumentTypeError``."""

    @functools.wraps(parse)
    def parse_or_keep_refusal(text: str) -> T | InvalidValue:
        try:
            return parse(text)
        except argparse.ArgumentTypeError as exc:
            return InvalidValue(text, str(exc))

    return parse_or_keep_refusal


def _values(value: object) -> Iterator[object]:
    """An option's value and, for a repeatable option, each value in it."""
    if isinstance(value, list):
        for item in value:
            yield from _values(item)
    else:
        yield value


def reject_invalid_values(config: pytest.Config) -> None:
    """A usage error, one line, for the first option value a ``deferred_refusal`` type
    refused: ``--fail-on: unknown severity 'bogus' (...)``. Each of our options is spelled
    like its dest (``fail_on`` is ``--fail-on``)."""
    for dest, value in sorted(vars(config.option).items()):
        for item in _values(value):
            if isinstance(item, InvalidValue):
                raise pytest.UsageError(f"--{dest.replace('_', '-')}: {item.reason}")


@dataclass(frozen=True, kw_only=True)
class CheckInfo:
    """What a check is; declared with ``@check`` (``checks.catalog``)."""

    id: str  # stable, e.g. APIGW-AUTH-001
    issue_type: str  # the name reports use, e.g. "Authorization Gap"
    severity: Severity
    title: str  # the first line of the check's docstring
    security_impact: str  # one sentence
    remediation: tuple[str, ...]
    references: tuple[str, ...] = ()  # links: AWS documentation, Security Hub's control page
    # Evidence keys that describe the target's posture (not only this finding): the
    # resources report shows them on every operation the target contains.
    posture: tuple[str, ...] = ()
    # The check's counterparts elsewhere: (framework, its controls or requirements) pairs in
    # declaration order; a framework is SECURITY_HUB, AWS_CONFIG or one Security Hub relates
    # its control to, spelt as Security Hub does ("NIST.800-53.r5"). Pairs, not a dict: the
    # metadata is hashable. Empty: no Security Hub control.
    compliance: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def mapped(self, framework: str) -> tuple[str, ...]:
        """The check's controls or requirements in ``framework``."""
        return next((ids for name, ids in self.compliance if name == framework), ())

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["severity"] = self.severity.name
        for name in ("remediation", "references", "posture"):
            document[name] = list(document[name])
        document["compliance"] = {name: list(ids) for name, ids in self.compliance}
        return document

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> CheckInfo:
        return cls(
            id=document["id"],
            issue_type=document["issue_type"],
            severity=Severity[document["severity"]],
            title=document["title"],
            security_impact=document["security_impact"],
            remediation=tuple(document["remediation"]),
            references=tuple(document["references"]),
            posture=tuple(document.get("posture", ())),
            compliance=tuple(
                (name, tuple(ids)) for name, ids in document.get("compliance", {}).items()
            ),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class TargetDescription:
    """Where a target is, in the words reports use; known even for a placeholder."""

    # the stable key the check is parametrized with, e.g. 123456789012/us-east-1/a1b2/prod/GET /x
    key: str
    region: str  # "": none (a placeholder for an account not reached)
    api_id: str | None = None
    api_name: str | None = None
    api_type: str | None = None  # REST, HTTP, WEBSOCKET
    stage: str | None = None
    environment: str | None = None  # production or staging: the stage's audit environment
    resource_path: str | None = None
    http_method: str | None = None  # REST method, or the route key's ("$default" routes: None)
    # The target's ARN: an API's or stage's own (arn:aws:apigateway:REGION::/restapis/ID
    # /stages/NAME, /apis/ID for HTTP and WebSocket APIs); execute-api for what callers invoke
    # (arn:aws:execute-api:REGION:ACCOUNT:ID/STAGE/METHOD/PATH, a resource's METHOD "*")
    arn: str | None = None
    account: str | None = None  # the AWS account id; None: unknown

    def to_json(self) -> dict[str, Any]:
        # flat: no need for asdict's deep copy, once per check item
        return {name: getattr(self, name) for name in _TARGET_FIELD_ORDER}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> TargetDescription:
        return cls(**{name: value for name, value in document.items() if name in _TARGET_FIELDS})


_TARGET_FIELD_ORDER = tuple(f.name for f in fields(TargetDescription))
_TARGET_FIELDS = frozenset(_TARGET_FIELD_ORDER)


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    WAIVED = "WAIVED"


@dataclass(frozen=True)
class Verdict:
    """What one phase of a check test said: its status and one-line message."""

    status: Status
    message: str = ""

    def to_json(self) -> dict[str, str]:
        return {"status": self.status.value, "message": self.message}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Verdict:
        return cls(Status(document["status"]), str(document["message"]))


class CheckRecord(TypedDict):
    """A check test's record, in ``user_properties`` under ``RECORD``."""

    check: dict[str, Any]  # CheckInfo.to_json()
    target_fixture: str  # the target fixture the check runs over, e.g. "operation"
    target: dict[str, Any]  # TargetDescription.to_json()
    details: dict[str, Any]  # the evidence, filled by the check


def record_of(user_properties: Sequence[tuple[str, object]]) -> CheckRecord | None:
    """The check's record in an item's or a report's ``user_properties``, if any."""
    for name, value in user_properties:
        if name == RECORD and isinstance(value, dict):
            record: CheckRecord = value  # type: ignore[assignment]
            return record
    return None


@dataclass(frozen=True, kw_only=True)
class AuditedEstate:
    """What a run audited, for the reports: the accounts, the scope, and every in-scope
    operation (whether or not a check found anything on it). Every entry names its account."""

    account: str | None  # the one account's id; None when the estate has several
    accounts: tuple[str, ...]  # every account, reached or not, sorted
    regions: tuple[str, ...]  # every region audited in some account
    collected_at: str | None
    demo: bool
    operations: tuple[TargetDescription, ...]  # every REST method and route x in-scope stage
    # {"target", "reason"}: could not be listed (an account not reached: every target in it)
    not_listed: tuple[Mapping[str, str], ...]
    out_of_scope_apis: tuple[Mapping[str, Any], ...]  # excluded by tag, with the reason
    out_of_scope_stages: tuple[Mapping[str, Any], ...]  # outside the scope rule, with the reason
    collection_errors: tuple[Mapping[str, Any], ...]  # every AWS call that failed, by account
    # {"account", "reason"}: the accounts that could not be read at all
    unreached: tuple[Mapping[str, str], ...] = ()
    # The traffic evidence of the audited stages, JSON-able (window, days, queries,
    # bytes_scanned, stages); None: not asked for (--traffic-days off)
    traffic: Mapping[str, Any] | None = None
    # Why no stage was audited, in words ("no API Gateway API in scope in us-west-2: ...");
    # None: some were, or some could not be listed (the collection errors say why)
    nothing_in_scope: str | None = None
    # The audited regions that hold no API Gateway API (none listed, none left out by tag,
    # and the listing did not fail)
    empty_regions: tuple[str, ...] = ()
    # "K/N" when the run audited only the K-th of N shares of the (account, region) pairs
    # (--shard); None: the whole estate
    shard: str | None = None


DESCRIBE_TARGET = pytest.StashKey[Callable[[str, str], TargetDescription]]()
RESOLVE_TARGET = pytest.StashKey[Callable[[str, str], object]]()
TARGET_FIXTURE = "apigw_audit_target_fixture"  # the attribute naming a target fixture's function
AUDITED_ESTATE = pytest.StashKey[Callable[[], AuditedEstate | None]]()
SUITE_CHECKS = pytest.StashKey[Callable[[], frozenset[str]]]()
COLLECTED_CHECKS = pytest.StashKey[Callable[[], frozenset[str]]]()
SCOPE = pytest.StashKey[str]()  # the stage scope rule in words, known before collection

# Options that name an estate: a run given one audits, whatever its paths.
_ESTATE_OPTIONS = ("demo", "snapshot_in", "aws_profile", "region", "accounts", "organization")


def suite_checks_dir() -> Path | None:
    """Where the suite's own checks are installed (the ``checks`` package), not importing it."""
    spec = util.find_spec("checks")
    locations = spec.submodule_search_locations if spec is not None else None
    return Path(next(iter(locations))).resolve() if locations else None


def runs_checks(config: pytest.Config) -> bool:
    """Whether this run audits: its paths include the suite's checks (a directory, or
    ``--pyargs checks``), or it names an estate (``--demo``, ``--snapshot-in``, ``--region``,
    ``--aws-profile``, ``--accounts``, ``--organization``) for an organisation's own checks.
    Decided before collection: a pytest-xdist controller builds the inventory before its
    workers collect. A run listing the checks (``--list-checks``) does not audit."""
    option = config.option
    if getattr(option, "list_checks", False):
        return False
    if any(getattr(option, name, None) for name in _ESTATE_OPTIONS):
        return True
    checks = suite_checks_dir()
    if checks is None:
        return False
    for arg in config.args:
        target = arg.split("::")[0]
        path = (config.invocation_params.dir / target).resolve()
        if getattr(option, "pyargs", False) and not path.exists():
            origin = _module_origin(target)
            if origin is None:
                continue
            path = origin.parent if origin.name == "__init__.py" else origin
        if path == checks or checks in path.parents or path in checks.parents:
            return True
    return False


def _module_origin(name: str) -> Path | None:
    """Where ``--pyargs NAME`` points, if NAME is an importable module (pytest itself reports
    the ones that are not)."""
    if not name.replace(".", "").isidentifier():
        return None
    try:
        spec = util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return Path(spec.origin).resolve() if spec is not None and spec.origin else None
