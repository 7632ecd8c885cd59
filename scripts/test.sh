#!/usr/bin/env bash
# The second README command: installs what is missing, checks formatting and lints for both
# targets, runs the unit and integration tests, then the end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$(date +%s)
lap() { printf '\n== %s (%ss so far)\n' "$*" $(( $(date +%s) - started )); }

lap "setup"
./scripts/setup.sh

lap "cargo fmt --check"
cargo fmt --all -- --check

lap "clippy (server, and the crates beside the app)"
cargo clippy --workspace --features cyoa/ssr --all-targets -- -D warnings
lap "clippy (browser)"
cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

lap "unit and integration tests (SQLite, data directory), then the integration tests in hosted mode (PostgreSQL 15, S3 bucket)"
# pg_virtualenv makes a temporary cluster and scripts/with-bucket.sh a temporary SeaweedFS;
# each runs the command with its variables (PGHOST & co., S3_*) pointing at it and removes
# it afterwards, however the command ends. The second run is the same integration binary
# (no new build) with every app's rows in PostgreSQL and its media in the bucket.
CYOA_POSTGRES_REQUIRED=1 CYOA_BUCKET_REQUIRED=1 pg_virtualenv -v 15 scripts/with-bucket.sh sh -c \
  'cargo test --workspace --features cyoa/ssr && IT_DATABASE=postgres IT_STORE=bucket cargo test --features ssr --test it'

lap "build for end-to-end tests"
./scripts/build.sh

lap "a running app keeps its files while the tests rebuild theirs"
./scripts/check-sites-apart.sh

lap "build the optimised browser bundle (wasm-opt) for the release smoke test"
./scripts/build.sh --release-site
./scripts/bundle-size.sh

lap "end-to-end tests (Playwright, Chromium; all specs on the debug bundle, the smoke spec on both, the plain forms with JavaScript off)"
(cd end2end && npx playwright test)

lap "all tests passed"
