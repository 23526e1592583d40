"""File > Export: the network, the decision boundary, the cost curve or a matrix heat map as a PNG
or SVG picture for slides, and the whole run as a standalone NumPy script.

Pictures are the widgets themselves rendered again, not screen grabs: a PNG at least SLIDE_WIDTH
pixels wide (the widget painted at a higher device pixel ratio, so lines and text stay sharp, not
an enlarged bitmap) and an SVG drawn by QSvgGenerator, whose lines and text stay vectors.
"""
from __future__ import annotations

import math
import os

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QAction, QImage, QPainter, QPalette
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from core.atomic import atomic_path
from core.errors import DeepStepError
from core.export_script import export_script, spec_for
from .cost_panel import latest_run
from .matrix_view import MatrixView

SLIDE_WIDTH = 1920
MIN_SCALE = 2.0         # a wide widget still gets twice its pixels (a 4K projector, a zoomed slide)
PICTURE_FILTERS = "PNG image (*.png);;SVG drawing (*.svg)"
EDITED = "network or data edited"     # how the training controller ends a run on an edit


class ExportError(Exception):
    """A picture or script could not be written; the message says why, for the user."""


def save_picture(widget: QWidget, path: str) -> str:
    """Write `widget` as PNG or SVG (by the suffix of path); returns the path written."""
    if widget.width() < 20 or widget.height() < 20:
        raise ExportError("the view is not on screen: show it first (View menu)")
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".png", ".svg"):
        raise ExportError(f"cannot write {os.path.basename(path)}: choose a .png or .svg file name")
    try:
        with atomic_path(path) as tmp:
            ok = _write_svg(widget, tmp) if suffix == ".svg" else _write_png(widget, tmp)
            if not ok:
                raise ExportError(f"cannot write {path}")
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    _readable(path)
    return path


def _readable(path: str) -> None:
    """The mode a plain new file gets (the temporary file of an atomic write is private)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def render_image(widget: QWidget, width: int = SLIDE_WIDTH) -> QImage:
    """The widget painted at slide resolution: at least `width` pixels wide, at least MIN_SCALE×."""
    scale = max(MIN_SCALE, width / widget.width())
    size = QSize(math.ceil(widget.width() * scale), math.ceil(widget.height() * scale))
    image = QImage(size, QImage.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(widget.palette().color(QPalette.Window))
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing
                               | QPainter.SmoothPixmapTransform)
        widget.render(painter, QPoint())
    finally:
        painter.end()
    return image


def _write_png(widget: QWidget, path: str) -> bool:
    return render_image(widget).save(path, "PNG")


def _write_svg(widget: QWidget, path: str) -> bool:
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(widget.accessibleName() or "DeepStep")
    generator.setDescription("Exported from DeepStep")
    painter = QPainter()
    if not painter.begin(generator):
        return False
    try:
        painter.fillRect(QRect(0, 0, widget.width(), widget.height()), widget.palette().color(QPalette.Window))
        widget.render(painter, QPoint())
    finally:
        ended = painter.end()
    return ended


def save_script(window, path: str) -> list[str]:
    """Write the run (the latest, or the session as it stands) as a NumPy script; returns notes."""
    session = window.controller.session
    run = latest_run(window.training)
    if run is not None and run.stopped == EDITED:
        run = None       # the network or data changed since: the session as it stands is wanted
    spec, notes = spec_for(session, run)
    text = export_script(session.data, session.data_settings, spec, os.path.basename(path))
    try:
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    _readable(path)
    return notes


class Exports:
    """The File > Export submenu and what its actions do."""

    VIEWS = (("network", "&Network Picture…", "network", "The network canvas, as drawn now"),
             ("boundary", "&Decision Boundary Picture…", "decision_boundary",
              "The decision boundary with the data points"),
             ("cost", "&Cost Curve Picture…", "cost_curve", "The cost curves and accuracies"),
             ("matrix", "&Matrix Heat Map Picture…", "matrix",
              "A tensor of the step on screen in step-through mode, as a heat map"))

    def __init__(self, window):
        self.window = window
        self.actions: dict[str, QAction] = {}
        for key, text, stem, tip in self.VIEWS:
            action = QAction(text, window)
            action.setToolTip(f"{tip}, as a PNG (slide resolution) or an SVG (vectors)")
            action.setStatusTip(action.toolTip())
            action.triggered.connect(lambda _=False, k=key, s=stem: self.export_view(k, s))
            self.actions[key] = action
        self.script_action = QAction("Run as NumPy &Script…", window)
        self.script_action.setToolTip("The run as a standalone Python script (NumPy only) that trains the "
                                      "same network on the same data and prints the same costs")
        self.script_action.setStatusTip(self.script_action.toolTip())
        self.script_action.triggered.connect(self.export_script)

    # --- the widgets --------------------------------------------------------------------------------
    def view(self, key: str) -> QWidget | None:
        """The widget a picture is made of; None (after telling the user why) if there is none."""
        w = self.window
        if key == "network":
            return w.canvas
        if key == "cost":
            return w.cost_panel
        if key == "boundary":
            if w.boundary_panel.grid() is None:
                self._refuse("The decision boundary is drawn for 2-D data only.")
                return None
            return w.boundary_panel
        views = [v for v in w.stepping_panel.findChildren(MatrixView) if v.isVisible() and v.name()]
        if not views:
            self._refuse("No heat map on screen: turn on step-through mode (Ctrl+T) and step to the "
                         "tensor you want.")
            return None
        if len(views) == 1:
            return views[0]
        names = [f"{v.name()}  {v.matrix().shape[0]}×{v.matrix().shape[1]}" for v in views]
        name, ok = QInputDialog.getItem(w, "Export heat map", "Which tensor?", names, 0, False)
        return views[names.index(name)] if ok else None

    # --- commands -----------------------------------------------------------------------------------
    def export_view(self, key: str, stem: str) -> None:
        widget = self.view(key)
        if widget is None:
            return
        if key == "matrix":
            stem = "".join(ch for ch in widget.name() if ch.isalnum()) or stem
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export picture", f"{stem}.png", PICTURE_FILTERS)
        if not path:
            return
        if not os.path.splitext(path)[1]:
            path += ".svg" if chosen.startswith("SVG") else ".png"
        try:
            save_picture(widget, path)
        except ExportError as e:
            self.window.show_error("Cannot export the picture", str(e))
            return
        self.window.statusBar().showMessage(f"Picture saved to {path}", 5000)

    def export_script(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export run as NumPy script", "deepstep_run.py",
                                              "Python script (*.py)")
        if not path:
            return
        if not path.endswith(".py"):
            path += ".py"
        try:
            notes = save_script(self.window, path)
        except (ExportError, DeepStepError) as e:
            self.window.show_error("Cannot export the script", str(e))
            return
        if notes:
            QMessageBox.information(self.window, "Script exported", f"Saved to {path}.\n\n" + "\n\n".join(notes))
        self.window.statusBar().showMessage(f"Script saved to {path}: run it with python", 8000)

    def _refuse(self, text: str) -> None:
        QMessageBox.information(self.window, "Nothing to export", text)


def install_exports(window) -> None:
    """File > Export ▸ after "Export Model…"."""
    exports = Exports(window)
    window.exports = exports
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    menu = file_menu.addMenu("Expor&t")
    menu.setToolTipsVisible(True)
    menu.addActions(list(exports.actions.values()))
    menu.addSeparator()
    menu.addAction(exports.script_action)
    anchor = getattr(window, "export_model_action", None)
    actions = file_menu.actions()
    if anchor in actions:   # right after "Export Model…", with the other ways out
        following = actions[actions.index(anchor) + 1]
        file_menu.removeAction(menu.menuAction())
        file_menu.insertMenu(following, menu)
