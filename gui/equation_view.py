"""Equations in the course's notation with the live shape under every symbol.

    Z[2]      =   W[2]   ·   A[1]   +   b[2]
   (3, 4)        (3, 5)     (5, 4)     (3, 1)
                                       broadcast
                                       → (3, 4)

Sizes are relative to the label's font (large = 1.2×, medium = 1×), never fixed points, so the
equations grow with the application font (presentation mode). A note goes under its equation,
where it can wrap, so a narrow dock does not make the equation wider.
"""
from __future__ import annotations

import html
import math
import re
from collections import OrderedDict

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.stepper import Equation, Term

HINT_CHARS = 40   # a rich text's preferred width before it has one, in average characters
_LAYER = re.compile(r"^(d?[A-Za-z]+)\[(\d+)\](ᵀ?)$")


def symbol_html(symbol: str) -> str:
    """W[2] → W<sup>[2]</sup>, A[1]ᵀ → A<sup>[1]T</sup>, as the course typesets them."""
    match = _LAYER.match(symbol)
    if not match:
        return f"<i>{html.escape(symbol)}</i>"
    name, layer, transposed = match.groups()
    return f"<b>{name}</b><sup>[{layer}]{'T' if transposed else ''}</sup>"


def shape_text(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else ""


class _Laid:
    """One text parsed once, with its height at each width it was asked about: a layout asks
    a label's height at several widths while it settles."""

    def __init__(self, text: str, font):
        self.document = QTextDocument()
        self.document.setDocumentMargin(0)   # as a QLabel draws it
        self.document.setDefaultFont(font)
        self.document.setHtml(text)
        self.heights: dict[int, int] = {}

    def at(self, width: int) -> QTextDocument:
        if self.document.textWidth() != width:
            self.document.setTextWidth(width)
        return self.document

    def height(self, width: int) -> int:
        if width not in self.heights:
            self.heights[width] = math.ceil(self.at(width).size().height())
        return self.heights[width]


class RichText(QWidget):
    """Rich text that wraps at the widget's width, like a word-wrapped QLabel, but parsed once
    per text and font and measured once per width: stepping shows the same few texts pass after
    pass, and a QLabel lays its text out again for every size question (a table of equations
    took 3–10 ms a time). Setting a text that needs the same room asks the layout for nothing."""

    KEPT = 64   # texts kept (those of a few passes)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._laid: OrderedDict = OrderedDict()   # (text, font key) → _Laid
        self._font_key = self.font().key()
        policy = QSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        before = self._room()
        self._text = text
        self.setAccessibleDescription(self._current().document.toPlainText())
        if self._room() != before:
            self.updateGeometry()
        self.update()

    def text(self) -> str:
        return self._text

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._current().height(width) if self._text else 0

    def sizeHint(self) -> QSize:
        # The width it has (or a line of 40 characters before it has one): the layout that
        # measures it is then the one it paints with, and no text is laid out unwrapped.
        width = self.width() if self.width() > 0 and self.testAttribute(Qt.WA_Resized) else \
            self.fontMetrics().averageCharWidth() * HINT_CHARS
        width = max(width, self.minimumWidth())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self.heightForWidth(self.width()) if self.width() > 0 else 0)

    def paintEvent(self, event):
        if not self._text:
            return
        painter = QPainter(self)
        context = QAbstractTextDocumentLayout.PaintContext()
        palette = self.palette()
        palette.setColor(QPalette.Text, palette.color(QPalette.WindowText))   # a label's colour
        context.palette = palette
        context.clip = QRectF(event.rect())
        self._current().at(self.width()).documentLayout().draw(painter, context)
        painter.end()

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._font_key = self.font().key()
            self.updateGeometry()

    def _room(self):
        return self.minimumWidth(), self.sizeHint()

    def _current(self) -> _Laid:
        """The current text, parsed in the current font (from the cache when it was before)."""
        key = (self._text, self._font_key)
        laid = self._laid.get(key)
        if laid is not None:
            self._laid.move_to_end(key)
            return laid
        laid = self._laid[key] = _Laid(self._text, self.font())
        while len(self._laid) > self.KEPT:
            self._laid.popitem(last=False)
        return laid


class EquationView(RichText):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("Equations of this step")
        self.setToolTip("The equations this step applied, with the shape of every matrix under it")
        self._equations: list[Equation] = []
        self._note_width = 0   # px the notes wrap at (the visible width in a scroll area); 0: the label's
        self._widths: dict = {}   # (equations' html, font) → their width without the notes

    def set_equations(self, equations: list[Equation]) -> None:
        self._equations = list(equations)
        self._show()
        self.setAccessibleDescription("; ".join(e.text() for e in self._equations))

    def _show(self) -> None:
        # As wide as the widest equation: a narrow column scrolls the equations, it never clips
        # them; the notes wrap within that width.
        bare = self._html(notes=False)
        key = (bare, self.font().key())
        if key not in self._widths:
            if len(self._widths) > self.KEPT:
                self._widths.clear()
            document = QTextDocument()
            document.setDocumentMargin(0)
            document.setDefaultFont(self.font())
            document.setHtml(bare)
            self._widths[key] = int(document.idealWidth()) + 2
        self.setMinimumWidth(self._widths[key])
        self.setText(self._html())

    def set_note_width(self, width: int) -> None:
        """Wrap the notes at `width` px: in a scroll area narrower than the equations, a note
        stays readable without scrolling sideways."""
        if width != self._note_width:
            self._note_width = width
            if self._equations:
                self.setText(self._html())

    def set_message(self, text: str) -> None:
        """A sentence instead of equations (before the first step)."""
        self._equations = []
        self.setMinimumWidth(0)
        self.setText(f"<p>{text}</p>")

    def plain_text(self) -> list[str]:
        return [e.text() for e in self._equations]

    def _html(self, notes: bool = True) -> str:
        pal = self.palette()
        muted = pal.color(QPalette.PlaceholderText).name()
        accent = pal.color(QPalette.Link).name()
        rows = []
        for eq in self._equations:
            items = [eq.lhs, "="] + list(eq.rhs)
            top, bottom = [], []
            for item in items:
                if isinstance(item, Term):
                    top.append(f"<td align='center' style='white-space:nowrap;padding:0 4px'>"
                               f"{symbol_html(item.symbol)}</td>")
                    shape = shape_text(item.shape)
                    if item.broadcast:   # NumPy stretches b across the columns: say so at b itself
                        shape += (f"<br><span style='color:{accent}'>broadcast<br>"
                                  f"→ {shape_text(item.broadcast)}</span>")
                    bottom.append(f"<td align='center' style='white-space:nowrap;color:{muted};"
                                  f"font-size:medium;padding:0 4px'>{shape}</td>")
                else:
                    top.append(f"<td align='center' style='white-space:nowrap;padding:0 2px'>"
                               f"{html.escape(item)}</td>")
                    bottom.append("<td></td>")
            rows.append(f"<table cellspacing='0'><tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr></table>")
            if not notes:   # measuring the equations' own width
                continue
            note = f"<i>{html.escape(eq.note)}</i>" if eq.note else ""
            width = f" width='{self._note_width}'" if self._note_width else ""
            rows.append(f"<table cellspacing='0'{width} style='margin-bottom:8px'><tr><td style='color:{muted};"
                        f"font-size:medium;padding-left:6px'>{note}</td></tr></table>")
        return "<div style='font-size:large'>" + "".join(rows) + "</div>"

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() in (event.Type.PaletteChange, event.Type.FontChange) and self._equations:
            self._show()   # muted and accent colours follow the theme
