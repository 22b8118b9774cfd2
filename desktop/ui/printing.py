"""Printing a PDF on a ``QPrinter``: which pages the print dialog asked for, and how they
reach the printer.

- ``pages_to_print``: the pages (range, current page, reverse order, copies the printer cannot
  make itself) in printing order.
- ``prints_whole_file``: "Imprimer dans un fichier (PDF)" of the whole document, on A4
  portrait, once; ``print_to_file`` then writes the document itself.
- ``print_pdf_bytes`` / ``print_document``: every other case, page by page, rendered at the
  printer's resolution (capped at 600 dpi) by the PDF renderer's own thread
  (``render_page``) and painted over the sheet in bands.

``pages_to_print`` and ``prints_whole_file`` only read the printer the dialog set up;
``print_pdf_bytes`` and ``print_to_file`` run on a worker thread of the task helper
(``desktop.ui.tasks``). Nothing here touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QObject,
    QRect,
    QSize,
    QTimer,
    Slot,
)
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions, QPdfPageRenderer
from PySide6.QtPrintSupport import QPrinter

from desktop.core.errors import InvalidInput, StorageError

MAX_PRINT_DPI = 600
# Pixels painted on the printer per call: a band of about 15 ms. Between two bands the GUI
# thread gets the interpreter back, so the window repaints while a page is being sent.
PRINT_BAND_PIXELS = 1_000_000
RENDER_TIMEOUT_MS = 60_000  # one page; beyond, the print stops with a message


def pages_to_print(printer: Any, count: int, current: int = 0) -> list[int]:
    """The pages (0-based, in printing order) that the print dialog asked for.

    "De ... à ..." (or a Windows page list) selects pages, "Page courante" the one ``current``
    shows, "Ordre inverse" reverses them (Qt leaves the page order to the application); with
    several copies on a printer that cannot make them itself (a PDF file), the list repeats
    them, collated or not as asked. Raises ``InvalidInput`` with a French message when the
    chosen range holds none of the document's ``count`` pages.
    """
    chosen = list(range(count))
    kind = printer.printRange()
    if kind == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            chosen = [page for page in chosen if ranges.contains(page + 1)]
            if not chosen:
                raise InvalidInput(
                    f"Les pages demandées ({ranges.toString().replace('-', ' à ')}) n'existent pas : "
                    f"le document compte {count} page{'s' if count > 1 else ''}. "
                    f"Choisissez des pages entre 1 et {count}."
                )
    elif kind == QPrinter.PrintRange.CurrentPage and chosen:
        chosen = [min(max(current, 0), count - 1)]
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        chosen.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if copies > 1:
        if printer.collateCopies():
            chosen = chosen * copies
        else:
            chosen = [page for page in chosen for _ in range(copies)]
    return chosen


def prints_whole_file(printer: Any, count: int, chosen: list[int]) -> bool:
    """True when the printer is "Imprimer dans un fichier (PDF)" asked for the whole
    document once, on A4 portrait: the PDF itself is then the best possible print."""
    layout = printer.pageLayout()
    return (
        printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
        and bool(printer.outputFileName())
        and chosen == list(range(count))
        and layout.pageSize().id() == QPageSize.PageSizeId.A4
        and layout.orientation() == QPageLayout.Orientation.Portrait
    )


def print_document(
    document: QPdfDocument,
    printer: Any,
    *,
    pages: Sequence[int] | None = None,
    max_dpi: int = MAX_PRINT_DPI,
    progress: Callable[[tuple[int, int]], object] | None = None,
) -> int:
    """Paint ``pages`` of ``document`` (0-based indexes, in order, repeats allowed; every page
    by default) on ``printer``; returns the number of sheets printed.

    Each page is rendered once, at the printer's resolution divided by the smallest whole
    factor that brings it to ``max_dpi`` or less, then drawn over the whole sheet (the PDF
    carries its own margins) in horizontal bands. Every image pixel covers exactly
    factor x factor printer dots, so the bands join without a seam. ``progress((page, pages))``
    is told which page is being sent. Runs on any thread (painting on a ``QPrinter`` is
    thread-safe); the document must belong to the calling thread.
    """
    count = document.pageCount()
    sheets = [page for page in (range(count) if pages is None else pages) if 0 <= page < count]
    if not sheets:
        return 0
    printer.setFullPage(True)
    if printer.outputFileName():  # « Imprimer dans un fichier »: a missing folder, said as such
        from desktop.store.files import check_target

        check_target(printer.outputFileName())
    painter = QPainter()
    if not painter.begin(printer):
        raise StorageError("L'imprimante n'a pas pu démarrer l'impression (vérifiez qu'elle est disponible).")
    try:
        factor = -(-max(72, int(printer.resolution())) // max_dpi)  # ceiling division
        sheet = painter.viewport()
        for number, index in enumerate(sheets):
            if progress is not None:
                progress((number + 1, len(sheets)))
            if number:
                printer.newPage()
            size = document.pagePointSize(index)
            dots_per_point = min(sheet.width() / size.width(), sheet.height() / size.height())
            width = max(1, int(size.width() * dots_per_point))
            height = max(1, int(size.height() * dots_per_point))
            image = render_page(document, index, QSize(-(-width // factor), -(-height // factor)))
            left = sheet.x() + (sheet.width() - width) // 2
            top = sheet.y() + (sheet.height() - height) // 2
            rows = max(1, PRINT_BAND_PIXELS // image.width())
            for y in range(0, image.height(), rows):
                band = min(rows, image.height() - y)
                painter.drawImage(
                    QRect(left, top + y * factor, image.width() * factor, band * factor),
                    image,
                    QRect(0, y, image.width(), band),
                )
            del image  # about 140 MB at 600 dpi: gone before the next page is rendered
    finally:
        painter.end()
    return len(sheets)


class _Rendered(QObject):
    """Receives a page from the renderer's thread, in the thread that asked for it."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.image: QImage | None = None

    @Slot(int, QSize, QImage, QPdfDocumentRenderOptions, int)
    def take(self, page: int, size: QSize, image: QImage, options: object, request: int) -> None:
        self.image = image
        self.loop.quit()


def render_page(document: QPdfDocument, index: int, size: QSize) -> QImage:
    """``document.render(index, size)``, computed by the PDF renderer's own thread.

    Rendering a page at printer resolution takes about 100 ms; done by a plain call it
    would hold the interpreter, and the window, for that long. Here the calling thread
    waits in an event loop, which leaves the interpreter to the window meanwhile.
    """
    loop = QEventLoop()
    receiver = _Rendered(loop)
    renderer = QPdfPageRenderer()
    renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
    patience = QTimer()  # never wait forever on a page
    patience.setSingleShot(True)
    renderer.setDocument(document)
    renderer.pageRendered.connect(receiver.take)
    patience.timeout.connect(loop.quit)
    try:
        if renderer.requestPage(index, size) and receiver.image is None:
            patience.start(RENDER_TIMEOUT_MS)
            loop.exec()
            patience.stop()
    finally:
        # Undone here, with the interpreter held, not left to the objects' destruction: a
        # QObject destroyed with a connection still in place tells the other end under a Qt
        # lock and the binding then waits for the interpreter, which the window's thread may
        # hold while it waits for that same lock (the application froze while printing).
        patience.timeout.disconnect(loop.quit)
        renderer.pageRendered.disconnect(receiver.take)
        renderer.setDocument(None)  # type: ignore[arg-type]  # Qt takes none: detaches it
    image = receiver.image
    if image is None or image.isNull():
        raise StorageError("Une page n'a pas pu être préparée pour l'impression. Réessayez.")
    return image


def print_pdf_bytes(
    data: bytes,
    printer: Any,
    progress: Callable[[tuple[int, int]], object] | None = None,
    pages: Sequence[int] | None = None,
) -> int:
    """The worker side of « Imprimer… »: read ``data`` into a document of this thread, print
    its ``pages`` (every page by default)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    try:
        if document.status() != QPdfDocument.Status.Ready:
            raise StorageError("Le document n'a pas pu être relu pour l'impression. Réessayez l'aperçu.")
        return print_document(document, printer, pages=pages, progress=progress)
    finally:
        document.close()
        buffer.close()


def print_to_file(data: bytes, path: str, pages: int) -> int:
    """The worker side of "Imprimer dans un fichier" for the whole document: the PDF itself
    (vector text, exact colours, a small file), written atomically under the name the print
    dialog gave. Returns ``pages``."""
    from desktop.store.files import write_atomically

    write_atomically(path, data, what="le fichier PDF")
    return pages
