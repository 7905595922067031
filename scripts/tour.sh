#!/usr/bin/env bash
# The guided tour: walks one preset's rehearsal cycle, from the call to the announcement, through
# the HTTP API of the app that scripts/run.sh started (run that first, in another terminal):
# applicants with the example forms, the recommending body, the office, departments answering by
# the links in the local mailbox, reviewers, the deciding body. Each step prints one line in
# Chinese, one in English and where to look; it ends with the winners and their certificates.
#
#   bash scripts/tour.sh <weihai|changde|benxi|jinan|xinzhou> [--url http://127.0.0.1:7071] [--mailbox <url>]
#
# --url defaults to QUALITYAWARD_URLS or http://127.0.0.1:7071 (as run.sh); --mailbox is the host
# of the local mailbox when it runs on its own port (run.sh under `func start`: port + 1).
# Development tokens are signed with the development key run.sh's app uses (Auth__DevSigningKey
# when set). Exit 0 when the cycle is announced, 1 with the app's problem+json when it refuses a step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ $# -lt 1 ]; then
  echo "用法 Usage: bash scripts/tour.sh <weihai|changde|benxi|jinan|xinzhou> [--url http://127.0.0.1:7071] [--mailbox <url>]" >&2
  exit 2
fi

url="${QUALITYAWARD_URLS:-http://127.0.0.1:7071}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--url" ] && [ $((i + 1)) -lt ${#args[@]} ]; then url="${args[$((i + 1))]}"; fi
done

if ! curl -fsS -o /dev/null --max-time 5 "$url/healthz" 2>/dev/null; then
  echo "应用未运行：$url 无法访问。请先在另一个终端运行 bash scripts/run.sh。" >&2
  echo "The app is not running at $url. Start it first, in another terminal: bash scripts/run.sh" >&2
  exit 3
fi

dll="tools/Tour/bin/Debug/net10.0/QualityAward.Tour.dll"
if [ ! -f "$dll" ] || [ -n "$(find tools/Tour src -name '*.cs' -newer "$dll" -print -quit)" ]; then
  echo "==> dotnet build tools/Tour"
  dotnet build tools/Tour/Tour.csproj --nologo -v quiet "-clp:ErrorsOnly;NoSummary"
fi

exec dotnet "$dll" "$@" --url "$url" --examples "$root/examples/forms"
