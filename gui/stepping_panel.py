"""Step through forward and backward propagation: controls, the steps, the equation, the tensors
the step read and wrote, and the cache list filling up forward and consumed backward.

The panel lives in a dock beside the network canvas, so it must never push the window past the
screen: everything whose size depends on the network (equations, caches, a row of heat maps)
sits in a scroll area, text wraps, and the two halves (the step's maths, its tensors) share the
space side by side when the dock is wide and one above the other when it is tall.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (QBoxLayout, QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel, QScrollArea,
                               QSizePolicy, QSpinBox, QSplitter, QToolButton, QVBoxLayout, QWidget)

from .equation_view import EquationView, RichText, symbol_html
from .matrix_view import MatrixView
from .step_controller import MAX_SHOWN_EXAMPLES

STEP_TITLES = {"forward": "Forward, layer {l}", "cost": "Cost", "backward": "Backward, layer {l}",
               "update": "Update"}
VIEW_MIN_CHARS = 30         # a heat map or table at least this many digits wide
SIDE_BY_SIDE_RATIO = 1.3    # width/height from which maths and tensors sit side by side
MAX_VIEWS_MADE_AHEAD = 16   # heat maps made when stepping starts (≈ 12 ms each), per row
SPARE_READ_VIEWS = 6        # views beyond the most one step shows: enough that, with [2, 4, 1],
SPARE_WRITE_VIEWS = 4       # no view changes shape after the first pass


class TensorRow(QWidget):
    """A labelled row of MatrixViews ("Read" or "Wrote") that scrolls sideways on its own.

    Stepping must redraw in a few milliseconds, so a step changes what the views show, never
    their geometry: every view of the row has one width (it changes only with the font or the
    dock's size), the row keeps its place while it has nothing to show, and each tensor goes to a
    view that last showed one of its shape (the same tensor first), so the heat map keeps its
    range and axes and only takes the new numbers. The views are made once and reused."""

    def __init__(self, label: str, tooltip: str, follow=None, parent=None):
        super().__init__(parent)
        self.views: list[MatrixView] = []   # every view of the row, shown or not, in no order
        self._follow = follow   # called with the example (column) a click chose
        self._width = 0         # px: the width of every view of the row
        self._steps = 0         # steps shown, and the last at which each view showed a tensor
        self._shown_at: dict = {}
        self.label = QLabel(f"<b>{label}</b>")
        self.label.setAccessibleName(f"{label} by this step")
        self.label.setToolTip(tooltip)
        self.label.setAlignment(Qt.AlignTop | Qt.AlignRight)
        self.label.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)   # its text's width, at any font
        self._inner = QWidget()
        self._row = QHBoxLayout(self._inner)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self._inner)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)   # the outer area scrolls down
        self.scroll.setAccessibleName(f"Tensors {label.lower()} by this step")
        self.scroll.setToolTip(tooltip)
        self.scroll.viewport().installEventFilter(self)   # its width sets the views' width
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.label)
        box.addWidget(self.scroll, 1)
        # A step with nothing to show (the start of a pass) hides the row's name but keeps the
        # row: a hidden row is laid out only when shown again, at the next step.
        policy = self.label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.label.setSizePolicy(policy)
        # Views made hidden are sized when first shown; once the row has its size they are sized
        # and drawn offscreen instead, so that the first pass steps as fast as the next ones.
        self._warm = QTimer(self)
        self._warm.setSingleShot(True)
        self._warm.setInterval(0)
        self._warm.timeout.connect(self._warm_views)

    def ensure_views(self, count: int) -> None:
        """At least `count` views, made now (hidden) rather than during a step."""
        made = False
        while len(self.views) < count:
            self._new_view()
            made = True
        if made:
            self._fit_height()
            self._warm.start()

    def show_tensors(self, tensors: dict, follow: int | None, numbers: bool) -> None:
        items = [(name, np.atleast_2d(array)) for name, array in tensors.items()]
        chosen = self._choose_views(items)
        for i, view in enumerate(chosen):
            if view is None:
                chosen[i] = self._new_view()
                self._fit_height()
        self._fit_width(chosen)
        for view, (name, array) in zip(chosen, items):
            view.set_matrix(name, array)
            view.setToolTip(f"{name}: {self.label.toolTip()}")
            # Only matrices with one column per example (Z, A, dZ, dA, Y) follow an example;
            # the columns of W and dW are units of the previous layer.
            view.highlight_column(follow if _per_example(name) else None)
            if view.numbers_button.isChecked() != numbers:
                view.show_numbers(numbers)
        self._place(chosen)
        self.label.setVisible(bool(items))

    def _choose_views(self, items) -> list:
        """One view per tensor: the view that showed this very tensor (its name and shape), else
        one that showed its shape, else any free one; None where a view must be made."""
        free = list(self.views)
        chosen = [None] * len(items)
        for same_name in (True, False):
            for i, (name, array) in enumerate(items):
                if chosen[i] is not None:
                    continue
                view = next((v for v in free if v.matrix().shape == array.shape
                             and (not same_name or v.name() == name)), None)
                if view is not None:
                    chosen[i] = view
                    free.remove(view)
        # The rest take a view never used, else one of the shape most views have, shown longest
        # ago: the next pass shows the same tensors in the same shapes, so the last view of a
        # shape is kept for them.
        crowd = Counter(v.matrix().shape for v in self.views)
        free.sort(key=lambda v: (v in self._shown_at, -crowd[v.matrix().shape], self._shown_at.get(v, -1)))
        for i in range(len(items)):
            if chosen[i] is None and free:
                chosen[i] = free.pop(0)
        self._steps += 1
        for view in chosen:
            if view is not None:
                self._shown_at[view] = self._steps
        return chosen

    def _place(self, chosen: list) -> None:
        """The chosen views shown in the step's order, the others hidden; the layout is touched
        only when the order changed."""
        shown = [self._row.itemAt(i).widget() for i in range(self._row.count())]
        shown = [w for w in shown if w is not None and not w.isHidden()]
        if shown != chosen:
            for view in chosen:
                self._row.removeWidget(view)
            for position, view in enumerate(chosen):
                self._row.insertWidget(position, view)
        for view in self.views:
            if view not in chosen and not view.isHidden():
                view.hide()
        for view in chosen:
            if view.isHidden():
                view.show()

    def _new_view(self) -> MatrixView:
        view = MatrixView()
        view.set_tools_visible(False)   # the panel switches all views at once: more room for the map
        view.column_clicked.connect(lambda column, v=view: self._clicked(v, column))
        view.hide()
        if self._width:
            view.setFixedWidth(self._width)
        self._row.insertWidget(self._row.count() - 1, view)   # before the stretch
        self.views.append(view)
        return view

    def _fit_width(self, chosen=()) -> None:
        """One width for every view: a third of the visible row, at least VIEW_MIN_CHARS digits,
        and never narrower than a title shown (it only grows while the font and row stay)."""
        digits = self.fontMetrics().horizontalAdvance("0") * VIEW_MIN_CHARS
        third = (self.scroll.viewport().width() - 2 * self._row.spacing()) // 3
        titles = max((v.minimumSizeHint().width() for v in chosen), default=0)
        width = max(digits, third, titles, self._width)
        if width != self._width:
            self._width = width
            for view in self.views:
                view.setFixedWidth(width)
            self._warm.start()

    def _clicked(self, view: MatrixView, column: int) -> None:
        """Clicking an example's column (its header in a table, a cell on a map) follows it."""
        if self._follow is not None and _per_example(view.name()):
            self._follow(column)

    def shown(self) -> dict:
        return {v.name(): v.matrix() for v in self.views if not v.isHidden()}

    def _fit_height(self) -> None:
        # The inner row never scrolls down, so the scroll area asks for the views' height itself.
        tallest = max((v.minimumSizeHint().height() for v in self.views), default=0)
        self.scroll.setMinimumHeight(tallest + self.scroll.horizontalScrollBar().sizeHint().height())
        self._fit_view_height()

    def _fit_view_height(self) -> None:
        # The views leave room for the sideways scroll bar whether it shows or not: a step that
        # shows more views than fit would otherwise make every view shorter, and redraw it twice.
        height = self.scroll.height() - self.scroll.horizontalScrollBar().sizeHint().height()
        for view in self.views:
            if view.maximumHeight() != height and height > 0:
                view.setFixedHeight(max(height, view.minimumSizeHint().height()))
                self._warm.start()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_view_height()

    def _warm_views(self) -> None:
        """Size and draw offscreen the views never shown yet, now that the row has its size:
        polishing, laying out and first painting a view (its axes, the map's range) would
        otherwise cost the step that first shows it ~3 ms a view. (Views shown before are only
        resized when shown again: dragging the dock redraws nothing hidden.)"""
        for view in self.views:
            if (view.isHidden() and view not in self._shown_at
                    and view.testAttribute(Qt.WA_PendingResizeEvent)):
                view.grab()

    def eventFilter(self, watched, event):
        if (event.type() == event.Type.Resize and watched is self.scroll.viewport()
                and event.size().width() != event.oldSize().width()):
            self._width = 0   # a new width for the views: a third of the new row
            self._fit_width([v for v in self.views if not v.isHidden()])
        return super().eventFilter(watched, event)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == event.Type.FontChange and hasattr(self, "scroll"):
            self._width = 0
            self._fit_width([v for v in self.views if not v.isHidden()])
            self._fit_height()


class SteppingPanel(QWidget):
    def __init__(self, stepping, actions, parent=None):
        super().__init__(parent)
        self.stepping = stepping
        self.setAccessibleName("Step-through panel")
        self._split = False   # the splitter's first sizes are set at the first resize

        controls = QHBoxLayout()
        controls.setSpacing(4)
        self.buttons = []
        for action in actions:
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            b.setMinimumHeight(30)
            b.setAccessibleName(action.text().replace("&", ""))
            controls.addWidget(b)
            self.buttons.append(b)
        self.numbers = QCheckBox("N&umbers")   # Alt+U: plain N is the next step
        self.numbers.setToolTip("Every matrix as a table of numbers instead of a heat map (hover a number "
                                "for its exact value)")
        self.numbers.setAccessibleName("Show numbers instead of heat maps")
        self.numbers.toggled.connect(lambda _: self._show_tensors(self.stepping.result if self.stepping.stepper else None))
        controls.addSpacing(6)
        controls.addWidget(self.numbers)
        controls.addStretch(1)
        options = QHBoxLayout()
        # The first k examples (k = 1..16) keep the matrices readable; or the whole training set.
        self.batch = QComboBox()
        for k in range(1, MAX_SHOWN_EXAMPLES + 1):
            self.batch.addItem(f"first {k}", k)
        self.batch.addItem("all", None)
        self.batch.setCurrentIndex(self.batch.findData(stepping.batch_size) if stepping.batch_size else
                                   self.batch.count() - 1)
        self.batch.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.batch.setToolTip("Step with the first k training examples, so the matrices stay readable, "
                              "or with the whole training set")
        self.batch.setAccessibleName("Examples in the step batch")
        batch_label = QLabel("Exa&mples")   # Alt+X is the Examples menu
        batch_label.setBuddy(self.batch)
        self.follow = _FollowSpin()
        self.follow.setRange(0, 16)
        self.follow.setSpecialValueText("follow: none")
        self.follow.setPrefix("follow ")
        self.follow.setToolTip("Highlight one example's column in every matrix of every step "
                               "(or click the example's column in Z, A, dZ, dA or Y)")
        self.follow.setAccessibleName("Example to follow")
        options.addWidget(batch_label)
        options.addWidget(self.batch)
        options.addWidget(self.follow)
        options.addStretch(1)
        self.batch.currentIndexChanged.connect(lambda i: stepping.set_batch_size(self.batch.itemData(i)))
        self.follow.valueChanged.connect(lambda i: stepping.set_follow(i - 1 if i else None))
        self.top = QBoxLayout(QBoxLayout.TopToBottom)
        self.top.setSpacing(4)
        self.top.addLayout(controls)
        self.top.addLayout(options)
        self._controls, self._options = controls, options

        # The step's maths: which step, its equations, the caches. Sizes in the rich text are
        # relative (large, x-large), so they follow the font, e.g. ×1.45 in presentation mode.
        self.strip = _wrapping_label("Steps of the pass",
                                     "The steps of one pass: forward 1..L, cost, backward L..1, update")
        self.title = _wrapping_label("Current step", "The step on screen and where it is in the pass")
        self.equation = EquationView()
        self.caches = _wrapping_label("Cache list",
                                      "Forward propagation stores each layer's cache ((A[l−1], W[l], b[l]), Z[l]); "
                                      "backward propagation uses them in reverse")
        # The equations keep their shape (no cell wraps) and scroll sideways on their own; the
        # rest wraps to the column, which scrolls down.
        self.equation_scroll = _scroll(self.equation, "Equations of this step")
        self.equation_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.equation_scroll.viewport().installEventFilter(self)   # its width wraps the notes
        maths = QWidget()
        maths_box = QVBoxLayout(maths)
        maths_box.setContentsMargins(0, 0, 6, 0)
        maths_box.setSpacing(4)
        for widget in (self.strip, self.title, self.equation_scroll, self.caches):
            maths_box.addWidget(widget)
        maths_box.addStretch(1)
        self.maths_scroll = _scroll(maths, "Equations and caches of this step")
        self.maths_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

        # The tensors: what the step read, what it wrote, one labelled row each.
        self.reads = TensorRow("Read", "a tensor this step read", stepping.set_follow)
        self.writes = TensorRow("Wrote", "a tensor this step wrote", stepping.set_follow)
        tensors = QWidget()
        tensors_box = QVBoxLayout(tensors)
        tensors_box.setContentsMargins(0, 0, 0, 0)
        tensors_box.addWidget(self.reads, 1)
        tensors_box.addWidget(self.writes, 1)
        self.tensors_scroll = _scroll(tensors, "Tensors read and written by this step")
        self.tensors_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)   # each row scrolls sideways

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.maths_scroll)
        self.splitter.addWidget(self.tensors_scroll)
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 11)

        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.setSpacing(6)
        box.addLayout(self.top)
        box.addWidget(self.splitter, 1)

        stepping.changed.connect(self.refresh)
        self.refresh()

    def sizeHint(self):
        return QSize(900, 420)

    def minimumSizeHint(self):
        """As small as with the controls in two rows, even while they share one: the panel may
        always be narrowed to that, and they move to two rows."""
        hint = super().minimumSizeHint()
        if self.top.direction() == QBoxLayout.TopToBottom:
            return hint
        margins = self.layout().contentsMargins()
        rows = (self._controls.minimumSize(), self._options.minimumSize())
        width = max(max(r.width() for r in rows), self.splitter.minimumSizeHint().width())
        one_row = max(r.height() for r in rows)
        return QSize(width + margins.left() + margins.right(),
                     hint.height() - one_row + sum(r.height() for r in rows) + self.top.spacing())

    def eventFilter(self, watched, event):
        if event.type() == event.Type.Resize and watched is self.equation_scroll.viewport():
            self._fit_equations()
        return super().eventFilter(watched, event)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == event.Type.FontChange and hasattr(self, "equation_scroll"):
            self._fit_equations()

    def resizeEvent(self, event):
        size = event.size()
        # One row of controls where they fit, two where they do not: the panel's minimum width
        # stays that of the buttons.
        one_row = sum(self.top.itemAt(i).sizeHint().width() for i in range(self.top.count()))
        one_row += self.top.spacing() + 12
        self.top.setDirection(QBoxLayout.LeftToRight if size.width() >= one_row else QBoxLayout.TopToBottom)
        side = size.width() >= SIDE_BY_SIDE_RATIO * size.height()
        orientation = Qt.Horizontal if side else Qt.Vertical
        if orientation != self.splitter.orientation() or not self._split:
            self._split = True
            self.splitter.setOrientation(orientation)
            total = size.width() if side else size.height()
            self.splitter.setSizes([total * 9 // 20, total * 11 // 20])
        super().resizeEvent(event)

    # --- showing the step ---------------------------------------------------------------------------
    def refresh(self) -> None:
        s = self.stepping
        self.follow.blockSignals(True)
        self.follow.setMaximum(min(s.m, 9999))
        self.follow.setValue(0 if s.follow is None else s.follow + 1)
        self.follow.blockSignals(False)
        self.batch.blockSignals(True)   # the batch may be chosen elsewhere (a preset, a test)
        self.batch.setCurrentIndex(self.batch.findData(s.batch_size) if s.batch_size else self.batch.count() - 1)
        self.batch.blockSignals(False)
        stepper = s.stepper
        if stepper is None:
            self.strip.setText("")
            self.title.setText(_title("Step through one pass of gradient descent"))
            self.equation.set_message("Press <b>N</b> (or → while stepping) to begin: forward layer 1 → … → L, "
                                      "the cost, backward layer L → … → 1, then the update.")
            self.caches.setText("")
            self._fit_equations()
            self._show_tensors(None)
            return
        self.strip.setText(self._strip_html(stepper))
        result = s.result
        if result is None:
            # The views the pass will need, made now: the first pass's steps draw as fast as the
            # others. At most: backward at layer L reads 5 tensors and writes 4, the update reads
            # W, dW, b, db of every layer and writes W and b (a deep network's update makes the
            # rest of its views when it comes). The spare views let tensors keep a view of their
            # shape from pass to pass.
            self.reads.ensure_views(min(max(5, 4 * stepper.L) + SPARE_READ_VIEWS, MAX_VIEWS_MADE_AHEAD))
            self.writes.ensure_views(min(max(4, 2 * stepper.L) + SPARE_WRITE_VIEWS, MAX_VIEWS_MADE_AHEAD))
            self.title.setText(_title(f"Ready: a pass over {s.m} example{'s' if s.m != 1 else ''}, "
                                      f"{len(stepper.steps)} steps"))
            self.equation.set_message("Next (→ or N) runs forward propagation for layer 1.")
        else:
            step = result.step
            title = STEP_TITLES[step.kind].format(l=step.layer)
            done = (" · the network now has the updated W and b; Next starts the next pass, "
                    "Previous undoes the update") if stepper.done else ""
            self.title.setText(_title(f"Step {stepper.position} of {len(stepper.steps)}: {title}", done))
            self.equation.set_equations(result.equations)
        self.caches.setText(self._caches_html(stepper))
        self._fit_equations()
        self._show_tensors(result)

    def _fit_equations(self) -> None:
        """The equations' scroll area as tall as the equations (it only scrolls sideways); the
        notes wrap at its visible width."""
        viewport = self.equation_scroll.viewport().width()
        self.equation.set_note_width(max(viewport - 12, 120))
        bar = self.equation_scroll.horizontalScrollBar().sizeHint().height()
        width = max(viewport, self.equation.minimumWidth())   # the width the scroll area gives it
        height = self.equation.heightForWidth(width) + bar
        if self.equation_scroll.height() != height or self.equation_scroll.minimumHeight() != height:
            self.equation_scroll.setFixedHeight(height)

    def _show_tensors(self, result) -> None:
        follow = self.stepping.follow
        numbers = self.numbers.isChecked()
        self.reads.show_tensors(result.reads if result is not None else {}, follow, numbers)
        self.writes.show_tensors(result.writes if result is not None else {}, follow, numbers)

    def shown_tensors(self) -> dict:
        """name → the array shown, read or written (written wins, e.g. W[1] at the update), for tests."""
        return {**self.reads.shown(), **self.writes.shown()}

    @property
    def _views(self) -> list[MatrixView]:
        return self.reads.views + self.writes.views

    def _strip_html(self, stepper) -> str:
        cells = []
        for k, step in enumerate(stepper.steps):
            label = {"forward": f"→{step.layer}", "cost": "J", "backward": f"←{step.layer}", "update": "W−αdW"}[step.kind]
            if k == stepper.position - 1:
                cells.append(f"<span style='background:#2a7de1;color:white'>&nbsp;<b>{label}</b>&nbsp;</span>")
            elif k < stepper.position:
                cells.append(f"<span style='color:#2a7de1'>{label}</span>")
            else:
                cells.append(f"<span style='color:gray'>{label}</span>")
        passes = self.stepping.passes
        done = f" &nbsp; <span style='font-size:medium;color:gray'>({passes} pass{'es' if passes != 1 else ''} applied)</span>" if passes else ""
        return "<span style='font-size:large'>" + " &nbsp; ".join(cells) + "</span>" + done

    def _caches_html(self, stepper) -> str:
        caches = stepper.results[-1].caches if stepper.results else ()
        rows = []
        for l in range(1, stepper.L + 1):
            if l <= len(caches) and caches[l - 1] is not None:
                rows.append(f"<tr><td style='color:#2a7de1'><b>cache {l}</b></td>"
                            f"<td>(({symbol_html(f'A[{l - 1}]')}, {symbol_html(f'W[{l}]')}, "
                            f"{symbol_html(f'b[{l}]')}), {symbol_html(f'Z[{l}]')})</td></tr>")
            elif l <= len(caches):
                rows.append(f"<tr><td style='color:gray'><s>cache {l}</s></td><td style='color:gray'>used</td></tr>")
            else:
                rows.append(f"<tr><td style='color:gray'>cache {l}</td><td style='color:gray'>—</td></tr>")
        return ("<b>Caches</b> (filled forward, used backward)"
                "<table cellspacing='0' cellpadding='2'>" + "".join(rows) + "</table>")


class _FollowSpin(QSpinBox):
    """A spin box as wide as its longest text in its current font ("follow: none" included), so a
    bigger font (presentation mode) never cuts it."""

    def sizeHint(self):
        hint = super().sizeHint()
        texts = [self.specialValueText(), f"{self.prefix()}{self.maximum()}{self.suffix()}"]
        metrics = self.lineEdit().fontMetrics()   # the text is drawn in the line edit's font
        wanted = max(metrics.horizontalAdvance(t) for t in texts) + 44   # and the arrows
        return QSize(max(hint.width(), wanted), hint.height())

    def minimumSizeHint(self):
        return self.sizeHint()

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.updateGeometry()


def _per_example(name: str) -> bool:
    """Z, A, dZ, dA and Y have one column per example; the columns of W and dW are units of the
    previous layer, b and db have one."""
    return name.lstrip("d")[:1] in ("Z", "A", "Y")


def _title(text: str, detail: str = "") -> str:
    more = f"<span style='font-size:medium;font-weight:normal'>{detail}</span>" if detail else ""
    return f"<span style='font-size:large'><b>{text}</b></span>{more}"


def _wrapping_label(name: str, tooltip: str) -> RichText:
    label = RichText()   # a word-wrapped rich-text label that lays out each text once
    label.setAccessibleName(name)
    label.setToolTip(tooltip)
    return label


def _scroll(widget: QWidget, name: str) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    scroll.setFrameShape(QFrame.NoFrame)
    scroll.setAccessibleName(name)
    return scroll
