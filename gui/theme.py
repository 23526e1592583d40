"""Colours, fonts and palettes shared by every panel (light and dark)."""
from __future__ import annotations

import pathlib

from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

# The course plots its two classes with matplotlib's Spectral map: red for y = 0, blue for y = 1.
CLASS_COLORS = ("#d53e4f", "#3288bd")
CLASS_NAMES_DEFAULT = ("red (y = 0)", "blue (y = 1)")
# Weights and activations: blue for positive, orange for negative, as in TensorFlow Playground
# (and blue is class 1 too).
POSITIVE = "#0877bd"
NEGATIVE = "#f59322"
ACCENT = "#2a7de1"
BASE_POINT_SIZE = 11          # readable from the back of a room at 1920×1080
STYLE_SHEET = pathlib.Path(__file__).resolve().parents[1] / "resources" / "style.qss"


def class_color(label: int) -> QColor:
    return QColor(CLASS_COLORS[1 if label else 0])


def apply_theme(app: QApplication, dark: bool = False) -> None:
    """Fusion style with a light or dark palette and a larger base font."""
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setPalette(dark_palette() if dark else light_palette())
    app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))


def tinted(icon: QIcon, color: QColor) -> QIcon:
    """A one-colour icon (Fusion's media and arrow icons are near-black) repainted in `color`:
    on the dark palette the black ▶ and ▸▸ vanished into the toolbar."""
    out = QIcon()
    for size in (16, 24, 32, 48):
        pixmap = QPixmap(icon.pixmap(size, size))
        painter = QPainter(pixmap)
        painter.setCompositionMode(QPainter.CompositionMode_SourceIn)
        painter.fillRect(pixmap.rect(), color)
        painter.end()
        out.addPixmap(pixmap)
    return out


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.Window).lightness() < 128


def light_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.Window: "#f3f4f6", QPalette.WindowText: "#1f2328", QPalette.Base: "#ffffff",
        QPalette.AlternateBase: "#f0f2f5", QPalette.Text: "#1f2328", QPalette.Button: "#e9ebef",
        QPalette.ButtonText: "#1f2328", QPalette.Highlight: ACCENT, QPalette.HighlightedText: "#ffffff",
        QPalette.ToolTipBase: "#ffffdc", QPalette.ToolTipText: "#1f2328", QPalette.PlaceholderText: "#6e7781",
        QPalette.Mid: "#c4c8cf", QPalette.Dark: "#9aa0a8", QPalette.Light: "#ffffff",
        QPalette.Link: ACCENT,
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.Disabled, QPalette.Text, QColor("#9aa0a8"))
    p.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#9aa0a8"))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#9aa0a8"))
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    colors = {
        QPalette.Window: "#1e2126", QPalette.WindowText: "#e6e8eb", QPalette.Base: "#2a2e35",
        QPalette.AlternateBase: "#31363e", QPalette.Text: "#e6e8eb", QPalette.Button: "#2b2f36",
        QPalette.ButtonText: "#e6e8eb", QPalette.Highlight: ACCENT, QPalette.HighlightedText: "#ffffff",
        QPalette.ToolTipBase: "#2b2f36", QPalette.ToolTipText: "#e6e8eb", QPalette.PlaceholderText: "#8b929b",
        QPalette.Mid: "#4a5059", QPalette.Dark: "#0f1113", QPalette.Light: "#3a3f47",
        QPalette.Link: "#6aa8f0",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.Disabled, QPalette.Text, QColor("#6b717a"))
    p.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#6b717a"))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#6b717a"))
    return p
