#!/usr/bin/env bash
# Installs (once, cached) and starts real Kafka (KRaft), NATS, Redis and FerretDB (MongoDB wire protocol)
# on loopback, without Docker. Usage: npm run services:up [-- kafka nats redis ferretdb] [-- --secured]
#   eval "$(npm run -s services:up)"   # exports LINKER_* URLs into the current shell
#   --secured (or LINKER_SERVICES_SECURED=1) also starts the secured variant (secured.sh): a test CA, Kafka with
#   SASL_SSL, NATS with TLS and a user, Redis with TLS and an ACL user, FerretDB with TLS, each on its own port;
#   their endpoints and credentials are exported as LINKER_SECURED_*.
# All progress goes to stderr; stdout carries only the `export ...` lines.
# See scripts/services/README.md.
set -euo pipefail

# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Keep the real stdout on fd 3 for the export lines; everything else (including tools that print to
# stdout, such as mvn) goes to stderr.
exec 3>&1 1>&2

select_services "$@"
T_ALL="$(now_ms)"

KAFKA_POM="$SERVICES_SCRIPT_DIR/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -n1)"
[[ -n "$KAFKA_VERSION" ]] || die "cannot read <kafka.version> from $KAFKA_POM"
KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_LIB="$KAFKA_HOME/lib"
KAFKA_HEAP_OPTS="${LINKER_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

# Last FerretDB v1 release (v2 needs the DocumentDB PostgreSQL extension). v1 has the SQLite backend.
FERRETDB_VERSION="${LINKER_FERRETDB_VERSION:-v1.24.2}"
FERRETDB_HOME="$CACHE_DIR/ferretdb-$FERRETDB_VERSION"
FERRETDB_BIN="$FERRETDB_HOME/bin/ferretdb"

READY_TIMEOUT="${LINKER_SERVICES_TIMEOUT:-120}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

mkdir -p "$CACHE_DIR" "$STATE_DIR" "$RUN_DIR" "$LOG_DIR"

wants() { local s; for s in "${SELECTED[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }
# installs <svc>: the plain service or its secured variant is wanted (both run the same binaries).
installs() { wants "$1" || wants "secured-$1"; }

# shellcheck source=scripts/services/secured.sh
source "$SERVICES_SCRIPT_DIR/secured.sh"

# ---------------------------------------------------------------------------------------------------
# 1. Install what is missing
# ---------------------------------------------------------------------------------------------------

install_apt_packages() {
  local missing=()
  if installs redis; then
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v redis-cli >/dev/null || missing+=(redis-tools)
  fi
  if installs nats; then
    command -v nats-server >/dev/null || missing+=(nats-server)
  fi
  ((${#missing[@]})) || { log "apt: redis-server/nats-server already installed"; return 0; }

  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} yourself"
  log "apt: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  # policy-rc.d / no systemd in containers keeps the distro services from starting on the default ports;
  # on a systemd machine they may start on 6379/4222, which does not disturb ours.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_kafka() {
  local want have=""
  want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f "$KAFKA_HOME/.pom.sha256" ]] && have="$(cat "$KAFKA_HOME/.pom.sha256")"
  if [[ "$want" == "$have" && -d "$KAFKA_LIB" ]]; then
    echo "kafka $KAFKA_VERSION jars already in $KAFKA_LIB"
    return 0
  fi
  command -v mvn >/dev/null || { echo "mvn not found (needed to fetch Kafka from Maven Central)"; return 1; }
  echo "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIB"
  mkdir -p "$KAFKA_HOME"
  rm -rf "$KAFKA_LIB.tmp"
  mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB.tmp" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
  rm -rf "$KAFKA_LIB"
  mv "$KAFKA_LIB.tmp" "$KAFKA_LIB"
  echo "$want" >"$KAFKA_HOME/.pom.sha256"
  echo "$(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars"
}

install_ferretdb() {
  if [[ -x "$FERRETDB_BIN" ]]; then
    echo "ferretdb $FERRETDB_VERSION already built at $FERRETDB_BIN"
    return 0
  fi
  command -v go >/dev/null || { echo "go not found (needed to build FerretDB)"; return 1; }
  # Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb@VERSION`:
  #  - `go install pkg@version` checks the module's deprecation through the proxy's version list
  #    (.../@v/list), which the module proxy reachable here refuses (403);
  #  - a binary built straight from the module zip panics at start-up ("Invalid build/version/version.txt"):
  #    FerretDB release builds generate that file first.
  # So: download exactly this version (checksum-verified against sum.golang.org), copy it, write
  # version.txt as `bin/task gen-version` would, and build cmd/ferretdb with the module's own go.sum.
  local src dir json
  echo "building FerretDB $FERRETDB_VERSION from the Go module proxy (a few minutes the first time)"
  json="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>&1)" || {
    echo "$json"
    echo "go mod download github.com/FerretDB/FerretDB@$FERRETDB_VERSION failed"
    return 1
  }
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$json")"
  [[ -n "$dir" && -d "$dir" ]] || { echo "$json"; echo "go mod download gave no module directory"; return 1; }
  src="$FERRETDB_HOME/src"
  rm -rf "$src"
  mkdir -p "$FERRETDB_HOME/bin"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly" \
    go build -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb)
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$src"
  "$FERRETDB_BIN" --version | head -n1
}

# run_install <name> <function>: runs an install step in the background, output to a log file.
declare -A INSTALL_PIDS=()
run_install() {
  local name="$1" fn="$2"
  (
    t="$(now_ms)"
    # Not inside `if`: errexit must stay active so the first failing command ends the step.
    "$fn" >"$LOG_DIR/install-$name.log" 2>&1
    log "install $name: done in $(elapsed "$t") ($(tail -n1 "$LOG_DIR/install-$name.log"))"
  ) &
  INSTALL_PIDS[$name]=$!
}

T="$(now_ms)"
log "== linker-ts services: state $STATE_DIR, cache $CACHE_DIR"
installs kafka && run_install kafka install_kafka
installs ferretdb && run_install ferretdb install_ferretdb
T_APT="$(now_ms)"
install_apt_packages
log "install apt: done in $(elapsed "$T_APT")"
for name in "${!INSTALL_PIDS[@]}"; do
  if ! wait "${INSTALL_PIDS[$name]}"; then
    log "install $name FAILED; last lines of $LOG_DIR/install-$name.log:"
    tail -n 30 "$LOG_DIR/install-$name.log" >&2 || true
    die "could not install $name"
  fi
done
log "step install: $(elapsed "$T")"

# ---------------------------------------------------------------------------------------------------
# 2. Start (or reuse) each service
# ---------------------------------------------------------------------------------------------------

# launch <svc> <cmd...>: starts the service detached (own session, no terminal, stdout not inherited).
launch() {
  local svc="$1" logf="$LOG_DIR/$1.log" pid
  shift
  [[ -f "$logf" ]] && mv -f "$logf" "$logf.1"
  setsid "$@" >"$logf" 2>&1 </dev/null 3>&- &
  pid=$!
  echo "$pid" >"$(pid_file "$svc")"
  log "$svc: started pid $pid (log $logf)"
}

# prepare_start <svc>: returns 1 when a live instance started by us can be reused.
prepare_start() {
  local svc="$1" pid port
  port="$(svc_port "$svc")"
  if pid="$(live_pid "$svc")"; then
    log "$svc: already running (pid $pid), reusing"
    return 1
  fi
  rm -f "$(pid_file "$svc")"
  if port_open "$port"; then
    die "$svc: port $SVC_HOST:$port is already in use by a process this script did not start; stop it or set the port variable (see scripts/services/README.md)"
  fi
  return 0
}

kafka_tool() {
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$STATE_DIR/kafka/tools-log4j.properties" \
    -cp "$KAFKA_LIB/*" "$@"
}

# kafka_node_properties <dir>: the server.properties lines of a single test node (data in <dir>/data), whatever its listeners.
kafka_node_properties() {
  cat <<EOF
log.dirs=$1/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=false
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=67108864
EOF
}

# kafka_log4j_files <dir>: the broker's log settings, and the tools' (warnings only, to stderr).
kafka_log4j_files() {
  cat >"$1/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  cat >"$1/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

start_kafka() {
  prepare_start kafka || return 0
  port_open "$KAFKA_CONTROLLER_PORT" &&
    die "kafka: controller port $SVC_HOST:$KAFKA_CONTROLLER_PORT is already in use; set LINKER_KAFKA_CONTROLLER_PORT"
  local dir="$STATE_DIR/kafka" t
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
# generated by scripts/services/up.sh: single node, KRaft combined broker + controller
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$SVC_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$SVC_HOST:$KAFKA_PORT,CONTROLLER://$SVC_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$SVC_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
$(kafka_node_properties "$dir")
EOF
  kafka_log4j_files "$dir"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    t="$(now_ms)"
    local cluster_id
    cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid)"
    kafka_tool kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$dir/server.properties" \
      >"$LOG_DIR/kafka-format.log" 2>&1 || { tail -n 30 "$LOG_DIR/kafka-format.log" >&2; die "kafka: storage format failed"; }
    log "kafka: storage formatted (cluster id $cluster_id) in $(elapsed "$t")"
  fi
  # shellcheck disable=SC2086
  launch kafka "$JAVA" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR" -Dlog4j.configuration="file:$dir/log4j.properties" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$dir/server.properties"
}

start_nats() {
  prepare_start nats || return 0
  launch nats nats-server -a "$SVC_HOST" -p "$NATS_PORT" \
    --http_port "$NATS_MONITOR_PORT" -n linker-test-nats
}

start_redis() {
  prepare_start redis || return 0
  mkdir -p "$STATE_DIR/redis"
  launch redis redis-server --bind "$SVC_HOST" --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$STATE_DIR/redis" --daemonize no --logfile '' --protected-mode yes
}

start_ferretdb() {
  prepare_start ferretdb || return 0
  mkdir -p "$STATE_DIR/ferretdb/data" "$STATE_DIR/ferretdb/state"
  launch ferretdb "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$STATE_DIR/ferretdb/data/" \
    --state-dir="$STATE_DIR/ferretdb/state" --listen-addr="$SVC_HOST:$FERRETDB_PORT" \
    --debug-addr="${LINKER_FERRETDB_DEBUG_ADDR:--}" --telemetry=disable --log-level=info
}

T="$(now_ms)"
secured_wanted && secured_pki
for svc in "${SELECTED[@]}"; do "start_$svc"; done
log "step start: $(elapsed "$T")"

# ---------------------------------------------------------------------------------------------------
# 3. Wait until each one answers
# ---------------------------------------------------------------------------------------------------

check_redis() {
  [[ "$(timeout 3 redis-cli -h "$SVC_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
}

check_nats() {
  # A NATS server greets every client with an INFO line.
  local line
  line="$(timeout 3 bash -c "exec 9<>/dev/tcp/$SVC_HOST/$NATS_PORT && head -c 5 <&9" 2>/dev/null)" || return 1
  [[ "$line" == "INFO " ]]
}

check_kafka() {
  port_open "$KAFKA_PORT" || return 1
  timeout 15 "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$STATE_DIR/kafka/tools-log4j.properties" \
    -cp "$KAFKA_LIB/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$SVC_HOST:$KAFKA_PORT" --list >/dev/null 2>>"$LOG_DIR/kafka-readiness.log"
}

# A real MongoDB `hello` over OP_MSG, with no npm dependency (plain node).
FERRETDB_HELLO_JS='
const net = require("net");
const [host, port] = process.argv.slice(1);
const cstr = (s) => Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);
const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; };
const str = cstr("admin");
const body = Buffer.concat([Buffer.from([0x10]), cstr("hello"), i32(1), Buffer.from([0x02]), cstr("$db"), i32(str.length), str]);
const doc = Buffer.concat([i32(body.length + 5), body, Buffer.from([0])]);
const payload = Buffer.concat([i32(0), Buffer.from([0]), doc]);
const msg = Buffer.concat([i32(16 + payload.length), i32(1), i32(0), i32(2013), payload]);
const sock = net.connect(Number(port), host, () => sock.write(msg));
let buf = Buffer.alloc(0);
const fail = (why) => { console.error(why); process.exit(1); };
sock.setTimeout(3000, () => fail("timeout"));
sock.on("error", (e) => fail(e.message));
sock.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
  const i = buf.indexOf(Buffer.concat([Buffer.from([0x01]), cstr("ok")]));
  if (buf.readInt32LE(12) === 2013 && i >= 0 && buf.readDoubleLE(i + 4) === 1) process.exit(0);
  fail("hello not ok");
});'

check_ferretdb() {
  port_open "$FERRETDB_PORT" || return 1
  if command -v node >/dev/null; then
    timeout 5 node -e "$FERRETDB_HELLO_JS" "$SVC_HOST" "$FERRETDB_PORT" 2>/dev/null
  else
    grep -q "Listening on TCP" "$LOG_DIR/ferretdb.log" 2>/dev/null
  fi
}

wait_ready() {
  local svc="$1" t pid last=-5 secs
  t="$(now_ms)"
  while ! "check_$svc"; do
    secs=$((($(now_ms) - t) / 1000))
    if ! pid="$(live_pid "$svc")"; then
      log "$svc: process exited; last 30 lines of $LOG_DIR/$svc.log:"
      tail -n 30 "$LOG_DIR/$svc.log" >&2 || true
      die "$svc did not start (see $LOG_DIR/$svc.log)"
    fi
    if ((secs >= READY_TIMEOUT)); then
      log "$svc: last 30 lines of $LOG_DIR/$svc.log:"
      tail -n 30 "$LOG_DIR/$svc.log" >&2 || true
      die "$svc (pid $pid) did not answer on $SVC_HOST:$(svc_port "$svc") within ${READY_TIMEOUT}s (see $LOG_DIR/$svc.log; LINKER_SERVICES_TIMEOUT raises the limit)"
    fi
    if ((secs - last >= 5)); then
      log "$svc: waiting (${secs}s)…"
      last=$secs
    fi
    sleep 0.5
  done
  log "$svc: ready on $SVC_HOST:$(svc_port "$svc") after $(elapsed "$t")"
}

T="$(now_ms)"
# Quick ones first; Kafka takes the longest, and the others come up while we wait for it.
for svc in redis nats ferretdb secured-redis secured-nats secured-ferretdb kafka secured-kafka; do
  wants "$svc" && wait_ready "$svc"
done
log "step wait: $(elapsed "$T")"

# ---------------------------------------------------------------------------------------------------
# 4. Publish the URLs
# ---------------------------------------------------------------------------------------------------

ENV_LINES=(
  "LINKER_KAFKA_BROKERS=$SVC_HOST:$KAFKA_PORT"
  "LINKER_NATS_URL=nats://$SVC_HOST:$NATS_PORT"
  "LINKER_REDIS_URL=redis://$SVC_HOST:$REDIS_PORT"
  "LINKER_MONGODB_URL=mongodb://$SVC_HOST:$FERRETDB_PORT/"
)
printf '%s\n' "${ENV_LINES[@]}" >"$STATE_DIR/services.env"
log "wrote $STATE_DIR/services.env"
if secured_wanted; then
  # A file of its own (quoted for the shell: the MongoDB URL has a `&`), readable by this user only: it holds the password.
  secured_env_lines
  (umask 077 && printf '%q\n' "${SECURED_ENV_LINES[@]}" >"$SECURED_DIR/services.env")
  log "wrote $SECURED_DIR/services.env (the secured services' endpoints and credentials)"
  ENV_LINES+=("${SECURED_ENV_LINES[@]}")
fi
log "== all up in $(elapsed "$T_ALL")"
printf 'export %q\n' "${ENV_LINES[@]}" >&3
