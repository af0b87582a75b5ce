# Shared by the SSH sandbox's tool shims (sourced, not on PATH).
# GPUFLEET_SIM_TIME_FACTOR scales how long the tools take (0: instant);
# GPUFLEET_SIM_PORTS maps container ports to host ports ("8188:41234 22:40022").

sim_sleep() {
  local factor="${GPUFLEET_SIM_TIME_FACTOR:-0}"
  awk -v f="$factor" 'BEGIN { exit !(f + 0 > 0) }' || return 0
  sleep "$(awk -v s="$1" -v f="$factor" 'BEGIN { printf "%.3f", s * f }')"
}

sim_host_port() {
  local pair
  for pair in ${GPUFLEET_SIM_PORTS:-}; do
    if [ "${pair%%:*}" = "$1" ]; then
      echo "${pair#*:}"
      return
    fi
  done
  echo "$1"
}

sim_package_installed() {
  grep -qxF "$1" "$GPUFLEET_SIM_STATE/dpkg-installed" 2>/dev/null
}
