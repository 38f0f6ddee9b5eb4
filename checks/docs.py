"""``docs/checks.md``, generated from the checks' ``@check`` metadata and docstrings.

``python -m checks.docs`` writes it; ``tests_unit/test_checks_docs.py`` keeps it current, and
checks that the README's table of checks names every check with its issue type, severity and
Security Hub / AWS Config mapping. Each check's section lists the requirements Security Hub's
control reference relates its control to (NIST 800-53 r5, PCI DSS...).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from checks.catalog import suite_checks
from collectors.contract import AWS_CONFIG, SECURITY_HUB, CheckInfo
from collectors.targets import FIXTURES

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "checks.md"


def declared_checks() -> Iterator[tuple[CheckInfo, Callable[..., Any]]]:
    """Every check of the suite with its test function, most severe first, then by id."""
    yield from suite_checks()


def mappings(info: CheckInfo) -> list[str]:
    """The Security Hub controls and AWS Config rules the check corresponds to."""
    return [*info.mapped(SECURITY_HUB), *info.mapped(AWS_CONFIG)]


def requirements(info: CheckInfo) -> list[str]:
    """The framework requirements of the check's Security Hub control, as Security Hub names
    them ("NIST.800-53.r5 AC-4(26)")."""
    return [
        f"{framework} {requirement}"
        for framework, ids in info.compliance
        if framework not in (SECURITY_HUB, AWS_CONFIG)
        for requirement in ids
    ]


def _target(function: Callable[..., Any]) -> str:
    (fixture,) = [name for name in inspect.signature(function).parameters if name in FIXTURES]
    return f"`{fixture}`: {FIXTURES[fixture].description}"


def _section(info: CheckInfo, function: Callable[..., Any]) -> list[str]:
    rationale = (inspect.getdoc(function) or "").partition("\n")[2].strip()
    lines = [
        f"## {info.id}: {info.title}",
        "",
        f"- **Issue type:** {info.issue_type}",
        f"- **Severity:** {info.severity.name}",
        f"- **Runs on:** {_target(function)}",
        f"- **Security Hub / AWS Config:** {', '.join(mappings(info)) or 'none'}",
        *(
            [f"- **Related requirements (Security Hub):** {', '.join(requirements(info))}"]
            if requirements(info)
            else []
        ),
        f"- **Risk:** {info.security_impact}",
        "",
        " ".join(rationale.split()),
        "",
        "**Remediation**",
        "",
        *(f"{number}. {step}" for number, step in enumerate(info.remediation, 1)),
        "",
    ]
    links = [reference for reference in info.references if reference.startswith("http")]
    if links:
        lines += ["**References**", "", *(f"- <{link}>" for link in links), ""]
    return lines


def render() -> str:
    declared = list(declared_checks())
    lines = [
        "# The checks",
        "",
        "Generated from each check's `@check` metadata and docstring by `python -m checks.docs`;",
        "do not edit by hand. Most severe first.",
        "",
        "| id | title | severity | Security Hub / AWS Config |",
        "| --- | --- | --- | --- |",
        *(
            f"| [{info.id}](#{info.id.lower()}-{_anchor(info.title)}) | {info.title} "
            f"| {info.severity.name} | {', '.join(mappings(info)) or '-'} |"
            for info, _ in declared
        ),
        "",
    ]
    for info, function in declared:
        lines += _section(info, function)
    return "\n".join(lines).rstrip() + "\n"


def _anchor(title: str) -> str:
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -")
    return kept.replace(" ", "-")


if __name__ == "__main__":
    DOCUMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCUMENT}")
