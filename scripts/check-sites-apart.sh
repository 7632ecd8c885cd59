#!/usr/bin/env bash
# Checks that the test build leaves a running app alone: the app as `DEV=1 run.sh` builds
# and serves it (its site directory from scripts/sites.sh) keeps answering every file its
# pages link while the tests' bundle is rebuilt from scratch. Run by test.sh after the debug
# build (reused here).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sites.sh
app_site=$APP_DEV_SITE
for site in "$APP_SITE" "$APP_DEV_SITE"; do
  [ "$site" != "$TEST_SITE" ] || { echo "run.sh and the tests share $site"; exit 1; }
done
SITE_ROOT=$app_site ./scripts/build.sh >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d -t cyoa-sites-XXXXXX)
DATA_DIR=$data LEPTOS_SITE_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=$app_site RUST_LOG=warn \
  target/debug/cyoa >"$data/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$port/" >/dev/null && break
  sleep 0.1
done
# Every file the first page and a tier's home link (scripts, styles, modules, preloads).
linked() {
  for page in / /kids; do
    curl -sf "http://127.0.0.1:$port$page" | grep -oE '(href|src)="/pkg/[^"]+"' | sed -E 's/^(href|src)="//; s/"$//'
  done | sort -u
}
files=$(linked)
[ -n "$files" ] || { echo "the app's page links no files"; exit 1; }
fetch_all() {
  local bad=0 f
  for f in $files; do
    curl -sf -o /dev/null "http://127.0.0.1:$port$f" || { echo "missing while the tests rebuild: $f"; bad=1; }
  done
  return $bad
}
# The tests' bundle, rebuilt from nothing, while the app is asked for its files throughout.
rm -rf "$TEST_SITE"
SITE_ROOT=$TEST_SITE ./scripts/build.sh >/dev/null &
build=$!
failures=0
while kill -0 $build 2>/dev/null; do
  fetch_all || failures=$((failures + 1))
  sleep 0.5
done
wait $build
fetch_all || failures=$((failures + 1))
echo "$(echo "$files" | wc -l) files linked; rounds with a missing file while the tests rebuilt: $failures"
[ "$failures" = 0 ]
