#!/usr/bin/env bash
# The whole test suite: install packages, build, run every CTest test (unit, decoder, corpus, CLI,
# real-world agreement).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
