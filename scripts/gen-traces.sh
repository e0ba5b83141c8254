#!/bin/sh
# Regenerates the bundled traces in traces/ with the built ngpc-sim (docs/workloads.md).
# Run after any change to the generator, the scenes or the GPU cost model; the unit test
# Bundled.TracesAreSmallValidAndUpToDate fails until then.
#
#   scripts/gen-traces.sh [path/to/ngpc-sim]      (default: $NGPC_SIM, else build/ngpc-sim)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
sim=${1:-${NGPC_SIM:-$root/build/ngpc-sim}}
out=$root/traces
if [ ! -x "$sim" ]; then
  echo "gen-traces.sh: no ngpc-sim binary at $sim (build first, or pass its path)" >&2
  exit 2
fi
mkdir -p "$out"

gen() {  # name, then trace gen options; seed 1, one frame (nominal queries per pixel unless given)
  name=$1
  shift
  "$sim" trace gen --seed 1 --frames 1 "$@" -o "$out/$name.json" >/dev/null
  printf '%-34s %8s bytes\n' "$name.json" "$(wc -c <"$out/$name.json" | tr -d ' ')"
}

for app in nerf nsdf nvr gia; do
  for res in 1080p 4k 8k; do
    gen "$app-hashgrid-$res" --app "$app" --resolution "$res" --encoding hashgrid
  done
done
for enc in densegrid lowres-densegrid; do
  for res in 1080p 4k; do
    gen "nerf-$enc-$res" --app nerf --resolution "$res" --encoding "$enc"
  done
done
# Small traces for tests. tiny-nerf keeps 8 queries per pixel (a test size, not the calibrated
# NeRF workload) so that full-detail replays of it stay quick.
gen tiny-nerf --app nerf --resolution 64x64 --queries-per-pixel 8
gen tiny-gia --app gia --resolution 64x64
