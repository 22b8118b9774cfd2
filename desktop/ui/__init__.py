"""Everything that imports PySide6: windows, widgets, dialogs, item models, background tasks.

Importing this package is cheap; ``desktop.ui.application.run_gui`` builds the application.
"""
