"""The runs list: every run kept, ticked to overlay its cost curve, with what made it different.

One row per run, in the colour its curves have in the cost panel. A snapshot updates only its own
run's row; adding, removing or (un)ticking runs re-reads the labels that depend on all of them
(what differs, which runs began from the same weights).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from core.runs import differences
from core.training import COMPLETED, STOPPED_BY_USER
from . import theme
from .pacing import Pace
from .run_colors import run_color, swatch_icon
from .train_actions import keep_keys

COLUMNS = (
    ("Run", "Tick a run to draw its cost curve; its colour is the curve's colour"),
    ("Differs", "The settings in which this run differs from the others kept"),
    ("Start", "Same start: ticked runs with the same letter began from identical initial weights, "
              "so their curves compare fairly"),
    ("Iter.", "Iterations done in the run"),
    ("Cost", "The last recorded training cost J"),
    ("Train", "Training accuracy at the end of the run (or now, while it runs)"),
    ("Test", "Test accuracy (shown when the data set has a test set)"),
    ("Ended", "How the run ended: done (all N iterations), stopped, reset, edited, diverged, "
              "target (cost reached); the run's tooltip says more"),
)
RUN, DIFFERS, SAME_START, ITERATIONS, COST, TRAIN, TEST, ENDED = range(len(COLUMNS))
SPOKEN = ("Run", "Differs", "Same start", "Iterations", "Training cost", "Train accuracy",
          "Test accuracy", "How it ended")
NUMBER_COLUMNS = (ITERATIONS, COST, TRAIN, TEST)
NUMBER_ROLE = Qt.UserRole
OPEN_STATES = {"running": "running", "paused": "paused", "idle": "open"}
DIFFERS_WIDTH = 220   # the widest "Differs" grows; its tooltip holds the rest
ENDED_WIDTH = 64      # what "Ended" keeps at least, elided beyond (the tooltip says it all)


def short_ending(stopped: str) -> str:
    """A word for the list ("diverged"); the run's tooltip keeps the whole reason."""
    if stopped == COMPLETED:
        return "done"
    if stopped == STOPPED_BY_USER:
        return "stopped"
    if stopped == "network or data edited":
        return "edited"
    if stopped.startswith("target"):
        return "target"
    if stopped.startswith(("cost", "the parameters")):
        return "diverged"
    return stopped


def start_groups(runs) -> dict[int, str]:
    """Run number → "A", "B", ... for runs sharing their initial weights with another of `runs`."""
    by_start: dict[str, list[int]] = {}
    for run in runs:
        by_start.setdefault(run.start, []).append(run.number)
    shared = [numbers for numbers in by_start.values() if len(numbers) > 1]
    return {n: chr(ord("A") + i % 26) for i, numbers in enumerate(shared) for n in numbers}


def _percent(accuracy) -> str:
    return "—" if accuracy is None else f"{100 * accuracy:.1f}%"  # no space: the columns are narrow


def run_tooltip(run) -> str:
    lines = [run.summary(), f"Initial weights: {run.start}"]
    if run.stopped:
        lines.append(f"Ended: {run.stopped}")
    if run.changes:
        lines.append("Changed during the run:")
        lines += [f"   at iteration {i:,}: {text}" for i, text in run.changes]
    else:
        lines.append("No settings changed during the run")
    return "\n".join(lines)


class RunsPanel(QWidget):
    """The run book as a list: tick to overlay, remove, and see what each run was."""

    def __init__(self, training, parent=None):
        super().__init__(parent)
        self.training = training
        self.setAccessibleName("Runs panel")
        self.rows: dict[int, QTreeWidgetItem] = {}   # run number → its row
        self._syncing = False

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Runs")
        self.tree.setToolTip("Runs kept for comparison: tick to overlay · right click or Delete removes")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([name for name, _ in COLUMNS])
        for column, (_, tip) in enumerate(COLUMNS):
            self.tree.headerItem().setToolTip(column, tip)
            # a screen reader says the heading in full, not "Iter."
            self.tree.headerItem().setData(column, Qt.AccessibleTextRole, SPOKEN[column])
        for column in NUMBER_COLUMNS:  # headings over their numbers
            self.tree.headerItem().setTextAlignment(column, Qt.AlignRight | Qt.AlignVCenter)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 0px; }")  # rows a finger can hit
        keep_keys(self.tree)
        self.tree.viewport().installEventFilter(self)
        # A size smaller than the panel's: eight columns share a side dock (as the gradient
        # panel's caption does); the presentation mode scales it with every other font.
        small = QFont(self.tree.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.tree.setFont(small)
        self.tree.header().setFont(small)
        self.tree.setTextElideMode(Qt.ElideRight)
        header = self.tree.header()
        # Short columns fit their contents; "Differs" gets what is left up to a cap; "Ended",
        # the last, takes the rest of the width. Long text is elided, the tooltips have it all.
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(DIFFERS, QHeaderView.Fixed)
        header.setSectionResizeMode(ENDED, QHeaderView.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        header.setSectionsMovable(False)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._update_remove())
        self.tree.customContextMenuRequested.connect(self._context_menu)

        self.remove_action = QAction("Remove run", self)
        self.remove_action.setShortcut(QKeySequence.Delete)
        self.remove_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.remove_action.setToolTip("Forget the selected run (the run in progress stays)")
        self.remove_action.triggered.connect(self.remove_selected)
        self.addAction(self.remove_action)
        self.remove_button = QPushButton("Remove run")
        self.remove_button.setAccessibleName("Remove run")
        self.remove_button.setToolTip(self.remove_action.toolTip() + " · Delete")
        self.remove_button.clicked.connect(self.remove_selected)
        self.hint = QLabel()
        self.hint.setForegroundRole(QPalette.PlaceholderText)
        self.hint.setAccessibleName("Runs hint")

        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

        self._rows_due = {}            # run number -> run, rows waiting for their next update
        self._row_pace = Pace(self._fill_due_rows, parent=self, training=training)
        training.runs_changed.connect(self.sync)
        training.run_started.connect(self._on_run_started)
        training.run_updated.connect(self.update_row)
        training.run_finished.connect(lambda run: self.sync())
        training.state_changed.connect(self._on_state)
        self.sync()

    # --- reading the run book -------------------------------------------------------------------
    def sync(self) -> None:
        """Rows for the runs kept (new ones added, removed ones dropped) and their shared labels."""
        self._syncing = True
        try:
            runs = self.training.runs.runs
            numbers = {run.number for run in runs}
            for number in [n for n in self.rows if n not in numbers]:
                row = self.rows.pop(number)
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(row))
            for run in runs:
                if run.number not in self.rows:
                    self.rows[run.number] = self._new_row(run)
                self._fill(self.rows[run.number], run)
            self._label_differences(runs)
            self._label_same_starts()
            self.tree.setColumnHidden(TEST, not any(r.test_accuracy is not None for r in runs))
            self._fit_columns()
        finally:
            self._syncing = False
        self.hint.setText("No runs yet: press Play" if not runs else
                          f"{len(runs)} run{'s' if len(runs) != 1 else ''} · tick to overlay")
        self._update_remove()

    def update_row(self, run) -> None:
        """New points of one run: only its row changes, at most 10 times a second while training
        runs (snapshots come up to ~30 a second; a row's text is not read faster)."""
        if run.number not in self.rows:
            self.sync()
            return
        self._rows_due[run.number] = run
        self._row_pace.ask()

    def _fill_due_rows(self) -> None:
        due, self._rows_due = self._rows_due, {}
        self._syncing = True
        try:
            for number, run in due.items():
                row = self.rows.get(number)
                if row is not None:
                    self._fill(row, run)
        finally:
            self._syncing = False

    def _new_row(self, run) -> QTreeWidgetItem:
        row = QTreeWidgetItem([""] * len(COLUMNS))
        row.setData(RUN, NUMBER_ROLE, run.number)
        row.setFlags(row.flags() | Qt.ItemIsUserCheckable)
        for column in NUMBER_COLUMNS:
            row.setTextAlignment(column, Qt.AlignRight | Qt.AlignVCenter)
        row.setText(RUN, str(run.number))  # "Run" heads the column; the number is the name
        row.setData(RUN, Qt.AccessibleTextRole, run.name)
        row.setIcon(RUN, swatch_icon(run_color(run.number, self._dark())))
        self.tree.addTopLevelItem(row)
        return row

    def _fill(self, row: QTreeWidgetItem, run) -> None:
        row.setCheckState(RUN, Qt.Checked if run.visible else Qt.Unchecked)
        row.setText(ITERATIONS, f"{run.iterations:,}")
        last = run.costs.last()
        row.setText(COST, "—" if last is None else f"{last[1]:.4f}")
        row.setText(TRAIN, _percent(run.train_accuracy))
        row.setText(TEST, _percent(run.test_accuracy))
        row.setText(ENDED, self._ending(run))
        if run.test_accuracy is not None and self.tree.isColumnHidden(TEST):
            self.tree.setColumnHidden(TEST, False)
            self._fit_columns()
        tip = run_tooltip(run)
        for column in range(len(COLUMNS)):
            if column != DIFFERS:  # that column's tip spells out its own (maybe elided) text
                row.setToolTip(column, tip)

    def _ending(self, run) -> str:
        if run.stopped:
            return short_ending(run.stopped)
        if run is self.training.current:
            return OPEN_STATES.get(self.training.state, self.training.state)
        return "—"

    def _label_differences(self, runs) -> None:
        labels = differences(runs)
        for run in runs:
            text = labels[run.number]
            text = "—" if text == run.name else text  # nothing differs: the name says it already
            self.rows[run.number].setText(DIFFERS, text)
            self.rows[run.number].setToolTip(DIFFERS, f"{text}\n\n{run_tooltip(run)}")

    def _fit_columns(self) -> None:
        """ "Differs" as wide as its text, within its cap and what the other columns leave;
        "Ended" takes the rest, but never less than ENDED_WIDTH (the list scrolls sideways then)."""
        tree, header = self.tree, self.tree.header()
        header.resizeSections()  # the short columns fit their contents now, not at the next layout
        others = sum(header.sectionSize(c) for c in range(len(COLUMNS))
                     if c not in (DIFFERS, ENDED) and not tree.isColumnHidden(c))
        room = tree.viewport().width() - others - ENDED_WIDTH
        least = header.sectionSizeHint(DIFFERS)
        wanted = max(tree.sizeHintForColumn(DIFFERS), least)
        tree.setColumnWidth(DIFFERS, max(least, min(wanted, DIFFERS_WIDTH, room)))
        squeezed = room < tree.columnWidth(DIFFERS)
        header.setSectionResizeMode(ENDED, QHeaderView.Fixed if squeezed else QHeaderView.Stretch)
        if squeezed:
            tree.setColumnWidth(ENDED, ENDED_WIDTH)

    def _label_same_starts(self) -> None:
        groups = start_groups(self.training.runs.visible())
        for number, row in self.rows.items():
            row.setText(SAME_START, groups.get(number, ""))
        # The column only earns its space when there is something to say.
        self.tree.setColumnHidden(SAME_START, not groups)
        for row in self.rows.values():
            row.setTextAlignment(SAME_START, Qt.AlignCenter)

    # --- user actions ---------------------------------------------------------------------------
    def _on_item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        if self._syncing or column != RUN:
            return
        number = row.data(RUN, NUMBER_ROLE)
        self.training.set_run_visible(number, row.checkState(RUN) == Qt.Checked)

    def selected_run(self):
        row = self.tree.currentItem()
        return None if row is None else self.training.runs.get(row.data(RUN, NUMBER_ROLE))

    def remove_selected(self) -> None:
        run = self.selected_run()
        if run is not None and run is not self.training.current:
            self.training.remove_run(run.number)

    def _update_remove(self) -> None:
        run = self.selected_run()
        removable = run is not None and run is not self.training.current
        self.remove_action.setEnabled(removable)
        self.remove_button.setEnabled(removable)
        if run is not None and not removable:
            self.remove_button.setToolTip("The run in progress cannot be removed; Reset ends it")
        else:
            self.remove_button.setToolTip(self.remove_action.toolTip() + " · Delete")

    def _context_menu(self, pos) -> None:
        row = self.tree.itemAt(pos)
        if row is None:
            return
        self.tree.setCurrentItem(row)
        menu = QMenu(self)
        menu.addAction(self.remove_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _on_run_started(self, run) -> None:
        self.sync()
        self.tree.scrollToItem(self.rows[run.number])

    def _on_state(self, state: str) -> None:
        current = self.training.current
        if current is not None and current.number in self.rows:
            self.rows[current.number].setText(ENDED, self._ending(current))
        self._update_remove()

    # --- look -------------------------------------------------------------------------------------
    def eventFilter(self, watched, event):
        if watched is self.tree.viewport() and event.type() == QEvent.Resize:
            self._fit_columns()  # the room "Differs" may take follows the list's width
        return False

    def _dark(self) -> bool:
        return theme.is_dark(self.palette())

    def changeEvent(self, event):
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange) and hasattr(self, "rows"):
            dark = self._dark()
            for number, row in self.rows.items():
                row.setIcon(RUN, swatch_icon(run_color(number, dark)))
        super().changeEvent(event)


__all__ = ["RunsPanel", "start_groups", "run_tooltip", "short_ending"]
