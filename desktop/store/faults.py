"""Storage faults: SQLite and file-system errors mapped once to typed, French errors.

Every store module that talks to SQLite or writes files wraps the work in
``with storage_errors("enregistrer l'offre", path):``; the caller then only sees
``StorageError`` subclasses (or ``RuleViolation`` for a refusal by a trigger), whose ``str()`` is
a message a user can act on. Nothing sorts errors by matching strings elsewhere.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.core.errors import ComptoirError, RuleViolation, StorageError

log = logging.getLogger(__name__)

# what a damaged database's message advises (the start-up, which offers the restore itself,
# leaves it out)
RESTORE_ADVICE = " Restaurez une sauvegarde (Fichier > Restaurer la base… ou « comptoir restore FICHIER »)."


class DatabaseReadOnly(StorageError):
    """The database file or its folder cannot be written."""


class DatabaseLocked(StorageError):
    """Another process holds the write lock longer than the busy timeout."""


class DiskFull(StorageError):
    """No space left for the database, its journal, a backup or a bundle."""


class DatabaseCorrupt(StorageError):
    """The file is damaged or is not a Comptoir/SQLite database."""


class UnreadableData(StorageError):
    """A stored value cannot be read back as what its column holds (text where a number is
    expected, JSON that does not parse or is not the list or object expected, an unknown
    code...). The message names the row and the value."""


class BundleError(StorageError):
    """A bundle file is corrupt, foreign, of an unknown format, or fails its checksums."""


class BackupError(StorageError):
    """A backup file cannot be used to restore (damaged, wrong schema, not a database)."""


class AlreadyRunning(StorageError):
    """Another Comptoir window already uses this database."""


_TRIGGER_MESSAGES = {
    "comptoir: offre finalisee en lecture seule": (
        "Cette offre est finalisée : elle ne peut plus être modifiée. Révisez-la pour en faire "
        "une nouvelle version."
    ),
    "comptoir: offre finalisee non supprimable": (
        "Une offre finalisée ne peut pas être supprimée ; seuls les brouillons peuvent l'être."
    ),
    "comptoir: journal en ajout seul": (
        "Le journal des offres ne peut être que complété, jamais modifié ni effacé."
    ),
}


def _where(path: Path | str | None) -> str:
    return f" ({path})" if path else ""


_VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")
# Words whose h is aspirated: no elision before them ("de hisser", "de heurter").
_H_ASPIRE = frozenset(
    {
        "hacher", "haïr", "hâter", "hausser", "hanter", "harceler", "harasser", "hasarder",
        "heurter", "hisser", "hocher", "huer", "hurler", "héler", "hérisser", "hiérarchiser",
        "handicaper", "haler", "happer", "harponner", "hacker", "hall", "hangar", "hasard", "haut",
        "hauteur", "haie", "homard", "honte", "hors", "housse", "huit", "hêtre", "héros",
    }
)


def de(doing: str) -> str:
    """``de`` before ``doing``, elided as French requires: "d'ouvrir", "d'écrire",
    "d'héberger", "d'y accéder", but "de lire", "de hisser" (aspirated h)."""
    text = doing.lstrip()
    word = text.split(maxsplit=1)[0].casefold().strip("«»\"'(") if text else ""
    if not word:
        return f"de {text}"
    first = word[0]
    if (
        first in _VOWELS
        or word == "y"
        or (first == "h" and word not in _H_ASPIRE)
    ):
        return f"d'{text}"
    return f"de {text}"


READ_ONLY_ADVICE = (
    " Copiez le fichier dans un dossier où vous pouvez écrire (vos Documents, par exemple) et "
    "ouvrez cette copie (--db), ou reprenez son contenu dans votre base habituelle avec "
    "Fichier > Restaurer la base… (« comptoir restore FICHIER »)."
)
DISK_FULL_MIN_FREE = 1 << 20  # below 1 Mio free, an I/O error is the disk being full

# Windows' own codes (``OSError.winerror``), which Python folds into fewer errno values: a file
# another program holds open (ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION)
# and a write-protected key (ERROR_WRITE_PROTECT) are « access denied », a path longer than
# Windows takes (ERROR_FILENAME_EXCED_RANGE) is « not found », a name with a sign Windows
# refuses (ERROR_INVALID_NAME: « offre: Namur.pdf », a path pasted with its quotes) is EINVAL.
WIN_ACCESS_DENIED = 5
WIN_IN_USE = frozenset({32, 33})
WIN_BUSY = WIN_IN_USE | {WIN_ACCESS_DENIED}
WIN_WRITE_PROTECT = 19
WIN_NAME_TOO_LONG = 206
WIN_INVALID_NAME = 123


def _folder_of(path: Path | str | None) -> Path | None:
    if not path:
        return None
    p = Path(path)
    return p if p.is_dir() else p.parent


def _on_read_only_place(path: Path | str | None) -> bool:
    """Can nothing be written where ``path`` is (a write-protected key, a read-only share)?
    SQLite says it cannot *open* a database it may read but cannot add its journal beside."""
    folder = _folder_of(path)
    if folder is None or not folder.is_dir():
        return False
    p = Path(path or folder)
    return not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK))


def _nearly_full(path: Path | str | None) -> bool:
    """Is the disk of ``path`` (nearly) full? SQLite reports a full disk as an I/O error when
    it fails to grow its shared-memory or journal file."""
    folder = _folder_of(path)
    if folder is None:
        return False
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # Windows has no statvfs: keep SQLite's own verdict
        try:
            import shutil

            return shutil.disk_usage(folder).free < DISK_FULL_MIN_FREE
        except OSError:
            return False
    return st.f_bavail * st.f_frsize < DISK_FULL_MIN_FREE


def map_error(exc: BaseException, doing: str, path: Path | str | None = None) -> ComptoirError:
    """The one place where sqlite3 and OS errors become French, typed errors.

    ``doing`` completes "Impossible de ..." (e.g. "enregistrer le brouillon"), elided
    where French requires it ("Impossible d'ouvrir la base de données").
    """
    if isinstance(exc, ComptoirError):
        return exc
    what = f"Impossible {de(doing)}{_where(path)}"
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        for marker, message in _TRIGGER_MESSAGES.items():
            if marker in text:
                return RuleViolation(message)
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        low = text.lower()
        read_only = primary == sqlite3.SQLITE_READONLY or "readonly" in low or "read-only" in low
        cannot_open = primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in low
        if read_only or (cannot_open and _on_read_only_place(path)):
            return DatabaseReadOnly(
                f"{what} : la base de données est en lecture seule (clé USB protégée, dossier "
                f"réseau ou droits insuffisants) : Comptoir ne peut pas y écrire.{READ_ONLY_ADVICE}"
            )
        if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in low:
            return DatabaseLocked(
                f"{what} : la base de données est occupée par un autre programme (une autre "
                "fenêtre de Comptoir ou une commande en cours). Rien n'a été modifié ; "
                "réessayez dans un instant ou fermez l'autre programme."
            )
        if (
            primary == sqlite3.SQLITE_FULL
            or "disk is full" in low
            or "database or disk is full" in low
            or ((primary == sqlite3.SQLITE_IOERR or "disk i/o" in low) and _nearly_full(path))
        ):
            return DiskFull(
                f"{what} : le disque est plein. Rien n'a été enregistré de cette opération ; "
                "libérez de la place puis recommencez."
            )
        if (
            primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
            or "malformed" in low
            or "not a database" in low
        ):
            return DatabaseCorrupt(
                f"{what} : le fichier est endommagé ou n'est pas une base Comptoir.{RESTORE_ADVICE}"
            )
        if primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in low:
            return StorageError(
                f"{what} : le fichier ne peut pas être ouvert. Vérifiez que le dossier existe "
                "et qu'il est accessible."
            )
        if primary == sqlite3.SQLITE_IOERR or "disk i/o" in low:
            return StorageError(
                f"{what} : erreur de lecture ou d'écriture sur le disque. Vérifiez le support "
                "(clé retirée, disque réseau coupé) puis réessayez."
            )
        log.error("sqlite error while trying to %s: %s", doing, exc, exc_info=exc)
        name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
        return StorageError(
            f"{what} : erreur inattendue de la base de données ({name}). Rien n'a été enregistré "
            "de cette opération ; réessayez, et si l'erreur revient, gardez le journal de "
            "l'application pour le support."
        )
    if isinstance(exc, OSError):
        winerror = getattr(exc, "winerror", None)
        if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", -1):
            return DiskFull(
                f"{what} : le disque est plein. Libérez de la place puis recommencez ; le "
                "fichier incomplet a été supprimé."
            )
        if exc.errno in (errno.EROFS,) or winerror == WIN_WRITE_PROTECT:
            return DatabaseReadOnly(
                f"{what} : le support est en lecture seule (clé USB protégée, dossier réseau) ; "
                "choisissez un dossier où vous pouvez écrire."
            )
        if winerror in WIN_IN_USE:
            return StorageError(
                f"{what} : le fichier est ouvert dans un autre programme (un lecteur PDF qui "
                "l'affiche, par exemple). Fermez-le puis recommencez."
            )
        if exc.errno in (errno.EACCES, errno.EPERM):
            if winerror == WIN_ACCESS_DENIED:
                return StorageError(
                    f"{what} : accès refusé. Le fichier est peut-être ouvert dans un autre "
                    "programme (un lecteur PDF qui l'affiche, par exemple) : fermez-le puis "
                    "recommencez ; sinon, vérifiez les droits sur le fichier ou le dossier."
                )
            return StorageError(
                f"{what} : accès refusé. Vérifiez les droits sur le fichier ou le dossier."
            )
        if exc.errno == errno.ENAMETOOLONG or winerror == WIN_NAME_TOO_LONG:
            return StorageError(f"{what} : le nom du fichier est trop long ; raccourcissez-le.")
        if winerror == WIN_INVALID_NAME:
            return StorageError(
                f"{what} : Windows n'accepte pas ce nom. Un nom de fichier ou de dossier ne "
                "contient aucun des signes * ? \" < > | ni de deux-points (hors de « C: »), et le "
                "chemin ne s'écrit pas entre guillemets : corrigez-le ou choisissez-en un autre."
            )
        if exc.errno == errno.ENOENT:
            return StorageError(f"{what} : fichier ou dossier introuvable.")
        if exc.errno == errno.EISDIR:
            return StorageError(f"{what} : c'est un dossier, indiquez un fichier.")
        if exc.errno == errno.ENOTDIR:
            return StorageError(
                f"{what} : un élément du chemin est un fichier, pas un dossier ; choisissez un "
                "autre emplacement."
            )
        log.error("OS error while trying to %s: %s", doing, exc, exc_info=exc)
        code = errno.errorcode.get(exc.errno or 0, "inconnue")
        return StorageError(
            f"{what} : erreur du système de fichiers ({code}). Vérifiez le support (clé, "
            "disque réseau) puis réessayez ; le détail est dans le journal de l'application."
        )
    raise TypeError(f"not a storage error: {exc!r}")


@contextmanager
def storage_errors(doing: str, path: Path | str | None = None) -> Iterator[None]:
    """Turn sqlite3.Error and OSError raised inside the block into typed French errors."""
    try:
        yield
    except (sqlite3.Error, OSError) as e:
        raise map_error(e, doing, path) from e
