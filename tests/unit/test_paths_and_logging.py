"""Where shipped files are found, and where the log goes."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from desktop import logging_setup, paths

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_folders_from_a_checkout() -> None:
    assert paths.project_root() == ROOT
    assert paths.db_seed_dir() == ROOT / "db"
    assert paths.resources_dir() == ROOT / "resources"
    assert (paths.resources_dir() / "fonts").is_dir()


def test_shipped_folders_in_a_frozen_build(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.project_root() == tmp_path
    assert paths.db_seed_dir() == tmp_path / "db"
    assert paths.resources_dir() == tmp_path / "resources"


def test_a_program_of_the_system_is_started_without_the_builds_search_paths(monkeypatch, tmp_path) -> None:
    """A frozen build points LD_LIBRARY_PATH, QT_PLUGIN_PATH and QML2_IMPORT_PATH (PATH on
    Windows) at its own Qt and libraries: the PDF reader it started inherited them and loaded
    the build's Qt in place of its own."""
    build = tmp_path / "comptoir" / "_internal"
    monkeypatch.setattr(sys, "_MEIPASS", str(build), raising=False)
    system = os.pathsep.join(["/usr/local/bin", "/usr/bin"])
    monkeypatch.setenv("LD_LIBRARY_PATH", os.pathsep.join([str(build), "/opt/lib"]))
    monkeypatch.setenv("QT_PLUGIN_PATH", str(build / "PySide6" / "Qt" / "plugins"))
    monkeypatch.setenv("QML2_IMPORT_PATH", str(build / "PySide6" / "Qt" / "qml"))
    monkeypatch.setenv("PATH", system)
    before = dict(os.environ)
    with paths.system_environment():
        assert os.environ["LD_LIBRARY_PATH"] == "/opt/lib"
        assert "QT_PLUGIN_PATH" not in os.environ and "QML2_IMPORT_PATH" not in os.environ
        assert os.environ["PATH"] == system
    assert dict(os.environ) == before  # the build itself keeps them


def test_from_a_checkout_the_environment_is_left_alone(monkeypatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setenv("QT_PLUGIN_PATH", "/opt/qt/plugins")
    with paths.system_environment():
        assert os.environ["QT_PLUGIN_PATH"] == "/opt/qt/plugins"


def _our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if h is logging_setup._handler]


def test_log_goes_to_comptoir_log_dir(comptoir_env) -> None:
    path = logging_setup.configure_logging()
    assert path == comptoir_env.log_dir / "comptoir.log"
    assert logging_setup.log_file() == path
    logging.getLogger("desktop.essai").warning("Message accentué : Liège")
    for handler in _our_handlers():
        handler.flush()
    assert "WARNING" in path.read_text(encoding="utf-8")
    assert "Message accentué : Liège" in path.read_text(encoding="utf-8")


def test_configuring_twice_keeps_one_handler(comptoir_env) -> None:
    first = logging_setup.configure_logging()
    second = logging_setup.configure_logging()
    assert first == second
    assert len(_our_handlers()) == 1


def test_a_new_log_dir_replaces_the_handler(monkeypatch, tmp_path) -> None:
    logging_setup.configure_logging()
    monkeypatch.setenv("COMPTOIR_LOG_DIR", str(tmp_path / "ailleurs"))
    path = logging_setup.configure_logging()
    assert path == tmp_path / "ailleurs" / "comptoir.log"
    assert len(_our_handlers()) == 1


def test_platform_folder_without_override(monkeypatch) -> None:
    import platformdirs

    monkeypatch.delenv("COMPTOIR_LOG_DIR")
    assert logging_setup.log_dir() == Path(platformdirs.user_log_dir("Comptoir", "iMio"))


@pytest.mark.skipif(sys.platform == "win32", reason="a file in place of a folder is enough")
def test_unwritable_log_dir_falls_back_to_temp(monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    monkeypatch.setenv("COMPTOIR_LOG_DIR", str(blocker / "log"))
    path = logging_setup.configure_logging()
    assert path.parent.name == "comptoir-logs"
    assert path.parent.is_dir()
