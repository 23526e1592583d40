"""The main window: assembles the panels, menus, toolbar and status bar. No drawing or maths here."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QPalette
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QInputDialog, QLabel,
                               QMainWindow, QMessageBox, QScrollArea, QStyle, QTabBar)

from core.errors import DeepStepError
from core.model_file import load_model, save_model
from core.network import INIT_SCHEMES, MAX_HIDDEN_LAYERS
from . import theme
from .boundary_panel import BoundaryPanel
from .controller import SessionController
from .course_menu import install_course
from .cost_panel import CostPanel
from .gradcheck_panel import GradCheckPanel
from .step_actions import StepActions
from .step_controller import StepController
from .stepping_panel import SteppingPanel
from .gradient_panel import GradientPanel
from .runs_panel import RunsPanel
from .data_panel import DataPanel, open_data_file
from .exports import install_exports
from .dock_scroll import DockScroll
from .layer_panel import LayerPanel
from .network_canvas import SHAPE_KINDS, NetworkCanvas
from .pacing import Pace
from .predictions import PredictionUpdater
from .presentation import install_presentation
from .presets_menu import install_presets
from .session_actions import install_sessions
from .train_actions import TrainActions
from .training_controller import TrainingController
from .training_panel import TrainingPanel

ADD_LAYER_TIP = "Add a hidden layer of 4 ReLU units (after the selected layer, or before the output)"
SHAPE_LABELS = {"W": "W[l] shapes", "b": "b[l] shapes", "Z": "Z[l] shapes", "A": "A[l] shapes",
                "params": "Parameter counts"}
INIT_LABELS = {"zeros": "Zeros (every unit the same)", "small": "Small random (× 0.01)",
               "xavier": "Xavier (÷ √n[l−1])", "he": "He (× √(2 / n[l−1]))"}


class MainWindow(QMainWindow):
    def __init__(self, controller: SessionController | None = None, restore_settings: bool = True):
        super().__init__()
        self.controller = controller or SessionController(parent=self)
        self.setWindowTitle("DeepStep")
        self.setObjectName("mainWindow")
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks)

        self.training = TrainingController(self.controller, parent=self)
        self.train_actions = TrainActions(self.training, self)
        self.stepping = StepController(self.controller, self.training, parent=self)
        self.step_actions = StepActions(self.stepping, self.train_actions, self)
        self.canvas = NetworkCanvas(self.controller)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.canvas)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.setCentralWidget(scroll)

        self.data_panel = DataPanel(self.controller)
        self.layer_panel = LayerPanel(self.controller)
        self.training_panel = TrainingPanel(self.training, self.train_actions)
        self.predictions = PredictionUpdater(self.controller, self.data_panel.thumbnails, self.training,
                                             parent=self)
        self.data_dock = self._dock("Data", "dataDock", self.data_panel, Qt.LeftDockWidgetArea)
        self.training_dock = self._dock("Training", "trainingDock", self.training_panel, Qt.RightDockWidgetArea)
        self.layer_dock = self._dock("Layer", "layerDock", self.layer_panel, Qt.RightDockWidgetArea)
        self.boundary_panel = BoundaryPanel(self.controller)
        self.cost_panel = CostPanel(self.training)
        self.runs_panel = RunsPanel(self.training)
        self.gradient_panel = GradientPanel(self.training)
        self.stepping_panel = SteppingPanel(self.stepping, self.step_actions.all())
        self.gradcheck_panel = GradCheckPanel(self.controller, self.stepping)
        self.boundary_dock = self._dock("Decision Boundary", "boundaryDock", self.boundary_panel,
                                        Qt.LeftDockWidgetArea)
        self.cost_dock = self._dock("Cost", "costDock", self.cost_panel, Qt.BottomDockWidgetArea)
        self.runs_dock = self._dock("Runs", "runsDock", self.runs_panel, Qt.RightDockWidgetArea)
        self.gradient_dock = self._dock("Gradients", "gradientDock", self.gradient_panel, Qt.RightDockWidgetArea)
        self.gradcheck_dock = self._dock("Gradient Check", "gradcheckDock", self.gradcheck_panel,
                                         Qt.RightDockWidgetArea)
        self.stepping_dock = self._dock("Step Through", "steppingDock", self.stepping_panel,
                                        Qt.BottomDockWidgetArea)
        # Left and right columns run the full height; the cost curve sits under the network.
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        self.splitDockWidget(self.data_dock, self.boundary_dock, Qt.Vertical)
        self.tabifyDockWidget(self.layer_dock, self.runs_dock)
        self.tabifyDockWidget(self.runs_dock, self.gradient_dock)
        self.tabifyDockWidget(self.gradient_dock, self.gradcheck_dock)
        self.tabifyDockWidget(self.cost_dock, self.stepping_dock)
        self.runs_dock.raise_()
        self.cost_dock.raise_()
        self.docks = [self.data_dock, self.boundary_dock, self.training_dock, self.layer_dock, self.cost_dock,
                      self.runs_dock, self.gradient_dock, self.gradcheck_dock, self.stepping_dock]

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()

        self.controller.error.connect(self.show_error)
        self.training.error.connect(self.show_error)
        self.training.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        # The live count changes at most 10 times a second: each change relaid out the status bar
        # and the whole window (its docks' size hints) once a frame.
        self._iteration_pace = Pace(self._update_iteration, parent=self, training=self.training)
        self.training.snapshot.connect(lambda _: self._iteration_pace.request())
        self.training.was_reset.connect(self._update_iteration)
        self.stepping.active_changed.connect(self._stepping_mode)
        self.stepping.changed.connect(self._show_step_on_canvas)
        self.controller.network_changed.connect(self._update_status)
        self.controller.data_changed.connect(self._update_status)
        self._boundary_hidden_for_data = False
        self.controller.data_changed.connect(self._fit_docks_to_data)
        self.controller.selection_changed.connect(self._update_actions)
        self.controller.network_changed.connect(self._update_actions)
        self._update_status()
        self._update_actions()
        # --- extensions: features that add their own menus, actions or docks (one line each) ---
        install_presets(self)
        install_presentation(self)
        install_exports(self)
        install_sessions(self)
        install_course(self)
        # --- end of extensions ---
        self._size_to_screen()
        self._default_state = self.saveState()
        self._sized_when_shown = False   # sized again once shown: see showEvent
        self._restored_state = False
        self._persist = restore_settings  # a screenshot or a test leaves the user's settings alone
        if restore_settings:
            self._restore_settings()

    # --- building ---------------------------------------------------------------------------------
    def _dock(self, title, name, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        # The panel scrolls inside its dock below its minimum size, so the panels' minimum sizes
        # neither set the window's nor squeeze the network canvas (gui.dock_scroll).
        dock.setWidget(DockScroll(widget, f"{name}Scroll"))
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        toggle = dock.toggleViewAction()
        toggle.setStatusTip(f"Show or hide the {title} panel")
        toggle.setToolTip(f"Show or hide the {title} panel")
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text, slot=None, shortcut=None, tip=None, icon=None, checkable=False) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        return action

    def _build_actions(self) -> None:
        c = self.controller
        self.open_data_action = self._action("Open &Data Set…", lambda: open_data_file(self, c),
                                             "Ctrl+Shift+O", "Open a course HDF5 file or a CSV of x1, x2, label",
                                             QStyle.SP_DialogOpenButton)
        self.export_model_action = self._action("&Export Model…", self.export_model, "Ctrl+E",
                                                "Save the network as an HDF5 model file (readable with h5py)",
                                                QStyle.SP_DialogSaveButton)
        self.import_model_action = self._action("&Import Model…", self.import_model, "Ctrl+I",
                                                "Load a network's architecture and parameters from a model file")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.Quit, "Quit DeepStep")
        # The menu's undo/redo name the step ("Undo Add hidden layer 2"); the toolbar's keep a short
        # fixed label so the toolbar does not jump about, and say the step in their tooltip.
        self.undo_button_action = self._action("Undo", c.undo_stack.undo, icon=QStyle.SP_ArrowBack)
        self.redo_button_action = self._action("Redo", c.undo_stack.redo, icon=QStyle.SP_ArrowForward)
        c.undo_stack.canUndoChanged.connect(self.undo_button_action.setEnabled)
        c.undo_stack.canRedoChanged.connect(self.redo_button_action.setEnabled)
        c.undo_stack.undoTextChanged.connect(
            lambda t: self.undo_button_action.setToolTip(f"Undo {t} (Ctrl+Z)" if t else "Nothing to undo"))
        c.undo_stack.redoTextChanged.connect(
            lambda t: self.redo_button_action.setToolTip(f"Redo {t} (Ctrl+Shift+Z)" if t else "Nothing to redo"))
        self.undo_button_action.setEnabled(False)
        self.redo_button_action.setEnabled(False)
        self.undo_button_action.setToolTip("Nothing to undo")
        self.redo_button_action.setToolTip("Nothing to redo")
        self.undo_action = c.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence.Undo])
        self.undo_action.setIcon(self.style().standardIcon(QStyle.SP_ArrowBack))
        self.undo_action.setToolTip("Undo the last change to the network or the data (Ctrl+Z)")
        self.redo_action = c.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setIcon(self.style().standardIcon(QStyle.SP_ArrowForward))
        self.redo_action.setToolTip("Redo what was undone (Ctrl+Shift+Z)")
        self._tint_arrows()
        self.add_layer_action = self._action("&Add Hidden Layer", self.add_layer, "Ctrl+Shift+A",
                                             ADD_LAYER_TIP)
        self.remove_layer_action = self._action("&Remove Selected Layer", self.remove_selected_layer,
                                                QKeySequence.Delete, "Remove the selected hidden layer")
        self.reset_action = self.train_actions.reset
        self.seed_action = self._action("Initialisation &Seed…", self.choose_seed, None,
                                        "The seed of the random initial weights")
        self.init_group = QActionGroup(self)
        self.init_actions = {}
        for scheme in INIT_SCHEMES:
            action = self._action(INIT_LABELS[scheme], checkable=True,
                                  tip=f"Initialise the weights with the '{scheme}' scheme and reset them")
            action.setData(scheme)
            self.init_group.addAction(action)
            self.init_actions[scheme] = action
        self.init_actions[c.session.init.scheme].setChecked(True)
        self.init_group.triggered.connect(lambda a: self.training.set_init(scheme=a.data()))
        self.training.hyper_changed.connect(
            lambda: self.init_actions[self.controller.session.init.scheme].setChecked(True))
        self.shape_actions = {}
        for kind in SHAPE_KINDS:
            action = self._action(f"Show {SHAPE_LABELS[kind]}", checkable=True,
                                  tip=f"Show or hide the {SHAPE_LABELS[kind]} under each layer")
            action.setChecked(True)
            action.toggled.connect(self._shape_kinds_changed)
            self.shape_actions[kind] = action
        self.dark_action = self._action("&Dark Theme", self.set_dark, "Ctrl+Shift+D",
                                        "Switch between the light and the dark palette", checkable=True)
        self.reset_layout_action = self._action("Reset &Layout", self.reset_layout, None,
                                                "Put every panel back where it started")
        self.shortcuts_action = self._action("&Keyboard Shortcuts", self.show_shortcuts, QKeySequence.HelpContents,
                                             "Every shortcut on one sheet")
        self.shapes_help_action = self._action("&Shape Rules", self.show_shape_rules, None,
                                               "How the shapes of W, b, Z and A follow from n[l] and m")
        self.about_action = self._action("&About DeepStep", self.show_about, None,
                                         "What DeepStep is, and whose notation it follows")
        self.about_action.setMenuRole(QAction.AboutRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.open_data_action])
        file.addSeparator()
        file.addActions([self.import_model_action, self.export_model_action])
        file.addSeparator()
        file.addAction(self.quit_action)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        view = bar.addMenu("&View")
        view.addActions(list(self.shape_actions.values()))
        view.addSeparator()
        view.addActions([d.toggleViewAction() for d in self.docks])
        view.addSeparator()
        view.addActions([self.dark_action, self.reset_layout_action])
        network = bar.addMenu("&Network")
        network.addActions([self.add_layer_action, self.remove_layer_action])
        network.addSeparator()
        init = network.addMenu("&Initialisation")
        init.addActions(list(self.init_actions.values()))
        init.addSeparator()
        init.addAction(self.seed_action)
        train = bar.addMenu("&Train")
        train.addActions(self.train_actions.all())
        train.addSeparator()
        train.addAction(self.step_actions.mode)
        train.addActions(self.step_actions.all())
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.shapes_help_action])
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setIconSize(QSize(24, 24))
        bar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        bar.addActions([self.open_data_action, self.export_model_action])
        bar.addSeparator()
        bar.addActions([self.undo_button_action, self.redo_button_action])
        bar.addSeparator()
        # Short labels on the toolbar (the menu keeps the full names): at 1280 px, a laptop's
        # window, the full ones pushed Step Through into the overflow menu.
        self.add_layer_action.setIconText("Add Layer")   # the remove action's: _update_actions
        bar.addActions([self.add_layer_action, self.remove_layer_action])
        bar.addSeparator()
        bar.addActions(self.train_actions.all())
        bar.addSeparator()
        bar.addAction(self.step_actions.mode)

    def _build_status_bar(self) -> None:
        self.status_m = QLabel()
        self.status_n0 = QLabel()
        self.status_params = QLabel()
        self.status_iteration = QLabel()
        for label, tip in ((self.status_m, "m: the number of training examples (and test examples)"),
                           (self.status_n0, "n[0]: the number of input features"),
                           (self.status_params, "The number of learned parameters, Σ n[l]·n[l−1] + n[l]"),
                           (self.status_iteration, "Training iterations so far")):
            label.setToolTip(tip)
            label.setAccessibleName(tip)
            self.statusBar().addPermanentWidget(label)

    # --- state shown ----------------------------------------------------------------------------
    def _update_status(self) -> None:
        data, net = self.controller.data, self.controller.network
        test = f" · test {data.m_test}" if data.m_test else ""
        self.status_m.setText(f"m = {data.m}{test}")
        self.status_n0.setText(f"n[0] = {data.n_x:,}")
        self.status_params.setText(f"{net.parameter_count:,} parameters")
        self._iteration_pace.request()   # new parameters come with every training frame

    def _update_iteration(self, *_) -> None:
        self.status_iteration.setText(f"iteration {self.training.iteration:,}")

    def _update_actions(self, *_) -> None:
        net, l = self.controller.network, self.controller.selected_layer
        self.remove_layer_action.setEnabled(1 <= l < net.L)
        self.remove_layer_action.setText(f"&Remove Hidden Layer {l}" if 1 <= l < net.L
                                         else "&Remove Selected Layer")
        self.remove_layer_action.setIconText(f"Remove Layer {l}" if 1 <= l < net.L else "Remove Layer")
        room = net.L - 1 < MAX_HIDDEN_LAYERS     # the canvas's "+" buttons follow the same rule
        self.add_layer_action.setEnabled(room)
        tip = (ADD_LAYER_TIP if room else
               f"The network has the most hidden layers DeepStep allows ({MAX_HIDDEN_LAYERS})")
        self.add_layer_action.setToolTip(tip)
        self.add_layer_action.setStatusTip(tip)

    def _stepping_mode(self, on: bool) -> None:
        dock = self.stepping_dock if on else self.cost_dock
        # The bottom group's height now: of its tabs, the one on top (Qt keeps the others
        # "visible" but moved out of the window).
        shown = [d for d in (self.cost_dock, self.stepping_dock) if not d.visibleRegion().isEmpty()]
        height = shown[0].height() if shown and not shown[0].isFloating() else 0
        if height:
            if on:
                # Stepping shows two rows of tensors under the equations: it takes 45 % of the
                # middle column (the canvas keeps the rest, enough for its highlight), and the
                # cost curve gets its own height back afterwards.
                self._cost_height = height
                central = self.centralWidget().height() + height
                height = max(height, int(0.45 * central))
            else:
                height = getattr(self, "_cost_height", height)
        dock.show()
        dock.raise_()
        if height:   # Qt sizes a newly raised tab to its panel's size hint: keep the canvas's room
            QTimer.singleShot(0, lambda: self._set_dock_height(dock, height))
        self.statusBar().showMessage("Step-through mode: → next step, ← back, Ctrl+T to leave" if on
                                     else "Step-through mode off: → trains one iteration", 5000)
        self._show_step_on_canvas()

    def _set_dock_height(self, dock: QDockWidget, height: int) -> None:
        """Make a tabbed dock this tall: resizeDocks counts the group's tab bar in the size."""
        if dock.isFloating():
            return
        bars = [b for b in self.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly) if b.isVisible()
                and dock.windowTitle() in [b.tabText(i) for i in range(b.count())]]
        self.resizeDocks([dock], [height + (bars[0].height() if bars else 0)], Qt.Vertical)

    def _show_step_on_canvas(self) -> None:
        result = self.stepping.result if self.stepping.active else None
        if result is None:
            self.canvas.set_step(None)
        else:
            self.canvas.set_step(result.step.kind, result.step.layer)

    def _shape_kinds_changed(self, *_) -> None:
        self.canvas.set_shape_kinds([k for k, a in self.shape_actions.items() if a.isChecked()])

    # --- commands -------------------------------------------------------------------------------
    def add_layer(self) -> None:
        net, l = self.controller.network, self.controller.selected_layer
        position = l + 1 if 1 <= l < net.L else net.L
        self.controller.insert_layer(position)

    def remove_selected_layer(self) -> None:
        l = self.controller.selected_layer
        if 1 <= l < self.controller.network.L:
            self.controller.remove_layer(l)

    def choose_seed(self) -> None:
        seed, ok = QInputDialog.getInt(self, "Initialisation seed", "Seed of the initial weights:",
                                       self.controller.session.init.seed, 0, 2 ** 31 - 1)
        if ok:
            self.training.set_init(seed=seed)

    def export_model(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export model", "model.h5", "HDF5 model (*.h5 *.hdf5)")
        if not path:
            return
        try:
            save_model(path, self.controller.network)
        except DeepStepError as e:
            self.show_error("Cannot export the model", str(e))
            return
        self.statusBar().showMessage(f"Model saved to {path}", 5000)

    def import_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import model", "", "HDF5 model (*.h5 *.hdf5);;All files (*)")
        if path:
            self.load_model_path(path)

    def load_model_path(self, path) -> bool:
        try:
            network = load_model(path, n_x=self.controller.data.n_x)
        except DeepStepError as e:
            self.show_error("Cannot import the model", str(e))
            return False
        self.controller.set_network(network, "Import model")
        return True

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def set_dark(self, dark: bool) -> None:
        theme.apply_theme(QApplication.instance(), dark)
        self._tint_arrows()
        self.canvas.refresh()

    def _tint_arrows(self) -> None:
        """Undo and redo arrows in the palette's text colour (Fusion's are black, lost on dark)."""
        color = QApplication.instance().palette().color(QPalette.ButtonText)
        for actions, icon in (((self.undo_button_action, self.undo_action), QStyle.SP_ArrowBack),
                              ((self.redo_button_action, self.redo_action), QStyle.SP_ArrowForward)):
            for action in actions:
                action.setIcon(theme.tinted(self.style().standardIcon(icon), color))

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self.docks:
            dock.show()
        self._boundary_hidden_for_data = False
        self._fit_docks_to_data()

    def _fit_docks_to_data(self) -> None:
        """Data with no plane to draw (images, n[0] ≠ 2) leaves the Decision Boundary dock empty:
        it is hidden and its room goes to the thumbnails; 2-D data brings it back."""
        planar = self.controller.data.n_x == 2
        if not planar and not self.boundary_dock.isHidden():
            self.boundary_dock.hide()
            self._boundary_hidden_for_data = True
        elif planar and self._boundary_hidden_for_data:
            self.boundary_dock.show()
            self._boundary_hidden_for_data = False

    def show_shortcuts(self) -> None:
        rows = [(a.text().replace("&", ""), " or ".join(k.toString(QKeySequence.NativeText)
                                                        for k in a.shortcuts() if not k.isEmpty()))
                for a in self.findChildren(QAction) if not a.shortcut().isEmpty()]  # every key, not the first
        rows = sorted(rows)
        half = (len(rows) + 1) // 2   # two columns: the sheet fits the screen in presentation type too
        cell = lambda k: f"<td>{rows[k][0]}</td><td><b>{rows[k][1]}</b></td>" if k < len(rows) else ""
        table = "".join(f"<tr>{cell(k)}<td width='30'></td>{cell(half + k)}</tr>" for k in range(half))
        QMessageBox.information(self, "Keyboard shortcuts", f"<table cellspacing='8'>{table}</table>")

    def show_shape_rules(self) -> None:
        QMessageBox.information(self, "Shape rules", (
            "<p>For layer l with n[l] units, m examples:</p><ul>"
            "<li><b>W</b><sup>[l]</sup>: (n[l], n[l−1]), one row per unit, one column per input</li>"
            "<li><b>b</b><sup>[l]</sup>: (n[l], 1), broadcast across the m columns</li>"
            "<li><b>Z</b><sup>[l]</sup> = W<sup>[l]</sup>·A<sup>[l−1]</sup> + b<sup>[l]</sup>: (n[l], m)</li>"
            "<li><b>A</b><sup>[l]</sup> = g<sup>[l]</sup>(Z<sup>[l]</sup>): (n[l], m)</li>"
            "<li>dW, db, dZ, dA have the shapes of W, b, Z, A</li></ul>"))

    def show_about(self) -> None:
        QMessageBox.about(self, "About DeepStep", (
            "<h3>DeepStep</h3><p>See how a deep neural network learns: draw it layer by layer, "
            "step through forward and backward propagation, watch it train.</p>"
            "<p>Notation of deeplearning.ai's <i>Neural Networks and Deep Learning</i>.</p>"))

    # --- window state ---------------------------------------------------------------------------
    def _size_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(default_window_size(screen.size() if screen is not None else None))
        self._size_docks()

    def _size_docks(self) -> None:
        """The docks' first sizes: the side columns a quarter of the window each (at most 440 px,
        at least their panel's minimum width), each dock just tall enough for its panel's minimum
        so nothing scrolls, and the cost curve no taller: the canvas gets the rest."""
        def side(panels, most: int) -> int:   # the widest panel of the column, + a scroll bar
            widest = max(p.minimumSizeHint().width() for p in panels)
            return min(most, max(widest + 16, self.width() // 4))

        def room(panel, tabs=False) -> int:   # resizeDocks counts the title bar, and a tab bar
            return panel.minimumSizeHint().height() + 34 + (34 if tabs else 0)
        self.resizeDocks([self.data_dock, self.training_dock],
                         [side((self.data_panel, self.boundary_panel), 440),
                          side((self.training_panel, self.runs_panel), 420)], Qt.Horizontal)
        def below(first, second, most: int) -> int:
            # What the lower dock asks for: `most` where the column has room, else only what the
            # upper one leaves (at least its own minimum), so on a laptop (1366×768) the upper
            # panel is not squeezed into scrolling by a lower one asking for more than its need.
            column = self.height() - 120      # menu bar, toolbar, status bar
            return max(room(second), min(most, column - room(first)))
        self.resizeDocks([self.data_dock, self.boundary_dock],
                         [room(self.data_panel), below(self.data_panel, self.boundary_panel, 380)],
                         Qt.Vertical)
        self.resizeDocks([self.training_dock, self.runs_dock],
                         [room(self.training_panel), below(self.training_panel, self.runs_panel, 460)],
                         Qt.Vertical)
        self.resizeDocks([self.cost_dock], [room(self.cost_panel, tabs=True)], Qt.Vertical)

    def _restore_settings(self) -> None:
        s = QSettings()
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self._restored_state = self.restoreState(state)
        self.dark_action.setChecked(s.value("view/dark", False, type=bool))
        for kind, action in self.shape_actions.items():
            action.setChecked(s.value(f"view/shapes/{kind}", True, type=bool))

    def save_settings(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("view/dark", self.dark_action.isChecked())
        for kind, action in self.shape_actions.items():
            s.setValue(f"view/shapes/{kind}", action.isChecked())

    def showEvent(self, event):
        super().showEvent(event)
        QTimer.singleShot(0, self.hide_stale_tab_bars)
        if not self._sized_when_shown:
            self._sized_when_shown = True
            QTimer.singleShot(0, self._size_docks_when_shown)

    def _size_docks_when_shown(self) -> None:
        """The docks' first sizes again, now that the panels are polished: before the window is
        shown their minimum widths are not yet their real ones (the boundary panel's 260 px, not
        366), and a 1366-wide laptop window's left column was left too narrow, scrolling sideways.
        A layout restored from the settings is the user's and stays as it is."""
        if self._restored_state:
            return
        self._size_docks()
        self._default_state = self.saveState()   # what Reset Layout returns to

    def hide_stale_tab_bars(self) -> int:
        """Hide dock tab bars Qt left behind; how many were hidden.

        Qt 6.11 gives the second group of docks tabified before the window is first shown, or
        laid out again by restoreState, a second tab bar, and keeps old ones of groups that have
        changed since; they stay visible where they were: a stray "Cost | Step Through" over the
        Data dock. A bar is kept only if it shows the tabs of a group as it is now and touches
        one of its docks, and only once.
        """
        groups = set()
        for dock in self.docks:
            if dock.isHidden() or dock.isFloating():
                continue
            group = [dock] + [d for d in self.tabifiedDockWidgets(dock) if not d.isHidden()]
            if len(group) > 1:
                groups.add(frozenset(d.windowTitle() for d in group))
        titles = {d.windowTitle(): d for d in self.docks}
        kept, hidden = set(), 0
        for bar in self.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly):
            if not bar.isVisible():
                continue
            tabs = frozenset(bar.tabText(i) for i in range(bar.count()))
            near = any(bar.geometry().intersects(titles[t].geometry().adjusted(-6, -6, 6, 6))
                       for t in tabs if t in titles and not titles[t].visibleRegion().isEmpty())
            if tabs in groups and near and tabs not in kept:
                kept.add(tabs)
            else:
                bar.hide()
                hidden += 1
        return hidden

    def restoreState(self, state, version: int = 0) -> bool:
        ok = super().restoreState(state, version)
        QTimer.singleShot(0, self.hide_stale_tab_bars)   # it can leave stray tab bars (above)
        return ok

    def closeEvent(self, event):
        if not self.sessions.may_close():  # unsaved changes: Save / Discard / Cancel
            event.ignore()
            return
        self.training.shutdown()  # stop the worker and join it before the window goes
        self.gradcheck_panel.shutdown()  # and wait for a gradient check still running
        if self._persist:
            self.save_settings()
        super().closeEvent(event)


def default_window_size(available: QSize | None) -> QSize:
    """The window's first size on a screen with this much room: most of it, at least 1280×800
    where the screen allows; 1600×960 without a (real) screen, as in a screenshot."""
    if available is None or available.width() < 1000:
        return QSize(1600, 960)
    # A laptop's screen (1366 wide) gets all its width: 85% of it is under 1280, and 1280 left its
    # side docks too narrow for their panels (they scrolled sideways).
    width = available.width() if available.width() * 0.85 < 1280 else int(available.width() * 0.85)
    height = max(min(800, available.height()), int(available.height() * 0.88))
    return QSize(min(width, available.width()), min(height, available.height()))
