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
# Published ReadyToRun for linux-x64 (the Flex Consumption plan's Linux workers), still
# framework-dependent: the assemblies carry precompiled code, so a cold start JITs a fraction of
# what it would (benchmarks/README.md, "Cold start"). --portable publishes plain IL instead (what
# the package test uses: the same files, a third of the compile time).
#
# Usage: scripts/package.sh [--output file.zip] [--portable]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
output="$root/artifacts/qualityaward.zip"
readytorun=(-r linux-x64 --self-contained false -p:PublishReadyToRun=true)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --portable) readytorun=(); shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

staging="$(mktemp -d "${TMPDIR:-/tmp}/qualityaward-package.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Built in a directory of its own: ReadyToRun over intermediate files left by an earlier build of
# other code once gave a worker that aborted at start.
dotnet publish "$root/src/Functions/Functions.csproj" -c Release "${readytorun[@]}" \
  --artifacts-path "$staging/build" -o "$staging/app" -v quiet -nologo

mkdir -p "$(dirname "$output")"
output="$(cd "$(dirname "$output")" && pwd)/$(basename "$output")"
rm -f "$output"
(cd "$staging/app" && zip -qr -X "$output" .)
echo "$output"
