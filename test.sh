#!/usr/bin/env bash
# Runs every test of the repository: unit tests, integration tests on real Azurite (started by the tests on a
# free port, installed from the lock file if missing), the same HTTP contract on the real Azure Functions host, the
# console in Debian's Chromium, the offline infrastructure checks, a formatting check and smoke runs of the benchmark
# and of its scale run.
set -euo pipefail
cd "$(dirname "$0")"

tools/azurite/ensure.sh > /dev/null

# The console's browser tests drive Debian's Chromium through Playwright, which cannot download browsers here:
# install the package when it is missing (needs root, as CI runs; or set COHORT_TEST_CHROMIUM to another binary).
if [ -z "${COHORT_TEST_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's chromium for the console's browser tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    echo "/usr/bin/chromium is missing: run 'sudo apt-get install chromium' (the console's browser tests need it)" >&2
  fi
fi
# The real-host suite (tests with the trait Host=Real) runs the app under the real Azure Functions host: the one in
# ../shared/functions-host, a run-host.sh named by COHORT_FUNCTIONS_HOST, or Functions Core Tools ('func'). CI
# requires it (.ci/run sets COHORT_REQUIRE_REAL_HOST=1); on a machine with none of them it is left out, saying so.
filter=()
if [ -n "${COHORT_FUNCTIONS_HOST:-}" ] || [ -f ../shared/functions-host/run-host.sh ] || command -v func > /dev/null; then
  :
elif [ "${COHORT_REQUIRE_REAL_HOST:-}" = 1 ]; then
  echo "no Azure Functions host here (../shared/functions-host, COHORT_FUNCTIONS_HOST or Core Tools): the real-host suite must run" >&2
  exit 1
else
  echo "real-host suite not run: no Azure Functions host here; install Azure Functions Core Tools or set COHORT_FUNCTIONS_HOST to a run-host.sh (tests/README.md)"
  filter=(--filter "Host!=Real")
fi

rm -rf TestResults
dotnet build CohortFunctions.sln -c Release --nologo -clp:ErrorsOnly
status=0
dotnet test CohortFunctions.sln -c Release --no-build --nologo --logger trx --results-directory TestResults "${filter[@]}" || status=$?

# Formatting as .editorconfig says (the build already enforces the analyzers; this catches layout and whitespace).
if ! dotnet format CohortFunctions.sln --verify-no-changes --no-restore -v q; then
  echo "dotnet format found changes to make: run 'dotnet format CohortFunctions.sln'" >&2
  status=1
fi

# The benchmark's short version: that every phase still runs end to end (figures only from the full run).
bench_status=0
bench/run.sh --smoke --out TestResults/bench-smoke > TestResults/bench-smoke.log 2>&1 || bench_status=$?
if [ "$bench_status" -ne 0 ]; then
  echo "benchmark smoke run failed (exit $bench_status):" >&2
  tail -40 TestResults/bench-smoke.log >&2
  status=1
else
  echo "benchmark smoke run: ok (TestResults/bench-smoke)"
fi

# The scale run's short version (bench/run.sh --scale --smoke): every phase of it, a cohort of 2,000.
scale_status=0
bench/run.sh --scale --smoke --out TestResults/bench-scale-smoke > TestResults/bench-scale-smoke.log 2>&1 || scale_status=$?
if [ "$scale_status" -ne 0 ]; then
  echo "benchmark scale smoke run failed (exit $scale_status):" >&2
  tail -40 TestResults/bench-scale-smoke.log >&2
  status=1
else
  echo "benchmark scale smoke run: ok (TestResults/bench-scale-smoke)"
fi

# One plain closing line over all test projects.
passed=0; failed=0; skipped=0
for trx in TestResults/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); passed=$((passed + ${p:-0}))
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p'); failed=$((failed + ${f:-0}))
  n=$(echo "$counters" | sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p'); skipped=$((skipped + ${n:-0}))
done
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
