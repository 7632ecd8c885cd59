#!/usr/bin/env bash
# Runs a command beside a throwaway S3-compatible server (SeaweedFS's `weed mini`, installed
# by scripts/setup.sh), with S3_ENDPOINT, S3_BUCKET and the keys pointing at it; the server
# and its data are removed afterwards, however the command ends. Like pg_virtualenv for the
# database: `scripts/with-bucket.sh cargo test …`.
set -euo pipefail
cd "$(dirname "$0")/.."
weed="$PWD/tools/seaweedfs/venv/bin/weed"
[ -x "$weed" ] || { echo "no $weed: run scripts/setup.sh" >&2; exit 1; }

port=18433 master_port=19433 volume_port=18180 filer_port=18988
for p in $master_port $volume_port $filer_port $port; do
  if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$p))!=0)"; then
    echo "port $p is taken, by: $(ss -ltnpH "sport = :$p" 2>/dev/null | grep -o 'users:.*' || echo '?')" >&2
    echo "(an S3 test server left running? stop it first)" >&2
    exit 1
  fi
done
# The data lives in memory (/dev/shm) when it has room (a container's may have 64 MB):
# SeaweedFS marks its volumes read-only when the disk it writes to is under 1 % free, which a
# busy build machine's disk can be, and the tests then fail for a reason that is not theirs.
shm_free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }' || true)
if [ -w /dev/shm ] && [ "${shm_free_kb:-0}" -ge 1048576 ]; then
  dir=$(mktemp -d -p /dev/shm)
else
  dir=$(mktemp -d)
fi
cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "cyoa-tests",
  "credentials": [{"accessKey": "cyoa-tests", "secretKey": "cyoa-tests-secret"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
# Small volumes in a fixed number (at most 256 MB), not as many as the free space allows.
# Ports of their own (not SeaweedFS's defaults), loopback only, nothing but S3. `weed` ignores
# a flag it does not know, and every flag after it: -volume.max needs the pinned 4.48.
"$weed" -logdir="$dir" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.port=$master_port -volume.port=$volume_port -filer.port=$filer_port -s3.port=$port \
  -master.volumeSizeLimitMB=8 -volume.max=32 \
  -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -admin.ui=false \
  -s3.config="$dir/s3.json" -bucket=cyoa-tests >"$dir/weed.log" 2>&1 &
weed_pid=$!
stop() {
  kill "$weed_pid" 2>/dev/null || true
  # It stops within a few seconds; one stuck in shutdown would keep the ports.
  for _ in $(seq 1 40); do kill -0 "$weed_pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$weed_pid" 2>/dev/null || true
  wait "$weed_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT

# Up once it refuses an unsigned request (403), so the bucket and its keys are in place, and
# its master hands out a place to write (a file id), so the first upload is not refused.
ready() {
  python3 - "$port" "$master_port" <<'PY'
import sys, urllib.request, urllib.error
port, master_port = sys.argv[1], sys.argv[2]
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
    assigned = direct.open(f"http://127.0.0.1:{master_port}/dir/assign?collection=cyoa-tests", timeout=2).read()
except Exception:
    sys.exit(1)
sys.exit(0 if b'"fid"' in assigned else 1)
PY
}
up=no
for _ in $(seq 1 120); do
  # Ours, still running, before anything that answers counts.
  kill -0 "$weed_pid" 2>/dev/null || { cat "$dir/weed.log" >&2; exit 1; }
  if ready; then up=yes; break; fi
  sleep 0.5
done
[ "$up" = yes ] || { echo "the S3 server did not come up" >&2; tail -20 "$dir/weed.log" >&2; exit 1; }

export S3_ENDPOINT="http://127.0.0.1:$port" S3_BUCKET=cyoa-tests
export S3_ACCESS_KEY_ID=cyoa-tests S3_SECRET_ACCESS_KEY=cyoa-tests-secret
"$@"
