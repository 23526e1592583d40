"""Guards the PySide6 pin: 6.12.0 on CPython 3.11 aborts after a few hundred signal emits."""
from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    flag = Signal(bool)
    number = Signal(int)
    thing = Signal(object)


def test_ten_thousand_signal_emits(qtbot):
    e = Emitter()
    seen = {"flag": 0, "number": 0, "thing": 0}
    e.flag.connect(lambda v: seen.__setitem__("flag", seen["flag"] + 1))
    e.number.connect(lambda v: seen.__setitem__("number", seen["number"] + v))
    e.thing.connect(lambda v: seen.__setitem__("thing", seen["thing"] + len(v)))
    for i in range(10_000):
        e.flag.emit(i % 2 == 0)
        e.number.emit(1)
        e.thing.emit((i,))
    assert seen == {"flag": 10_000, "number": 10_000, "thing": 10_000}
