#!/usr/bin/env bash
# Runs every test of Supervision on real parts.
# Installs what the tests need from Debian (Chromium for the dashboard tests, libgomp1 for ML.NET's LightGbm,
# clickhouse-server for the history store), starts three ClickHouse servers on free 127.0.0.1 ports (one single
# node, two as the shards of cluster 'supervision'; set SUPERVISION_CLICKHOUSE_URL, _SHARD1_URL, _SHARD2_URL and
# _CLUSTER to use servers of your own instead), builds the solution once, runs each test project, stops what it
# started, and prints
# "N passed, N failed" as its last line. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libgomp1 >/dev/null 2>&1 || missing+=(libgomp1)
if [ -z "${SUPERVISION_CLICKHOUSE_URL:-}" ]; then
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ -x /usr/sbin/clickhouse-server ] || missing+=(clickhouse-server)
  command -v clickhouse-client >/dev/null 2>&1 || missing+=(clickhouse-client)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]} from Debian"
  $sudo apt-get update -qq
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}"; then
    echo "tests/run.sh: could not install ${missing[*]}"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

log_dir=$(mktemp -d)
clickhouse_dir=""
cleanup() {
  if [ -n "$clickhouse_dir" ]; then
    ch_stop_all "$clickhouse_dir"
    rm -rf "$clickhouse_dir"
  fi
  rm -rf "$log_dir"
}
trap cleanup EXIT

if [ -z "${SUPERVISION_CLICKHOUSE_URL:-}" ]; then
  # shellcheck source=tests/clickhouse/servers.sh
  source tests/clickhouse/servers.sh
  clickhouse_dir=$(mktemp -d /tmp/supervision-clickhouse.XXXXXX)
  if ! ch_start_all "$clickhouse_dir"; then
    echo "tests/run.sh: ClickHouse did not start (see above)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "tests/run.sh: ClickHouse single node at $SUPERVISION_CLICKHOUSE_URL, shards at $SUPERVISION_CLICKHOUSE_SHARD1_URL and $SUPERVISION_CLICKHOUSE_SHARD2_URL"
fi

if ! dotnet build Supervision.sln -c Release -nologo -v quiet >"$log_dir/build.log" 2>&1; then
  grep -E "error|warning" "$log_dir/build.log" | sort -u | head -50
  echo "tests/run.sh: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
status=0
# Every project once; the scorer's tests again with AVX-512 and then AVX2 switched off, so the vector paths this CPU
# would not take are tested too.
runs=()
for project in tests/*/*.csproj; do
  runs+=("$(basename "$project" .csproj)||$project")
done
runs+=("Supervision.Scoring.Tests-noavx512|DOTNET_EnableAVX512=0|tests/Supervision.Scoring.Tests/Supervision.Scoring.Tests.csproj")
runs+=("Supervision.Scoring.Tests-noavx2|DOTNET_EnableAVX2=0|tests/Supervision.Scoring.Tests/Supervision.Scoring.Tests.csproj")
for run in "${runs[@]}"; do
  IFS='|' read -r name setting project <<<"$run"
  echo "== $name"
  env ${setting:+"$setting"} dotnet test "$project" -c Release --no-build --nologo 2>&1 | tee "$log_dir/$name.log"
  code=${PIPESTATUS[0]}
  summary=$(grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+" "$log_dir/$name.log" | tail -1)
  if [ -n "$summary" ]; then
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary")
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
    passed=$((passed + p))
    failed=$((failed + f))
  fi
  if [ "$code" -ne 0 ]; then
    status=1
    # A crashed test host prints no summary: count the project as one failure so it cannot pass silently.
    if [ -z "$summary" ] || [ "${f:-0}" -eq 0 ]; then
      failed=$((failed + 1))
    fi
  fi
done

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
