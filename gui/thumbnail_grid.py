"""Image data sets as a scrolling grid of labelled thumbnails: the training set, then the test set.

One custom-painted canvas draws every thumbnail (no widget per image), so the course's 209 + 50
cats appear at once and scroll smoothly. Each column of X is turned back into the picture the
notebook shows, `X[:, i].reshape(image_shape)` × 255, once per data set.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from core.dataset import DataSet

from . import theme

THUMB = 64            # the course's cats are 64 × 64: shown pixel for pixel
GAP = 10              # between thumbnails
MARGIN = 10           # around the grid
MISTAKE_COLOR = "#e5261f"


# ---------------------------------------------------------------------------------------------
# Pixels


def to_pixels(X: np.ndarray, image_shape: tuple[int, ...]) -> np.ndarray:
    """(m, *image_shape) uint8 images from X (n[0], m), one column per image in C order.

    Loading divides uint8 pixels by 255, so values in [0, 1] are multiplied back; values already
    in [0, 255] are kept; anything else (standardised data) is stretched over 0..255.
    """
    lo, hi = (float(X.min()), float(X.max())) if X.size else (0.0, 1.0)
    if lo >= 0 and hi <= 1:
        scaled = X * 255.0
    elif lo >= 0 and hi <= 255:
        scaled = X
    else:
        scaled = (X - lo) * (255.0 / (hi - lo))
    pixels = np.clip(np.rint(scaled.T), 0, 255).astype(np.uint8)
    return pixels.reshape((X.shape[1], *image_shape))


def to_qimage(pixels: np.ndarray) -> QImage:
    """One (h, w), (h, w, 1), (h, w, 3) or (h, w, 4) uint8 image as a QImage owning its memory."""
    if pixels.ndim == 3 and pixels.shape[2] not in (1, 3, 4):
        pixels = pixels[:, :, 0]                 # no colour model for c channels: show the first
    pixels = np.ascontiguousarray(pixels)
    h, w = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    fmt = {1: QImage.Format_Grayscale8, 3: QImage.Format_RGB888, 4: QImage.Format_RGBA8888}[channels]
    # bytesPerLine is given because rows of an odd width are not padded to 4 bytes in NumPy;
    # copy() because the QImage would otherwise point into the array, freed after this call.
    return QImage(pixels.data, w, h, w * channels, fmt).copy()


def thumbnail(pixels: np.ndarray, size: int = THUMB) -> QImage:
    image = to_qimage(pixels)
    if image.width() == size and image.height() == size:
        return image
    # Smooth when shrinking; blocky when enlarging, so tiny images show their real pixels.
    mode = Qt.SmoothTransformation if max(image.width(), image.height()) > size \
        else Qt.FastTransformation
    return image.scaled(size, size, Qt.KeepAspectRatio, mode)


# ---------------------------------------------------------------------------------------------
# The grid


class _Section(NamedTuple):
    title: str              # "Training set" or "Test set"
    matrix: str             # "X" or "X_test", for the tooltips
    images: list            # QImage per example
    labels: np.ndarray      # (m,) 0/1
    wrong: np.ndarray | None  # (m,) bool once predictions are set


class _Cell(NamedTuple):
    rect: QRect             # the image square
    section: int
    index: int


class _Canvas(QWidget):
    """Paints the section headings and thumbnails laid out for the current width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sections: list[_Section] = []
        self.class_names = ("0", "1")
        self.cells: list[_Cell] = []
        self.headings: list[tuple[QRect, int]] = []
        policy = QSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)

    # --- geometry -------------------------------------------------------------------------------
    def _cell_size(self) -> QSize:
        fm = QFontMetrics(self.font())
        label_width = max([fm.horizontalAdvance(n) for n in self.class_names] + [THUMB])
        return QSize(label_width, THUMB + 4 + fm.height())

    def _heading_height(self, lines: int = 1) -> int:
        return lines * QFontMetrics(self._heading_font()).height() + 8

    def _columns(self, width: int) -> int:
        cell = self._cell_size()
        return max(1, (width - 2 * MARGIN + GAP) // (cell.width() + GAP))

    def _layout(self, width: int) -> tuple[list[_Cell], list[tuple[QRect, int]], int]:
        cell = self._cell_size()
        columns = self._columns(width)
        # Centre the columns: the space left over is shared by both sides, not all on the right.
        left = max(MARGIN, (width - columns * (cell.width() + GAP) + GAP) // 2)
        cells, headings, y = [], [], MARGIN
        for s, section in enumerate(self.sections):
            if s:
                y += GAP
            lines = len(self._heading_lines(section, width - 2 * left))
            headings.append((QRect(left, y, max(1, width - 2 * left), self._heading_height(lines)), s))
            y += self._heading_height(lines) + 4
            for i in range(len(section.images)):
                row, col = divmod(i, columns)
                x = left + col * (cell.width() + GAP) + (cell.width() - THUMB) // 2
                cells.append(_Cell(QRect(x, y + row * (cell.height() + GAP), THUMB, THUMB), s, i))
            rows = -(-len(section.images) // columns)
            y += rows * (cell.height() + GAP)
        return cells, headings, y + MARGIN - GAP if self.sections else 0

    def relayout(self) -> None:
        self.cells, self.headings, _ = self._layout(self.width())
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout(width)[2]

    def sizeHint(self) -> QSize:
        width = 2 * MARGIN + 4 * self._cell_size().width() + 3 * GAP
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(2 * MARGIN + self._cell_size().width(), 0)

    def resizeEvent(self, event):
        self.cells, self.headings, _ = self._layout(self.width())
        super().resizeEvent(event)

    # --- drawing ---------------------------------------------------------------------------------
    def _heading_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _heading_text(self, section: _Section) -> str:
        return " · ".join(self._heading_parts(section))

    def _heading_parts(self, section: _Section) -> list[str]:
        parts = [f"{section.title} ({len(section.images)})"]
        if section.wrong is not None:
            parts.append(f"{int(section.wrong.sum())} misclassified")
        return parts

    def _heading_lines(self, section: _Section, width: int) -> list[str]:
        """The heading on one line if it fits, else its parts on lines of their own (elided only
        if a part alone is wider than the grid), so a narrow dock never cuts "misclassified"."""
        metrics = QFontMetrics(self._heading_font())
        text = self._heading_text(section)
        if metrics.horizontalAdvance(text) <= width:
            return [text]
        return [metrics.elidedText(part, Qt.ElideRight, max(1, width)) for part in self._heading_parts(section)]

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        exposed = event.rect()
        text_color = self.palette().color(QPalette.WindowText)
        painter.setFont(self._heading_font())
        painter.setPen(text_color)
        for rect, s in self.headings:
            if rect.intersects(exposed):
                lines = self._heading_lines(self.sections[s], rect.width())
                painter.drawText(rect, Qt.AlignLeft | Qt.AlignVCenter, "\n".join(lines))
                painter.setPen(QPen(self.palette().color(QPalette.Mid), 1))
                painter.drawLine(rect.bottomLeft(), rect.bottomRight())
                painter.setPen(text_color)
        painter.setFont(self.font())
        size = self._cell_size()
        for cell in self.cells:
            # The whole cell: the image square and the class name under it.
            full = QRect(0, cell.rect.top(), size.width(), size.height())
            full.moveLeft(cell.rect.center().x() - size.width() // 2)
            if full.intersects(exposed):
                self._paint_cell(painter, cell, full)
        painter.end()

    def _paint_cell(self, painter: QPainter, cell: _Cell, full: QRect) -> None:
        section = self.sections[cell.section]
        image = section.images[cell.index]
        target = QRect(0, 0, image.width(), image.height())
        target.moveCenter(cell.rect.center())
        painter.drawImage(target, image)
        label = int(section.labels[cell.index])
        painter.setPen(theme.class_color(label))
        painter.drawText(full.adjusted(0, THUMB + 4, 0, 0), Qt.AlignHCenter | Qt.AlignTop,
                         self.class_names[label])
        if section.wrong is not None and section.wrong[cell.index]:
            self._paint_mistake(painter, cell.rect)

    def _paint_mistake(self, painter: QPainter, rect: QRect) -> None:
        """A red frame and a ✗ badge: the network's prediction for this image is wrong."""
        red = QColor(MISTAKE_COLOR)
        painter.setPen(QPen(red, 3))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(rect.adjusted(-1, -1, 1, 1))
        badge = QRect(0, 0, 22, 22)
        badge.moveTopRight(rect.topRight() + QPoint(5, -5))
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(red)
        painter.drawEllipse(badge)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignCenter, "✗")
        painter.setFont(self.font())
        painter.setBrush(Qt.NoBrush)

    # --- tooltips --------------------------------------------------------------------------------
    def cell_at(self, pos: QPoint) -> _Cell | None:
        return next((c for c in self.cells if c.rect.contains(pos)), None)

    def event(self, event):
        if event.type() == event.Type.ToolTip:
            cell = self.cell_at(event.pos())
            if cell is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._describe(cell), self)
            return True
        return super().event(event)

    def _describe(self, cell: _Cell) -> str:
        section = self.sections[cell.section]
        label = int(section.labels[cell.index])
        text = (f"{section.title}, example {cell.index}: {section.matrix}[:, {cell.index}]\n"
                f"y = {label} ({self.class_names[label]})")
        if section.wrong is not None:
            predicted = label ^ int(section.wrong[cell.index])
            mark = "✗ wrong" if section.wrong[cell.index] else "✓ right"
            text += f"\npredicted {predicted} ({self.class_names[predicted]}): {mark}"
        return text


class ThumbnailGrid(QWidget):
    """The examples of an image data set as labelled thumbnails, training set then test set.

    set_data(data) shows a DataSet whose image_shape is set (or nothing, for None);
    set_predictions(train, test) frames the misclassified images in red with a ✗.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._data: DataSet | None = None
        self._canvas = _Canvas()
        self._scroll = QScrollArea()
        self._scroll.setWidget(self._canvas)
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self._scroll.setFrameShape(QFrame.StyledPanel)
        self._scroll.setBackgroundRole(QPalette.Base)
        self._scroll.setAccessibleName("Image thumbnails")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)
        self.setToolTip("Every example of the data set; hover over an image for its column of X")
        self.setAccessibleName("Image data set")

    def set_data(self, data: DataSet | None) -> None:
        """Show data's images (rebuilt only when the data set object changes)."""
        if data is self._data:
            return
        self._data = data
        sections = []
        if data is not None and data.image_shape is not None:
            sections.append(_section("Training set", "X", data.X, data.Y, data.image_shape))
            if data.X_test is not None and data.m_test:
                sections.append(_section("Test set", "X_test", data.X_test, data.Y_test,
                                         data.image_shape))
        self._canvas.sections = sections
        self._canvas.class_names = data.class_names if data is not None else ("0", "1")
        self._canvas.relayout()
        self._scroll.verticalScrollBar().setValue(0)

    def set_predictions(self, predictions_train, predictions_test) -> None:
        """Mark the images whose prediction (0/1 per example, or None for none) differs from y."""
        canvas = self._canvas
        for s, predictions in enumerate((predictions_train, predictions_test)):
            if s >= len(canvas.sections):
                continue
            section = canvas.sections[s]
            wrong = None
            if predictions is not None:
                predicted = np.asarray(predictions).reshape(-1)
                if predicted.size != section.labels.size:
                    raise ValueError(f"{section.title}: {predicted.size} predictions for "
                                     f"{section.labels.size} examples")
                wrong = (predicted > 0.5) != (section.labels > 0.5)
            canvas.sections[s] = section._replace(wrong=wrong)
        canvas.relayout()        # a heading with its count may now need a second line

    def heading_lines(self, test: bool = False) -> list[str]:
        """The training (or test) set's heading as drawn, line by line."""
        canvas = self._canvas
        rect, s = canvas.headings[1 if test else 0]
        return canvas._heading_lines(canvas.sections[s], rect.width())

    def count(self) -> int:
        """How many thumbnails are shown (training and test)."""
        return sum(len(s.images) for s in self._canvas.sections)

    def misclassified(self) -> tuple[int, int]:
        """(training, test) images marked as misclassified."""
        counts = [0, 0]
        for s, section in enumerate(self._canvas.sections):
            if section.wrong is not None:
                counts[s] = int(section.wrong.sum())
        return counts[0], counts[1]

    def thumbnail_rect(self, index: int, test: bool = False) -> QRect:
        """Where thumbnail `index` of the training (or test) set is drawn, in canvas coordinates."""
        s = 1 if test else 0
        return next(c.rect for c in self._canvas.cells if c.section == s and c.index == index)


def _section(title, matrix, X, Y, image_shape) -> _Section:
    pixels = to_pixels(X, image_shape)
    return _Section(title, matrix, [thumbnail(p) for p in pixels], Y.reshape(-1).astype(int), None)
