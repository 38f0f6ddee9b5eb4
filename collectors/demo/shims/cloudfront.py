"""CloudFront distributions' connection mode, which moto 5.2 keeps but does not list.

AWS answers each distribution's ``ConnectionMode`` in ListDistributions: ``direct`` for a
standard distribution, the default, ``tenant-only`` for a multi-tenant one, whose
distribution tenants serve its content
(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionSummary.html).
moto keeps the mode a DistributionConfig was sent with, answers none for one sent without,
and leaves it out of the summaries it lists. Here every config has one (``direct`` unless
sent) and a summary answers it, through moto's own distribution attributes.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models as cloudfront_models
from moto.cloudfront.models import DistributionConfig

from collectors.demo.shims._patching import Function, wrap

_FIELD = "ConnectionMode"


def _with_connection_mode(original: Function) -> Function:
    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        self.ConnectionMode = config.get(_FIELD) or "direct"

    return __init__


def install() -> None:
    wrap(DistributionConfig, "__init__", _with_connection_mode)
    # a distribution answers the config fields moto lists, in its summaries too
    if _FIELD not in cloudfront_models.DISTRIBUTION_CONFIG_FIELDS:
        cloudfront_models.DISTRIBUTION_CONFIG_FIELDS.append(_FIELD)
