#!/usr/bin/env bash
# Runs a command beside a throwaway S3-compatible server (SeaweedFS's `weed mini`, installed
# by scripts/setup.sh), with S3_ENDPOINT, S3_BUCKET and the keys pointing at it; the server
# and its data are removed afterwards, however the command ends. Like pg_virtualenv for the
# database: `scripts/with-bucket.sh cargo test …`.
set -euo pipefail
cd "$(dirname "$0")/.."
weed="$PWD/tools/seaweedfs/venv/bin/weed"
[ -x "$weed" ] || { echo "no $weed: run scripts/setup.sh" >&2; exit 1; }

dir=$(mktemp -d)
port=18433
cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "cyoa-tests",
  "credentials": [{"accessKey": "cyoa-tests", "secretKey": "cyoa-tests-secret"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
# Ports of their own (not SeaweedFS's defaults), loopback only, nothing but S3.
"$weed" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.port=19433 -volume.port=18180 -filer.port=18988 -s3.port=$port \
  -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false \
  -s3.config="$dir/s3.json" -bucket=cyoa-tests >"$dir/weed.log" 2>&1 &
weed_pid=$!
stop() {
  kill "$weed_pid" 2>/dev/null || true
  wait "$weed_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT

# Up once it refuses an unsigned request (403): the bucket and its keys are in place.
for _ in $(seq 1 120); do
  code=$(python3 -c "import urllib.request,sys
try: urllib.request.urlopen('http://127.0.0.1:$port/cyoa-tests/probe', timeout=1)
except urllib.error.HTTPError as e: print(e.code)
except Exception: print(0)" 2>/dev/null)
  [ "$code" = 403 ] && break
  kill -0 "$weed_pid" 2>/dev/null || { cat "$dir/weed.log" >&2; exit 1; }
  sleep 0.5
done
[ "$code" = 403 ] || { echo "the S3 server did not come up" >&2; tail -20 "$dir/weed.log" >&2; exit 1; }

export S3_ENDPOINT="http://127.0.0.1:$port" S3_BUCKET=cyoa-tests
export S3_ACCESS_KEY_ID=cyoa-tests S3_SECRET_ACCESS_KEY=cyoa-tests-secret
"$@"
