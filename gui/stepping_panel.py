"""Step through forward and backward propagation: controls, the steps, the equation, the tensors
the step read and wrote, and the cache list filling up forward and consumed backward."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QFrame, QHBoxLayout, QLabel, QScrollArea, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from .equation_view import EquationView, symbol_html
from .matrix_view import MatrixView

STEP_TITLES = {"forward": "Forward, layer {l}", "cost": "Cost", "backward": "Backward, layer {l}",
               "update": "Update"}


class SteppingPanel(QWidget):
    def __init__(self, stepping, actions, parent=None):
        super().__init__(parent)
        self.stepping = stepping
        self.setAccessibleName("Step-through panel")
        self._views: list[MatrixView] = []

        controls = QHBoxLayout()
        self.buttons = []
        for action in actions:
            b = QToolButton()
            b.setDefaultAction(action)
            b.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            b.setMinimumHeight(34)
            b.setAccessibleName(action.text().replace("&", ""))
            controls.addWidget(b)
            self.buttons.append(b)
        controls.addStretch(1)
        options = QHBoxLayout()
        self.whole = QCheckBox("Whole training set")
        self.whole.setToolTip("Step with every training example instead of the first few")
        self.whole.setAccessibleName("Use the whole training set")
        self.batch = QSpinBox()
        self.batch.setRange(1, 16)
        self.batch.setValue(stepping.batch_size or 4)
        self.batch.setPrefix("first ")
        self.batch.setSuffix(" examples")
        self.batch.setToolTip("Step with the first k training examples, so the matrices stay readable")
        self.batch.setAccessibleName("Number of examples in the step batch")
        self.follow = QSpinBox()
        self.follow.setRange(0, 16)
        self.follow.setSpecialValueText("follow: none")
        self.follow.setPrefix("follow example ")
        self.follow.setToolTip("Highlight one example's column in every matrix of every step")
        self.follow.setAccessibleName("Example to follow")
        options.addWidget(self.batch)
        options.addWidget(self.whole)
        options.addWidget(self.follow)
        options.addStretch(1)
        self.batch.valueChanged.connect(lambda k: stepping.set_batch_size(k))
        self.whole.toggled.connect(self._whole_toggled)
        self.follow.valueChanged.connect(lambda i: stepping.set_follow(i - 1 if i else None))

        self.strip = QLabel()
        self.strip.setTextFormat(Qt.RichText)
        self.strip.setAccessibleName("Steps of the pass")
        self.strip.setToolTip("The steps of one pass: forward 1..L, cost, backward L..1, update")
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.equation = EquationView()
        self.caches = QLabel()
        self.caches.setTextFormat(Qt.RichText)
        self.caches.setAccessibleName("Cache list")
        self.caches.setToolTip("Forward propagation stores each layer's cache ((A[l−1], W[l], b[l]), Z[l]); "
                               "backward propagation uses them in reverse")

        self.tensors = QWidget()
        self.tensor_row = QHBoxLayout(self.tensors)
        self.tensor_row.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.tensors)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setMinimumHeight(300)

        box = QVBoxLayout(self)
        box.addLayout(controls)
        box.addLayout(options)
        box.addWidget(self.strip)
        head = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.equation)
        head.addLayout(left, 3)
        head.addWidget(self.caches, 2)
        box.addLayout(head)
        box.addWidget(scroll, 1)

        stepping.changed.connect(self.refresh)
        self.refresh()

    def _whole_toggled(self, on: bool) -> None:
        self.batch.setEnabled(not on)
        self.stepping.set_batch_size(None if on else self.batch.value())

    # --- showing the step ---------------------------------------------------------------------------
    def refresh(self) -> None:
        s = self.stepping
        self.follow.blockSignals(True)
        self.follow.setMaximum(min(s.m, 9999))
        self.follow.setValue(0 if s.follow is None else s.follow + 1)
        self.follow.blockSignals(False)
        stepper = s.stepper
        if stepper is None:
            self.strip.setText("")
            self.title.setText("Step through one pass of gradient descent")
            self.equation.set_equations([])
            self.equation.setText("Press <b>N</b> (or → while stepping) to begin: forward layer 1 → … → L, the "
                                  "cost, backward layer L → … → 1, then the update.")
            self.caches.setText("")
            self._show_tensors({})
            return
        self.strip.setText(self._strip_html(stepper))
        result = s.result
        if result is None:
            self.title.setText(f"Ready: a pass over {s.m} example{'s' if s.m != 1 else ''}, "
                               f"{len(stepper.steps)} steps")
            self.equation.set_equations([])
            self.equation.setText("Next (→ or N) runs forward propagation for layer 1.")
        else:
            step = result.step
            title = STEP_TITLES[step.kind].format(l=step.layer)
            done = " · pass complete: Next applies the update and starts the next pass" if stepper.done else ""
            self.title.setText(f"Step {stepper.position} of {len(stepper.steps)}: {title}{done}")
            self.equation.set_equations(result.equations)
        self.caches.setText(self._caches_html(stepper))
        tensors = {}
        if result is not None:
            tensors.update({f"read  {k}": v for k, v in result.reads.items()})
            tensors.update({f"wrote  {k}": v for k, v in result.writes.items()})
        self._show_tensors(tensors)

    def _show_tensors(self, tensors: dict) -> None:
        while len(self._views) < len(tensors):
            view = MatrixView()
            view.setMinimumWidth(280)
            self.tensor_row.addWidget(view)
            self._views.append(view)
        for view, (name, array) in zip(self._views, tensors.items()):
            view.set_matrix(name.split()[-1], np.atleast_2d(array))
            view.setToolTip(f"{'Read by' if name.startswith('read') else 'Written by'} this step")
            # Only matrices with one column per example (Z, A, dZ, dA, Y) follow an example;
            # the columns of W and dW are units of the previous layer.
            per_example = name.split()[-1].lstrip("d")[:1] in ("Z", "A", "Y")
            view.highlight_column(self.stepping.follow if per_example else None)
            view.show()
        for view in self._views[len(tensors):]:
            view.hide()

    def shown_tensors(self) -> dict:
        """name → the array shown, for tests."""
        return {v.name(): v.matrix() for v in self._views if not v.isHidden()}

    def _strip_html(self, stepper) -> str:
        cells = []
        for k, step in enumerate(stepper.steps):
            label = {"forward": f"→{step.layer}", "cost": "J", "backward": f"←{step.layer}", "update": "W−αdW"}[step.kind]
            if k == stepper.position - 1:
                cells.append(f"<span style='background:#2a7de1;color:white;padding:3px'>&nbsp;<b>{label}</b>&nbsp;</span>")
            elif k < stepper.position:
                cells.append(f"<span style='color:#2a7de1'>{label}</span>")
            else:
                cells.append(f"<span style='color:gray'>{label}</span>")
        return "<span style='font-size:13pt'>" + " &nbsp; ".join(cells) + "</span>"

    def _caches_html(self, stepper) -> str:
        caches = stepper.results[-1].caches if stepper.results else ()
        L = stepper.L
        parts = []
        for l in range(1, L + 1):
            if l <= len(caches) and caches[l - 1] is not None:
                parts.append(f"<td style='border:1px solid #2a7de1;padding:4px'>cache {l}<br>"
                             f"(({symbol_html(f'A[{l - 1}]')}, {symbol_html(f'W[{l}]')}, {symbol_html(f'b[{l}]')}), "
                             f"{symbol_html(f'Z[{l}]')})</td>")
            elif l <= len(caches):
                parts.append(f"<td style='border:1px dashed gray;color:gray;padding:4px'><s>cache {l}</s><br>used</td>")
            else:
                parts.append(f"<td style='border:1px dotted gray;color:gray;padding:4px'>cache {l}<br>—</td>")
        return ("<b>Caches</b> (filled forward, used backward)<table cellspacing='4'><tr>"
                + "".join(parts) + "</tr></table>")
