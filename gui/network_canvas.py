"""The network canvas: layers as columns of neurons, edges coloured by the weights, live shapes.

Layout, left to right: the input x1..xn, the hidden layers, the output ŷ. Above each hidden layer a
LayerHeader edits it; "+" buttons between columns insert a layer there. Under each column the
shapes of W[l], b[l], Z[l], A[l] and the parameter count, read from the engine's own arrays.
A layer too tall to draw (the 12288 inputs of the cat images, or more than 64 units) is drawn
collapsed: its first few neurons, "⋮ 12288", and its last neuron.

For 2-D data each hidden neuron shows its activation A[l] over the input plane inside its node, and
the output node P(y = 1 | x), live as training moves the parameters (gui.neuron_maps); hovering a
neuron shows its map enlarged with its name, range and parameters.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QToolTip, QWidget

from core.network import MAX_HIDDEN_LAYERS
from . import theme
from .layer_header import ACTIVATION_LABELS, LayerHeader
from .neuron_maps import MIN_MAP_RADIUS, NeuronMaps, NeuronPopup
from .pacing import FrameThrottle

SHAPE_KINDS = ("W", "b", "Z", "A", "params")
EDGE_LEVELS = 12          # edge strengths drawn in this many steps (one pen each)
STEP_COLORS = {"forward": "#2e9d4f", "cost": "#8e44ad", "backward": "#d35400", "update": "#2a7de1"}
MAX_DRAWN = 64            # more units than this are always drawn collapsed
# Sizes follow the font (×1.45 in presentation mode): in units of its line height, about 18 px.
HEADER_WIDTH_EM = 6.0      # a layer's header, or its minimum: "leaky ReLU" with its arrow, "−  4  +"
HEADER_HEIGHT_EM = 6.0
INSERT_EM = 1.55           # the "+" button between two headers: 28 px at the base font
LABEL_GAP = 14             # between the shape labels of neighbouring columns
MIN_SLOT = 30              # px per drawn neuron at least: a taller layer is drawn collapsed,
ALWAYS_DRAWN = 8           # unless it is this small ("⋮ 4" under two neurons says less than four neurons)
MARGIN = 16
NODE_RADIUS = 17.0         # px, largest node without a map
MAP_NODE_RADIUS = 26.0     # px, largest node showing its map: big enough to read from the back of a room


class NetworkCanvas(QWidget):
    layer_clicked = Signal(int)   # 1..L, or 0 for the input / empty space

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("networkCanvas")
        self.setAccessibleName("Network canvas")
        self.setAccessibleDescription("The network's layers as columns of neurons; click a layer to select it")
        self.setMouseTracking(True)
        self.setAttribute(Qt.WA_OpaquePaintEvent)   # paintEvent fills the background itself
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.shape_kinds = set(SHAPE_KINDS)
        self._headers: list[LayerHeader] = []
        self._insert_buttons: list[QToolButton] = []
        self._shape_labels: list[dict[str, QLabel]] = []
        self._io_labels = [QLabel(self), QLabel(self)]
        for label in self._io_labels:
            label.setAlignment(Qt.AlignCenter)
            label.setWordWrap(True)
        self._nodes: list[list[tuple[int | None, QPointF]]] = []
        self._radius = 12.0
        self._step = None   # (kind, l) of the step-through mode's current step, or None
        self._shape_key = None
        self._refreshed_for = None   # (layer sizes, activations) and the data the widgets were made for
        self._refreshed_data = None
        self._maps = NeuronMaps()
        self._maps_stale = False
        self._map_throttle = FrameThrottle(self._refresh_maps, self)
        self._hover: tuple[int, int] | None = None
        self.popup = NeuronPopup(self)
        controller.network_changed.connect(self.refresh)
        controller.data_changed.connect(self.refresh)
        controller.selection_changed.connect(lambda _: self.update())
        self.layer_clicked.connect(controller.select_layer)
        self.refresh()

    # --- public ---------------------------------------------------------------------------------
    def set_shape_kinds(self, kinds) -> None:
        """Which shape annotations to show: any of W, b, Z, A, params."""
        self.shape_kinds = set(kinds)
        self.updateGeometry()
        self._relayout()

    def shape_texts(self) -> list[dict[str, str]]:
        """The shape annotations as plain text, column by column (for tests and accessibility)."""
        return [{k: label.property("plain") for k, label in col.items()} for col in self._shape_labels]

    def drawn_units(self) -> list[list[int | None]]:
        """The unit indices drawn in each column; None marks the "⋮" of a collapsed layer."""
        return [[u for u, _ in col] for col in self._nodes]

    def neuron_map(self, l: int, u: int) -> np.ndarray | None:
        """Unit u of layer l's activation over the input plane (row i upwards along x2), as drawn in
        its node: A[l] for a hidden layer, P(y = 1 | x) for the output. None if not drawn."""
        return self._maps.values.get((l, u))

    def neuron_image(self, l: int, u: int):
        """The QImage of unit u of layer l's map (drawn inside its node when the node is at least
        MIN_MAP_RADIUS, enlarged on hover), or None."""
        return self._maps.images.get((l, u))

    def map_grid(self):
        """The core.boundary.Grid the neuron maps are evaluated on (None unless the data is 2-D)."""
        return self._maps.grid

    def node_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(column l, unit u) of the neuron under pos, or None (the "⋮" of a collapsed layer is not one)."""
        r = self._radius
        for i, column in enumerate(self._nodes):
            for u, c in column:
                if u is not None and math.hypot(pos.x() - c.x(), pos.y() - c.y()) <= r + 3:
                    return i, u
        return None

    # --- building -------------------------------------------------------------------------------
    def refresh(self) -> None:
        net = self.controller.network
        data = self.controller.data
        key = (net.layer_sizes, tuple(net.activations))
        if key == self._refreshed_for and data is self._refreshed_data:
            # New values in the same network (training: up to 30 times a second): the widgets and
            # the layout stay as they are; only the edges and the maps are drawn again.
            self.update(self._live_rect())
            self._map_throttle.request()
            return
        self._refreshed_for, self._refreshed_data = key, data
        L = net.L
        self._sync_widgets(L)
        for l, header in enumerate(self._headers, start=1):
            header.set_layer(l, net.layer_sizes[l], net.activations[l - 1])
        for i, button in enumerate(self._insert_buttons):
            button.setEnabled(L - 1 < MAX_HIDDEN_LAYERS)
            tip = (f"Add a hidden layer between {'the input' if i == 0 else f'layer {i}'} and "
                   f"{'the output' if i == L - 1 else f'layer {i + 1}'}")
            button.setToolTip(tip if L - 1 < MAX_HIDDEN_LAYERS else f"At most {MAX_HIDDEN_LAYERS} hidden layers")
            button.setAccessibleName(tip)
        data = self.controller.data
        n0 = net.layer_sizes[0]
        what = f"{n0:,} pixels" if data.image_shape else f"n[0] = {n0}"
        self._io_labels[0].setText(f"<b>Input</b><br>{what}")
        self._io_labels[0].setToolTip("The input layer x: one unit per feature of an example")
        self._io_labels[1].setText("<b>Output ŷ</b><br>1 sigmoid unit")
        self._io_labels[1].setToolTip("The output layer: one sigmoid unit, ŷ = P(y = 1 | x)")
        key = (net.layer_sizes, net.activations, data.X.shape)
        if key != self._shape_key:  # shapes depend on the architecture and m, not on the values
            self._shape_key = key
            self._update_shapes()
            # The minimum width follows the columns and their labels: tell the scroll area, or
            # it keeps the old width and a deeper network's headers and labels overlap.
            self.updateGeometry()
        self._relayout()
        self._map_throttle.request()   # coalesced: training emits network_changed up to 30 times a second

    def _sync_widgets(self, L: int) -> None:
        """Keep one header per hidden layer, one "+" per gap and one shape block per column."""
        while len(self._headers) < L - 1:
            header = LayerHeader(len(self._headers) + 1, self)
            header.units_requested.connect(self.controller.set_units)
            header.activation_requested.connect(self.controller.set_activation)
            header.remove_requested.connect(self.controller.remove_layer)
            header.show()
            self._headers.append(header)
        while len(self._headers) > L - 1:
            self._headers.pop().deleteLater()
        while len(self._insert_buttons) < L:
            button = QToolButton(self)
            button.setText("+")
            button.setObjectName("insertLayer")
            i = len(self._insert_buttons)
            button.clicked.connect(lambda _=False, l=i + 1: self.controller.insert_layer(l))
            button.show()
            self._insert_buttons.append(button)
        while len(self._insert_buttons) > L:
            self._insert_buttons.pop().deleteLater()
        while len(self._shape_labels) < L + 1:
            col = {}
            for kind in SHAPE_KINDS:
                label = QLabel(self)
                label.setAlignment(Qt.AlignCenter)
                label.setTextFormat(Qt.RichText)
                col[kind] = label
            self._shape_labels.append(col)
        while len(self._shape_labels) > L + 1:
            for label in self._shape_labels.pop().values():
                label.deleteLater()

    def _update_shapes(self) -> None:
        """Shape labels from the arrays themselves: parameters, and the caches of a real forward pass."""
        net = self.controller.network
        _, caches = self.controller.forward_pass()
        X = self.controller.data.X
        first = self._shape_labels[0]
        for kind in SHAPE_KINDS:
            first[kind].hide()
            first[kind].setProperty("plain", None)
        _set_shape(first["A"], "A", 0, X.shape,
                   f"X = A[0] holds one column per example: (n[0], m) = {X.shape}.", prefix="X = ")
        for l in range(1, net.L + 1):
            col = self._shape_labels[l]
            W, b = net.parameters[f"W{l}"], net.parameters[f"b{l}"]
            cache = caches[l - 1]
            n, n_prev, m = W.shape[0], W.shape[1], cache.Z.shape[1]
            _set_shape(col["W"], "W", l, W.shape,
                       f"W[{l}] has one row per unit of layer {l} and one column per unit of layer {l - 1}: "
                       f"(n[{l}], n[{l - 1}]) = ({n}, {n_prev}).")
            _set_shape(col["b"], "b", l, b.shape,
                       f"b[{l}] has one row per unit of layer {l} and one column, broadcast across the "
                       f"m examples when it is added to W[{l}]·A[{l - 1}]: (n[{l}], 1) = ({n}, 1).")
            _set_shape(col["Z"], "Z", l, cache.Z.shape,
                       f"Z[{l}] = W[{l}]·A[{l - 1}] + b[{l}]: ({n}, {n_prev})·({n_prev}, {m}) gives one row "
                       f"per unit and one column per example, (n[{l}], m) = ({n}, {m}).")
            _set_shape(col["A"], "A", l, cache.A.shape,
                       f"A[{l}] = g[{l}](Z[{l}]) applies {ACTIVATION_LABELS[net.activations[l - 1]]} "
                       f"element by element, so it has the shape of Z[{l}]: ({n}, {m}).")
            count = W.size + b.size
            col["params"].setText(f"<span style='color:{_muted(self)}'>{count:,} parameters</span>")
            col["params"].setProperty("plain", f"{count:,} parameters")
            col["params"].setToolTip(f"Layer {l} learns n[{l}]·n[{l - 1}] weights + n[{l}] biases = "
                                     f"{n}·{n_prev} + {n} = {count:,} numbers.")
            for label in col.values():
                label.setAccessibleName(label.property("plain") or "")

    # --- geometry ---------------------------------------------------------------------------------
    def minimumSizeHint(self):
        from PySide6.QtCore import QSize
        halves, pitches = self._column_extents()
        width = 2 * MARGIN + halves[0] + sum(pitches) + halves[-1]
        height = MARGIN + self._header_height() + 8 + 3 * MIN_SLOT + 12 + self._shapes_height() + MARGIN
        return QSize(math.ceil(width), height)

    def sizeHint(self):
        from PySide6.QtCore import QSize
        hint = self.minimumSizeHint()
        return QSize(max(900, hint.width()), max(700, hint.height()))

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._relayout()

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 6

    def _header_width(self) -> int:
        widest = max((h.minimumSizeHint().width() for h in self._headers), default=0)
        return max(round(HEADER_WIDTH_EM * self.fontMetrics().height()), widest)

    def _insert_size(self) -> int:
        return round(INSERT_EM * self.fontMetrics().height())

    def _header_height(self) -> int:
        return round(HEADER_HEIGHT_EM * self.fontMetrics().height())

    def _label_width(self, i: int) -> int:
        """The widest visible shape label of column i."""
        if i >= len(self._shape_labels):
            return 0
        return max((label.sizeHint().width() for kind, label in self._shape_labels[i].items()
                    if kind in self.shape_kinds and label.property("plain") is not None), default=0)

    def _input_label_room(self) -> float:
        """Room left of the input nodes for their names when "x12288" cannot fit inside a node."""
        n0 = self.controller.network.layer_sizes[0]
        text = f"x{n0}"
        if _fits(self.font(), text, 2 * NODE_RADIUS - 4):
            return 0.0
        return self.fontMetrics().horizontalAdvance(text) + 8

    def _column_extents(self) -> tuple[list[float], list[float]]:
        """Each column's half-width (header, labels, names) and the least distance between
        neighbouring columns: a "+" between two headers, a gap between two columns of labels."""
        L = self.controller.network.L
        header = self._header_width()
        halves = [max(header, self._label_width(i)) / 2 for i in range(L + 1)]
        halves[0] = max(halves[0], NODE_RADIUS + self._input_label_room())
        pitches = []
        for i in range(L):
            labels = (self._label_width(i) + self._label_width(i + 1)) / 2 + LABEL_GAP
            pitches.append(max(header + self._insert_size() + 10, labels, 2 * MAP_NODE_RADIUS + 40))
        return halves, pitches

    def _column_x(self) -> list[float]:
        """Column centres: evenly spaced when that leaves every gap its minimum, else the minimum
        gaps with what is left shared out (and past the minimum width, the scroll area scrolls)."""
        halves, pitches = self._column_extents()
        left = MARGIN + halves[0]
        span = self.width() - MARGIN - halves[-1] - left
        L = len(pitches)
        even = span / L if L else 0
        if all(p <= even for p in pitches):
            steps = [even] * L
        else:
            extra = max(0.0, span - sum(pitches)) / L if L else 0
            steps = [p + extra for p in pitches]
        xs = [left]
        for step in steps:
            xs.append(xs[-1] + step)
        return xs

    def _shapes_height(self) -> int:
        return self._line_height() * len(self.shape_kinds) + 12

    def _live_rect(self):
        """What new parameter values change: the edges and the nodes (and their maps). The
        headers, "+" buttons and shape labels around them are not repainted with them."""
        r = self._radius + 4
        points = [c for column in self._nodes for _, c in column]
        if not points:
            return self.rect()
        xs, ys = [c.x() for c in points], [c.y() for c in points]
        return QRectF(min(xs) - r, min(ys) - r, max(xs) - min(xs) + 2 * r,
                      max(ys) - min(ys) + 2 * r).toAlignedRect()

    def neuron_area(self) -> QRectF:
        top = MARGIN + self._header_height() + 8
        bottom = self.height() - MARGIN - self._shapes_height()
        return QRectF(0, top, self.width(), max(60.0, bottom - top))

    def _relayout(self) -> None:
        xs = self._column_x()
        header_width = self._header_width()
        for l, header in enumerate(self._headers, start=1):
            header.setFixedWidth(header_width)
            header.adjustSize()
            header.move(int(xs[l] - header.width() / 2), MARGIN)
        for i, label in enumerate(self._io_labels):
            x = xs[0] if i == 0 else xs[-1]
            label.setFixedWidth(header_width)
            label.setFixedHeight(label.heightForWidth(header_width))
            label.move(int(x - label.width() / 2), MARGIN + 8)
        size = self._insert_size()
        for i, button in enumerate(self._insert_buttons):
            button.setFixedSize(size, size)
            button.move(int((xs[i] + xs[i + 1]) / 2 - size / 2), MARGIN + self._header_height() // 2 - size // 2)
        area = self.neuron_area()
        top = area.bottom() + 12
        for i, col in enumerate(self._shape_labels):
            y = top
            width = self._label_width(i)
            for kind in SHAPE_KINDS:
                label = col[kind]
                visible = kind in self.shape_kinds and label.property("plain") is not None
                label.setVisible(visible)
                if visible:
                    label.setFixedWidth(width)
                    label.setFixedHeight(self._line_height())
                    x = min(max(0, xs[i] - width / 2), self.width() - width)
                    label.move(int(x), int(y))
                    y += self._line_height()
        self._layout_nodes(xs, area)
        self.update()

    def _layout_nodes(self, xs, area: QRectF) -> None:
        sizes = self.controller.network.layer_sizes
        self._laid_out_for = sizes
        fit = max(3, int(area.height() // MIN_SLOT))   # a taller canvas draws more neurons, not smaller ones
        columns = []
        for n in sizes:
            if n <= max(min(fit, MAX_DRAWN), ALWAYS_DRAWN):
                columns.append(list(range(n)))
            else:  # collapsed: the first few, an ellipsis, the last
                head = max(1, min(fit - 2, 5))
                columns.append(list(range(head)) + [None, n - 1])
        tallest = max(len(c) for c in columns)
        slot = area.height() / tallest
        had_maps = self._radius >= MIN_MAP_RADIUS
        data = self.controller.data
        maps = data.image_shape is None and data.n_x == 2
        self._radius = max(6.0, min(MAP_NODE_RADIUS if maps else NODE_RADIUS, slot / 2 - 4))
        before = self.drawn_units()
        self._nodes = []
        for x, units in zip(xs, columns):
            height = slot * len(units)
            y0 = area.center().y() - height / 2 + slot / 2
            self._nodes.append([(u, QPointF(x, y0 + k * slot)) for k, u in enumerate(units)])
        if self.drawn_units() != before or had_maps != (self._radius >= MIN_MAP_RADIUS):
            self._map_throttle.request()   # other neurons are drawn now: they need their maps

    # --- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event):
        if getattr(self, "_laid_out_for", None) != self.controller.network.layer_sizes:
            # A paint can come in the middle of an edit (a sibling's synchronous repaint, while
            # the signals that refresh this canvas are still on their way): lay the nodes out
            # for the network as it is now, so the drawing never mixes two architectures.
            self._layout_nodes(self._column_x(), self.neuron_area())
        p = QPainter(self)
        pal = self.palette()
        # Opaque: the canvas fills its own background, so a frame does not paint the scroll
        # area and the window beneath it first (two more full-size paints a frame).
        p.fillRect(event.rect(), pal.color(self.backgroundRole()))
        p.setRenderHint(QPainter.Antialiasing)
        self._paint_selection(p, pal)
        self._paint_step(p)
        self._paint_edges(p)
        self._paint_nodes(p, pal)

    # --- step-through highlight ---------------------------------------------------------------
    def set_step(self, kind: str | None, l: int = 0) -> None:
        """Highlight the layer of the current step and the direction of flow (None: no step)."""
        self._step = None if kind is None else (kind, l)
        self.update()

    def step_highlight(self):
        return self._step

    def _paint_step(self, p: QPainter) -> None:
        if self._step is None or not self._nodes:
            return
        kind, l = self._step
        last = len(self._nodes) - 1
        columns = {"forward": [l], "backward": [l], "cost": [last], "update": list(range(1, last + 1))}[kind]
        color = QColor(STEP_COLORS[kind])
        band = QColor(color)
        band.setAlpha(46)
        p.setPen(Qt.NoPen)
        p.setBrush(band)
        area = self.neuron_area()
        width = self._header_width() + 12
        for i in columns:
            if 0 < i <= last:
                x = self._nodes[i][0][1].x()
                p.drawRoundedRect(QRectF(x - width / 2, area.top() - 8, width, area.height() + 16), 10, 10)
        if kind in ("forward", "backward") and 1 <= l <= last:
            # An arrow between layer l-1 and l, pointing the way the numbers flow.
            x0, x1 = self._nodes[l - 1][0][1].x(), self._nodes[l][0][1].x()
            y = area.top() - 2
            start, end = (x0 + 20, x1 - 20) if kind == "forward" else (x1 - 20, x0 + 20)
            pen = QPen(color, 4)
            pen.setCapStyle(Qt.RoundCap)
            p.setPen(pen)
            p.drawLine(QPointF(start, y), QPointF(end, y))
            head = 12 if end > start else -12
            p.drawLine(QPointF(end, y), QPointF(end - head, y - 8))
            p.drawLine(QPointF(end, y), QPointF(end - head, y + 8))

    def _paint_selection(self, p: QPainter, pal: QPalette) -> None:
        l = self.controller.selected_layer
        if not l or l >= len(self._nodes):
            return
        x = self._nodes[l][0][1].x()
        color = QColor(pal.color(QPalette.Highlight))
        color.setAlpha(38)
        p.setPen(Qt.NoPen)
        p.setBrush(color)
        width = self._header_width() + 12
        p.drawRoundedRect(QRectF(x - width / 2, MARGIN - 6, width, self.height() - 2 * MARGIN + 12), 10, 10)

    def _paint_edges(self, p: QPainter) -> None:
        """Edges coloured by the weight's sign, width and opacity by √(|w| / max|w|).

        Strengths are rounded to EDGE_LEVELS steps and each (sign, step) group is drawn with one pen
        in one drawLines call: switching pens per line made a 300-edge repaint cost ~25 ms.
        """
        params = self.controller.network.parameters
        weights = [params[f"W{l}"] for l in range(1, len(self._nodes))]
        with np.errstate(invalid="ignore"):
            w_max = max((float(np.nanmax(np.abs(W))) for W in weights), default=0.0)
        w_max = w_max if math.isfinite(w_max) and w_max > 0 else 1.0
        groups: dict[tuple[bool, int], list[QLineF]] = {}
        for l in range(1, len(self._nodes)):
            W = weights[l - 1]
            targets = [(j, a) for j, a in self._nodes[l] if j is not None]
            sources = [(k, b) for k, b in self._nodes[l - 1] if k is not None]
            if not targets or not sources:
                continue
            block = W[np.ix_([j for j, _ in targets], [k for k, _ in sources])]
            with np.errstate(invalid="ignore"):
                levels = np.rint(np.sqrt(np.minimum(np.abs(block) / w_max, 1.0)) * EDGE_LEVELS)
            levels = np.nan_to_num(levels, nan=EDGE_LEVELS).astype(int)
            positive = block >= 0
            for t, (_, a) in enumerate(targets):
                for s, (_, b) in enumerate(sources):
                    groups.setdefault((bool(positive[t, s]), int(levels[t, s])), []).append(QLineF(b, a))
        pos, neg = QColor(theme.POSITIVE), QColor(theme.NEGATIVE)
        for (is_positive, level), lines in sorted(groups.items(), key=lambda kv: kv[0][1]):
            strength = level / EDGE_LEVELS
            color = QColor(pos if is_positive else neg)
            color.setAlphaF(0.18 + 0.75 * strength)
            p.setPen(QPen(color, 0.6 + 4.4 * strength))
            p.drawLines(lines)

    def _paint_nodes(self, p: QPainter, pal: QPalette) -> None:
        r = self._radius
        text = pal.color(QPalette.WindowText)
        fill = pal.color(QPalette.Base)
        outline = QColor(pal.color(QPalette.Mid))
        outline = outline.darker(130) if not theme.is_dark(pal) else outline.lighter(150)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, min(font.pointSizeF(), r * 0.75)))
        p.setFont(font)
        last = len(self._nodes) - 1
        sizes = self.controller.network.layer_sizes
        names_outside = self._input_label_room() > 0   # "x12288" does not fit in a node: beside it
        for i, column in enumerate(self._nodes):
            for u, c in column:
                if u is None:
                    self._paint_ellipsis(p, c, sizes[i], pal)
                    p.setFont(font)
                    continue
                disc = (self._maps.disc((i, u), r, self.devicePixelRatioF())
                        if i > 0 and r >= MIN_MAP_RADIUS else None)
                if disc is not None:
                    p.drawImage(QPointF(c.x() - r, c.y() - r), disc)   # cached, already clipped
                p.setPen(QPen(outline, 1.6))
                p.setBrush(Qt.NoBrush if disc is not None else fill)
                p.drawEllipse(c, r, r)           # over a map, the rim hides the clip's jagged edge
                if disc is not None:
                    continue
                label = f"x{u + 1}" if i == 0 else ("ŷ" if i == last else "")
                if i == 0 and names_outside:
                    p.setPen(text)
                    p.setFont(self.font())
                    p.drawText(self._name_rect(c), Qt.AlignRight | Qt.AlignVCenter, label)
                    p.setFont(font)
                elif label and r >= 9:
                    p.setPen(text)
                    p.setFont(_fitted(font, label, 2 * r - 4))
                    p.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), Qt.AlignCenter, label)

    def _name_rect(self, c: QPointF) -> QRectF:
        """Where an input's name goes when it is drawn beside its node: to the left, right-aligned."""
        r = self._radius
        return QRectF(0, c.y() - r, c.x() - r - 5, 2 * r)

    def input_names(self) -> list[tuple[str, QRectF]]:
        """The drawn inputs' names and where they are drawn (inside the node, or beside it when
        "x12288" would not fit in a node at a readable size), at the canvas's own font size
        when beside."""
        outside = self._input_label_room() > 0
        r = self._radius
        return [(f"x{u + 1}", self._name_rect(c) if outside else QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
                for u, c in (self._nodes[0] if self._nodes else []) if u is not None]

    def _paint_ellipsis(self, p: QPainter, c: QPointF, n: int, pal: QPalette) -> None:
        """"⋮ 12,288" where a collapsed layer's hidden units would be: full size, on a patch of
        the background so the edges passing behind it do not cross the digits."""
        from PySide6.QtGui import QFontMetricsF
        text = f"⋮ {n:,}"
        metrics = QFontMetricsF(self.font())
        w, h = metrics.horizontalAdvance(text) + 14, metrics.height() + 4
        rect = QRectF(c.x() - w / 2, c.y() - h / 2, w, h)
        p.setPen(Qt.NoPen)
        p.setBrush(pal.color(QPalette.Window))
        p.drawRoundedRect(rect, 6, 6)
        p.setPen(pal.color(QPalette.WindowText))
        p.setFont(self.font())
        p.drawText(rect, Qt.AlignCenter, text)

    # --- neuron maps ------------------------------------------------------------------------------
    def _refresh_maps(self) -> None:
        """Evaluate the network over the plane and recolour the drawn neurons (coalesced, throttled)."""
        if not self.isVisible() and self._maps.values:
            self._maps_stale = True      # hidden: catch up when shown
            return
        self._maps_stale = False
        self._maps.set_data(self.controller.data)
        # Nodes too small for a map inside (a laptop's canvas) still get theirs: hovering one
        # enlarges it; paintEvent draws maps inside nodes of MIN_MAP_RADIUS or more only.
        if self._maps.grid is None:
            self._maps.clear()
        else:
            self._maps.update(self.controller.network, self.drawn_units(), theme.is_dark(self.palette()))
        self.update(self._live_rect())
        if self._hover is not None:
            self._show_popup(self._hover)

    def showEvent(self, event):
        super().showEvent(event)
        if self._maps_stale:
            self._map_throttle.request()

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange) and hasattr(self, "_maps"):
            self._maps.recolor(theme.is_dark(self.palette()))
            self.update()
        super().changeEvent(event)
        if event.type() == QEvent.FontChange and hasattr(self, "_maps"):
            self.updateGeometry()  # sizes follow the font (presentation mode)
            self._relayout()

    def _show_popup(self, node: tuple[int, int]) -> None:
        i, u = node
        image = self._maps.images.get(node)
        if image is None or i >= len(self._nodes) or i not in self._maps.ranges:
            self.popup.hide()              # the neuron is gone (an edit): nothing to enlarge
            return
        net = self.controller.network
        last = net.L
        lo, hi = self._maps.ranges[i]
        lut = self._maps.lut(i)
        if i == last:
            title = "Output ŷ"
            labels = [(0, "0 (red)"), (0.5, "0.5"), (1, "(blue) 1")]
            caption = ("ŷ = P(y = 1 | x). Where ŷ > 0.5 the network predicts class 1: "
                       "the boundary is where red turns blue.")
        else:
            title = f"Layer {i}, unit {u + 1}"
            g = net.activations[i - 1]
            if lo < 0:
                labels = [(0, _num(lo)), (0.5, "0"), (1, _num(hi))]
            else:
                lut = lut[len(lut) // 2:]     # the range starts at 0: neutral to blue only
                labels = [(0, "0"), (1, _num(hi))]
            caption = _range_caption(i, g, hi)
        detail = self._maps.detail(net, node)
        self.popup.show_map(title, image if detail is None else detail, lut, labels, caption, self._node_tooltip_details(i, u))
        center = next(c for k, c in self._nodes[i] if k == u)
        self.popup.place_beside(center, self._radius, top=MARGIN + self._header_height() + 4)
        self.popup.show()
        self.popup.raise_()

    def _set_hover(self, node: tuple[int, int] | None) -> None:
        if node is not None and (node[0] == 0 or node not in self._maps.images):
            node = None                   # inputs and map-less nodes keep the plain tooltip
        if node == self._hover:
            return
        self._hover = node
        if node is None:
            self.popup.hide()
        else:
            QToolTip.hideText()
            self._show_popup(node)

    def mouseMoveEvent(self, event):
        self._set_hover(self.node_at(event.position()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event):
        self._set_hover(None)
        super().leaveEvent(event)

    # --- interaction ------------------------------------------------------------------------------
    def column_at(self, x: float) -> int:
        xs = [col[0][1].x() for col in self._nodes] if self._nodes else self._column_x()
        distances = [abs(x - cx) for cx in xs]
        i = int(np.argmin(distances))
        return i if distances[i] <= self._header_width() / 2 + 6 else -1

    def mousePressEvent(self, event):
        if event.button() == Qt.LeftButton:
            i = self.column_at(event.position().x())
            self.layer_clicked.emit(i if i > 0 else 0)
        super().mousePressEvent(event)

    def event(self, event):
        if event.type() == event.Type.ToolTip:
            if self.popup.isVisible():     # the enlarged map already says all the tooltip would
                return True
            tip = self._node_tooltip(event.position() if hasattr(event, "position") else QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def _node_tooltip(self, pos: QPointF) -> str | None:
        r = self._radius
        last = len(self._nodes) - 1
        for i, column in enumerate(self._nodes):
            for u, c in column:
                if u is None or (pos - c).manhattanLength() > 1.5 * r:
                    continue
                if i == 0:
                    return f"Input x{u + 1}: feature {u + 1} of each example (row {u + 1} of X)"
                name = "The output unit ŷ" if i == last else f"Layer {i}, unit {u + 1}"
                return f"{name}: {self._node_tooltip_details(i, u)}"
        return None

    def _node_tooltip_details(self, l: int, u: int) -> str:
        params = self.controller.network.parameters
        b = float(params[f"b{l}"][u, 0])
        W = params[f"W{l}"]
        return (f"b = {b:.4g}; {W.shape[1]:,} incoming weights "
                f"(row {u + 1} of W[{l}]), ‖w‖ = {np.linalg.norm(W[u]):.4g}")


def _num(x: float) -> str:
    return f"{x:.3g}".replace("-", "−")


def _range_caption(l: int, g: str, top: float) -> str:
    """What the colours of a layer-l map mean, for the hover view."""
    a = f"A[{l}] = {ACTIVATION_LABELS[g]}(Z[{l}])"
    # The colours are the activation map's (gui.neuron_maps.activation_lut): theme.NEGATIVE
    # (orange) below 0, theme.POSITIVE (blue) above, as on the edges.
    if g == "tanh":
        return f"{a}, between −1 and 1: orange below 0, blue above."
    if g == "sigmoid":
        return f"{a}, between 0 and 1: neutral near 0, blue towards 1."
    if g == "relu":
        return (f"{a} ≥ 0: neutral where the unit is off, blue up to {_num(top)} "
                f"(the layer's largest A here).")
    return (f"{a}: orange below 0, blue above, up to ±{_num(top)} "
            f"(the layer's largest |A| here).")


def _set_shape(label: QLabel, kind: str, l: int, shape, tip: str, prefix: str = "") -> None:
    dims = ", ".join(str(d) for d in shape)  # no thousands separators: "(12,288, 209)" would mislead
    label.setText(f"{prefix}<b>{kind}</b><sup>[{l}]</sup>&nbsp;({dims})")
    label.setProperty("plain", f"{prefix}{kind}[{l}] ({', '.join(str(d) for d in shape)})")
    label.setToolTip(tip)


def _fits(font: QFont, text: str, width: float, smallest: float = 8.0) -> bool:
    """Whether text fits in width pixels at a readable size: the font's own, or down to `smallest` pt."""
    from PySide6.QtGui import QFontMetricsF
    f = QFont(font)
    f.setPointSizeF(min(f.pointSizeF(), smallest))
    return QFontMetricsF(f).horizontalAdvance(text) <= width


def _fitted(font: QFont, text: str, width: float) -> QFont:
    """The font, made smaller (down to 6 pt) until text fits in width pixels."""
    from PySide6.QtGui import QFontMetricsF
    f = QFont(font)
    while f.pointSizeF() > 6 and QFontMetricsF(f).horizontalAdvance(text) > width:
        f.setPointSizeF(f.pointSizeF() - 0.5)
    return f


def _muted(widget: QWidget) -> str:
    return widget.palette().color(QPalette.PlaceholderText).name()
