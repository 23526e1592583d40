"""MatrixView: one named matrix as a heat map and a table of numbers, in the course's layout."""
import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from gui.matrix_view import MatrixView, rich_name, short_number
from gui.theme import dark_palette, light_palette


@pytest.fixture
def view(qtbot):
    v = MatrixView()
    qtbot.addWidget(v)
    v.resize(520, 380)
    v.show()
    return v


def cell(view, row, col, role):
    return view.model.data(view.model.index(row, col), role)


def test_title_shows_the_course_name_and_the_live_shape(view):
    W = np.arange(15.0).reshape(3, 5)
    view.set_matrix("W[2]", W)
    assert "W<sup>[2]</sup>" in view.title.text() and "(3, 5)" in view.title.text()
    assert view.name() == "W[2]" and np.array_equal(view.matrix(), W)
    view.set_matrix("A[1]", np.zeros((4, 400)))
    assert "A<sup>[1]</sup>" in view.title.text() and "(4, 400)" in view.title.text()
    assert rich_name("dW[12]") == "dW<sup>[12]</sup>" and rich_name("Y") == "Y"


@pytest.mark.parametrize("value, text", [(-0.0123, "-0.0123"), (1.234e-05, "1.234e-05"),
                                         (0.123456789, "0.1235"), (-1.5, "-1.5"), (0.0, "0"),
                                         (12345.678, "1.235e+04"), (float("nan"), "nan")])
def test_numbers_have_four_significant_digits(value, text):
    assert short_number(value) == text


def test_table_shows_short_numbers_and_the_exact_value_on_hover(view):
    A = np.array([[-0.012345678901, 1.2345678e-05], [0.5, -3.0]])
    view.set_matrix("A[1]", A)
    assert view.table_text(0, 0) == "-0.01235"
    assert view.table_text(0, 1) == "1.235e-05"
    assert view.table_text(1, 1) == "-3"
    tip = cell(view, 0, 0, Qt.ToolTipRole)
    assert repr(-0.012345678901) in tip and "row 1, column 1" in tip
    # Course numbering: rows (units) and columns (examples) count from 1.
    assert [view.model.headerData(i, Qt.Vertical) for i in range(2)] == ["1", "2"]
    assert [view.model.headerData(j, Qt.Horizontal) for j in range(2)] == ["1", "2"]


def test_the_heat_map_is_the_array_row_by_row(view):
    Z = np.random.RandomState(0).randn(3, 7)
    view.set_matrix("Z[1]", Z)
    assert np.array_equal(view.image(), Z)
    assert np.array_equal(view.image()[0], Z[0])   # row-major: image row 0 is the matrix's row 0
    assert view.image_item.axisOrder == "row-major"
    assert view.view_box.yInverted()                 # and it is drawn at the top


def test_levels_are_symmetric_about_zero_or_fixed_by_the_caller(view):
    view.set_matrix("dZ[2]", np.array([[-0.5, 0.2], [0.1, 0.3]]))
    assert view.levels() == (-0.5, 0.5)
    assert tuple(view.image_item.getLevels()) == (-0.5, 0.5)
    assert view.low_label.text() == "−0.5" and view.high_label.text() == "+0.5"
    view.set_levels(2.0)
    view.set_matrix("dZ[2]", np.array([[-0.1, 0.2], [0.1, 0.3]]))
    assert tuple(view.image_item.getLevels()) == (-2.0, 2.0)
    view.set_levels(None)
    assert tuple(view.image_item.getLevels()) == (-0.3, 0.3)
    view.set_matrix("b[1]", np.zeros((4, 1)))   # nothing to scale by: still a valid range
    assert view.levels() == (-1.0, 1.0)


def test_a_followed_column_is_outlined_and_tinted(view):
    view.set_matrix("A[1]", np.random.RandomState(1).randn(4, 10))
    view.highlight_column(2)
    assert view.outline.isVisible() and view.outline_halo.isVisible()
    rect = view.outline.rect()
    assert rect.center().x() == pytest.approx(3.0)   # column index 2 is centred on x = 3
    assert rect.height() == pytest.approx(4)
    assert cell(view, 0, 2, Qt.BackgroundRole) is not None
    assert cell(view, 0, 1, Qt.BackgroundRole) is None
    assert "column 3" in view.title.text()
    view.highlight_column(None)
    assert not view.outline.isVisible()
    assert cell(view, 0, 2, Qt.BackgroundRole) is None


def test_a_column_a_matrix_does_not_have_is_ignored(view):
    view.highlight_column(7)                       # following example 8 ...
    view.set_matrix("W[2]", np.ones((3, 5)))       # ... W has only 5 columns
    assert view.highlighted_column() is None and not view.outline.isVisible()
    view.set_matrix("A[2]", np.ones((3, 400)))     # A has one per example
    assert view.highlighted_column() == 7 and view.outline.isVisible()


def test_a_20_by_12288_matrix_loads_quickly(view, qapp):
    W1 = np.random.RandomState(2).randn(20, 12288) * 0.01
    start = time.perf_counter()
    view.set_matrix("W[1]", W1)
    view.show_numbers(True)
    qapp.processEvents()
    assert time.perf_counter() - start < 0.5
    assert view.model.columnCount() == 12288 and view.model.rowCount() == 20
    assert view.table_text(19, 12287) == short_number(W1[19, 12287])


def test_many_small_updates_are_cheap_and_keep_the_zoom(view, qapp):
    W = np.random.RandomState(3).randn(3, 5)
    view.set_matrix("W[2]", W)
    view.zoom(+1)
    zoomed = view.view_box.viewRange()
    start = time.perf_counter()
    for i in range(100):
        view.set_matrix("W[2]", W * i)
    qapp.processEvents()
    assert time.perf_counter() - start < 1.0
    assert view.view_box.viewRange() == zoomed     # the same shape: the view stays where it was
    assert np.array_equal(view.image(), W * 99)


def test_toggle_between_heat_map_and_numbers(view, qtbot):
    view.set_matrix("W[1]", np.ones((2, 2)))
    assert view.stack.currentWidget() is view.plot
    qtbot.mouseClick(view.numbers_button, Qt.LeftButton)
    assert view.stack.currentWidget() is view.table and view.numbers_button.isChecked()
    assert not view.key.isVisibleTo(view)
    qtbot.mouseClick(view.heatmap_button, Qt.LeftButton)
    assert view.stack.currentWidget() is view.plot and view.key.isVisibleTo(view)


def test_zoom_buttons_and_keys(view, qtbot):
    view.set_matrix("W[1]", np.ones((20, 300)))
    (x0, x1), _ = view.view_box.viewRange()
    qtbot.mouseClick(view.zoom_in, Qt.LeftButton)
    (z0, z1), _ = view.view_box.viewRange()
    assert z1 - z0 < x1 - x0
    view.plot.setFocus()
    qtbot.keyClick(view.plot, Qt.Key_0, Qt.ControlModifier)
    (f0, f1), _ = view.view_box.viewRange()
    assert (f0, f1) == pytest.approx((0.5, 300.5))
    qtbot.keyClick(view.plot, Qt.Key_Minus, Qt.ControlModifier)   # out, but never past the matrix
    assert view.view_box.viewRange()[0] == pytest.approx([0.5, 300.5])
    # In the table, zoom makes the numbers bigger (never smaller than 10 pt).
    view.show_numbers(True)
    size = view.table.font().pointSizeF()
    qtbot.mouseClick(view.zoom_in, Qt.LeftButton)
    assert view.table.font().pointSizeF() > size
    qtbot.mouseClick(view.zoom_fit, Qt.LeftButton)
    assert view.table.font().pointSizeF() == pytest.approx(max(size, 10.0))


def test_every_control_has_a_tooltip_and_an_accessible_name(view):
    own_buttons = [b for b in view.findChildren(QAbstractButton) if not b.objectName().startswith("qt_")]
    controls = own_buttons + [view.table, view.plot]
    assert len(controls) >= 7
    for w in controls:
        assert w.toolTip() and w.accessibleName(), w


def test_the_plot_background_follows_the_palette(view):
    for palette in (dark_palette(), light_palette()):
        view.setPalette(palette)
        assert view.plot.backgroundBrush().color() == palette.color(QPalette.Base)


def test_an_empty_or_one_dimensional_array_is_shown(view):
    view.set_matrix("b[1]", np.array([1.0, -2.0, 3.0]))   # a column, as the course's b[l]
    assert view.matrix().shape == (3, 1) and "(3, 1)" in view.title.text()
    view.set_matrix("A[0]", np.zeros((2, 0)))
    assert view.model.columnCount() == 0 and isinstance(view, QWidget)


def _move_mouse_to_cell(view, row, col):
    """A real mouse-move event on the heat map's viewport, over the centre of cell (row, col)."""
    point = view.plot.mapFromScene(view.view_box.mapViewToScene(pg.Point(float(col), float(row))))
    viewport = view.plot.viewport()
    event = QMouseEvent(QEvent.MouseMove, QPointF(point), QPointF(viewport.mapToGlobal(point)),
                        Qt.NoButton, Qt.NoButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, event)


def test_hovering_the_map_shows_the_exact_value(view, qtbot):
    A = np.array([[0.1234567890123, -2.0], [3.5, -0.000123456789]])
    view.set_matrix("A[1]", A)
    qtbot.wait(10)
    _move_mouse_to_cell(view, 1, 1)
    assert "row 1, column 1" in view.hover.text() and repr(0.1234567890123) in view.hover.text()
    # On a line of its own, wide enough for the value (it once had width 0 and showed nothing).
    assert view.hover.isVisible()
    assert view.hover.width() >= view.hover.fontMetrics().horizontalAdvance(repr(0.1234567890123))
    qtbot.wait(60)   # pyqtgraph drops moves closer together than its rate limit
    _move_mouse_to_cell(view, 2, 2)
    assert repr(-0.000123456789) in view.hover.text() and "row 2, column 2" in view.hover.text()


def test_the_title_is_never_clipped_and_the_key_fills_its_width(qtbot):
    v = MatrixView()
    qtbot.addWidget(v)
    v.set_matrix("dA[12]", np.zeros((12288, 209)))
    v.highlight_column(208)
    v.show()
    for width in (v.sizeHint().width(), v.minimumSizeHint().width()):   # the default size and the smallest
        v.resize(width, v.sizeHint().height())
        qtbot.wait(5)
        assert v.title.width() >= v.title.sizeHint().width(), width
        assert "(12,288, 209)" in v.title.text() and "column 209" in v.title.text()
    # The colour bar is drawn over its whole width, whatever that is: the full diverging scale.
    v.resize(v.sizeHint())
    qtbot.wait(5)
    image = v.bar.grab().toImage()
    y = image.height() // 2
    left, right = image.pixelColor(2, y), image.pixelColor(image.width() - 3, y)
    assert left.red() > left.blue() and right.blue() > right.red()   # orange end, blue end


def test_the_hovered_value_takes_the_keys_line_and_gives_it_back(view, qtbot):
    """One line under the map: the colour key, the exact value while the mouse is over the map,
    the key again once it leaves; the numbers' hint in the table. (The key and the hover line
    were two lines, which took a small view's map a line of its height.)"""
    A = np.array([[0.1234567890123, -2.0], [3.5, -0.000123456789]])
    view.set_matrix("A[1]", A)
    qtbot.wait(10)
    line = view.footer.sizeHint().height()
    assert line <= max(view.key.sizeHint().height(), view.hover.sizeHint().height()) + 1
    assert view.footer.currentWidget() is view.key
    _move_mouse_to_cell(view, 1, 2)
    assert view.footer.currentWidget() is view.hover and repr(-2.0) in view.hover.text()
    QApplication.sendEvent(view.plot.viewport(), QEvent(QEvent.Leave))
    assert view.footer.currentWidget() is view.key and view.key.isVisibleTo(view)
    view.show_numbers(True)
    assert view.footer.currentWidget() is view.hint and view.hint.isVisibleTo(view)
    qtbot.wait(60)
    _move_mouse_to_cell(view, 2, 2)   # the hidden map's moves never replace the table's hint
    assert view.footer.currentWidget() is view.hint


def test_only_the_left_and_top_axes_show(view):
    assert view.plot.getAxis("left").isVisible() and view.plot.getAxis("top").isVisible()
    assert not view.plot.getAxis("bottom").isVisible() and not view.plot.getAxis("right").isVisible()


def test_the_table_fits_numbers_set_while_the_heat_map_showed(view):
    from PySide6.QtGui import QFontMetrics
    view.set_matrix("W[1]", np.array([[0.5, 1.0]]))
    view.set_matrix("W[1]", np.array([[-1.234e-05, 1.0]]))   # measured only once the table shows
    view.show_numbers(True)
    needed = QFontMetrics(view.table.font()).horizontalAdvance("-1.234e-05")
    assert view.table.horizontalHeader().defaultSectionSize() >= needed
    view.set_matrix("W[1]", np.array([[-1.234e-105, 1.0]]))  # while it shows: at once
    needed = QFontMetrics(view.table.font()).horizontalAdvance("-1.234e-105")
    assert view.table.horizontalHeader().defaultSectionSize() >= needed
