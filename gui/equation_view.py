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
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy

from core.stepper import Equation, Term

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


class EquationView(QLabel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.RichText)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.setWordWrap(True)   # notes and messages wrap; the equations' cells never do
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)
        self.setAccessibleName("Equations of this step")
        self.setToolTip("The equations this step applied, with the shape of every matrix under it")
        self._equations: list[Equation] = []
        self._note_width = 0   # px the notes wrap at (the visible width in a scroll area); 0: the label's

    def set_equations(self, equations: list[Equation]) -> None:
        self._equations = list(equations)
        self._show()
        self.setAccessibleDescription("; ".join(e.text() for e in self._equations))

    def _show(self) -> None:
        self.setText(self._html())
        # As wide as the widest equation: a narrow column scrolls the equations, it never clips
        # them; the notes wrap within that width.
        document = QTextDocument()
        document.setDefaultFont(self.font())
        document.setHtml(self._html(notes=False))
        margins = self.contentsMargins()
        self.setMinimumWidth(int(document.idealWidth()) + margins.left() + margins.right() + 2)

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
        self.setAccessibleDescription("")

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
