"""Lecture presets: a data set, a network, an initialisation and hyperparameters in one click.

Stored as JSON under resources/presets/ (read with json: nothing is evaluated). Each preset says in
a line what it shows, and carries the outcome it is expected to reach, which the tests check.
"""
from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field

from .errors import ConfigError
from .session import DataSettings, Hyperparameters, InitSettings

PRESET_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "presets"


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    shows: str
    data: DataSettings | None            # None: uses the image data already open
    requires_images: int | None          # n[0] the open data must have (the cat images)
    hidden: tuple                        # ((units, activation), ...)
    init: InitSettings
    hyper: Hyperparameters
    sweep: tuple = ()                    # hidden-layer sizes to train as compared runs
    expect: dict = field(default_factory=dict)

    def layer_sizes(self, n_x: int, units: int | None = None) -> list[int]:
        hidden = [units if units is not None and k == 0 else n for k, (n, _) in enumerate(self.hidden)]
        return [n_x, *hidden, 1]

    def activations(self) -> list[str]:
        return [a for _, a in self.hidden] + ["sigmoid"]


def load_presets(folder=PRESET_DIR) -> list[Preset]:
    presets = []
    for path in sorted(pathlib.Path(folder).glob("*.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["presets"]
            presets.extend(_preset(e) for e in entries)
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"preset file {path.name} is malformed: {e}") from None
    return presets


def _preset(e: dict) -> Preset:
    data = e["data"]
    return Preset(
        id=e["id"], title=e["title"], shows=e["shows"],
        data=None if "requires_images" in data else DataSettings(**data),
        requires_images=data.get("requires_images"),
        hidden=tuple((int(n), str(a)) for n, a in e["hidden"]),
        init=InitSettings(**e["init"]),
        hyper=Hyperparameters(**e["hyper"]),
        sweep=tuple(e.get("sweep", {}).get("hidden_units", ())),
        expect=dict(e.get("expect", {})),
    )
