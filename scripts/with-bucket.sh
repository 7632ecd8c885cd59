#!/usr/bin/env bash
# Runs a command beside a throwaway S3-compatible server (SeaweedFS's `weed mini`, installed
# by scripts/setup.sh), with S3_ENDPOINT, S3_BUCKET and the keys pointing at it; the server
# and its data are removed afterwards, however the command ends. Like pg_virtualenv for the
# database: `scripts/with-bucket.sh cargo test …`.
set -euo pipefail
cd "$(dirname "$0")/.."
weed="$PWD/tools/seaweedfs/venv/bin/weed"
[ -x "$weed" ] || { echo "no $weed: run scripts/setup.sh" >&2; exit 1; }

port=18433
ports="19433 18180 18988 $port"
for p in $ports; do
  if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$p))!=0)"; then
    echo "port $p is taken (an earlier S3 test server still running?): stop it first" >&2
    exit 1
  fi
done
# The data lives in memory (/dev/shm) where there is one: SeaweedFS marks its volumes
# read-only when the disk it writes to is under 1 % free, which a busy build machine's disk
# can be, and the tests then fail for a reason that is not theirs.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then dir=$(mktemp -d -p /dev/shm); else dir=$(mktemp -d); fi
cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "cyoa-tests",
  "credentials": [{"accessKey": "cyoa-tests", "secretKey": "cyoa-tests-secret"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
# Small volumes in a fixed number, not sized from the free space at start-up.
# Ports of their own (not SeaweedFS's defaults), loopback only, nothing but S3.
"$weed" -logdir="$dir" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.port=19433 -volume.port=18180 -filer.port=18988 -s3.port=$port \
  -master.volumeSizeLimitMB=8 -volume.max=32 -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false \
  -s3.config="$dir/s3.json" -bucket=cyoa-tests >"$dir/weed.log" 2>&1 &
weed_pid=$!
stop() {
  kill "$weed_pid" 2>/dev/null || true
  # It stops within its one pre-stop second; one stuck in shutdown would keep the ports.
  for _ in $(seq 1 20); do kill -0 "$weed_pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$weed_pid" 2>/dev/null || true
  wait "$weed_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT

# Up once it refuses an unsigned request (403), so the bucket and its keys are in place, and
# its master hands out a place to write (a file id), so the first upload is not refused.
ready() {
  python3 - "$port" <<'PY'
import sys, urllib.request, urllib.error
port = sys.argv[1]
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    direct.open(f"http://127.0.0.1:{port}/cyoa-tests/probe", timeout=1)
    sys.exit(1)
except urllib.error.HTTPError as e:
    if e.code != 403:
        sys.exit(1)
except Exception:
    sys.exit(1)
try:
    assigned = direct.open("http://127.0.0.1:19433/dir/assign?collection=cyoa-tests", timeout=2).read()
except Exception:
    sys.exit(1)
sys.exit(0 if b'"fid"' in assigned else 1)
PY
}
up=no
for _ in $(seq 1 120); do
  if ready; then up=yes; break; fi
  kill -0 "$weed_pid" 2>/dev/null || { cat "$dir/weed.log" >&2; exit 1; }
  sleep 0.5
done
[ "$up" = yes ] || { echo "the S3 server did not come up" >&2; tail -20 "$dir/weed.log" >&2; exit 1; }

export S3_ENDPOINT="http://127.0.0.1:$port" S3_BUCKET=cyoa-tests
export S3_ACCESS_KEY_ID=cyoa-tests S3_SECRET_ACCESS_KEY=cyoa-tests-secret
"$@"
