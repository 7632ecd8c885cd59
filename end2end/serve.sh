#!/usr/bin/env bash
# Starts the built app for the end-to-end tests: a fresh temporary database, no real
# provider keys (demo mode, simulated providers), on the port given as $1.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:?port}
data_dir=$(mktemp -d -t cyoa-e2e-XXXXXX)
unset OPENAI_API_KEY ANTHROPIC_API_KEY XAI_API_KEY GEMINI_API_KEY
export DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site
export RUST_LOG=${RUST_LOG:-warn}
exec ./target/debug/cyoa
