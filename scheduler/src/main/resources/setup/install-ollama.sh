#!/usr/bin/env bash
# Installs Ollama on a fresh rented server (Ubuntu, root, systemd or not), binds it to all
# interfaces so the platform can reach it, runs it as a service that outlives the SSH session,
# waits until it answers, and pulls the models the admin asked for.
#
# Progress markers: each step prints "##STEP n/m title" on stdout; GPU Fleet parses them.
# Idempotent: an installed Ollama is kept, the service is (re)started, a pulled model is skipped.
#
# Settings (environment, with defaults):
#   OLLAMA_HOST           address Ollama listens on              0.0.0.0:11434
#   OLLAMA_MODELS_TO_PULL models to pull, separated by spaces or commas (none)
#   OLLAMA_INSTALL_URL    the official install script            https://ollama.com/install.sh
#   OLLAMA_KEEP_ALIVE     how long a model stays loaded when idle (Ollama's own default)
#   OLLAMA_READY_TIMEOUT  seconds to wait for /api/version       120
#   OLLAMA_LOG            log of the service when not run by systemd  /var/log/ollama.log
#   OLLAMA_SERVICE        how it runs: auto (systemd where it runs), systemd, background  auto
#   OLLAMA_PID_FILE       the background service's pid           /var/run/gpufleet-ollama.pid
#
# Usage: bash install-ollama.sh   or, remotely: ssh root@host 'bash -s' < install-ollama.sh
set -euo pipefail

OLLAMA_HOST="${OLLAMA_HOST:-0.0.0.0:11434}"
OLLAMA_MODELS_TO_PULL="${OLLAMA_MODELS_TO_PULL:-}"
OLLAMA_INSTALL_URL="${OLLAMA_INSTALL_URL:-https://ollama.com/install.sh}"
OLLAMA_KEEP_ALIVE="${OLLAMA_KEEP_ALIVE:-}"
OLLAMA_READY_TIMEOUT="${OLLAMA_READY_TIMEOUT:-120}"
OLLAMA_LOG="${OLLAMA_LOG:-/var/log/ollama.log}"
OLLAMA_SERVICE="${OLLAMA_SERVICE:-auto}"
PID_FILE="${OLLAMA_PID_FILE:-/var/run/gpufleet-ollama.pid}"
OLLAMA_PORT="${OLLAMA_HOST##*:}"

STEPS=4
APT_PACKAGES=(curl ca-certificates)

step() {
  echo "##STEP $1/$STEPS $2"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The whole body is in functions so that bash has read all of it before anything runs: when
# the script arrives on stdin (bash -s), a command reading stdin can then not swallow the rest.

install_ollama() {
  step 1 "Install Ollama"
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  if command -v ollama >/dev/null 2>&1; then
    echo "Ollama already installed: $(ollama --version 2>/dev/null || echo unknown version)."
    return
  fi
  # the official installer (it sets up a systemd unit where systemd runs)
  curl -fsSL "$OLLAMA_INSTALL_URL" | as_root sh
  echo "Installed $(ollama --version 2>/dev/null || echo Ollama)."
}

has_systemd() {
  case "$OLLAMA_SERVICE" in
    systemd) return 0 ;;
    background) return 1 ;;
  esac
  [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

start_with_systemd() {
  local dropin=/etc/systemd/system/ollama.service.d
  as_root mkdir -p "$dropin"
  {
    echo "[Service]"
    echo "Environment=\"OLLAMA_HOST=$OLLAMA_HOST\""
    if [ -n "$OLLAMA_KEEP_ALIVE" ]; then echo "Environment=\"OLLAMA_KEEP_ALIVE=$OLLAMA_KEEP_ALIVE\""; fi
  } | as_root tee "$dropin/gpufleet.conf" >/dev/null
  as_root systemctl daemon-reload
  as_root systemctl enable ollama >/dev/null 2>&1 || true
  as_root systemctl restart ollama
  echo "Ollama runs as the systemd service 'ollama' on $OLLAMA_HOST."
}

stop_background() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa ollama "/proc/$pid/cmdline" 2>/dev/null; then
    echo "Stopping Ollama (pid $pid)."
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

start_in_background() {
  # containers (Vast.ai) have no systemd: a detached process that survives the SSH session
  stop_background
  local settings=("OLLAMA_HOST=$OLLAMA_HOST")
  if [ -n "$OLLAMA_KEEP_ALIVE" ]; then settings+=("OLLAMA_KEEP_ALIVE=$OLLAMA_KEEP_ALIVE"); fi
  setsid nohup env "${settings[@]}" ollama serve >>"$OLLAMA_LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  echo "Ollama started in the background on $OLLAMA_HOST, log at $OLLAMA_LOG."
}

start_ollama() {
  step 2 "Start Ollama service on $OLLAMA_HOST"
  if has_systemd; then
    start_with_systemd
  else
    start_in_background
  fi
}

wait_for_ollama() {
  step 3 "Wait for Ollama to answer"
  local waited=0
  until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$OLLAMA_PORT/api/version" 2>/dev/null; do
    if [ "$waited" -ge "$OLLAMA_READY_TIMEOUT" ]; then
      echo "Ollama did not answer on port $OLLAMA_PORT within ${OLLAMA_READY_TIMEOUT}s." >&2
      if [ -f "$OLLAMA_LOG" ]; then tail -n 30 "$OLLAMA_LOG" >&2 || true; fi
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "Ollama is up: $(curl -fsS -m 5 "http://127.0.0.1:$OLLAMA_PORT/api/version")."
}

pull_models() {
  step 4 "Pull models"
  local models model
  models="${OLLAMA_MODELS_TO_PULL//,/ }"
  if [ -z "${models// /}" ]; then
    echo "No models to pull (set OLLAMA_MODELS_TO_PULL); the platform can pull them later."
    return
  fi
  for model in $models; do
    echo "Pulling $model."
    OLLAMA_HOST="127.0.0.1:$OLLAMA_PORT" ollama pull "$model"
  done
  OLLAMA_HOST="127.0.0.1:$OLLAMA_PORT" ollama list
}

main() {
  install_ollama
  start_ollama
  wait_for_ollama
  pull_models
}

main "$@"
