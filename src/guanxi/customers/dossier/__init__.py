"""The printable archive dossier (SPEC §4.1): the seed's six forms as a PDF.

The customer layer builds the forms from the archive (:func:`customer_dossier`) and renders any
dossier (:func:`render_dossier_pdf`); :func:`guanxi.engagement.dossier.dossier_pdf` adds interactions
and tasks, which live a layer above, and is what views call.
"""

from .build import customer_dossier, reader_language
from .document import Dossier, Fields, MapFigure, Note, Section, Table
from .fonts import CjkFont, cjk_font
from .pdf import render_dossier_pdf

__all__ = [
    "CjkFont",
    "Dossier",
    "Fields",
    "MapFigure",
    "Note",
    "Section",
    "Table",
    "cjk_font",
    "customer_dossier",
    "reader_language",
    "render_dossier_pdf",
]
