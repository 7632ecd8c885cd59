#!/usr/bin/env bash
# What a browser downloads for the first page: every file of the optimised bundle, raw and
# as sent (its precompressed gzip and brotli twins), and the first page's total. Fails when
# that total, gzip, passes the budget, so the bundle cannot grow unnoticed.
#   bundle-size.sh [SITE_ROOT]      default target/site-release (build.sh --release-site)
#   BUNDLE_BUDGET_GZIP=bytes        the budget (default below)
#
# The bundle is split by page (`cargo leptos build --split`, see src/pages/lazy.rs): the first
# page (the landing page and a tier's home, with its start form) needs the main module, its
# JavaScript and style sheet, and the split loader that the main script imports. The other
# pages' chunks are fetched when a page needs them; they are listed, and summed, apart.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg="${1:-target/site-release}/pkg"
# Measured 366,027 bytes gzip (283,604 brotli) with the split, from 754,153 (461,949)
# unsplit. The margin takes ordinary growth, not another page's worth of code.
budget=${BUNDLE_BUDGET_GZIP:-385000}
size() { if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi; }
row() { printf '%-52s %10s %10s %10s\n' "$@"; }
# Sums the files given; prints a row each and leaves the totals in sum_raw/sum_gz/sum_br.
list() {
  sum_raw=0 sum_gz=0 sum_br=0
  local file raw gz br
  for file in "$@"; do
    [ -f "$file" ] || continue
    raw=$(size "$file") gz=$(size "$file.gz") br=$(size "$file.br")
    row "$(basename "$file")" "$raw" "$gz" "$br"
    sum_raw=$((sum_raw + raw)) sum_gz=$((sum_gz + gz)) sum_br=$((sum_br + br))
  done
}
shopt -s nullglob
first=("$pkg"/cyoa.wasm "$pkg"/cyoa.js "$pkg"/cyoa.css "$pkg"/__wasm_split*.js)
later=("$pkg"/split_*.wasm "$pkg"/chunk_*.wasm)

row file raw gzip brotli
list "${first[@]}"
first_raw=$sum_raw first_gz=$sum_gz first_br=$sum_br
row "first page" "$first_raw" "$first_gz" "$first_br"
if [ ${#later[@]} -gt 0 ]; then
  echo
  echo "fetched by the pages that need them:"
  list "${later[@]}" >/dev/null
  # The largest few by name; all of them in the sum.
  for file in $(ls -S "${later[@]}" | head -8); do
    row "  $(basename "$file")" "$(size "$file")" "$(size "$file.gz")" "$(size "$file.br")"
  done
  row "  all ${#later[@]} chunks" "$sum_raw" "$sum_gz" "$sum_br"
fi
if [ "$first_gz" -eq 0 ]; then
  echo "no precompressed files in $pkg: build it with scripts/build.sh --release-site" >&2
  exit 1
fi
if [ "$first_gz" -gt "$budget" ]; then
  echo "the first page's bundle is $first_gz bytes gzip, over its budget of $budget" >&2
  exit 1
fi
echo "within the budget of $budget bytes gzip"
