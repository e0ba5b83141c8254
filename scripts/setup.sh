#!/usr/bin/env bash
# Installs the Debian packages ngpc-sim needs; does nothing when all are present. Idempotent.
set -euo pipefail
# python3-matplotlib: scripts/plot_sweep.py (run with /usr/bin/python3, Debian's interpreter);
# parallel: GNU Parallel, which runs `sweep --emit-jobs` lists (a CI test uses the real one);
# clang-14, libclang-rt-14-dev, llvm-14: the libFuzzer targets (scripts/fuzz.sh) and their symboliser.
pkgs=(g++ cmake make pkg-config libsystemc-dev libboost-program-options-dev nlohmann-json3-dev
      libgtest-dev libvalijson-dev libbenchmark-dev python3-matplotlib parallel
      clang-14 libclang-rt-14-dev llvm-14)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
# Package lists may be absent on a fresh machine: update before installing.
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
