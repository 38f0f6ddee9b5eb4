"""Turning check outcomes into the reports engineers, CI and auditors read."""
