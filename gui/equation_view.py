"""Equations in the course's notation with the live shape under every symbol.

    Z[2]      =   W[2]   ·   A[1]   +   b[2]
   (3, 4)        (3, 5)     (5, 4)     (3, 1)   ← b is broadcast across the 4 columns
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
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
        self.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setAccessibleName("Equations of this step")
        self.setToolTip("The equations this step applied, with the shape of every matrix under it")
        self._equations: list[Equation] = []

    def set_equations(self, equations: list[Equation]) -> None:
        self._equations = list(equations)
        self.setText(self._html())
        self.setAccessibleDescription("; ".join(e.text() for e in self._equations))

    def plain_text(self) -> list[str]:
        return [e.text() for e in self._equations]

    def _html(self) -> str:
        pal = self.palette()
        muted = pal.color(QPalette.PlaceholderText).name()
        rows = []
        for eq in self._equations:
            items = [eq.lhs, "="] + list(eq.rhs)
            top, bottom = [], []
            for item in items:
                if isinstance(item, Term):
                    top.append(f"<td align='center' style='padding:0 5px'>{symbol_html(item.symbol)}</td>")
                    bottom.append(f"<td align='center' style='color:{muted};font-size:small;padding:0 5px'>"
                                  f"{shape_text(item.shape)}</td>")
                else:
                    top.append(f"<td align='center' style='padding:0 3px'>{html.escape(item)}</td>")
                    bottom.append("<td></td>")
            note = (f"<td rowspan='2' style='color:{muted};padding-left:18px'><i>{html.escape(eq.note)}</i></td>"
                    if eq.note else "")
            rows.append(f"<table cellspacing='0' style='margin-bottom:6px'><tr>{''.join(top)}{note}</tr>"
                        f"<tr>{''.join(bottom)}</tr></table>")
        return "<div style='font-size:15pt'>" + "".join(rows) + "</div>"
