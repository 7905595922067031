#!/usr/bin/env bash
# Start Azurite (Blob 10000, Queue 10001, Table 10002) on 127.0.0.1 unless something already
# answers there. Sourced by run.sh; installs it from package-lock.json first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ ! -x "$root/node_modules/.bin/azurite" ]; then
  echo "==> npm ci (Azurite)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi

if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  echo "==> Azurite already answers on 127.0.0.1:10002; using it"
  return 0 2>/dev/null || exit 0
fi

mkdir -p "$root/.azurite"
echo "==> starting Azurite (data in .azurite/)"
"$root/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --location "$root/.azurite" &
AZURITE_PID=$!
export AZURITE_PID
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then break; fi
  sleep 0.2
done
