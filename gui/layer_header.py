"""The controls above one hidden layer's column: units (− spin +), activation, remove."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QSpinBox, QToolButton,
                               QVBoxLayout)

from core.activations import NAMES as ACTIVATIONS
from core.network import MAX_UNITS

ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
                     "linear": "linear"}


class LayerHeader(QFrame):
    """Edits one hidden layer; emits requests, the controller decides."""
    units_requested = Signal(int, int)        # (l, units)
    activation_requested = Signal(int, str)   # (l, activation)
    remove_requested = Signal(int)            # l

    def __init__(self, l: int, parent=None):
        super().__init__(parent)
        self.l = l
        self.setObjectName("layerHeader")
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self.l))

        self.minus, self.plus = QToolButton(), QToolButton()
        self.minus.setText("−")
        self.plus.setText("+")
        for b in (self.minus, self.plus):
            b.setFixedWidth(26)
        self.units = QSpinBox()
        self.units.setRange(1, MAX_UNITS)
        self.units.setAlignment(Qt.AlignCenter)
        self.units.setButtonSymbols(QSpinBox.NoButtons)
        self.units.setKeyboardTracking(False)   # apply on Enter or focus-out, not on each digit
        self.minus.clicked.connect(lambda: self._request_units(self.units.value() - 1))
        self.plus.clicked.connect(lambda: self._request_units(self.units.value() + 1))
        self.units.valueChanged.connect(self._request_units)

        self.activation = QComboBox()
        for name in ACTIVATIONS:
            self.activation.addItem(ACTIVATION_LABELS[name], name)
        self.activation.currentIndexChanged.connect(
            lambda i: self.activation_requested.emit(self.l, self.activation.itemData(i)))

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.remove)
        units = QHBoxLayout()
        units.setContentsMargins(0, 0, 0, 0)
        units.setSpacing(2)
        units.addWidget(self.minus)
        units.addWidget(self.units, 1)
        units.addWidget(self.plus)
        box = QVBoxLayout(self)
        box.setContentsMargins(3, 2, 3, 4)
        box.setSpacing(3)
        box.addLayout(top)
        box.addLayout(units)
        box.addWidget(self.activation)
        self.set_layer(l, 1, "relu")

    def set_layer(self, l: int, units: int, activation: str) -> None:
        """Show layer l's settings without emitting requests."""
        self.l = l
        self.title.setText(f"Layer {l}")
        for w in (self.units, self.activation):
            w.blockSignals(True)
        self.units.setValue(units)
        self.activation.setCurrentIndex(self.activation.findData(activation))
        for w in (self.units, self.activation):
            w.blockSignals(False)
        self.minus.setEnabled(units > 1)
        self.plus.setEnabled(units < MAX_UNITS)
        self.remove.setToolTip(f"Remove hidden layer {l}")
        self.remove.setAccessibleName(f"Remove hidden layer {l}")
        self.minus.setToolTip(f"One unit fewer in layer {l}")
        self.minus.setAccessibleName(f"Fewer units in layer {l}")
        self.plus.setToolTip(f"One unit more in layer {l}")
        self.plus.setAccessibleName(f"More units in layer {l}")
        self.units.setToolTip(f"n[{l}]: the number of units in layer {l} (type a number, then Enter)")
        self.units.setAccessibleName(f"Units in layer {l}")
        self.activation.setToolTip(f"g[{l}]: the activation function of layer {l}")
        self.activation.setAccessibleName(f"Activation of layer {l}")

    def _request_units(self, units: int) -> None:
        if 1 <= units <= MAX_UNITS:
            self.units_requested.emit(self.l, units)
