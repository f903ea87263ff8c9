#!/usr/bin/env bash
# Starts ClickHouse servers for the tests under a temporary directory, bound to 127.0.0.1 on free ports.
# Source it, then:  ch_start_all DIR   (one single-node server and two shards of a cluster 'supervision')
# It exports SUPERVISION_CLICKHOUSE_URL, SUPERVISION_CLICKHOUSE_SHARD1_URL, SUPERVISION_CLICKHOUSE_SHARD2_URL and
# SUPERVISION_CLICKHOUSE_CLUSTER, and records each server's PID and command in DIR/<name>/ so tests can stop and
# restart a server. ch_stop_all DIR stops every server it started (by recorded PID only).

ch_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# ch_write_config DIR NAME HTTP TCP CLUSTER_XML
ch_write_config() {
  local dir=$1/$2 http=$3 tcp=$4 cluster=$5
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log"
  cat >"$dir/users.xml" <<XML
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  cat >"$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>536870912</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  $cluster
</yandex>
XML
  echo "$http" >"$dir/http_port"
  printf '%s\n' "/usr/sbin/clickhouse-server --config-file=$dir/config.xml" >"$dir/command"
}

# ch_launch DIR NAME: starts the server and waits until SELECT 1 answers (30 s at most).
ch_launch() {
  local dir=$1/$2
  local http
  http=$(cat "$dir/http_port")
  ( cd "$dir" && exec /usr/sbin/clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 ) &
  echo $! >"$dir/pid"
  for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$http/?query=SELECT%201" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  echo "clickhouse $2 did not answer SELECT 1 on port $http within 30 s; log:" >&2
  tail -20 "$dir/log/error.log" "$dir/log/stdout.log" >&2 2>/dev/null
  return 1
}

ch_start_all() {
  local root=$1
  mkdir -p "$root"
  local h0 t0 h1 t1 h2 t2
  h0=$(ch_free_port); t0=$(ch_free_port); h1=$(ch_free_port); t1=$(ch_free_port); h2=$(ch_free_port); t2=$(ch_free_port)
  local cluster="<remote_servers><supervision>
    <shard><replica><host>127.0.0.1</host><port>$t1</port></replica></shard>
    <shard><replica><host>127.0.0.1</host><port>$t2</port></replica></shard>
  </supervision></remote_servers>"
  ch_write_config "$root" single "$h0" "$t0" ""
  ch_write_config "$root" shard1 "$h1" "$t1" "$cluster"
  ch_write_config "$root" shard2 "$h2" "$t2" "$cluster"
  ch_launch "$root" single && ch_launch "$root" shard1 && ch_launch "$root" shard2 || return 1
  export SUPERVISION_CLICKHOUSE_URL="http://127.0.0.1:$h0"
  export SUPERVISION_CLICKHOUSE_SHARD1_URL="http://127.0.0.1:$h1"
  export SUPERVISION_CLICKHOUSE_SHARD2_URL="http://127.0.0.1:$h2"
  export SUPERVISION_CLICKHOUSE_CLUSTER="supervision"
  # Lets the spill test stop and restart the single-node server it writes to.
  export SUPERVISION_CLICKHOUSE_CONTROL="$root/single"
}

ch_stop_all() {
  local root=$1 name pid
  for name in single shard1 shard2; do
    [ -f "$root/$name/pid" ] || continue
    pid=$(cat "$root/$name/pid")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
