#!/usr/bin/env bash
# Package the function app for Azure (see README, "Deploy to Azure"): the isolated worker as
# `dotnet publish` writes it, zipped with everything at the root, as the Functions host expects:
#
#   artifacts/qualityaward.zip
#     host.json                 the host's configuration
#     functions.metadata        every function and its trigger, generated from the [Function] classes
#     worker.config.json        how the host starts the worker
#     QualityAward.Functions.dll, appsettings.json and the dependencies
#
# Nothing for development goes in (appsettings.Development.json holds local-only keys; a test
# checks the package's contents).
#
# Usage: scripts/package.sh [--output file.zip]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
output="$root/artifacts/qualityaward.zip"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

staging="$(mktemp -d "${TMPDIR:-/tmp}/qualityaward-package.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$root/src/Functions/Functions.csproj" -c Release -o "$staging" -v quiet -nologo

mkdir -p "$(dirname "$output")"
output="$(cd "$(dirname "$output")" && pwd)/$(basename "$output")"
rm -f "$output"
(cd "$staging" && zip -qr -X "$output" .)
echo "$output"
