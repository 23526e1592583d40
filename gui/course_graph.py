"""Course view, week 2: the computation graph, stepped node by node forward and then backward.

Two graphs the course draws: logistic regression on one example (x, w, b → z → a → L(a, y)) with
its numbers from the engine (core.course.logistic_graph runs core.propagation on a [n, 1] sigmoid
network), and the warm-up J = 3(a + bc). Forward values appear on the nodes as the steps reach
them; backward steps write each node's dvar and the local derivative on the edge it came through.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPainterPath, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QPushButton, QSizePolicy, QSpinBox, QStyle, QTabWidget, QVBoxLayout, QWidget)

from core.course import Graph, chain_rule_graph, logistic_graph
from . import theme

FORWARD_COLOR = theme.POSITIVE      # values flowing forward: blue
BACKWARD_COLOR = "#c0392b"          # derivatives flowing back: red, as the course's slides draw them
DARK_FORWARD, DARK_BACKWARD = "#4fa6e6", "#f0735f"   # the same hues, lighter on a dark background


def flow_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(forward, backward) colours readable on this palette."""
    dark = theme.is_dark(palette)
    return QColor(DARK_FORWARD if dark else FORWARD_COLOR), QColor(DARK_BACKWARD if dark else BACKWARD_COLOR)
MAX_DRAWN_FEATURES = 3              # x₁..x₃ as nodes; wider data is typed by hand


def fmt(value: float) -> str:
    """Four significant figures with a real minus sign; a lecture hall reads "−0.2689"."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    text = f"{value:.4g}" if abs(value) >= 1e-4 else f"{value:.3e}"
    return text.replace("-", "−")


def layout_columns(graph: Graph) -> dict[str, int]:
    """Column of each node: computed nodes by their longest path from a leaf; leaves in the first
    column, except a leaf that feeds only the output (the label y), drawn beside it as the course does."""
    column: dict[str, int] = {}
    fed = {n.name: [e.src for e in graph.edges if e.dst == n.name] for n in graph.nodes}
    for n in graph.nodes:
        if fed[n.name]:
            column[n.name] = 1 + max(column.get(s, 0) for s in fed[n.name])
    for n in graph.nodes:
        if not fed[n.name]:
            consumers = [e.dst for e in graph.edges if e.src == n.name]
            column[n.name] = column[graph.output] - 1 if consumers == [graph.output] else 0
    return column


class GraphCanvas(QWidget):
    """Draws a Graph with `done` of its steps applied; knows nothing of where the numbers come from."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.graph: Graph | None = None
        self.done = 0
        self.setMinimumSize(900, 430)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAccessibleName("Computation graph")

    def set_state(self, graph: Graph, done: int) -> None:
        self.graph, self.done = graph, done
        self._fit_size()
        self.setAccessibleDescription(self.describe())
        self.update()

    # --- what is known after `done` steps -------------------------------------------------------
    def _progress(self):
        steps = self.graph.steps()[:self.done]
        forward = {name for phase, name in steps if phase == "forward"}
        backward = {name for phase, name in steps if phase == "backward"}
        current = steps[-1] if steps else None
        return forward, backward, current

    def value_known(self, name: str) -> bool:
        forward, _, _ = self._progress()
        return name in forward or not any(e.dst == name for e in self.graph.edges)

    def grad_known(self, name: str) -> bool:
        return name in self._progress()[1]

    def describe(self) -> str:
        """The graph as text (for a screen reader and for tests)."""
        parts = []
        for n in self.graph.nodes:
            text = n.label + (f" = {fmt(n.value)}" if self.value_known(n.name) else " = ?")
            if self.grad_known(n.name):
                text += f", d{n.name} = {fmt(n.grad)}"
            parts.append(text)
        return "; ".join(parts)

    # --- drawing --------------------------------------------------------------------------------
    def _node_size(self, node) -> tuple[float, float]:
        fm, small = QFontMetrics(self._node_font()), QFontMetrics(self._value_font())
        width = max(fm.horizontalAdvance(node.label), small.horizontalAdvance("dw₁ = −0.0000")) + 28
        return width, fm.height() + 2 * small.height() + 16

    def _fit_size(self) -> None:
        """Room for the tallest column's nodes, and for a derivative label between columns, in this
        font: presentation mode's larger type must not stack the x, w, b nodes onto each other."""
        if self.graph is None:
            return
        column = layout_columns(self.graph)
        columns = max(column.values()) + 1
        gap = 10
        tallest = max(sum(self._node_size(n)[1] + gap for n in self.graph.nodes if column[n.name] == c)
                      for c in range(columns))
        widths = sum(self._column_widths(column, columns))
        label = QFontMetrics(self._value_font()).horizontalAdvance("∂z/∂w₁ = −0.0000") + 20
        self.setMinimumSize(int(max(900, widths + (columns - 1) * label + 40)), int(max(430, tallest + 30)))

    def _column_widths(self, column: dict, columns: int) -> list[float]:
        return [max((self._node_size(n)[0] for n in self.graph.nodes if column[n.name] == c), default=0.0)
                for c in range(columns)]

    def changeEvent(self, event):
        if event.type() == QEvent.FontChange:
            self._fit_size()
        super().changeEvent(event)

    def _positions(self) -> dict[str, QRectF]:
        column = layout_columns(self.graph)
        columns = max(column.values()) + 1
        # Equal gaps between the columns (each as wide as its widest node): the gaps hold the labels.
        col_w = self._column_widths(column, columns)
        gap = (self.width() - 40 - sum(col_w)) / max(columns - 1, 1)
        rects = {}
        for c in range(columns):
            names = [n for n in self.graph.nodes if column[n.name] == c]
            if not names:
                continue
            h_row = (self.height() - 30) / len(names)
            left = 20 + sum(col_w[:c]) + gap * c
            for k, node in enumerate(names):
                width, height = self._node_size(node)
                cx, cy = left + col_w[c] / 2, 15 + h_row * (k + 0.5)
                rects[node.name] = QRectF(cx - width / 2, cy - height / 2, width, height)
        return rects

    def _node_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        return f

    def _value_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(f.pointSizeF() * 1.2)
        return f

    def paintEvent(self, _):
        if self.graph is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.Base))
        rects = self._positions()
        _, _, current = self._progress()
        paths = {(e.src, e.dst): self._draw_edge(p, e, rects, current) for e in self.graph.edges}
        for n in self.graph.nodes:
            self._draw_node(p, n, rects[n.name], current)
        self.label_boxes = []   # where each local derivative went: the next one keeps clear of them
        for e in self.graph.edges:  # on top: a label never hides under a node
            self._draw_local(p, e, paths[(e.src, e.dst)], rects)
        p.end()

    def _draw_edge(self, p: QPainter, e, rects, current) -> QPainterPath:
        pal = self.palette()
        fwd, bwd = flow_colors(pal)
        a, b = rects[e.src], rects[e.dst]
        # Edges into one node arrive at separate points down its left side, in the order of their sources.
        incoming = sorted((x for x in self.graph.edges if x.dst == e.dst), key=lambda x: rects[x.src].center().y())
        k, n = incoming.index(e), len(incoming)
        offset = (k - (n - 1) / 2) * min(b.height() * 0.7 / max(n - 1, 1), 14)
        start, end = QPointF(a.right(), a.center().y()), QPointF(b.left(), b.center().y() + offset)
        active_fwd = current == ("forward", e.dst)
        active_bwd = current == ("backward", e.src) and e.local is not None
        quiet = QColor(pal.color(QPalette.Text))
        quiet.setAlpha(120)  # visible on the light and the dark palette alike
        color = fwd if active_fwd else bwd if active_bwd else quiet
        p.setPen(QPen(color, 4 if (active_fwd or active_bwd) else 2))
        path = QPainterPath(start)
        mid_x = (start.x() + end.x()) / 2
        path.cubicTo(QPointF(mid_x, start.y()), QPointF(mid_x, end.y()), end)
        p.setBrush(Qt.NoBrush)
        p.drawPath(path)
        _arrow_head(p, end, color)
        return path

    def _draw_local(self, p: QPainter, e, path: QPainterPath, rects) -> None:
        """The local derivative ∂dst/∂src = value, once backward has passed through this edge."""
        if e.local is None or not self.grad_known(e.src):
            return
        pal = self.palette()
        bwd = flow_colors(pal)[1]
        text = f"{e.formula.split(' = ')[0]} = {fmt(e.local)}"
        f = self._value_font()
        p.setFont(f)
        fm = QFontMetrics(f)
        box = label_box(path, rects, self.label_boxes, fm.horizontalAdvance(text) + 12, fm.height() + 4,
                        (rects[e.src].right() + rects[e.dst].left()) / 2)
        self.label_boxes.append(box)
        fill = QColor(pal.color(QPalette.Base))
        fill.setAlpha(235)
        p.setPen(QPen(bwd, 1))
        p.setBrush(fill)
        p.drawRoundedRect(box, 4, 4)
        p.drawText(box, Qt.AlignCenter, text)

    def _draw_node(self, p: QPainter, n, r: QRectF, current) -> None:
        pal = self.palette()
        fwd, bwd = flow_colors(pal)
        is_current = current is not None and current[1] == n.name
        fill = QColor(pal.color(QPalette.AlternateBase) if n.kind in ("input", "param") else pal.color(QPalette.Base))
        edge = (fwd if current == ("forward", n.name) else bwd) if is_current \
            else pal.color(QPalette.Dark)
        p.setPen(QPen(edge, 4 if is_current else 1.5))
        p.setBrush(fill)
        p.drawRoundedRect(r, 10, 10)
        f, small = self._node_font(), self._value_font()
        fm_big = QFontMetrics(f).height()
        fm_small = QFontMetrics(small).height()
        p.setFont(f)
        p.setPen(pal.color(QPalette.Text))
        p.drawText(QRectF(r.left(), r.top() + 6, r.width(), fm_big), Qt.AlignCenter, n.label)
        p.setFont(small)
        y = r.top() + 8 + fm_big
        if self.value_known(n.name):
            p.setPen(fwd)
            p.drawText(QRectF(r.left(), y, r.width(), fm_small), Qt.AlignCenter, f"= {fmt(n.value)}")
        if self.grad_known(n.name):
            p.setPen(bwd)
            short = n.label if "=" not in n.label and "(" not in n.label else n.name  # w₁, not w1
            p.drawText(QRectF(r.left(), y + fm_small, r.width(), fm_small), Qt.AlignCenter,
                       f"d{short} = {fmt(n.grad)}" if n.kind != "output" else f"d{n.name}/d{n.name} = 1")


def label_box(path: QPainterPath, rects: dict, taken: list, width: float, height: float, gap_x: float) -> QRectF:
    """Where an edge's label goes: on the curve, as near as can be to where it crosses the middle of
    the gap between the two columns, but over no node and no other label. Where nothing is free
    (a canvas too small), the middle of the gap."""
    points = [path.pointAtPercent(k / 40) for k in range(1, 40)]
    middle = min(range(len(points)), key=lambda k: abs(points[k].x() - gap_x))
    blocked = [r.adjusted(-3, -3, 3, 3) for r in rects.values()] + list(taken)
    for k in sorted(range(len(points)), key=lambda k: abs(k - middle)):
        box = QRectF(0, 0, width, height)
        box.moveCenter(points[k])
        if not any(box.intersects(r) for r in blocked):
            return box
    box = QRectF(0, 0, width, height)
    box.moveCenter(points[middle])
    return box


def _arrow_head(p: QPainter, tip: QPointF, color: QColor) -> None:
    size = 11
    path = QPainterPath(tip)
    path.lineTo(tip + QPointF(-size, -size * 0.55))
    path.lineTo(tip + QPointF(-size, size * 0.55))
    path.closeSubpath()
    p.setPen(Qt.NoPen)
    p.setBrush(color)
    p.drawPath(path)


class GraphStepper(QWidget):
    """A graph canvas with restart/back/next/all buttons and the current step written out."""
    stepped = Signal(int)

    def __init__(self, legend: str, parent=None):
        super().__init__(parent)
        self.graph: Graph | None = None
        self.done = 0
        self.canvas = GraphCanvas()
        self.explain = QLabel()
        self.explain.setTextFormat(Qt.RichText)
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("Current step")
        f = QFont(self.explain.font())
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self.explain.setFont(f)
        self.explain.setMinimumHeight(int(QFontMetrics(f).height() * 2.4))
        self.legend = QLabel(legend)
        self.legend.setWordWrap(True)
        self.legend.setForegroundRole(QPalette.PlaceholderText)
        self.legend.setAccessibleName("How to read the graph")

        self.buttons = {}
        row = QHBoxLayout()
        for key, text, icon, tip, slot in (
                ("restart", "Restart", QStyle.SP_MediaSkipBackward, "Back to the start: only the inputs known (Home)",
                 self.restart),
                ("back", "Back", QStyle.SP_MediaSeekBackward, "Undo the last step (← or P)", self.back),
                ("next", "Next", QStyle.SP_MediaSeekForward, "The next node: forward first, then backward (→ or N)",
                 self.next),
                ("all", "Show all", QStyle.SP_MediaSkipForward, "Every forward value and every derivative (End)",
                 self.show_all)):
            b = QPushButton(self.style().standardIcon(icon), text)
            b.setToolTip(tip)
            b.setAccessibleName(text)
            b.setMinimumHeight(40)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[key] = b
        self.position = QLabel()
        self.position.setAccessibleName("Step number")
        row.addWidget(self.position, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.explain)
        layout.addLayout(row)
        layout.addWidget(self.legend)
        # Keys work anywhere in the view's window (only the visible tab's stepper answers);
        # a spin box with focus keeps its own arrows.
        for keys, slot in (((Qt.Key_Right, Qt.Key_N), self.next), ((Qt.Key_Left, Qt.Key_P), self.back),
                           ((Qt.Key_Home,), self.restart), ((Qt.Key_End,), self.show_all)):
            for key in keys:
                sc = QShortcut(QKeySequence(key), self)
                sc.setContext(Qt.WindowShortcut)
                sc.activated.connect(slot)

    def set_graph(self, graph: Graph) -> None:
        """New numbers (an input was edited): the step reached stays."""
        self.graph = graph
        self.done = min(self.done, len(graph.steps()))
        self._show()

    def next(self) -> None:
        if self.graph is not None and self.done < len(self.graph.steps()):
            self.done += 1
            self._show()

    def back(self) -> None:
        if self.done > 0:
            self.done -= 1
            self._show()

    def restart(self) -> None:
        self.done = 0
        self._show()

    def show_all(self) -> None:
        if self.graph is not None:
            self.done = len(self.graph.steps())
            self._show()

    def _show(self) -> None:
        g = self.graph
        steps = g.steps()
        self.canvas.set_state(g, self.done)
        self.position.setText(f"  step {self.done} of {len(steps)}")
        self.buttons["back"].setEnabled(self.done > 0)
        self.buttons["restart"].setEnabled(self.done > 0)
        self.buttons["next"].setEnabled(self.done < len(steps))
        self.buttons["all"].setEnabled(self.done < len(steps))
        self.explain.setText(self.step_text())
        self.stepped.emit(self.done)

    def step_text(self) -> str:
        g, steps = self.graph, self.graph.steps()
        fwd, bwd = flow_colors(self.palette())
        if self.done == 0:
            return "Only the inputs are known. Press <b>Next</b> (→) to compute the graph left to right."
        phase, name = steps[self.done - 1]
        n = g.node(name)
        if phase == "forward":
            return (f"<span style='color:{fwd.name()}'><b>Forward</b></span> &nbsp; {n.label} "
                    f"&nbsp;=&nbsp; <b>{fmt(n.value)}</b>")
        out = [e for e in g.edges if e.src == name and e.local is not None]
        chain = " + ".join(f"d{e.dst} × {e.formula.split(' = ')[0]} = {fmt(g.node(e.dst).grad)} × {fmt(e.local)}"
                           for e in out)
        chain = f"<br><span style='color:gray'>chain rule: {chain}</span>" if chain else ""
        return (f"<span style='color:{bwd.name()}'><b>Backward</b></span> &nbsp; {n.dformula} "
                f"&nbsp;=&nbsp; <b>{fmt(n.grad)}</b>{chain}")


def _spin(name: str, tip: str, value: float, low=-1e6, high=1e6, step=0.1, decimals=3) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(low, high)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setValue(value)
    s.setToolTip(tip)
    s.setAccessibleName(name)
    s.setMinimumWidth(110)
    return s


class LogisticGraphPanel(QWidget):
    """Logistic regression on example i of the data, with w and b from a [n, 1] network or typed."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Logistic regression computation graph")
        self.stepper = GraphStepper(
            "Blue: forward values. Red: dvar, the course's name in code for dL/dvar, and on each edge the "
            "local derivative it was multiplied by (the chain rule). Numbers from the engine's backward pass "
            "for a [n, 1] sigmoid network on this one example.")
        self.example = QSpinBox()
        self.example.setToolTip("Which training example i of the data: x = X[:, i], y = Y[0, i]")
        self.example.setAccessibleName("Example index i")
        self.example.valueChanged.connect(self._take_example)
        # Typed-by-hand defaults (used when the data are not 2-D): a small example with z ≠ 0.
        self.xs = [_spin(f"x{k + 1}", f"Feature x{k + 1} of the example", v) for k, v in enumerate((1.0, 2.0))]
        self.y = QComboBox()
        self.y.addItems(["0", "1"])
        self.y.setCurrentIndex(1)
        self.y.setToolTip("The label y of the example")
        self.y.setAccessibleName("Label y")
        self.ws = [_spin(f"w{k + 1}", f"Weight w{k + 1}", v) for k, v in enumerate((0.5, 0.25))]
        self.b = _spin("b", "The bias b", -0.2)
        self.follow = QCheckBox("w, b from the network")
        self.follow.setToolTip("Use W[1] and b[1] of the current network (it must be logistic regression: "
                               "no hidden layer); they follow training live")
        self.follow.setAccessibleName("Take w and b from the network")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Where the numbers come from")

        form = QHBoxLayout()
        for label, w in (("example i", self.example), ("x₁", self.xs[0]), ("x₂", self.xs[1]), ("y", self.y),
                         ("w₁", self.ws[0]), ("w₂", self.ws[1]), ("b", self.b)):
            lab = QLabel(label)
            lab.setBuddy(w)
            form.addWidget(lab)
            form.addWidget(w)
        form.addWidget(self.follow)
        form.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.stepper, 1)

        for s in (*self.xs, *self.ws, self.b):
            s.valueChanged.connect(self.recompute)
        self.y.currentIndexChanged.connect(self.recompute)
        self.follow.toggled.connect(self._follow_toggled)
        controller.network_changed.connect(self._network_changed)
        controller.data_changed.connect(self._data_changed)
        self._data_changed()
        self._network_changed()
        self.follow.setChecked(self._network_is_logistic())
        self.recompute()

    # --- inputs ---------------------------------------------------------------------------------
    def _network_is_logistic(self) -> bool:
        net = self.controller.network
        return net.L == 1 and net.layer_sizes[0] == 2

    def _data_changed(self) -> None:
        data = self.controller.data
        two_d = data.n_x == 2
        self.example.setEnabled(two_d)
        self.example.setRange(0, max(data.m - 1, 0))
        if two_d:
            self.note.setText(f"x and y: example i of the {data.name or 'current'} data (m = {data.m}); "
                              "type other values to explore.")
            self._take_example(self.example.value())
        else:
            self.note.setText(f"These data have n[0] = {data.n_x:,} features: the graph draws two, "
                              "so type x₁, x₂ and y by hand (or open 2-D data).")

    def _take_example(self, i: int) -> None:
        data = self.controller.data
        if data.n_x != 2 or not 0 <= i < data.m:
            return
        with _Blocked(*self.xs, self.y):
            self.xs[0].setValue(float(data.X[0, i]))
            self.xs[1].setValue(float(data.X[1, i]))
            self.y.setCurrentIndex(int(data.Y[0, i] > 0.5))
        self.recompute()

    def _network_changed(self) -> None:
        ok = self._network_is_logistic()
        self.follow.setEnabled(ok)
        if not ok:
            self.follow.setChecked(False)
            self.follow.setToolTip("The current network has hidden layers: choose Examples → Week 2 "
                                   "(or remove them) to take w and b from it")
        else:
            self.follow.setToolTip("Use W[1] and b[1] of the current network (logistic regression); "
                                   "they follow training live")
        if self.follow.isChecked():
            self._take_parameters()

    def _follow_toggled(self, on: bool) -> None:
        for s in (*self.ws, self.b):
            s.setEnabled(not on)
        if on:
            self._take_parameters()

    def _take_parameters(self) -> None:
        p = self.controller.network.parameters
        with _Blocked(*self.ws, self.b):
            self.ws[0].setValue(float(p["W1"][0, 0]))
            self.ws[1].setValue(float(p["W1"][0, 1]))
            self.b.setValue(float(p["b1"][0, 0]))
        self.recompute()

    def values(self):
        """(x, y, w, b): the numbers the graph is drawn for (the network's own when following it)."""
        x = [s.value() for s in self.xs]
        if self.follow.isChecked():
            p = self.controller.network.parameters
            w, b = p["W1"][0].tolist(), float(p["b1"][0, 0])
        else:
            w, b = [s.value() for s in self.ws], self.b.value()
        if self.example.isEnabled():
            data, i = self.controller.data, self.example.value()
            typed = [round(float(data.X[k, i]), 3) for k in range(2)]
            if typed == [round(v, 3) for v in x]:
                x = data.X[:, i].tolist()  # the exact example, not its 3-decimal display
        return x, float(self.y.currentIndex()), w, b

    def recompute(self, *_) -> None:
        x, y, w, b = self.values()
        self.stepper.set_graph(logistic_graph(x, y, w, b))


class ChainRuleGraphPanel(QWidget):
    """J = 3(a + bc) with a, b, c typed; dJ/da, dJ/db, dJ/dc follow by the chain rule."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Chain rule computation graph")
        self.stepper = GraphStepper(
            "u = bc, v = a + u, J = 3v. Backward: dv = 3; du = dv·1 = 3; da = dv·1 = 3; db = du·c = 3c; "
            "dc = du·b = 3b. Red: the course's dvar (dJ/dvar) and the local derivative on each edge.")
        self.a = _spin("a", "The input a", 5.0, step=1.0, decimals=2)
        self.b = _spin("b", "The input b", 3.0, step=1.0, decimals=2)
        self.c = _spin("c", "The input c", 2.0, step=1.0, decimals=2)
        self.summary = QLabel()
        self.summary.setAccessibleName("Derivatives of J")
        f = QFont(self.summary.font())
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.summary.setFont(f)
        row = QHBoxLayout()
        for label, s in (("a", self.a), ("b", self.b), ("c", self.c)):
            lab = QLabel(label)
            lab.setBuddy(s)
            row.addWidget(lab)
            row.addWidget(s)
            s.valueChanged.connect(self.recompute)
        row.addSpacing(30)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.stepper, 1)
        self.recompute()

    def recompute(self, *_) -> None:
        g = chain_rule_graph(self.a.value(), self.b.value(), self.c.value())
        self.graph = g
        self.stepper.set_graph(g)
        self.summary.setText(f"J = {fmt(g.node('J').value)} · dJ/da = {fmt(g.node('a').grad)} · "
                             f"dJ/db = 3c = {fmt(g.node('b').grad)} · dJ/dc = 3b = {fmt(g.node('c').grad)}")


class ComputationGraphView(QWidget):
    """The window: logistic regression and the chain-rule warm-up, one tab each."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Computation graph (week 2)")
        self.setAccessibleName("Computation graph view")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Computation graphs")
        self.logistic = LogisticGraphPanel(controller)
        self.chain = ChainRuleGraphPanel()
        self.tabs.addTab(self.logistic, "Logistic regression: x, w, b → z → a → L")
        self.tabs.addTab(self.chain, "Warm-up: J = 3(a + bc)")
        self.tabs.setTabToolTip(0, "Forward and backward propagation on one example, as in week 2")
        self.tabs.setTabToolTip(1, "The chain rule on the course's small example")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._focus_next)
        self.resize(1400, 820)

    def _focus_next(self, *_) -> None:
        # The step keys (→, ←) belong to the graph, not to a spin box that happens to have focus.
        self.tabs.currentWidget().stepper.buttons["next"].setFocus()

    def showEvent(self, event):
        super().showEvent(event)
        self._focus_next()


class _Blocked:
    """Set several widgets' values without each one announcing it."""

    def __init__(self, *widgets):
        self.widgets = widgets

    def __enter__(self):
        for w in self.widgets:
            w.blockSignals(True)

    def __exit__(self, *_):
        for w in self.widgets:
            w.blockSignals(False)
