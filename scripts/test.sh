#!/usr/bin/env bash
# The README's test command: install what is missing, build the tests with AddressSanitizer and
# UndefinedBehaviorSanitizer, run the whole suite, then fuzz every input reader for a bounded time
# (scripts/fuzz.sh; NGPC_FUZZ_SECONDS per target, 0 skips it); non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNGPC_SANITIZE=ON -DNGPC_BENCH=OFF >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
ctest --output-on-failure -j"$(nproc)"
cd ..
if [ "${NGPC_FUZZ_SECONDS:-60}" != 0 ]; then
  NGPC_FUZZ_SECONDS=${NGPC_FUZZ_SECONDS:-60} bash scripts/fuzz.sh
fi
