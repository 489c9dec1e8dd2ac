#!/usr/bin/env bash
# Stops exactly the processes scripts/services/up.sh started (by their recorded pids), SIGTERM first,
# SIGKILL after LINKER_SERVICES_STOP_TIMEOUT seconds (default 30). Downloads stay cached.
# Usage: npm run services:down [-- --purge] [-- kafka nats redis ferretdb secured-kafka ...]
#   (no names: every service, the secured variant's too)
#   --purge  also delete the state dir (data, logs, services.env)
set -euo pipefail

# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PURGE=0
args=()
for a in "$@"; do
  case "$a" in
    --purge) PURGE=1 ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
if ((${#args[@]})); then select_services "${args[@]}"; else select_services --secured; fi
STOP_TIMEOUT="${LINKER_SERVICES_STOP_TIMEOUT:-30}"
T_ALL="$(now_ms)"

declare -A PIDS=()
for svc in "${SELECTED[@]}"; do
  f="$(pid_file "$svc")"
  [[ -f "$f" ]] || { [[ "$svc" == secured-* ]] || log "$svc: not running (no pid file)"; continue; }
  if pid="$(live_pid "$svc")"; then
    log "$svc: stopping pid $pid (SIGTERM)"
    kill -TERM "$pid" 2>/dev/null || true
    PIDS[$svc]=$pid
  else
    log "$svc: recorded pid $(cat "$f") is gone (or is no longer $svc); removing pid file"
    rm -f "$f"
  fi
done

# wait_gone <deadline_s>: waits until every pid in PIDS is gone; returns 1 if some are left.
wait_gone() {
  local deadline=$(($(now_ms) + $1 * 1000)) svc left
  while :; do
    left=0
    for svc in "${!PIDS[@]}"; do
      if alive "${PIDS[$svc]}"; then left=1; else
        [[ -n "${STOPPED[$svc]:-}" ]] || { log "$svc: stopped"; STOPPED[$svc]=1; }
      fi
    done
    ((left)) || return 0
    (($(now_ms) < deadline)) || return 1
    sleep 0.2
  done
}

declare -A STOPPED=()
if ((${#PIDS[@]})); then
  if ! wait_gone "$STOP_TIMEOUT"; then
    for svc in "${!PIDS[@]}"; do
      if alive "${PIDS[$svc]}"; then
        log "$svc: still running after ${STOP_TIMEOUT}s, SIGKILL pid ${PIDS[$svc]}"
        kill -KILL "${PIDS[$svc]}" 2>/dev/null || true
      fi
    done
    wait_gone 10 || die "could not stop: $(for s in "${!PIDS[@]}"; do alive "${PIDS[$s]}" && printf '%s(pid %s) ' "$s" "${PIDS[$s]}"; done)"
  fi
  for svc in "${!PIDS[@]}"; do rm -f "$(pid_file "$svc")"; done
  # The services were re-parented to init when up.sh exited; give it a moment to reap them so that
  # `pgrep` no longer lists "<defunct>" entries right after we return.
  reap_deadline=$(($(now_ms) + 5000))
  for svc in "${!PIDS[@]}"; do
    while [[ -e "/proc/${PIDS[$svc]}" ]] && (($(now_ms) < reap_deadline)); do sleep 0.1; done
  done
fi

if ((PURGE)); then
  case "$STATE_DIR" in
    "" | "/" | "$HOME" | "$REPO_DIR") die "refusing to purge state dir '$STATE_DIR'" ;;
  esac
  for svc in "${ALL_SERVICES[@]}" "${SECURED_SERVICES[@]}"; do
    if live_pid "$svc" >/dev/null; then
      die "not purging $STATE_DIR: $svc is still running (stop it first: npm run services:down)"
    fi
  done
  rm -rf "$STATE_DIR"
  log "purged $STATE_DIR"
fi
log "down in $(elapsed "$T_ALL") (downloads stay in $CACHE_DIR)"
