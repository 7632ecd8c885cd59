#!/usr/bin/env bash
# Builds the browser bundle (cargo-leptos, into $SITE_ROOT, default target/site) and the
# server binaries (plain cargo, so the test builds share one target directory and its flags).
# Each command serves its own site directory (run.sh target/site-app, the tests
# target/site and target/site-release), so a test build never rewrites a running app's files.
#   build.sh                 debug bundle and debug binaries
# The bundle is always split by page (--split): a lazy route's code is imported from the
# split loader, and an unsplit bundle cannot resolve that import.
#   build.sh --release       optimised bundle (split by page, wasm-opt) and optimised binaries
#   build.sh --release-site  only the optimised bundle, into target/site-release (CI's smoke
#                            test serves it with the debug binary: the HTML does not depend on
#                            the server's optimisation level, the bundle's wasm-opt pass does)
set -euo pipefail
cd "$(dirname "$0")/.."
# npm binaryen's wasm-opt first on PATH, for this build only: cargo-leptos takes wasm-opt from
# PATH, and Debian's (binaryen 108) breaks the bundle. See docs/design.md, "Toolchain".
export PATH="$PWD/tools/binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos writes its gzip twins at a fast level (its brotli ones are at the best): a
# browser on plain http, which is offered no brotli (a family server on the home network),
# gets the gzip ones, so they are written again at the best level (-n: no name or time in them,
# so a rebuild of the same bundle gives the same bytes).
regzip() {
  local file
  for file in "$1"/*.wasm "$1"/*.js "$1"/*.css; do
    [ -f "$file" ] && gzip -9 -n -c "$file" >"$file.gz"
  done
  return 0
}
site=${SITE_ROOT:-target/site}
case "${1:-}" in
  --release)
    LEPTOS_SITE_ROOT=$site cargo leptos build --frontend-only --release --precompress --split
    regzip "$site/pkg"
    cargo build --features ssr --bins --release
    ;;
  --release-site)
    LEPTOS_SITE_ROOT=target/site-release cargo leptos build --frontend-only --release --precompress --split
    regzip target/site-release/pkg
    ;;
  *)
    LEPTOS_SITE_ROOT=$site cargo leptos build --frontend-only --split
    cargo build --features ssr --bins
    ;;
esac
