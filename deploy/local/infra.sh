#!/usr/bin/env bash
# Installs and runs the real engines on loopback without a container engine:
#   Apache Kafka (KRaft, one node) from its Maven Central artifacts, and
#   FerretDB v1 (MongoDB wire protocol, SQLite backend) built from its Go module, with the
#   patches in deploy/local/ferretdb/ applied (each one says what it fixes and why).
# Downloads and builds are cached in $TOUCHPOINT_CACHE (default ~/.cache/touchpoint), so a
# second `up` takes seconds. Runtime state (data, logs, pids, chosen ports) lives in
# $TOUCHPOINT_INFRA_DIR (default $TOUCHPOINT_CACHE/run).
#
#   infra.sh up       install if needed, start both, wait until they answer, print the URLs
#   infra.sh down     stop both cleanly (SIGTERM, then SIGKILL after a grace period)
#   infra.sh status   print what runs and where
#   infra.sh env      print KAFKA_BROKERS=… and MONGO_URL=… for `eval`/`source`
#   infra.sh install  only download and build
#   infra.sh restart-kafka   stop and start the broker on the same port and data (tests use it)
#   infra.sh cluster-up | cluster-down | cluster-env | cluster-status
#                     a three-broker Kafka (KRaft, every node broker and controller, replication
#                     factor 3, min.insync.replicas 2) beside the rest, for the fault suite's
#                     broker-loss scenario; KAFKA_BROKERS lists all three
#   infra.sh cluster-kill N | cluster-start N
#                     SIGKILL node N (1-3) of that cluster / start it again on its port and data
#   infra.sh start-ferretdb | stop-ferretdb | kill-ferretdb
#                     one FerretDB alone (same port and data on a restart); kill-ferretdb is a
#                     SIGKILL, for the fault suite's store-crash scenario
set -euo pipefail

KAFKA_VERSION="${TOUCHPOINT_KAFKA_VERSION:-4.3.1}"
FERRETDB_VERSION="${TOUCHPOINT_FERRETDB_VERSION:-v1.24.2}"
CACHE="${TOUCHPOINT_CACHE:-$HOME/.cache/touchpoint}"
RUN="${TOUCHPOINT_INFRA_DIR:-$CACHE/run}"
KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FERRET_PATCHES=("$HERE"/ferretdb/*.patch)
# The build is cached per version and patch set, so changing a patch rebuilds once.
FERRET_PATCH_ID=$(cat "${FERRET_PATCHES[@]}" | sha256sum | cut -c1-8)
FERRET_HOME="$CACHE/ferretdb-$FERRETDB_VERSION-$FERRET_PATCH_ID"
FERRET_BIN="$FERRET_HOME/bin/ferretdb"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2)"; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- ; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_kafka() {
  if [ -f "$KAFKA_HOME/.complete" ]; then return; fi
  need java "Java 17 runs the broker"
  need mvn "Maven fetches the broker's jars"
  log "fetching Apache Kafka $KAFKA_VERSION and its dependencies with Maven (first time only)…"
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>touchpoint.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
POM
  (cd "$KAFKA_HOME" && mvn -B -q dependency:copy-dependencies -DoutputDirectory=libs -DincludeScope=runtime) \
    || die "Maven could not fetch kafka_2.13:$KAFKA_VERSION; check the Maven settings (mvn -v) and retry"
  cat >"$KAFKA_HOME/log4j2.properties" <<'L4J'
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
L4J
  touch "$KAFKA_HOME/.complete"
  log "Kafka $KAFKA_VERSION cached in $KAFKA_HOME"
}

install_ferretdb() {
  if [ -x "$FERRET_BIN" ]; then return; fi
  need go "Go builds FerretDB from its module"
  need patch "the FerretDB build applies deploy/local/ferretdb/*.patch"
  log "building FerretDB $FERRETDB_VERSION from its Go module (first time only, a few minutes)…"
  mkdir -p "$FERRET_HOME/mod" "$FERRET_HOME/bin"
  (
    set -e
    cd "$FERRET_HOME/mod"
    [ -f go.mod ] || go mod init touchpoint.local/ferretdb >/dev/null 2>&1
    go get -tool "github.com/FerretDB/FerretDB/cmd/ferretdb@$FERRETDB_VERSION" 2>&1 | grep -v '^go: \(downloading\|added\)' || true
    # The module zip leaves out build/version/version.txt (FerretDB generates it from git), and
    # the binary refuses to start without it; so build from a writable copy with that file set.
    src=$(go list -m -f '{{.Dir}}' "github.com/FerretDB/FerretDB")
    rm -rf "$FERRET_HOME/src" && cp -r "$src" "$FERRET_HOME/src" && chmod -R u+w "$FERRET_HOME/src"
    echo "$FERRETDB_VERSION" >"$FERRET_HOME/src/build/version/version.txt"
    for p in "${FERRET_PATCHES[@]}"; do
      patch -s -p1 -d "$FERRET_HOME/src" <"$p" || { echo "patch $(basename "$p") does not apply" >&2; exit 1; }
    done
    cd "$FERRET_HOME/src" && go build -trimpath -o "$FERRET_BIN" ./cmd/ferretdb
  ) || die "could not build FerretDB $FERRETDB_VERSION; check 'go env GOPROXY' and retry"
  log "FerretDB cached at $FERRET_BIN"
}

kafka_classpath() { printf '%s' "$KAFKA_HOME/libs/*"; }

kafka_java() {
  java -Xms256m -Xmx${TOUCHPOINT_KAFKA_HEAP:-768m} -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" -Dkafka.logs.dir="${KAFKA_LOGS:-$RUN/kafka/logs}" \
    -cp "$(kafka_classpath)" "$@"
}

start_kafka() {
  local dir="$RUN/kafka"
  if alive "$dir/pid"; then log "Kafka already running on $(cat "$dir/port")"; return; fi
  mkdir -p "$dir/logs"
  local port cport
  if [ -f "$dir/port" ] && ! port_open "$(cat "$dir/port")"; then port=$(cat "$dir/port"); else port=$(free_port); fi
  cport=$(free_port)
  [ "$cport" != "$port" ] || cport=$(free_port)
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.ms=-1
PROPS
  if [ ! -f "$dir/data/meta.properties" ]; then
    kafka_java kafka.tools.StorageTool format -t "$(cat "$dir/cluster-id" 2>/dev/null || echo tOuChPoInTlOcAlClUsTeR)" \
      -c "$dir/server.properties" --ignore-formatted >"$dir/logs/format.log" 2>&1 \
      || die "could not format Kafka storage: see $dir/logs/format.log"
  fi
  echo "$port" >"$dir/port"
  nohup bash -c "$(declare -f kafka_java kafka_classpath); KAFKA_HOME='$KAFKA_HOME' RUN='$RUN' TOUCHPOINT_KAFKA_HEAP='${TOUCHPOINT_KAFKA_HEAP:-768m}' kafka_java kafka.Kafka '$dir/server.properties'" \
    >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$port …"
  wait_for kafka "$port" "$dir/pid" "$dir/logs/stdout.log" 90
}

start_ferretdb() {
  local dir="$RUN/ferretdb"
  if alive "$dir/pid"; then log "FerretDB already running on $(cat "$dir/port")"; return; fi
  mkdir -p "$dir/data" "$dir/logs"
  local port
  if [ -f "$dir/port" ] && ! port_open "$(cat "$dir/port")"; then port=$(cat "$dir/port"); else port=$(free_port); fi
  echo "$port" >"$dir/port"
  nohup "$FERRET_BIN" --handler=sqlite --sqlite-url="file:$dir/data/" --state-dir="$dir" \
    --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=warn \
    >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  log "starting FerretDB $FERRETDB_VERSION on 127.0.0.1:$port …"
  wait_for ferretdb "$port" "$dir/pid" "$dir/logs/stdout.log" 30
}

# A listening socket is not enough for Kafka: the broker accepts connections before the
# controller has elected itself, so we also ask for metadata through the bundled admin tool.
wait_for() {
  local name=$1 port=$2 pidfile=$3 logfile=$4 timeout=$5 t=0
  while ! port_open "$port"; do
    alive "$pidfile" || { tail -n 30 "$logfile" >&2; die "$name exited during start-up (log: $logfile)"; }
    sleep 0.5; t=$((t + 1))
    [ $t -lt $((timeout * 2)) ] || die "$name did not open 127.0.0.1:$port within ${timeout}s (log: $logfile)"
  done
  if [ "$name" = kafka ]; then
    local tries=0
    until kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" --list >/dev/null 2>&1; do
      tries=$((tries + 1)); [ $tries -lt 30 ] || die "Kafka on $port does not answer metadata requests (log: $(dirname "$logfile"))"
      sleep 1
    done
  fi
  log "$name ready on 127.0.0.1:$port"
}

# The cluster's six ports (three client, three controller), chosen once: every node's
# properties name all three controllers, and a restarted node must come back where it was.
cluster_ports() {
  local f="$RUN/kafka-cluster/ports"
  if [ ! -f "$f" ]; then
    mkdir -p "$RUN/kafka-cluster"
    local ports=() p
    while [ ${#ports[@]} -lt 6 ]; do
      p=$(free_port)
      [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
    done
    echo "${ports[*]}" >"$f"
  fi
  cat "$f"
}

launch_cluster_node() {
  local n=$1 dir="$RUN/kafka-node-$1"
  if alive "$dir/pid"; then log "Kafka node $n already running"; return; fi
  local ports; read -r -a ports <<<"$(cluster_ports)"
  local port=${ports[$((n - 1))]} cport=${ports[$((n + 2))]}
  mkdir -p "$dir/logs"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=1@127.0.0.1:${ports[3]},2@127.0.0.1:${ports[4]},3@127.0.0.1:${ports[5]}
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
log.retention.ms=-1
PROPS
  if [ ! -f "$dir/data/meta.properties" ]; then
    kafka_java kafka.tools.StorageTool format -t tOuChPoInTlOcAlClUsTeR3 \
      -c "$dir/server.properties" --ignore-formatted >"$dir/logs/format.log" 2>&1 \
      || die "could not format Kafka node $n: see $dir/logs/format.log"
  fi
  echo "$port" >"$dir/port"
  nohup bash -c "$(declare -f kafka_java kafka_classpath); KAFKA_HOME='$KAFKA_HOME' RUN='$RUN' KAFKA_LOGS='$dir/logs' TOUCHPOINT_KAFKA_HEAP='${TOUCHPOINT_KAFKA_HEAP:-768m}' kafka_java kafka.Kafka '$dir/server.properties'" \
    >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  log "starting Kafka node $n on 127.0.0.1:$port …"
}

# The controllers elect a leader only once a majority runs, so every node is launched before
# any is waited for.
start_cluster() {
  local n
  for n in 1 2 3; do launch_cluster_node "$n"; done
  for n in 1 2 3; do
    wait_for kafka "$(cat "$RUN/kafka-node-$n/port")" "$RUN/kafka-node-$n/pid" "$RUN/kafka-node-$n/logs/stdout.log" 120
  done
}

print_cluster_env() {
  local n brokers=()
  for n in 1 2 3; do [ -f "$RUN/kafka-node-$n/port" ] && brokers+=("127.0.0.1:$(cat "$RUN/kafka-node-$n/port")"); done
  [ ${#brokers[@]} -gt 0 ] && echo "export KAFKA_BROKERS=$(IFS=,; echo "${brokers[*]}")"
  return 0
}

cluster_node() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "name the node: 1, 2 or 3"
  echo "$1"
}

stop_one() {
  local name=$1 pidfile="$RUN/$1/pid"
  if ! alive "$pidfile"; then rm -f "$pidfile"; return; fi
  local pid; pid=$(cat "$pidfile")
  # The Kafka launcher is a bash wrapper around java: signal its children too, and wait for
  # them, not only for the wrapper (which dies at once, while the broker shuts down).
  local procs; procs="$(pgrep -P "$pid" || true) $pid"
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  local p
  for _ in $(seq 1 60); do
    local running=0
    for p in $procs; do kill -0 "$p" 2>/dev/null && running=1; done
    [ $running = 1 ] || break
    sleep 0.5
  done
  for p in $procs; do kill -KILL "$p" 2>/dev/null || true; done
  rm -f "$pidfile"
  log "$name stopped"
}

# A crash rather than a stop: no grace period, nothing flushed (the fault suite's store-crash case).
kill_one() {
  local name=$1 pidfile="$RUN/$1/pid"
  if ! alive "$pidfile"; then rm -f "$pidfile"; return; fi
  local pid; pid=$(cat "$pidfile")
  # A Kafka node's pid is its bash launcher: the broker is the java child, killed first.
  local children; children=$(pgrep -P "$pid" || true)
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  for c in $children "$pid"; do
    for _ in $(seq 1 20); do kill -0 "$c" 2>/dev/null || break; sleep 0.1; done
  done
  rm -f "$pidfile"
  log "$name killed"
}

print_env() {
  [ -f "$RUN/kafka/port" ] && echo "export KAFKA_BROKERS=127.0.0.1:$(cat "$RUN/kafka/port")"
  [ -f "$RUN/ferretdb/port" ] && echo "export MONGO_URL=mongodb://127.0.0.1:$(cat "$RUN/ferretdb/port")/"
  return 0
}

cmd=${1:-up}
case "$cmd" in
  install) install_kafka; install_ferretdb ;;
  up)
    install_kafka; install_ferretdb
    start_ferretdb; start_kafka
    print_env ;;
  down) stop_one kafka; stop_one ferretdb ;;
  restart-kafka) install_kafka; stop_one kafka; start_kafka ;;
  stop-kafka) stop_one kafka ;;
  start-kafka) install_kafka; start_kafka; print_env ;;
  start-ferretdb) install_ferretdb; start_ferretdb; print_env ;;
  stop-ferretdb) stop_one ferretdb ;;
  kill-ferretdb) kill_one ferretdb ;;
  status)
    for n in kafka ferretdb; do
      if alive "$RUN/$n/pid"; then echo "$n: running (pid $(cat "$RUN/$n/pid"), port $(cat "$RUN/$n/port"))"; else echo "$n: stopped"; fi
    done ;;
  env) print_env ;;
  cluster-up) install_kafka; start_cluster; print_cluster_env ;;
  cluster-down) for n in 1 2 3; do stop_one "kafka-node-$n"; done ;;
  cluster-env) print_cluster_env ;;
  cluster-kill) n=$(cluster_node "${2:-}"); kill_one "kafka-node-$n" ;;
  cluster-start)
    n=$(cluster_node "${2:-}"); install_kafka; launch_cluster_node "$n"
    wait_for kafka "$(cat "$RUN/kafka-node-$n/port")" "$RUN/kafka-node-$n/pid" "$RUN/kafka-node-$n/logs/stdout.log" 120
    print_cluster_env ;;
  cluster-status)
    for n in 1 2 3; do
      if alive "$RUN/kafka-node-$n/pid"; then echo "kafka node $n: running (pid $(cat "$RUN/kafka-node-$n/pid"), port $(cat "$RUN/kafka-node-$n/port"))"; else echo "kafka node $n: stopped"; fi
    done ;;
  *) die "unknown command '$cmd' (use: up | down | status | env | install | restart-kafka | start-kafka | stop-kafka | start-ferretdb | stop-ferretdb | kill-ferretdb | cluster-up | cluster-down | cluster-env | cluster-status | cluster-kill N | cluster-start N)" ;;
esac
