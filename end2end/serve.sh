#!/usr/bin/env bash
# Starts the built app for the end-to-end tests with a fresh temporary database.
#   serve.sh PORT                      demo mode: no keys, the simulator in-process
#   serve.sh PORT openai-only SIM_URL  only OpenAI configured, pointed at SIM_URL (the
#                                      demo instance's simulator), like a real key would be
#   SITE_ROOT=target/site-release serve.sh PORT
#                                      demo mode serving the optimised (wasm-opt) bundle
#   E2E_LOG=FILE serve.sh PORT         the server's log goes to FILE (emptied first), for
#                                      tests that read it (the gate's setup code)
#   CYOA_BIN=PATH serve.sh PORT        another build of the server (a benchmark's "before")
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:?port}
# E2E_DATA_DIR: a fixed place the tests can look into (emptied first); else a new temp dir.
if [ -n "${E2E_DATA_DIR:-}" ]; then
  rm -rf "$E2E_DATA_DIR" && mkdir -p "$E2E_DATA_DIR"
  data_dir=$E2E_DATA_DIR
else
  data_dir=$(mktemp -d -t cyoa-e2e-XXXXXX)
fi
unset OPENAI_API_KEY ANTHROPIC_API_KEY XAI_API_KEY GEMINI_API_KEY
unset OPENAI_BASE_URL ANTHROPIC_BASE_URL XAI_BASE_URL GEMINI_BASE_URL
if [ "${2:-}" = openai-only ]; then
  export OPENAI_API_KEY=e2e-openai-key OPENAI_BASE_URL="${3:?simulator url}/openai/v1"
fi
export DATA_DIR="$data_dir" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=${SITE_ROOT:-target/site}
export RUST_LOG=${RUST_LOG:-warn}
# Clips are polled every 300 ms instead of every 5 s, so the tests need not wait.
export VIDEO_POLL_MS=${VIDEO_POLL_MS:-300}
# The simulated storytellers answer at once (a test that wants a pace sets one), and scenes
# are written ahead only where a test asks for it (PREFETCH_TIERS).
export DEMO_FIRST_TOKEN_MS=${DEMO_FIRST_TOKEN_MS:-0} DEMO_TOKENS_PER_SECOND=${DEMO_TOKENS_PER_SECOND:-0}
export PREFETCH_TIERS=${PREFETCH_TIERS:-none}
# The spending limits are set high: the suite starts many stories within the hour.
export LIMIT_STORIES_PER_HOUR=${LIMIT_STORIES_PER_HOUR:-1000}
export LIMIT_PICTURES_PER_HOUR=${LIMIT_PICTURES_PER_HOUR:-10000}
export LIMIT_CLIPS_PER_HOUR=${LIMIT_CLIPS_PER_HOUR:-1000}
export LIMIT_SPEECH_PER_HOUR=${LIMIT_SPEECH_PER_HOUR:-1000}
bin=${CYOA_BIN:-./target/debug/cyoa}
if [ -n "${E2E_LOG:-}" ]; then
  exec "$bin" >"$E2E_LOG" 2>&1
fi
exec "$bin"
