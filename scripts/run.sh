#!/usr/bin/env bash
# The README's run command: install what is missing, build optimised, run the headline experiment
# (configs/sweeps/headline.json: 64 points) into results/headline/ and draw its plots there.
# Resumable: rerunning it runs only the points not yet finished (docs/sweeps.md). Extra arguments
# go to `ngpc-sim sweep` (e.g. --quiet, -j 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNGPC_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target ngpc-sim
out=results/headline
status=0
./build/ngpc-sim sweep configs/sweeps/headline.json --out "$out" -j"$(nproc)" "$@" || status=$?
if [ -s "$out/results.csv" ]; then
  # Debian's interpreter, where python3-matplotlib is installed (another python3 may come first).
  /usr/bin/python3 scripts/plot_sweep.py "$out/results.csv" --out "$out/plots" >/dev/null
  echo "plots: $out/plots/{speedup_vs_scaling,fps_vs_resolution,overhead_vs_scaling,energy_per_frame}.{png,svg}"
fi
exit "$status"
