"""The installed apigw-audit version, for the inventory's metadata and the reports."""

from __future__ import annotations

from importlib import metadata


def tool_version() -> str:
    try:
        return metadata.version("apigw-audit")
    except metadata.PackageNotFoundError:
        return "0+unknown"
