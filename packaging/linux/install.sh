#!/usr/bin/env bash
# Install a PyInstaller build (dist/comptoir/) for the current user:
# ~/.local/opt/comptoir, the `comptoir` and `comptoir-cli` commands, and the menu entry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../dist/comptoir}"
[ -x "$build/comptoir" ] || { echo "no build in $build: run pyinstaller packaging/comptoir.spec" >&2; exit 1; }
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
target="$HOME/.local/opt/comptoir"
rm -rf "$target"
mkdir -p "$target" "$HOME/.local/bin" "$prefix/applications"
cp -a "$build/." "$target/"
ln -sf "$target/comptoir" "$HOME/.local/bin/comptoir"
ln -sf "$target/comptoir-cli" "$HOME/.local/bin/comptoir-cli"
sed "s|^Exec=comptoir$|Exec=$target/comptoir|" "$here/comptoir.desktop" \
    >"$prefix/applications/comptoir.desktop"
# PyInstaller 6 puts the data files in _internal/ beside the executables (5 put them beside)
for icon in "$target/_internal/resources/icons/comptoir.png" "$target/resources/icons/comptoir.png"; do
    if [ -f "$icon" ]; then
        mkdir -p "$prefix/icons/hicolor/256x256/apps"
        cp "$icon" "$prefix/icons/hicolor/256x256/apps/comptoir.png"
        break
    fi
done
if command -v update-desktop-database >/dev/null; then
    update-desktop-database "$prefix/applications" || true
fi
echo "Comptoir installed in $target"
