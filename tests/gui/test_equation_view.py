"""RichText and EquationView: rich text that wraps like a label, laid out once per text."""
import pytest

from core.stepper import Equation, Term
from gui.equation_view import EquationView, RichText


@pytest.fixture
def label(qtbot):
    w = RichText()
    qtbot.addWidget(w)
    return w


def test_text_wraps_at_the_width_and_is_drawn(label, qtbot):
    label.setText("<b>Step 4 of 6:</b> " + "backward, layer 2 " * 6)
    assert label.heightForWidth(120) > label.heightForWidth(900) > 0
    label.resize(300, label.heightForWidth(300))
    label.show()
    qtbot.waitExposed(label)
    image = label.grab().toImage()
    dark = sum(image.pixelColor(x, y).lightness() < 100 for x in range(0, 300, 3) for y in range(image.height()))
    assert dark > 20                                          # the words are on screen
    assert "backward, layer 2" in label.accessibleDescription()


def test_a_text_shown_again_is_not_parsed_again(label):
    label.setText("<b>J</b> = 0.693")
    first = label._current()
    label.heightForWidth(200)
    label.setText("<b>J</b> = 0.692")
    label.setText("<b>J</b> = 0.693")
    assert label._current() is first and 200 in first.heights


def test_the_font_changes_the_layout(label):
    label.setText("<span style='font-size:large'>→1 → 2 J ← 2 ← 1 W−αdW</span>")
    small = label.heightForWidth(1000)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.heightForWidth(1000) > 1.5 * small


def test_equations_keep_their_width_and_notes_wrap(qtbot):
    view = EquationView()
    qtbot.addWidget(view)
    eq = Equation(Term("Z[1]", (4, 4)), [Term("W[1]", (4, 2)), "·", Term("A[0]", (2, 4)), "+",
                                         Term("b[1]", (4, 1), (4, 4))], "b[1] (4, 1) is broadcast " * 5)
    view.set_equations([eq])
    width = view.minimumWidth()
    assert width > 100 and "broadcast" in view.text()
    view.set_note_width(150)                                  # a narrow column: the note wraps...
    narrow = view.heightForWidth(width)
    view.set_note_width(2000)
    assert narrow > view.heightForWidth(width)
    assert view.minimumWidth() == width                       # ...the equation itself never does
    assert view.plain_text()[0].startswith("Z[1] (4, 4) = W[1] (4, 2)")
