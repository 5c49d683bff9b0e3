"""The periodic jobs of the sales process, registered in ``guanxi.config.schedule``."""

import datetime

from .contracts import contract_renewals_generate


def contract_renewals(*, day: datetime.date) -> dict:
    """Renewal opportunities and tasks ahead of contract ends; notices of overdue payments."""
    return contract_renewals_generate(day=day)
