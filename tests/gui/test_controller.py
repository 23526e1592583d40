"""The session controller: undoable edits, and data read again from a file that changed."""
from core.session import DataSettings


def _csv(path, rows):
    path.write_text("x1,x2,label\n" + "".join(f"{a},{b},{y}\n" for a, b, y in rows))


def test_opening_the_same_file_again_reads_what_it_holds_now(controller, tmp_path):
    points = tmp_path / "points.csv"
    _csv(points, [(0, 0, 0), (1, 1, 1), (2, 0, 1)])
    settings = DataSettings(source=str(points))
    assert controller.set_data_settings(settings)
    assert controller.data.m == 3
    undo_steps = controller.undo_stack.count()
    assert controller.set_data_settings(settings)          # unchanged on disk: no empty undo step
    assert controller.undo_stack.count() == undo_steps
    _csv(points, [(0, 0, 0), (1, 1, 1), (2, 0, 1), (3, 3, 0)])   # edited in a text editor
    assert controller.set_data_settings(settings)
    assert controller.data.m == 4                          # was silently ignored: still 3
    controller.undo_stack.undo()
    assert controller.data.m == 3


def test_the_same_generator_settings_make_no_undo_step(controller):
    steps = controller.undo_stack.count()
    assert controller.set_data_settings(controller.session.data_settings)
    assert controller.undo_stack.count() == steps
