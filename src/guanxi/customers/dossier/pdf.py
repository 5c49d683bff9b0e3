"""Lay out a :class:`~.document.Dossier` as an A4 PDF with fpdf2, embedding a CJK font.

fpdf2 is pure Python and subsets the font it embeds with fontTools, including the CFF-based OpenType
collections of Noto Sans CJK, so a 20 MB font file adds only the glyphs used. The relationship map is
drawn natively from the same scene as the web's SVG, so it stays sharp and searchable.
"""

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace as TableStyle

from ..relationship_map.scene import Circle, Group, Polyline, Rect, Shape, Text
from .document import Block, Dossier, Fields, MapFigure, Note, Section, Table
from .fonts import cjk_font

FAMILY = "cjk"
MARGIN = 15.0  # mm
INK = (31, 35, 40)
MUTED = (87, 96, 106)
ACCENT = (47, 74, 102)
RULE = (208, 215, 222)
LABEL_FILL = (243, 245, 247)
HEADING_FILL = (232, 238, 246)
WHITE = (255, 255, 255)
BODY_PT = 9.0
PT_PER_MM = 72 / 25.4
MAP_MAX_SCALE = 0.27  # mm per pixel: small maps are not blown up
MAP_MIN_SCALE = 0.12  # below this a map gets a page of its own


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class DossierPDF(FPDF):
    def __init__(self, dossier: Dossier) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.dossier = dossier
        font = cjk_font()
        self.add_font(FAMILY, "", font.regular.path, collection_font_number=font.regular.index)
        self.add_font(FAMILY, "B", font.bold.path, collection_font_number=font.bold.index)
        self.set_margins(MARGIN, MARGIN + 4, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 4)
        self.set_title(f"{dossier.title} — {dossier.customer_name}")
        self.set_author(dossier.reader)
        self.set_creator("guanxi")
        self.set_lang("zh-CN")
        self.set_creation_date(dossier.generated_at)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, 8)
        self.cell(0, 4, f"{self.dossier.title} · {self.dossier.customer_name}")
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, 13, self.w - MARGIN, 13)
        self.set_xy(MARGIN, MARGIN + 4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, self.get_y() - 1, self.w - MARGIN, self.get_y() - 1)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        page = self.dossier.page_label % {"page": self.page_no(), "pages": "{nb}"}
        width = self.w - 2 * MARGIN
        self.cell(width * 0.75, 4, self.dossier.attribution)
        self.cell(width * 0.25, 4, page, align="R")

    # --- blocks -----------------------------------------------------------------------------------

    @property
    def content_width(self) -> float:
        return self.w - 2 * MARGIN

    def cover(self) -> None:
        dossier = self.dossier
        self.set_text_color(*ACCENT)
        self.set_font(FAMILY, "B", 11)
        self.cell(0, 6, dossier.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FAMILY, "B", 18)
        self.multi_cell(0, 9, dossier.customer_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.fields(dossier.summary)
        self.ln(2)
        self.set_fill_color(252, 232, 230)
        self.set_draw_color(197, 34, 31)
        self.set_text_color(140, 26, 22)
        self.set_font(FAMILY, "", 8.5)
        self.multi_cell(
            0,
            4.6,
            dossier.confidentiality,
            border=1,
            fill=True,
            padding=2,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(4)

    def section(self, section: Section, *, new_page: bool) -> None:
        if new_page:
            self.add_page()
        self.start_section(section.heading)
        self.set_text_color(*ACCENT)
        self.set_font(FAMILY, "B", 14)
        self.cell(0, 8, section.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.6)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(1.5)
        self.set_text_color(*MUTED)
        self.set_font(FAMILY, "", 8.5)
        self.multi_cell(0, 4.4, section.purpose, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        for block in section.blocks:
            self.block(block)
            self.ln(3)

    def block(self, block: Block) -> None:
        if isinstance(block, Fields):
            self.fields(block)
        elif isinstance(block, Table):
            self.table_block(block)
        elif isinstance(block, Note):
            self.set_text_color(*MUTED)
            self.set_font(FAMILY, "", 8)
            self.multi_cell(0, 4.2, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self.map_figure(block)

    def caption(self, text: str) -> None:
        if not text:
            return
        if self.will_page_break(24):  # a caption is never left alone at the foot of a page
            self.add_page()
        self.set_text_color(*INK)
        self.set_font(FAMILY, "B", 10)
        self.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fields(self, block: Fields) -> None:
        self.caption(block.caption)
        self.set_font(FAMILY, "", BODY_PT)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        label_style = TableStyle(color=MUTED, fill_color=LABEL_FILL)
        value_style = TableStyle(color=INK, fill_color=WHITE)
        # Long values take a whole row; putting them last keeps the short ones two to a row.
        is_wide = {label: label in block.wide or len(value) > 60 for label, value in block.pairs}
        pairs = [p for p in block.pairs if not is_wide[p[0]]] + [p for p in block.pairs if is_wide[p[0]]]
        with self.table(
            col_widths=(18, 32, 18, 32),
            first_row_as_headings=False,
            text_align="LEFT",
            line_height=4.6,
            padding=(1.2, 1.8),
            borders_layout=TableBordersLayout.ALL,
            width=self.content_width,
        ) as table:
            row = None
            used = 0
            for label, value in pairs:
                if row is None or used == 2 or (is_wide[label] and used):
                    if row is not None and used == 1:
                        row.cell("", style=label_style)
                        row.cell("", style=value_style)
                    row, used = table.row(), 0
                row.cell(label, style=label_style)
                if is_wide[label]:
                    row.cell(value, colspan=3, style=value_style)
                    used = 2
                else:
                    row.cell(value, style=value_style)
                    used += 1
            if row is not None and used == 1:
                row.cell("", style=label_style)
                row.cell("", style=value_style)

    def table_block(self, block: Table) -> None:
        self.caption(block.caption)
        self.set_font(FAMILY, "", BODY_PT - 0.5)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        heading = TableStyle(emphasis="BOLD", color=ACCENT, fill_color=HEADING_FILL)
        with self.table(
            col_widths=tuple(block.widths),
            headings_style=heading,
            text_align="LEFT",
            line_height=4.4,
            padding=(1.2, 1.6),
            repeat_headings=1,
            width=self.content_width,
        ) as table:
            header = table.row()
            for column in block.columns:
                header.cell(column)
            if not block.rows:
                table.row().cell(
                    block.empty, colspan=len(block.columns), style=TableStyle(color=MUTED, fill_color=WHITE)
                )
            for values in block.rows:
                row = table.row()
                for text in values:
                    row.cell(text, style=TableStyle(color=INK, fill_color=WHITE))

    def map_figure(self, block: MapFigure) -> None:
        scene = block.scene
        scale = min(MAP_MAX_SCALE, self.content_width / scene.width)
        room = self.h - self.b_margin - self.get_y()
        if scene.height * scale > room:
            full_page = self.h - self.b_margin - self.t_margin
            fitted = min(scale, full_page / scene.height)
            if room / scene.height >= max(MAP_MIN_SCALE, 0.8 * fitted):
                scale = room / scene.height
            else:
                self.add_page()
                scale = fitted
        left = MARGIN + (self.content_width - scene.width * scale) / 2
        top = self.get_y()
        painter = ScenePainter(self, left, top, scale)
        for item in scene.items:
            painter.draw(item)
        self.set_line_width(0.2)
        self.set_dash_pattern()
        self.set_xy(MARGIN, top + scene.height * scale + 2)


class ScenePainter:
    """Draw scene shapes (pixels) onto a PDF page (millimetres) at an offset and scale."""

    def __init__(self, pdf: FPDF, left: float, top: float, scale: float) -> None:
        self.pdf = pdf
        self.left = left
        self.top = top
        self.scale = scale

    def x(self, value: float) -> float:
        return self.left + value * self.scale

    def y(self, value: float) -> float:
        return self.top + value * self.scale

    def line_style(self, colour: str, width: float, dashed: bool, dash: Sequence[float] = (5, 3)) -> None:
        self.pdf.set_draw_color(*rgb(colour))
        self.pdf.set_line_width(width * self.scale)
        if dashed:
            self.pdf.set_dash_pattern(dash=dash[0] * self.scale, gap=dash[1] * self.scale)
        else:
            self.pdf.set_dash_pattern()

    def draw(self, shape: Shape) -> None:
        pdf = self.pdf
        if isinstance(shape, Group):
            for item in shape.items:
                self.draw(item)
        elif isinstance(shape, Rect):
            pdf.set_fill_color(*rgb(shape.fill))
            style = "F"
            if shape.stroke:
                self.line_style(shape.stroke, shape.stroke_width, shape.is_dashed)
                style = "DF"
            pdf.rect(
                self.x(shape.x),
                self.y(shape.y),
                shape.width * self.scale,
                shape.height * self.scale,
                style=style,
                round_corners=shape.radius > 0,
                corner_radius=shape.radius * self.scale,
            )
        elif isinstance(shape, Circle):
            pdf.set_fill_color(*rgb(shape.fill))
            pdf.circle(self.x(shape.cx), self.y(shape.cy), shape.r * self.scale, style="F")
        elif isinstance(shape, Polyline):
            self.line_style(shape.stroke, shape.stroke_width, shape.is_dashed, (4, 3))
            pdf.polyline([(self.x(x), self.y(y)) for x, y in shape.points], style="D")
        else:
            self.text(shape)

    def text(self, shape: Text) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, "B" if shape.is_bold else "", shape.size * self.scale * PT_PER_MM)
        width = sum(pdf.get_string_width(run) for run, _ in shape.runs)
        x = self.x(shape.x)
        if shape.anchor == "middle":
            x -= width / 2
        elif shape.anchor == "end":
            x -= width
        for run, colour in shape.runs:
            pdf.set_text_color(*rgb(colour))
            pdf.text(x, self.y(shape.y), run)
            x += pdf.get_string_width(run)


def render_dossier_pdf(dossier: Dossier) -> bytes:
    """Return the dossier as PDF bytes: a cover, then each form, page numbers and who it was made for."""
    pdf = DossierPDF(dossier)
    pdf.add_page()
    pdf.cover()
    for number, section in enumerate(dossier.sections):
        pdf.section(section, new_page=number > 0)
    return bytes(pdf.output())
