#!/usr/bin/env bash
# The first README command: installs what is missing, builds, and serves the app on
# http://127.0.0.1:3000 (demo mode with simulated providers when no API key is set).
# It serves what families should get: optimised binaries and the small, precompressed
# browser bundle. DEV=1 serves a debug build instead (quicker to build, much larger to load).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ "${DEV:-0}" = 1 ]; then
  ./scripts/build.sh
  bin=target/debug/cyoa
else
  ./scripts/build.sh --release
  bin=target/release/cyoa
fi
export LEPTOS_SITE_ROOT=target/site
exec "$bin"
