"""The dialog that shows an unexpected error's report, with a "Copier" button.

Its own module so that the Qt classes it needs load only when a report is shown, not at start.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class CrashDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Erreur inattendue — Comptoir")
        self.report = report
        intro = QLabel(
            "<b>Comptoir a rencontré une erreur inattendue.</b><br>"
            "Ce que vous aviez saisi est enregistré (l'offre en cours, s'il y en a une, est "
            "dans « Offres enregistrées »). Copiez le rapport "
            "ci-dessous et envoyez-le au support iMio avec une phrase sur ce que vous "
            "faisiez. Vous pouvez continuer à travailler ; si l'application se comporte "
            "mal, fermez-la et rouvrez-la."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.text = QPlainTextEdit(report)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Rapport d'erreur")
        self.text.setTabChangesFocus(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy_button = QPushButton("Copier le rapport")
        self.copy_button.clicked.connect(self.copy)
        close = QPushButton("Fermer")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.resize(760, 480)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Rapport copié")
