"""DeepStep's window: Qt (PySide6) and pyqtgraph over the core engine. One module per panel."""
