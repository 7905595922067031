#!/usr/bin/env bash
# Package the function app for Azure (see README, "Deploy to Azure"):
#
#   artifacts/qualityaward.zip
#     host.json                 the Functions host configuration (custom handler), at the root
#     <Function>/function.json  one folder per trigger, written from the trigger table (Triggers.cs)
#     app/                      the ASP.NET Core server, self-contained for linux-x64
#
# Usage: scripts/package.sh [--storage-prefix p] [--output file.zip]
#   --storage-prefix  the Storage:Prefix the app runs with (queue names in function.json); empty in Azure
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
output="$root/artifacts/qualityaward.zip"
storage_prefix=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --storage-prefix) storage_prefix="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

staging="$(mktemp -d "${TMPDIR:-/tmp}/qualityaward-package.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$root/src/Functions" -c Release -r linux-x64 --self-contained -o "$staging/app" -v quiet -nologo
chmod +x "$staging/app/QualityAward.Functions"
cp "$root/host.json" "$staging/host.json"

# function.json folders from the trigger table, written by the very binary that ships (the same
# `functions --output` command as `dotnet run --project src/Functions -- functions --output <dir>`).
"$staging/app/QualityAward.Functions" functions --output "$staging" --storage-prefix "$storage_prefix" > /dev/null

# zip keeps Unix permissions: app/QualityAward.Functions stays executable for the host.
mkdir -p "$(dirname "$output")"
output="$(cd "$(dirname "$output")" && pwd)/$(basename "$output")"
rm -f "$output"
(cd "$staging" && zip -qr -X "$output" .)
echo "$output"
