"""Scope rules: which APIs (by tag) and which stages (by name or pattern) are audited."""

from __future__ import annotations

import pytest

from collectors.scope import StageScope, api_exclusion_reason


@pytest.mark.parametrize(
    "tags",
    [
        {"ExcludeFromAudit": "true"},
        {"ExcludeFromAudit": "TRUE"},
        {"Internal": "true"},
        {"Internal": "True"},
        {"Internal": " true "},
    ],
)
def test_excluding_tags_any_case(tags: dict[str, str]) -> None:
    assert api_exclusion_reason(tags) is not None


@pytest.mark.parametrize(
    "tags",
    [{}, {"ExcludeFromAudit": "false"}, {"Internal": "no"}, {"internal": "true"}, {"team": "true"}],
)
def test_other_tags_keep_the_api_in_scope(tags: dict[str, str]) -> None:
    assert api_exclusion_reason(tags) is None


@pytest.mark.parametrize(
    ("name", "environment"),
    [
        ("prod", "production"),
        ("Production", "production"),
        ("prod-eu-1", "production"),
        ("PRD", "production"),
        ("live", "production"),
        ("ProdEU", "production"),
        ("staging", "staging"),
        ("staging2", "staging"),
        ("stage", "staging"),
        ("stg_us", "staging"),
        ("preprod", "staging"),
        ("pre-prod", "staging"),
        ("pre_prod", "staging"),
        ("PreProd", "staging"),
        ("Pre-Prod", "staging"),
        ("pre-production", "staging"),
        ("PRE-PROD-eu", "staging"),
        ("prod-pre", "production"),
    ],
)
def test_production_and_staging_stages_are_in_scope(name: str, environment: str) -> None:
    scope = StageScope()
    assert scope.exclusion_reason(name) is None
    assert scope.environment(name) == environment


@pytest.mark.parametrize(
    "name",
    [
        "nonprod",
        "non-prod",
        "NonProd",
        "non_production",
        "non-pre-prod",
        "pre",
        "dev",
        "test",
        "qa",
        "product",
    ],
)
def test_other_stages_are_out_of_scope(name: str) -> None:
    assert StageScope().exclusion_reason(name) == (
        f"stage '{name}' is not a production or staging stage"
    )


def test_stage_patterns_replace_the_naming_rule() -> None:
    scope = StageScope(["release-*", "main"])
    assert scope.exclusion_reason("release-42") is None
    assert scope.exclusion_reason("main") is None
    assert scope.exclusion_reason("prod") == "stage 'prod' matches none of --stages release-*,main"
