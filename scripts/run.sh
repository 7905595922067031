#!/usr/bin/env bash
# Run QualityAward locally: restore, start Azurite, open a demo cycle (Weihai preset, this year)
# and serve HTTP on http://127.0.0.1:7071. Prints the addresses and a dev token for each role.
# Ctrl+C stops the app and the Azurite this script started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/azurite.sh
source "$root/scripts/azurite.sh"
trap '[ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null || true' EXIT

echo "==> dotnet build (first run restores packages)"
dotnet build src/Functions/Functions.csproj --nologo -v quiet -clp:ErrorsOnly

export ASPNETCORE_ENVIRONMENT=Development

# The audit hash chain's key (Audit:ChainKey): generated once and kept beside the local data it
# protects, so events written in an earlier run still verify. Delete it only with .azurite/.
key_file="$root/.azurite/audit-chain-key"
if [ -z "${Audit__ChainKey:-}" ]; then
  if [ ! -s "$key_file" ]; then
    mkdir -p "$root/.azurite"
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' > "$key_file")
    echo "==> generated the local audit chain key in .azurite/audit-chain-key"
  fi
  Audit__ChainKey="$(cat "$key_file")"
  export Audit__ChainKey
fi

exec_args=(serve --demo --urls "${QUALITYAWARD_URLS:-http://127.0.0.1:7071}")
dotnet run --project src/Functions/Functions.csproj --no-build -- "${exec_args[@]}"
