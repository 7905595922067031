#!/usr/bin/env bash
# Run every test: installs what the tests need (Azurite, DuckDB and axe-core from package-lock.json, NuGet packages),
# builds with warnings as errors, runs the domain tests and the host tests (which start their own
# Azurite on free loopback ports), and ends with the totals. Same command locally and in CI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Again whenever package-lock.json changed since the last install (npm keeps its own copy in node_modules).
if [ "${CI:-}" = "true" ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Azurite, DuckDB and axe-core, pinned in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> apt-get install chromium (the page tests drive Debian's Chromium headless)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing at $chromium: run 'sudo apt-get install -y chromium' or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

# The certificate tests read the PDFs with poppler-utils (pdftotext, pdffonts, pdftoppm).
if ! command -v pdftotext >/dev/null || ! command -v pdffonts >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    echo "==> apt-get install poppler-utils (the certificate tests read the PDFs as a person's tools do)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "poppler-utils is missing: run 'sudo apt-get install -y poppler-utils'." >&2
    exit 1
  fi
fi

echo "==> dotnet restore"
dotnet restore QualityAward.sln --nologo -v quiet

echo "==> dotnet build -warnaserror"
dotnet build QualityAward.sln --no-restore --nologo -v quiet -warnaserror -warnnotaserror:NU1603 -clp:ErrorsOnly

echo "==> dotnet test"
log="$(mktemp)"
# Tests that explore or measure write one line each here (the model-based test's sequences and
# steps); they are printed before the totals.
QUALITYAWARD_TEST_REPORTS="$(mktemp -d)"
export QUALITYAWARD_TEST_REPORTS
trap 'rm -rf "$log" "$QUALITYAWARD_TEST_REPORTS"' EXIT
set +e
# The console logger at "minimal": each failed test with its message and stack, then the totals.
dotnet test QualityAward.sln --no-build --nologo -v quiet --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line with the totals of every test assembly ("Passed!  - Failed: 0, Passed: 85, ...").
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without reporting a failed test (a test host crashed or did not start)."
  failed=1
fi
for report in "$QUALITYAWARD_TEST_REPORTS"/*.txt; do
  [ -e "$report" ] && cat "$report"
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
