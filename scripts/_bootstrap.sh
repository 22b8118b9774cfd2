#!/usr/bin/env bash
# Sourced by scripts/run, scripts/test and scripts/bench: make this checkout runnable.
#
#   comptoir_bootstrap app|test
#
# 1. On Debian/Ubuntu, installs the system libraries Qt needs when they are missing (as root,
#    or through passwordless sudo; otherwise prints the command to run).
# 2. Creates .venv with Python >= 3.11 if absent.
# 3. pip-installs the project (editable; with the test extra for `test`), skipped when a stamp
#    keyed on pyproject.toml's hash says it is already done.
# Sets ROOT (the checkout) and PY (the venv's python).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

_say() { printf 'comptoir: %s\n' "$*" >&2; }

# soname -> Debian package. Qt's offscreen and xcb platforms load these at start-up.
_QT_LIBS="
libEGL.so.1:libegl1
libGL.so.1:libgl1
libxkbcommon.so.0:libxkbcommon0
libxkbcommon-x11.so.0:libxkbcommon-x11-0
libfontconfig.so.1:libfontconfig1
libdbus-1.so.3:libdbus-1-3
libxcb-cursor.so.0:libxcb-cursor0
libxcb-icccm.so.4:libxcb-icccm4
libxcb-keysyms.so.1:libxcb-keysyms1
libxcb-shape.so.0:libxcb-shape0
libxcb-xinerama.so.0:libxcb-xinerama0
libxcb-randr.so.0:libxcb-randr0
libxcb-render-util.so.0:libxcb-render-util0
libxcb-image.so.0:libxcb-image0
libglib-2.0.so.0:libglib2.0-0
"

_as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

_can_be_root() {
    [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

_missing_system_packages() {
    local mode="$1" cache entry soname package
    cache="$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)"
    for entry in $_QT_LIBS; do
        soname="${entry%%:*}"
        package="${entry#*:}"
        case "$cache" in
            *"$soname "*) ;;
            *) printf '%s\n' "$package" ;;
        esac
    done
    # Qt warns at start-up (and --check-startup fails) when the system has no font at all.
    if ! find /usr/share/fonts /usr/local/share/fonts -type f \( -name '*.ttf' -o -name '*.otf' \) \
        2>/dev/null | grep -q .; then
        printf '%s\n' fonts-dejavu-core
    fi
    if [ "$mode" = test ]; then
        # Only when a test or tool actually calls them.
        if grep -rqsE '\b(pdftotext|pdftoppm|pdfinfo)\b' "$ROOT/tests" "$ROOT/desktop"; then
            command -v pdftotext >/dev/null 2>&1 || printf '%s\n' poppler-utils
        fi
        if grep -rqsE '\b(Xvfb|xvfb-run)\b' "$ROOT/tests"; then
            command -v Xvfb >/dev/null 2>&1 || printf '%s\n' xvfb
        fi
    fi
}

_find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

_apt_install() {
    _say "installing system packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${_COMPTOIR_APT_UPDATED:-}" ]; then
        _as_root apt-get update -qq
        _COMPTOIR_APT_UPDATED=1
    fi
    _as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

_system_setup() {
    local mode="$1" missing
    [ "$(uname -s)" = Linux ] || return 0
    missing="$(_missing_system_packages "$mode" | sort -u | tr '\n' ' ')"
    if [ ! -x "$PY" ] && ! _find_python >/dev/null; then
        missing="$missing python3 python3-venv"
    fi
    [ -n "${missing// /}" ] || return 0
    if command -v apt-get >/dev/null 2>&1 && _can_be_root; then
        # shellcheck disable=SC2086
        _apt_install $missing
    else
        _say "missing system packages: $missing"
        _say "install them with: sudo apt-get install $missing"
    fi
}

_venv_setup() {
    local mode="$1" python spec stamp digest
    if [ -e "$VENV" ] && ! "$PY" -c '' 2>/dev/null; then
        _say "$VENV is broken (its python does not start): remove it and run again"
        return 1
    fi
    if [ ! -x "$PY" ]; then
        python="$(_find_python)" || {
            _say "Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"
            return 1
        }
        _say "creating $VENV with $("$python" --version 2>&1)"
        if ! "$python" -m venv "$VENV" >/dev/null 2>&1; then
            # Debian and Ubuntu ship venv's pip bootstrap separately.
            rm -rf "$VENV"
            local version
            version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
            if command -v apt-get >/dev/null 2>&1 && _can_be_root; then
                _apt_install python3-venv "python$version-venv" || _apt_install python3-venv
            fi
            "$python" -m venv "$VENV" || {
                _say "cannot create a virtual environment: install python$version-venv"
                return 1
            }
        fi
    fi
    digest="$( (sha256sum "$ROOT/pyproject.toml" 2>/dev/null || shasum -a 256 "$ROOT/pyproject.toml") \
        | cut -d' ' -f1)"
    if [ "$mode" = test ]; then spec=".[test]"; else spec="."; fi
    stamp="$VENV/.comptoir-installed-$mode"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    # The test install is a superset of the app install.
    if [ "$mode" = app ] && [ -f "$VENV/.comptoir-installed-test" ] \
        && [ "$(cat "$VENV/.comptoir-installed-test")" = "$digest" ]; then
        return 0
    fi
    _say "installing Python dependencies into .venv (first run, or pyproject.toml changed)"
    (cd "$ROOT" && "$PY" -m pip install --quiet --disable-pip-version-check -e "$spec")
    printf '%s\n' "$digest" >"$stamp"
}

comptoir_bootstrap() {
    local mode="${1:-app}"
    _system_setup "$mode"
    _venv_setup "$mode"
}
