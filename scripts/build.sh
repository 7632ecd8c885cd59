#!/usr/bin/env bash
# Builds the browser bundle (cargo-leptos, into target/site) and the server binaries
# (plain cargo, so the test builds share one target directory and its flags).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile_flag=()
[ "${1:-}" = "--release" ] && profile_flag=(--release)
cargo leptos build --frontend-only "${profile_flag[@]}"
cargo build --features ssr --bins "${profile_flag[@]}"
