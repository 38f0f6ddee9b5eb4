"""Loads apigw-audit's plugins: inventory and targets (collectors), and the reports."""

pytest_plugins = ("collectors.plugin", "checks.plugin", "reporting.plugin")
