"""How many days of access logs a stage's traffic evidence covers."""

from __future__ import annotations

from collectors.model import Inventory, StageTraffic


def logged_days(traffic: StageTraffic, inventory: Inventory) -> int:
    """The days of access logs a stage's evidence covers: the window read (--traffic-days),
    or fewer when its log group keeps fewer, since CloudWatch Logs deletes events older than a
    group's retention
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention)."""
    assert inventory.traffic is not None
    days = inventory.traffic.days
    group = inventory.log_group(traffic.log_group) if traffic.log_group else None
    retention = group.retention_days if group is not None else None
    return min(days, retention) if retention else days
