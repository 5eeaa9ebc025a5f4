#!/usr/bin/env bash
# Runs CohortFunctions locally: starts Azurite (unless a storage connection is configured in the environment)
# and the app on http://127.0.0.1:PORT, serving every function as `func start` would. Ctrl-C stops both.
#   ./run.sh [--port N]          default port 7071
set -euo pipefail
cd "$(dirname "$0")"

port=7071
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (usage: ./run.sh [--port N])" >&2; exit 2 ;;
  esac
done

azurite_pid=""
app_pid=""
stop() {
  trap - INT TERM EXIT
  [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null || true
  # Azurite saves its data on SIGINT, not reliably on SIGTERM.
  [ -n "$azurite_pid" ] && kill -INT "$azurite_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

if [ -z "${Storage__ConnectionString:-}" ] && [ -z "${Storage__TableServiceUri:-}" ]; then
  azurite_bin="$(tools/azurite/ensure.sh)"
  table_port="${AZURITE_TABLE_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
  mkdir -p .azurite
  "$azurite_bin" --location .azurite --tableHost 127.0.0.1 --tablePort "$table_port" --silent --disableTelemetry &
  azurite_pid=$!
  for _ in $(seq 1 50); do
    (echo > "/dev/tcp/127.0.0.1/$table_port") 2>/dev/null && break
    sleep 0.2
  done
  export Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:${table_port}/devstoreaccount1;"
  echo "Azurite (tables) on 127.0.0.1:${table_port}, data in .azurite/" >&2
fi

dotnet build src/CohortFunctions.LocalHost -c Release --nologo -v quiet -clp:ErrorsOnly
# Run from the repository root so local.settings.json (or the sample) is read as the Functions host would.
dotnet src/CohortFunctions.LocalHost/bin/Release/net10.0/CohortFunctions.LocalHost.dll --urls "http://127.0.0.1:${port}" &
app_pid=$!
wait "$app_pid" || true
