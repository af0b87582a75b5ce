#!/usr/bin/env bash
# Installs ComfyUI on a fresh Vast.ai container (Ubuntu, root, no systemd) and runs it as a
# supervised background service that outlives the SSH session.
#
# Progress markers: each step prints "##STEP n/m title" on stdout; GPU Fleet parses them.
# Idempotent: every step checks what is already done, so the script can simply be run again
# (the service itself is always restarted so it runs the code that is now on disk).
#
# Settings (environment, with defaults):
#   COMFY_DIR            install directory                   /workspace/ComfyUI
#   COMFY_PORT           port ComfyUI listens on              8188
#   COMFY_COMMIT         ComfyUI commit to check out          v0.3.64
#   COMFY_REPO           ComfyUI git repository
#   COMFY_VENV           Python virtual environment           <parent of COMFY_DIR>/comfyui-venv
#   TORCH_INDEX_URL      index for the CUDA build of torch
#   COMFY_MODEL_URL      base checkpoint to download          SD 1.5 (fp16)
#   COMFY_READY_TIMEOUT  seconds to wait for ComfyUI to answer 300
#   HF_TOKEN             optional token for gated model downloads
#
# Usage: bash install-comfyui.sh   or, remotely: ssh root@host 'bash -s' < install-comfyui.sh
set -euo pipefail

COMFY_DIR="${COMFY_DIR:-/workspace/ComfyUI}"
COMFY_PORT="${COMFY_PORT:-8188}"
COMFY_COMMIT="${COMFY_COMMIT:-a125cd84b054a57729b5eecab930ca9408719832}"
COMFY_REPO="${COMFY_REPO:-https://github.com/comfyanonymous/ComfyUI.git}"
COMFY_VENV="${COMFY_VENV:-${COMFY_DIR%/*}/comfyui-venv}"
TORCH_INDEX_URL="${TORCH_INDEX_URL:-https://download.pytorch.org/whl/cu128}"
COMFY_MODEL_URL="${COMFY_MODEL_URL:-https://huggingface.co/Comfy-Org/stable-diffusion-v1-5-archive/resolve/main/v1-5-pruned-emaonly-fp16.safetensors}"
COMFY_READY_TIMEOUT="${COMFY_READY_TIMEOUT:-300}"
HF_TOKEN="${HF_TOKEN:-}"

STEPS=6
PID_FILE="$COMFY_DIR/comfyui.pid"
LOG_FILE="$COMFY_DIR/comfyui.log"
RUNNER="$COMFY_DIR/run-comfyui.sh"
APT_PACKAGES=(git python3 python3-venv python3-pip wget curl ca-certificates)

step() {
  echo "##STEP $1/$STEPS $2"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The whole body is in functions so that bash has read all of it before anything runs: when
# the script arrives on stdin (bash -s), a command reading stdin can then not swallow the rest.

install_system_packages() {
  step 1 "Install system packages"
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "System packages already installed."
  else
    echo "Installing: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
  else
    echo "warning: nvidia-smi not found; ComfyUI will fall back to the CPU" >&2
  fi
}

create_venv() {
  step 2 "Create Python virtual environment"
  if [ -x "$COMFY_VENV/bin/python" ]; then
    echo "Virtual environment already present at $COMFY_VENV."
  else
    python3 -m venv "$COMFY_VENV"
    "$COMFY_VENV/bin/python" -m pip install --upgrade pip
    echo "Created virtual environment at $COMFY_VENV."
  fi
}

fetch_comfyui() {
  step 3 "Fetch ComfyUI ${COMFY_COMMIT:0:12}"
  if [ ! -d "$COMFY_DIR/.git" ]; then
    # Clone next to the target and rename, so an interrupted clone never looks finished.
    local partial="$COMFY_DIR.partial"
    rm -rf "$partial"
    mkdir -p "${COMFY_DIR%/*}"
    git clone "$COMFY_REPO" "$partial"
    if [ -d "$COMFY_DIR" ]; then
      # Left over by reset-comfyui.sh with KEEP_MODELS=1: carry the models over.
      cp -a "$COMFY_DIR/." "$partial/"
      rm -rf "$COMFY_DIR"
    fi
    mv "$partial" "$COMFY_DIR"
  fi
  if [ "$(git -C "$COMFY_DIR" rev-parse HEAD)" = "$COMFY_COMMIT" ]; then
    echo "ComfyUI already at $COMFY_COMMIT."
  else
    git -C "$COMFY_DIR" fetch --quiet origin
    git -C "$COMFY_DIR" checkout --quiet "$COMFY_COMMIT"
    echo "ComfyUI checked out at $(git -C "$COMFY_DIR" rev-parse HEAD)."
  fi
}

install_requirements() {
  step 4 "Install Python requirements"
  local stamp="$COMFY_VENV/.gpufleet-requirements" want
  want="$COMFY_COMMIT $TORCH_INDEX_URL $(sha256sum "$COMFY_DIR/requirements.txt" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "Requirements already installed."
    return
  fi
  "$COMFY_VENV/bin/python" -m pip install torch torchvision torchaudio --extra-index-url "$TORCH_INDEX_URL"
  "$COMFY_VENV/bin/python" -m pip install -r "$COMFY_DIR/requirements.txt"
  echo "$want" >"$stamp"
}

download_model() {
  step 5 "Download base model"
  local name="${COMFY_MODEL_URL##*/}"
  name="${name%%\?*}"
  local target="$COMFY_DIR/models/checkpoints/$name"
  if [ -s "$target" ]; then
    echo "Model $name already present."
    return
  fi
  mkdir -p "${target%/*}"
  local auth=()
  if [ -n "$HF_TOKEN" ]; then auth=(--header "Authorization: Bearer $HF_TOKEN"); fi
  # -c resumes an interrupted download; the rename marks it complete.
  wget -c --progress=dot:giga ${auth[@]+"${auth[@]}"} -O "$target.part" "$COMFY_MODEL_URL"
  mv "$target.part" "$target"
  echo "Model $name downloaded."
}

stop_comfyui() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa run-comfyui "/proc/$pid/cmdline" 2>/dev/null; then
    echo "Stopping ComfyUI (pid $pid)."
    # The supervisor leads its own process group: stop it together with ComfyUI.
    kill -TERM -- "-$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

write_runner() {
  # A small supervisor instead of systemd (not available in containers): restart on crash.
  cat >"$RUNNER" <<RUNNER
#!/usr/bin/env bash
echo \$\$ >$(printf %q "$PID_FILE")
cd $(printf %q "$COMFY_DIR")
child=
trap 'if [ -n "\$child" ]; then kill -TERM "\$child" 2>/dev/null; wait "\$child"; fi; exit 0' TERM INT
while true; do
  echo "[\$(date -u +%FT%TZ)] starting ComfyUI on port $COMFY_PORT"
  $(printf %q "$COMFY_VENV/bin/python") main.py --listen 0.0.0.0 --port $COMFY_PORT &
  child=\$!
  status=0
  wait "\$child" || status=\$?
  child=
  echo "[\$(date -u +%FT%TZ)] ComfyUI exited with status \$status, restarting in 5s"
  sleep 5
done
RUNNER
  chmod +x "$RUNNER"
}

start_comfyui() {
  step 6 "Start ComfyUI service"
  stop_comfyui
  write_runner
  setsid nohup "$RUNNER" >>"$LOG_FILE" 2>&1 </dev/null &
  echo "ComfyUI supervisor started, log at $LOG_FILE."
  local waited=0
  until curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$COMFY_PORT/system_stats" 2>/dev/null; do
    if [ "$waited" -ge "$COMFY_READY_TIMEOUT" ]; then
      echo "ComfyUI did not answer on port $COMFY_PORT within ${COMFY_READY_TIMEOUT}s. Last log lines:" >&2
      tail -n 30 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "ComfyUI is up on port $COMFY_PORT."
}

main() {
  install_system_packages
  create_venv
  fetch_comfyui
  install_requirements
  download_model
  start_comfyui
}

main "$@"
