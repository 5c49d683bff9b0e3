"""The opportunity stages (SPEC §2) as data: the one table every rule, page and the API reads.

线索 lead → 需求挖掘 discovery → 方案呈现 proposal → 商务谈判 negotiation → 赢单 won / 输单 lost.
An open stage may step back one stage (the customer reopened a question) or forward one, and any open
stage may end lost. Only negotiation ends won. A closed deal reopens to negotiation (won by mistake, the
customer came back) — never straight to an earlier stage, so the history stays readable.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True, slots=True)
class Stage:
    code: str
    label: Promise
    order: int
    probability: Decimal  # default, in percent
    moves_to: tuple[str, ...]
    is_open: bool = True


LEAD, DISCOVERY, PROPOSAL, NEGOTIATION, WON, LOST = (
    "lead",
    "discovery",
    "proposal",
    "negotiation",
    "won",
    "lost",
)

STAGES: tuple[Stage, ...] = (
    Stage(LEAD, pgettext_lazy("opportunity stage", "Lead"), 1, Decimal("10"), (DISCOVERY, LOST)),
    Stage(
        DISCOVERY, pgettext_lazy("opportunity stage", "Discovery"), 2, Decimal("25"), (LEAD, PROPOSAL, LOST)
    ),
    Stage(
        PROPOSAL,
        pgettext_lazy("opportunity stage", "Proposal"),
        3,
        Decimal("50"),
        (DISCOVERY, NEGOTIATION, LOST),
    ),
    Stage(
        NEGOTIATION,
        pgettext_lazy("opportunity stage", "Negotiation"),
        4,
        Decimal("75"),
        (PROPOSAL, WON, LOST),
    ),
    Stage(WON, pgettext_lazy("opportunity stage", "Won"), 5, Decimal("100"), (NEGOTIATION,), is_open=False),
    Stage(LOST, pgettext_lazy("opportunity stage", "Lost"), 6, Decimal("0"), (NEGOTIATION,), is_open=False),
)

BY_CODE: dict[str, Stage] = {stage.code: stage for stage in STAGES}
OPEN_CODES: tuple[str, ...] = tuple(s.code for s in STAGES if s.is_open)
CHOICES: list[tuple[str, Promise]] = [(s.code, s.label) for s in STAGES]


def stage(code: str) -> Stage:
    """Return the stage ``code`` names; KeyError for an unknown code."""
    return BY_CODE[code]


def can_move(from_code: str, to_code: str) -> bool:
    """Tell whether the table allows moving an opportunity from ``from_code`` to ``to_code``."""
    current = BY_CODE.get(from_code)
    return current is not None and to_code in current.moves_to


def default_probability(code: str) -> Decimal:
    return BY_CODE[code].probability
