"""The layer inspector: the selected layer's shapes, activation and weight statistics."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.activations import ACTIVATIONS
from .layer_header import ACTIVATION_LABELS

G_FORMULAS = {"sigmoid": "g(z) = 1 / (1 + e<sup>−z</sup>)", "tanh": "g(z) = tanh(z)",
              "relu": "g(z) = max(0, z)", "leaky_relu": "g(z) = max(0.01 z, z)", "linear": "g(z) = z"}


class LayerPanel(QWidget):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setAccessibleName("Layer inspector")
        self.text = QLabel()
        self.text.setTextFormat(Qt.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        box = QVBoxLayout(self)
        box.addWidget(self.text)
        box.addStretch(1)
        controller.selection_changed.connect(self.refresh)
        controller.network_changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_):
        net = self.controller.network
        l = self.controller.selected_layer
        if not 1 <= l <= net.L:
            self.text.setText("<p>Click a layer on the network to see its parameters, shapes and "
                              "activation here.</p>"
                              f"<p>The network: n = {list(net.layer_sizes)}, "
                              f"{net.parameter_count:,} parameters.</p>")
            return
        W, b = net.parameters[f"W{l}"], net.parameters[f"b{l}"]
        act = net.activations[l - 1]
        role = "output layer" if l == net.L else "hidden layer"
        m = self.controller.data.m
        rows = [
            ("W", l, W.shape, W), ("b", l, b.shape, b),
        ]
        table = "".join(
            f"<tr><td><b>{k}</b><sup>[{ll}]</sup></td><td>({', '.join(map(str, shape))})</td>"
            f"<td>{np.mean(v):+.3g}</td><td>{np.std(v):.3g}</td><td>{np.min(v):+.3g}</td>"
            f"<td>{np.max(v):+.3g}</td></tr>" for k, ll, shape, v in rows)
        self.text.setText(
            f"<h3>Layer {l}: {role}</h3>"
            f"<p>{W.shape[0]} units · {ACTIVATION_LABELS[act]} · {W.size + b.size:,} parameters</p>"
            f"<p>{G_FORMULAS[act]}<br>{ACTIVATIONS[act].formula}</p>"
            f"<p>Z<sup>[{l}]</sup> = W<sup>[{l}]</sup>·A<sup>[{l - 1}]</sup> + b<sup>[{l}]</sup>"
            f" &nbsp;→&nbsp; ({W.shape[0]}, {m})</p>"
            "<table cellspacing='6'><tr><th></th><th>shape</th><th>mean</th><th>std</th><th>min</th>"
            f"<th>max</th></tr>{table}</table>")
