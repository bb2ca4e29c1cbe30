#!/usr/bin/env bash
# The main job: install packages, build, and check the bundled corpus (records to out/verdicts.jsonl,
# the summary to the terminal).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p out
status=0
./build/preflight check corpus/ > out/verdicts.jsonl || status=$?
echo "records: out/verdicts.jsonl ($(wc -l < out/verdicts.jsonl) lines); exit status $status (1 = some inputs rejected, as the corpus intends)"
[ "$status" -le 1 ]
