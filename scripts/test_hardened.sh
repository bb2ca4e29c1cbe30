#!/usr/bin/env bash
# The hardened test run: everything built with clang-14, ASan + UBSan and libFuzzer instrumentation into
# build-hardened/, then the whole test suite plus a short run of every fuzz harness (ctest -L fuzz). Any
# sanitizer report (memory error, leak, undefined behaviour) fails the test it happens in.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
CC=clang-14 CXX=clang++-14 cmake -S . -B build-hardened -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPREFLIGHT_SANITIZE=ON -DPREFLIGHT_FUZZ=ON
cmake --build build-hardened -j "$(nproc)"
source tests/sanitizers/options.sh
cd build-hardened
ctest --output-on-failure -j "$(nproc)" --timeout 1200
