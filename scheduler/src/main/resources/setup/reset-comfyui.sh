#!/usr/bin/env bash
# Undoes install-comfyui.sh: stops the ComfyUI service and removes the installation, so the
# next install starts from scratch. Downloaded models are kept unless KEEP_MODELS=0.
#
# Settings (environment, with defaults):
#   COMFY_DIR    install directory              /workspace/ComfyUI
#   COMFY_VENV   Python virtual environment     <parent of COMFY_DIR>/comfyui-venv
#   KEEP_MODELS  1 keeps COMFY_DIR/models        1
set -euo pipefail

COMFY_DIR="${COMFY_DIR:-/workspace/ComfyUI}"
COMFY_VENV="${COMFY_VENV:-${COMFY_DIR%/*}/comfyui-venv}"
KEEP_MODELS="${KEEP_MODELS:-1}"

STEPS=3
PID_FILE="$COMFY_DIR/comfyui.pid"

step() {
  echo "##STEP $1/$STEPS $2"
}

stop_comfyui() {
  step 1 "Stop ComfyUI service"
  if [ ! -f "$PID_FILE" ]; then
    echo "ComfyUI service is not running."
    return
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa run-comfyui "/proc/$pid/cmdline" 2>/dev/null; then
    echo "Stopping ComfyUI (pid $pid)."
    kill -TERM -- "-$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  else
    echo "ComfyUI service is not running."
  fi
  rm -f "$PID_FILE"
}

remove_install() {
  step 2 "Remove ComfyUI installation"
  rm -rf "$COMFY_DIR.partial"
  if [ ! -d "$COMFY_DIR" ]; then
    echo "Nothing installed at $COMFY_DIR."
  elif [ "$KEEP_MODELS" = "1" ] && [ -d "$COMFY_DIR/models" ]; then
    find "$COMFY_DIR" -mindepth 1 -maxdepth 1 ! -name models -exec rm -rf {} +
    echo "Removed $COMFY_DIR, kept $COMFY_DIR/models."
  else
    rm -rf "$COMFY_DIR"
    echo "Removed $COMFY_DIR."
  fi
}

remove_venv() {
  step 3 "Remove Python virtual environment"
  if [ -d "$COMFY_VENV" ]; then
    rm -rf "$COMFY_VENV"
    echo "Removed $COMFY_VENV."
  else
    echo "No virtual environment at $COMFY_VENV."
  fi
}

main() {
  stop_comfyui
  remove_install
  remove_venv
}

main "$@"
