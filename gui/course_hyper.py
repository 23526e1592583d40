"""Course view, week 4: parameters against hyperparameters.

Parameters (every W[l], b[l]) are learned by gradient descent: listed with their shapes and counts,
their values moving while training runs. Hyperparameters are chosen by the user: each one editable
here, through the same controllers as the rest of the window (architecture edits are undoable,
training settings are checked before use), with one line on why it matters.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from core.activations import NAMES
from core.course import HYPERPARAMETER_WHY, parameter_rows
from core.network import INIT_SCHEMES, MAX_HIDDEN_LAYERS, MAX_UNITS
from .layer_header import ACTIVATION_LABELS
from .training_panel import INIT_NAMES, read_learning_rate

REFRESH_MS = 300   # the parameter table follows training at most ~3 times a second


def _pretty(name: str) -> str:
    """W1 → W[1]"""
    return f"{name[0]}[{name[1:]}]"


class ParameterTable(QTableWidget):
    """Every W[l], b[l]: shape, count and the mean |value| (which training changes)."""

    def __init__(self, parent=None):
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels(["parameter", "shape", "count", "mean |value|"])
        self.setAccessibleName("Parameters: learned")
        self.setToolTip("Learned by gradient descent: W = W − α·dW, b = b − α·db at every iteration")
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        # The shapes are the point of the table: never elided, even (n[1], n[0]) = (20, 12288) in large type.
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self._sizes = None

    def show_network(self, network) -> None:
        rows = parameter_rows(network.layer_sizes)
        if self._sizes != network.layer_sizes:
            self._sizes = network.layer_sizes
            self.setRowCount(len(rows) + 1)
            for r, row in enumerate(rows):
                l = row.name[1:]
                shape = f"(n[{l}], n[{int(l) - 1}]) = {row.shape}" if row.name[0] == "W" else f"(n[{l}], 1) = {row.shape}"
                for c, text in enumerate((_pretty(row.name), shape, f"{row.count:,}", "")):
                    self.setItem(r, c, _item(text, c))
            total = sum(r.count for r in rows)
            for c, text in enumerate(("total", "", f"{total:,}", "")):
                item = _item(text, c)
                f = item.font()
                f.setBold(True)
                item.setFont(f)
                self.setItem(len(rows), c, item)
        for r, row in enumerate(rows):
            self.item(r, 3).setText(f"{float(np.mean(np.abs(network.parameters[row.name]))):.4g}")

    def total(self) -> int:
        return int(self.item(self.rowCount() - 1, 2).text().replace(",", ""))


def _item(text: str, column: int) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment((Qt.AlignRight if column >= 2 else Qt.AlignLeft) | Qt.AlignVCenter)
    return item


class HyperparameterForm(QWidget):
    """One row per hyperparameter: its editor and why it matters."""

    def __init__(self, controller, training, parent=None):
        super().__init__(parent)
        self.controller, self.training = controller, training
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(2, 1)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(10)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Refused value")
        self.error.setVisible(False)

        self.learning_rate = QLineEdit()
        self.learning_rate.setToolTip("Learning rate α: type a number > 0, then Enter")
        self.learning_rate.setAccessibleName("Learning rate")
        self.learning_rate.editingFinished.connect(self._lr_typed)
        self.iterations = _spin(1, 10_000_000, "Iterations: stop after this many", "Iterations")
        self.iterations.setGroupSeparatorShown(True)
        self.iterations.valueChanged.connect(lambda v: self._set(iterations=v))
        self.L = _spin(1, MAX_HIDDEN_LAYERS + 1, "L: the number of layers with parameters (hidden + output); "
                       "adding one inserts 4 ReLU units before the output", "Number of layers L")
        self.L.valueChanged.connect(self._L_changed)
        self.units_row = QWidget()
        self.units_row.setAccessibleName("Units per hidden layer")
        self.units_layout = QHBoxLayout(self.units_row)
        self.units_layout.setContentsMargins(0, 0, 0, 0)
        self.acts_row = QWidget()
        self.acts_row.setAccessibleName("Activation per layer")
        self.acts_layout = QHBoxLayout(self.acts_row)
        self.acts_layout.setContentsMargins(0, 0, 0, 0)
        self.init = QComboBox()
        for scheme in INIT_SCHEMES:
            self.init.addItem(INIT_NAMES[scheme], scheme)
        self.init.setToolTip("How the initial weights are drawn (changing it resets the weights)")
        self.init.setAccessibleName("Initialisation")
        self.init.activated.connect(lambda i: self.training.set_init(scheme=self.init.itemData(i)))
        self.batch = _spin(0, 1, "Examples per update; 'full batch' uses all m", "Batch size")
        self.batch.setSpecialValueText("full batch")
        self.batch.valueChanged.connect(lambda v: self._set(batch_size=v or None))
        self.l2 = QDoubleSpinBox()
        self.l2.setRange(0.0, 100.0)
        self.l2.setDecimals(4)
        self.l2.setSingleStep(0.01)
        self.l2.setKeyboardTracking(False)
        self.l2.setToolTip("L2 regularisation λ: adds (λ/2m)·Σ‖W‖² to the cost")
        self.l2.setAccessibleName("L2 lambda")
        self.l2.valueChanged.connect(lambda v: self._set(l2=v))

        self.rows = {}
        for r, (key, label, editor) in enumerate((
                ("learning_rate", "learning rate α", self.learning_rate),
                ("iterations", "iterations", self.iterations),
                ("L", "layers L", self.L),
                ("units", "units n[l]", self.units_row),
                ("activations", "activations g[l]", self.acts_row),
                ("init", "initialisation", self.init),
                ("batch_size", "batch size", self.batch),
                ("l2", "L2 λ", self.l2))):
            name = QLabel(f"<b>{label}</b>")
            name.setBuddy(editor)
            why = QLabel(HYPERPARAMETER_WHY[key])
            why.setWordWrap(True)
            why.setForegroundRole(QPalette.PlaceholderText)
            why.setAccessibleName(f"Why {label} matters")
            editor.setMaximumWidth(430)
            why.setMinimumWidth(330)
            self.grid.addWidget(name, r, 0, Qt.AlignRight | Qt.AlignVCenter)
            self.grid.addWidget(editor, r, 1)
            self.grid.addWidget(why, r, 2)
            self.rows[key] = (name, editor, why)
        self.grid.addWidget(self.error, len(self.rows), 1, 1, 2)
        self.unit_spins: list[QSpinBox] = []
        self.act_combos: list[QComboBox] = []
        self._shown_architecture = None

        training.hyper_changed.connect(self.refresh)
        controller.structure_changed.connect(self._structure_changed)
        controller.data_changed.connect(self.refresh)
        self.refresh()

    # --- edits, through the controllers ---------------------------------------------------------
    def _set(self, **changes) -> None:
        self.error.setVisible(False)
        self.training.set_hyperparameters(**changes)

    def _lr_typed(self) -> None:
        value, problem = read_learning_rate(self.learning_rate.text())
        if problem:
            self.error.setText(problem)
            self.error.setVisible(True)
            return
        self._set(learning_rate=value)

    def _L_changed(self, L: int) -> None:
        net = self.controller.network
        # One layer at a time: add before the output, or remove the last hidden layer.
        if L > net.L:
            self.controller.insert_layer(net.L)
        elif L < net.L:
            self.controller.remove_layer(net.L - 1)

    def _structure_changed(self) -> None:
        # Deferred: the spin box or combo that asked for the edit may be rebuilt, and must not be
        # deleted inside its own signal.
        QTimer.singleShot(0, self.refresh)

    # --- showing the session --------------------------------------------------------------------
    def refresh(self) -> None:
        s, net, m = self.training.session, self.controller.network, self.controller.data.m
        h = s.hyper
        editors = (self.iterations, self.L, self.init, self.batch, self.l2)
        for w in editors:
            w.blockSignals(True)
        self.learning_rate.setText(f"{h.learning_rate:g}")
        self.iterations.setValue(h.iterations)
        self.L.setValue(net.L)
        self.init.setCurrentIndex(self.init.findData(s.init.scheme))
        self.batch.setRange(0, m)
        self.batch.setValue(h.batch_size or 0)
        self.l2.setValue(h.l2)
        for w in editors:
            w.blockSignals(False)
        self._layers(net)

    def _layers(self, net) -> None:
        architecture = (net.layer_sizes, net.activations)
        if architecture == self._shown_architecture:
            return
        self._shown_architecture = architecture
        for layout in (self.units_layout, self.acts_layout):
            while layout.count():
                w = layout.takeAt(0).widget()
                if w is not None:
                    w.deleteLater()
        self.unit_spins, self.act_combos = [], []
        for l in range(1, net.L):
            spin = _spin(1, MAX_UNITS, f"n[{l}]: units of hidden layer {l}", f"Units of layer {l}")
            spin.setValue(net.layer_sizes[l])
            spin.setPrefix(f"n[{l}] = ")
            spin.setMinimumWidth(100)
            spin.valueChanged.connect(lambda v, l=l: self.controller.set_units(l, v))
            self.units_layout.addWidget(spin)
            self.unit_spins.append(spin)
            combo = QComboBox()
            for name in NAMES:
                combo.addItem(ACTIVATION_LABELS[name], name)
            combo.setCurrentIndex(combo.findData(net.activations[l - 1]))
            combo.setToolTip(f"g[{l}]: the activation of hidden layer {l}")
            combo.setAccessibleName(f"Activation of layer {l}")
            combo.activated.connect(lambda i, l=l, c=combo: self.controller.set_activation(l, c.itemData(i)))
            self.acts_layout.addWidget(combo)
            self.act_combos.append(combo)
        out_units = QLabel(f"n[{net.L}] = 1")
        out_units.setToolTip("The output layer has one unit: binary classification")
        out_act = QLabel(f"g[{net.L}]: sigmoid")
        out_act.setToolTip("The output layer is sigmoid: it meets the cross-entropy cost")
        self.units_layout.addWidget(out_units)
        self.units_layout.addStretch(1)
        self.acts_layout.addWidget(out_act)
        self.acts_layout.addStretch(1)


def _spin(low: int, high: int, tip: str, name: str) -> QSpinBox:
    s = QSpinBox()
    s.setRange(low, high)
    s.setKeyboardTracking(False)  # apply on Enter or focus-out, not on each digit
    s.setToolTip(tip)
    s.setAccessibleName(name)
    return s


class ParametersView(QWidget):
    """The window: parameters (learned) beside hyperparameters (chosen)."""

    def __init__(self, controller, training, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Parameters vs hyperparameters (week 4)")
        self.setAccessibleName("Parameters and hyperparameters view")
        self.table = ParameterTable()
        self.count = QLabel()
        self.count.setAccessibleName("Parameter count")
        self.form = HyperparameterForm(controller, training)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.1)
        for w in (self.table, self.form):
            w.setFont(big)

        params = QGroupBox("Parameters: learned by gradient descent")
        pl = QVBoxLayout(params)
        pl.addWidget(QLabel("W[l] (n[l], n[l−1]) and b[l] (n[l], 1) for l = 1 … L. Training sets them; "
                            "you never type them."))
        pl.addWidget(self.table, 1)
        pl.addWidget(self.count)
        hyper = QGroupBox("Hyperparameters: chosen by you (they decide what the parameters become)")
        hl = QVBoxLayout(hyper)
        hl.addWidget(self.form)
        hl.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(params, 2)
        layout.addWidget(hyper, 3)

        self._stale = True
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._refresh_if_stale)
        self.timer.start()
        controller.network_changed.connect(self._mark_stale)
        self.refresh()
        self.resize(1600, 720)

    def _mark_stale(self) -> None:
        self._stale = True

    def _refresh_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        net = self.controller.network
        self.table.show_network(net)
        self.count.setText(f"<b>{net.parameter_count:,}</b> parameters = Σ n[l]·n[l−1] + n[l] over "
                           f"n = {list(net.layer_sizes)}")
