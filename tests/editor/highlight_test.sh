#!/usr/bin/env bash
# Checks the highlighting of editors/vscode's TextMate grammar on every bundled contract and doc
# example (highlight_test.cjs). Installs its test-only npm packages (vscode-textmate and
# vscode-oniguruma, pinned by package-lock.json here) into INSTALL_DIR when they are missing;
# they are not dependencies of Proviso. Exits 77 (skipped, with a notice) when Node.js or npm
# is not installed, or the packages cannot be installed.
#   tests/editor/highlight_test.sh INSTALL_DIR
set -euo pipefail
install_dir="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED: Node.js and npm are needed to run vscode-textmate; the grammar was not checked."
  exit 77
fi

modules="$install_dir/node_modules"
# Reinstall when the lockfile changed since the last install.
if [ ! -f "$modules/vscode-textmate/package.json" ] || [ ! -f "$modules/vscode-oniguruma/package.json" ] ||
   ! cmp -s "$here/package-lock.json" "$install_dir/package-lock.json"; then
  mkdir -p "$install_dir"
  cp "$here/package.json" "$here/package-lock.json" "$install_dir/"
  if ! (cd "$install_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "SKIPPED: npm could not install vscode-textmate and vscode-oniguruma into $install_dir."
    exit 77
  fi
fi

node "$here/highlight_test.cjs" "$root" "$modules"
