#!/usr/bin/env bash
# The README's run command: install what is missing, build optimised, run the default experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNGPC_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target ngpc-sim
exec ./build/ngpc-sim run --default-experiment "$@"
