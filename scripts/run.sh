#!/usr/bin/env bash
# The first README command: installs what is missing, builds, and serves the app on
# http://127.0.0.1:3000 (demo mode with simulated providers when no API key is set).
# It serves what families should get: optimised binaries and the small, precompressed
# browser bundle. DEV=1 serves a debug build instead (quicker to build, much larger to load).
set -euo pipefail
cd "$(dirname "$0")/.."
# The build tools only: the test tools (Chromium, PostgreSQL, …) come with the tests.
./scripts/setup.sh app
# Its own site directory (scripts/sites.sh): a test run beside the running app must not
# rewrite the files it serves.
. scripts/sites.sh
if [ "${DEV:-0}" = 1 ]; then
  export SITE_ROOT=$APP_DEV_SITE
  ./scripts/build.sh
  bin=target/debug/cyoa
else
  export SITE_ROOT=$APP_SITE
  ./scripts/build.sh --release
  bin=target/release/cyoa
fi
export LEPTOS_SITE_ROOT=$SITE_ROOT
exec "$bin"
