"""Draw the application icon (resources/icons/comptoir.png and .ico) with Qt: a rounded square
in iMio's blue with a white « C ». Run again after changing the drawing:
``QT_QPA_PLATFORM=offscreen python packaging/make_icons.py``."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
BLUE = QColor("#1d4f91")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(BLUE)
    margin = size * 0.04
    p.drawRoundedRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin), size * 0.18, size * 0.18)
    font = QFont("DejaVu Sans")
    font.setBold(True)
    font.setPixelSize(int(size * 0.7))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, -size * 0.02, size, size), Qt.AlignmentFlag.AlignCenter, "C")
    p.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(ICONS / "comptoir.png"))
    draw(64).save(str(ICONS / "comptoir.ico"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
