"""Which accounts an organisation's audit reads, and through which role in each.

From a file (``--accounts FILE``): account ids one a line, ``#`` starting a comment; or, for
a file named ``*.yaml`` / ``*.yml``, a YAML list of ids or of mappings ``{id, role_name,
external_id}`` that override ``--role-name`` / ``--external-id`` for their account. Read
before collection, no AWS call: a mistake is one line.

From AWS Organizations (``--organization``): ListAccounts, from the management account or a
delegated administrator, keeping the active accounts only. ``Status`` is retired on
9 September 2026 in favour of ``State`` (botocore's service model documents both): ``State``
decides where AWS answers it, ``Status`` otherwise.

No role is ever assumed by default: every account names its role (``--role-name``, or its
entry's ``role_name``), so an audit never tries ``OrganizationAccountAccessRole`` (an
administrator role) without being told to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from botocore.exceptions import BotoCoreError, ClientError

from collectors.clients import AwsClients, error_from_exception
from collectors.errors import AuditSetupError

ACCOUNT_ID = re.compile(r"\d{12}")
ACTIVE = "ACTIVE"
YAML_SUFFIXES = (".yaml", ".yml")
ENTRY_KEYS = frozenset({"id", "role_name", "external_id"})


@dataclass(frozen=True, kw_only=True)
class AccountTarget:
    """An account to audit and how to reach it: the role to assume there, and the external
    id its trust policy requires, if any."""

    account_id: str
    role_name: str
    external_id: str | None = None


def read_accounts_file(
    path: Path, role_name: str | None, external_id: str | None
) -> tuple[AccountTarget, ...]:
    """The accounts ``path`` lists, in its order; ``AuditSetupError`` naming the mistake."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditSetupError(f"--accounts: cannot read {path}: {exc}") from None
    entries = (
        _yaml_entries(path, text)
        if path.suffix.lower() in YAML_SUFFIXES
        else [{"id": line} for line in _id_lines(text)]
    )
    targets = [_target(path, entry, role_name, external_id) for entry in entries]
    if not targets:
        raise AuditSetupError(f"--accounts: {path} lists no account.")
    _refuse_duplicates(path, (t.account_id for t in targets))
    return tuple(targets)


def _id_lines(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def _yaml_entries(path: Path, text: str) -> list[dict[str, Any]]:
    try:
        # BaseLoader: every scalar a string, so 012345670123 is not read as an octal number
        document = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise AuditSetupError(f"--accounts: {path} is not valid YAML: {exc}") from None
    if document is None:
        return []
    if not isinstance(document, list):
        raise AuditSetupError(
            f"--accounts: {path} must be a YAML list of account ids or of "
            "{id, role_name, external_id} mappings."
        )
    entries: list[dict[str, Any]] = []
    for item in document:
        if isinstance(item, str):
            entries.append({"id": item})
        elif isinstance(item, dict) and "id" in item and set(item) <= ENTRY_KEYS:
            entries.append(item)
        else:
            raise AuditSetupError(
                f"--accounts: {path}: {item!r} is neither an account id nor a mapping of "
                "id and optional role_name, external_id."
            )
    return entries


def _target(
    path: Path, entry: dict[str, Any], role_name: str | None, external_id: str | None
) -> AccountTarget:
    account_id = str(entry["id"]).strip()
    if not ACCOUNT_ID.fullmatch(account_id):
        raise AuditSetupError(
            f"--accounts: {path}: {account_id!r} is not an AWS account id (12 digits)."
        )
    role = entry.get("role_name") or role_name
    if not role:
        raise AuditSetupError(
            f"--accounts: account {account_id} has no role to assume: pass --role-name NAME "
            "(or give it a role_name in a YAML accounts file)."
        )
    return AccountTarget(
        account_id=account_id,
        role_name=str(role),
        external_id=entry.get("external_id") or external_id,
    )


def _refuse_duplicates(path: Path, account_ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for account_id in account_ids:
        if account_id in seen:
            raise AuditSetupError(f"--accounts: {path} lists account {account_id} twice.")
        seen.add(account_id)


def is_active(account: Any) -> bool:
    """Whether an Organizations ``Account`` is active: by ``State`` where AWS answers it,
    else by the older ``Status``."""
    return bool(account.get("State", account.get("Status")) == ACTIVE)


def organization_accounts(
    clients: AwsClients, home_region: str, role_name: str, external_id: str | None
) -> tuple[AccountTarget, ...]:
    """The organisation's active accounts, by id; ``AuditSetupError`` when AWS refuses the
    listing (not the management account nor a delegated administrator, or denied)."""
    paginator = clients.organizations(home_region).get_paginator("list_accounts")
    try:
        listed = [account for page in paginator.paginate() for account in page["Accounts"]]
    except (ClientError, BotoCoreError) as exc:
        error = error_from_exception("organizations", "ListAccounts", home_region, exc)
        raise AuditSetupError(
            f"--organization: AWS Organizations refused ListAccounts ({error.code}: "
            f"{error.message}): run from the management account or a delegated "
            "administrator allowed organizations:ListAccounts, or pass --accounts FILE."
        ) from None
    return tuple(
        AccountTarget(account_id=account["Id"], role_name=role_name, external_id=external_id)
        for account in sorted(listed, key=lambda a: a["Id"])
        if is_active(account)
    )
