#!/usr/bin/env bash
# Run QualityAward locally: restore, start Azurite, open a demo cycle (Weihai preset, this year)
# and serve HTTP on http://127.0.0.1:7071. Prints the addresses and a dev token for each role.
#
# The function app is an Azure Functions isolated worker. Where Azure Functions Core Tools 4
# (`func`) is on PATH, the real Functions host runs it (`func start`); otherwise the local host
# under tools/LocalHost — a stand-in for the Functions host that runs the same function classes —
# does (docs/decisions/0012). Ctrl+C stops the app and the Azurite this script started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# shellcheck source=scripts/azurite.sh
source "$root/scripts/azurite.sh"
trap '[ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null || true' EXIT

url="${QUALITYAWARD_URLS:-http://127.0.0.1:7071}"
port="${url##*:}"

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

# A local run: Development settings (appsettings.Development.json: Azurite, the development token
# key, example departments), and the demo city loaded at start.
export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development AZURE_FUNCTIONS_ENVIRONMENT=Development
export Demo__Enabled=true Demo__BaseUrl="$url"
# Links the app writes into mails and certificates point at this run, whatever its port.
export Consultations__ReplyBaseUrl="${Consultations__ReplyBaseUrl:-$url}" Certificates__PublicBaseUrl="${Certificates__PublicBaseUrl:-$url}"

# The local mailbox: every mail the app sends through Microsoft Graph (requests to departments,
# reminders, the office's notes) goes, through the same Graph SDK, to a loopback stand-in of Graph's
# sendMail in the local host, and is read at $mailbox_url. Set Graph__BaseUrl yourself to send
# through a real Graph instead (and Graph__Credential=Default to sign in with your account).
if [ -z "${Graph__BaseUrl:-}" ]; then
  if command -v func >/dev/null 2>&1; then
    mailbox_host="${QUALITYAWARD_MAILBOX_URL:-http://127.0.0.1:$((port + 1))}"
  else
    mailbox_host="$url"
  fi
  mailbox_url="$mailbox_host/_mailbox"
  export LocalMailbox__Enabled=true Graph__BaseUrl="$mailbox_host/_mailbox/graph/v1.0" Graph__Credential=Anonymous
  export Demo__MailboxUrl="$mailbox_url"
else
  mailbox_url=""
fi

echo "==> dotnet build (first run restores packages)"
dotnet build tools/LocalHost/LocalHost.csproj --nologo -v quiet -clp:ErrorsOnly

if command -v func >/dev/null 2>&1; then
  echo "==> Azure Functions Core Tools found: the Functions host runs the worker (func start)"
  if [ ! -f src/Functions/local.settings.json ]; then
    cp src/Functions/local.settings.example.json src/Functions/local.settings.json
  fi
  if [ -n "$mailbox_url" ]; then
    # The Functions host serves only the function app: the mailbox runs beside it, on its own port.
    dotnet run --project tools/LocalHost/LocalHost.csproj --no-build -- --mailbox-only --urls "$mailbox_host" &
    MAILBOX_PID=$!
    trap '[ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null; kill "$MAILBOX_PID" 2>/dev/null || true' EXIT
    echo "==> local mailbox: $mailbox_url"
  fi
  cd src/Functions
  func start --port "$port"
  exit $?
fi

echo "==> no Azure Functions Core Tools on PATH: the local host runs the functions (tools/LocalHost)"
[ -n "$mailbox_url" ] && echo "==> local mailbox: $mailbox_url (mails appear once the app sends them)"
dotnet run --project tools/LocalHost/LocalHost.csproj --no-build -- --urls "$url"
