"""Draw the application icon (resources/icons/comptoir.png and .ico) with Qt: a rounded square
in iMio's blue with a white « C ». Run again after changing the drawing:
``QT_QPA_PLATFORM=offscreen python packaging/make_icons.py``.

The .ico holds one image per size Windows shows (lists and the task bar at 100 to 250 %, the
desktop, Explorer's large icons): given a single image, Windows blurs it down or blows it up.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
BLUE = QColor("#1d4f91")
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)


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


def ico(images: list[QImage]) -> bytes:
    """A Windows icon file holding ``images`` (square, at most 256 pixels), each stored as PNG
    (read by Windows since Vista)."""
    entries, data = [], []
    offset = 6 + 16 * len(images)
    for image in images:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        png = bytes(buffer.data().data())
        size = image.width() % 256  # 0 means 256
        entries.append(struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), offset))
        data.append(png)
        offset += len(png)
    return struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries) + b"".join(data)


def main() -> int:
    QGuiApplication(sys.argv[:1])
    # the letter in the font the documents embed, whatever the system has
    QFontDatabase.addApplicationFont(str(ROOT / "resources" / "fonts" / "DejaVuSans-Bold.ttf"))
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(ICONS / "comptoir.png"))
    (ICONS / "comptoir.ico").write_bytes(ico([draw(size) for size in ICO_SIZES]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
