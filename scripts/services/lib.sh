# shellcheck shell=bash
# Shared settings and helpers for scripts/services/up.sh and down.sh (sourced, not run).

SERVICES_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SERVICES_SCRIPT_DIR/../.." && pwd)"

CACHE_DIR="${LINKER_CACHE_DIR:-$HOME/.cache/linker-ts}"
STATE_DIR="${LINKER_SERVICES_DIR:-$REPO_DIR/.services}"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"

SVC_HOST="${LINKER_SERVICES_HOST:-127.0.0.1}"
KAFKA_PORT="${LINKER_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${LINKER_KAFKA_CONTROLLER_PORT:-19093}"
NATS_PORT="${LINKER_NATS_PORT:-14222}"
NATS_MONITOR_PORT="${LINKER_NATS_MONITOR_PORT:-18222}"
REDIS_PORT="${LINKER_REDIS_PORT:-16379}"
FERRETDB_PORT="${LINKER_FERRETDB_PORT:-27117}"
# The secured variant (`up.sh --secured`, scripts/services/secured.sh): the same services with TLS and credentials.
SECURED_KAFKA_PORT="${LINKER_SECURED_KAFKA_PORT:-19094}"
SECURED_KAFKA_CONTROLLER_PORT="${LINKER_SECURED_KAFKA_CONTROLLER_PORT:-19095}"
SECURED_NATS_PORT="${LINKER_SECURED_NATS_PORT:-14223}"
SECURED_REDIS_PORT="${LINKER_SECURED_REDIS_PORT:-16380}"
SECURED_FERRETDB_PORT="${LINKER_SECURED_FERRETDB_PORT:-27118}"
SECURED_DIR="$STATE_DIR/secured"

ALL_SERVICES=(kafka nats redis ferretdb)
SECURED_SERVICES=(secured-kafka secured-nats secured-redis secured-ferretdb)

log() { printf '%s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
# elapsed <start_ms> -> "12.3s"
elapsed() { local d=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((d / 1000)) $(((d % 1000) / 100)); }

# Which command line identifies each service's process (checked before reusing or signalling a pid,
# so a recycled pid never makes us touch someone else's process).
svc_pattern() {
  case "$1" in
    kafka | secured-kafka) echo "kafka.Kafka" ;;
    nats | secured-nats) echo "nats-server" ;;
    redis | secured-redis) echo "redis-server" ;;
    ferretdb | secured-ferretdb) echo "ferretdb" ;;
    *) return 1 ;;
  esac
}

svc_port() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    nats) echo "$NATS_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    ferretdb) echo "$FERRETDB_PORT" ;;
    secured-kafka) echo "$SECURED_KAFKA_PORT" ;;
    secured-nats) echo "$SECURED_NATS_PORT" ;;
    secured-redis) echo "$SECURED_REDIS_PORT" ;;
    secured-ferretdb) echo "$SECURED_FERRETDB_PORT" ;;
  esac
}

pid_file() { echo "$RUN_DIR/$1.pid"; }

# alive <pid>: the process exists and is not a zombie.
alive() {
  local pid="$1" state
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" && -n "$state" ]]
}

# live_pid <svc>: prints the recorded pid if that process is alive and is really that service.
live_pid() {
  local f pid pattern
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  alive "$pid" || return 1
  pattern="$(svc_pattern "$1")"
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  echo "$pid"
}

# port_open <port>: something accepts TCP connections on SVC_HOST:port.
port_open() {
  timeout 2 bash -c "exec 9<>/dev/tcp/$SVC_HOST/$1" 2>/dev/null
}

# select_services <args...>: fills SELECTED with the services named on the command line (default: the plain ones;
# with --secured, the secured ones too).
select_services() {
  SELECTED=()
  local a s ok secured=0
  for a in "$@"; do
    [[ "$a" == "--secured" ]] && { secured=1; continue; }
    ok=0
    for s in "${ALL_SERVICES[@]}" "${SECURED_SERVICES[@]}"; do [[ "$a" == "$s" ]] && ok=1; done
    ((ok)) || die "unknown service '$a' (known: ${ALL_SERVICES[*]} ${SECURED_SERVICES[*]}; --secured adds the secured ones)"
    SELECTED+=("$a")
  done
  ((${#SELECTED[@]})) || SELECTED=("${ALL_SERVICES[@]}")
  if ((secured)) || [[ "${LINKER_SERVICES_SECURED:-0}" == 1 ]]; then
    for s in "${SECURED_SERVICES[@]}"; do [[ " ${SELECTED[*]} " == *" $s "* ]] || SELECTED+=("$s"); done
  fi
}
