#!/usr/bin/env bash
# The first README command: installs what is missing, builds, and serves the app on
# http://127.0.0.1:3000 (demo mode with simulated providers when no API key is set).
# RELEASE=1 builds optimised binaries and an optimised, smaller browser bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ "${RELEASE:-0}" = 1 ]; then
  ./scripts/build.sh --release
  bin=target/release/cyoa
else
  ./scripts/build.sh
  bin=target/debug/cyoa
fi
export LEPTOS_SITE_ROOT=target/site
exec "$bin"
