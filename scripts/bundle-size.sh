#!/usr/bin/env bash
# What a browser downloads for the first page: every file of the optimised bundle, raw and
# as sent (its precompressed gzip and brotli twins), and the first page's total. Fails when
# that total, gzip, passes the budget, so the bundle cannot grow unnoticed.
#   bundle-size.sh [SITE_ROOT]      default target/site-release (build.sh --release-site)
#   BUNDLE_BUDGET_GZIP=bytes        the budget (default below)
set -euo pipefail
cd "$(dirname "$0")/.."
pkg="${1:-target/site-release}/pkg"
# Today's first page is the whole bundle: no route is split off yet (issue 17's goal is
# 250 KB; this budget holds the line where it stands until code splitting lands).
budget=${BUNDLE_BUDGET_GZIP:-770000}
size() { if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi; }
printf '%-24s %10s %10s %10s\n' file raw gzip brotli
total_raw=0 total_gz=0 total_br=0
for file in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  [ -f "$file" ] || continue
  raw=$(size "$file") gz=$(size "$file.gz") br=$(size "$file.br")
  printf '%-24s %10d %10d %10d\n' "$(basename "$file")" "$raw" "$gz" "$br"
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
done
printf '%-24s %10d %10d %10d\n' "first page" "$total_raw" "$total_gz" "$total_br"
if [ "$total_gz" -eq 0 ]; then
  echo "no precompressed files in $pkg: build it with scripts/build.sh --release-site" >&2
  exit 1
fi
if [ "$total_gz" -gt "$budget" ]; then
  echo "the first page's bundle is $total_gz bytes gzip, over its budget of $budget" >&2
  exit 1
fi
echo "within the budget of $budget bytes gzip"
