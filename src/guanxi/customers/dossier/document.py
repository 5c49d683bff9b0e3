"""The printable archive dossier as plain data: sections of fields, tables, notes and the map.

Builders fill a :class:`Dossier` in the reader's language; :mod:`.pdf` lays it out. Keeping the two
apart lets higher layers (interactions, tasks) add their rows to the sections without knowing PDF.
"""

import datetime
from dataclasses import dataclass, field

from ..relationship_map.scene import Scene


@dataclass
class Fields:
    """Label–value pairs, two to a row; a ``wide`` pair takes a whole row (long text)."""

    pairs: list[tuple[str, str]]
    caption: str = ""
    wide: set[str] = field(default_factory=set)  # labels of the pairs that take a whole row


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    caption: str = ""
    empty: str = ""  # said in place of the rows when there are none


@dataclass
class Note:
    text: str


@dataclass
class MapFigure:
    scene: Scene


Block = Fields | Table | Note | MapFigure


@dataclass
class Section:
    number: int
    heading: str  # e.g. "附表1 客户基本情况"
    purpose: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Dossier:
    customer_id: int
    customer_name: str
    title: str
    confidentiality: str
    summary: Fields
    sections: list[Section]
    reader: str
    generated_at: datetime.datetime
    attribution: str  # "Generated for … at …", printed on every page
    page_label: str  # with %(page)s and %(pages)s

    def section(self, number: int) -> Section:
        return next(s for s in self.sections if s.number == number)
