#!/usr/bin/env bash
# The benchmark: starts its own Azurite and the app (the local host ./run.sh runs), seeds users and measures
# postback latency, the initial sync of a 200,000-member cohort with cohort-sync, the storage floor of the same
# work, size independence and a segment export. Results: bench/results/*.md and *.json.
#   bench/run.sh            full run (about 10-20 minutes on 2 cores)
#   bench/run.sh --smoke    seconds: that every phase still works (CI runs this)
#   bench/run.sh --cohort 50000 --samples 20    a smaller run
#   bench/run.sh --scale    the scale run: a 1,000,000-user base, its cohort synced, churned, exported (hours)
#   bench/run.sh --scale --smoke    the scale run in seconds (CI runs this too)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/azurite/ensure.sh > /dev/null
dotnet build bench/CohortFunctions.Benchmark -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/CohortFunctions.Benchmark/bin/Release/net10.0/CohortFunctions.Benchmark.dll "$@"
