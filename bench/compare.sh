#!/usr/bin/env bash
# Side by side, per bench-corpus group: images/s of our whole check (validate_loop) and of a full decode by
# libvips, ImageMagick, Pillow, sharp and libjpeg-turbo. Every program loops in-process over the group's
# files held in memory for about S seconds, pinned to one core. Peers decode the frames our record samples
# (the first N frames where a tool cannot pick single ones). A peer that fails on every file of a group
# gets "—" (it cannot read the format); other failures are listed under the table.
#
# Usage: bench/compare.sh [--quick] [--seconds S]
#   --quick      the one-file-per-group corpus (0.3 MP stills and the animations): a smoke run
#   --seconds S  time per loop (default 2)
# Environment: BUILD_DIR (default build), CPU (the core to pin to, default 0).
# Installs missing peers (Debian packages; sharp with npm into $BUILD_DIR/peers), builds the loops,
# generates the corpus, prints the Markdown table and writes it to $BUILD_DIR/compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARP_VERSION=0.34.5
PEERS=(libvips ImageMagick Pillow sharp libjpeg-turbo)

usage() {
  sed -n 's/^# \{0,1\}//; 8,13p' "$0" >&2
  exit 2
}

quick="" seconds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --seconds) [ $# -ge 2 ] || usage; seconds=$2; shift ;;
    *) usage ;;
  esac
  shift
done
build=${BUILD_DIR:-build}
cpu=${CPU:-0}
corpus=$build/bench-corpus${quick:+-quick}
logs=$build/compare-logs
node_modules=$build/peers/node_modules
say() { echo "compare: $*" >&2; }
have_sharp() { [ -f "$node_modules/sharp/package.json" ]; }

install_peers() {
  local missing=() package
  for package in python3-pil imagemagick libvips-tools libjpeg-turbo-progs; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! have_sharp; then
    mkdir -p "$build/peers"
    if ! command -v npm >/dev/null || ! npm install --prefix "$build/peers" --no-audit --no-fund \
      --loglevel=error "sharp@$SHARP_VERSION" >&2; then
      say "sharp skipped: npm could not install sharp@$SHARP_VERSION (no registry access?)"
    fi
  fi
}

build_loops() {
  [ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target validate_loop vips_loop magick_loop jpeg_loop >/dev/null
}

# "group format file file ..." per line, from the corpus manifest.
list_groups() {
  /usr/bin/python3 -c 'import json, sys
for g in json.load(open(sys.argv[1] + "/manifest.json"))["groups"]:
    print(g["group"], g["format"], *(sys.argv[1] + "/" + f for f in g["files"]))' "$corpus"
}

# The loop command of peer $1 for a group of format $2 (nothing: the peer does not take part).
peer_command() {
  case "$1" in
    libvips) echo "$build/vips_loop" ;;
    ImageMagick) echo "$build/magick_loop" ;;
    Pillow) echo "/usr/bin/python3 bench/peers/pillow_loop.py" ;;
    sharp) have_sharp && echo "env NODE_PATH=$node_modules node bench/peers/sharp_loop.js" ;;
    libjpeg-turbo) [ "$2" = jpeg ] && echo "$build/jpeg_loop" ;;
  esac
  return 0
}

# Runs one loop pinned to the core, one thread everywhere; prints its result line ("" if it crashed).
# Its stderr (the files it could not decode) goes to the log $1.
run_loop() {
  local log=$1
  shift
  OMP_NUM_THREADS=1 MAGICK_THREAD_LIMIT=1 VIPS_CONCURRENCY=1 UV_THREADPOOL_SIZE=1 \
    timeout $((60 + 20 * ${seconds%.*})) taskset -c "$cpu" "$@" 2>"$log" | tail -n 1 || true
}

greater() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
field() { sed -n "s|.*$1=\([^ ]*\).*|\1|p" <<<"$2"; }

# A rate for the table: three significant figures, no exponent.
rate() { awk -v r="$1" 'BEGIN { printf(r >= 100 ? "%.0f" : r >= 10 ? "%.1f" : "%.2f", r) }'; }

# The first file a loop could not decode, from its log $1: "path: message".
first_failure() { sed -n 's/^failed: //p' "$1" | head -n 1 | cut -c1-200; }

# Sets `cell` to the table cell for a loop's result line $1 (its log $2 explains failures) of program $3
# on group $4 of format $5, and adds a note for each failure; that a peer cannot read a format is noted
# once. Not called in a subshell: the notes must survive.
table_cell() {
  local result=$1 log=$2 program=$3 group=$4 format=$5 images failed
  images=$(field 'images/s' "$result")
  failed=$(field failed "$result")
  if [ -z "$images" ]; then
    notes+=("- $program, $group: crashed or timed out: $(tail -n 1 "$log" | cut -c1-200)")
    cell="—"
  elif [ "${failed%/*}" = 0 ]; then
    cell=$(rate "$images")
  elif [ "${failed%/*}" = "${failed#*/}" ]; then
    if [ -z "${unreadable[$program/$format]:-}" ]; then
      notes+=("- $program cannot read $format: $(first_failure "$log")")
      unreadable[$program/$format]=1
    fi
    cell="—"
  else
    notes+=("- $program, $group: $failed files failed: $(first_failure "$log")")
    cell="$(rate "$images") ($failed failed)"
  fi
}

compare_group() {
  local group=$1 format=$2 files=("${@:3}") ours frames peer command result row best=0 fastest="" images
  say "$group: ${#files[@]} files"
  local checked
  checked=$(run_loop "$logs/$group.ours-check.log" "$build/validate_loop" "$seconds" "${files[@]}")
  table_cell "$checked" "$logs/$group.ours-check.log" ours "$group" "$format"
  row="| $group | ${#files[@]} | $cell"
  ours=$(run_loop "$logs/$group.ours.log" "$build/validate_loop" --no-hash "$seconds" "${files[@]}")
  frames=$(field frames_sampled "$ours")
  [ -n "$frames" ] && [ "$frames" != none ] || frames=0
  table_cell "$ours" "$logs/$group.ours.log" ours "$group" "$format"
  row+=" | $cell"
  for peer in "${PEERS[@]}"; do
    command=$(peer_command "$peer" "$format")
    if [ -z "$command" ]; then
      row+=" | —"
      continue
    fi
    # shellcheck disable=SC2086  # $command is a program and its fixed arguments
    result=$(run_loop "$logs/$group.$peer.log" $command "$seconds" "$frames" "${files[@]}")
    table_cell "$result" "$logs/$group.$peer.log" "$peer" "$group" "$format"
    row+=" | $cell"
    images=$(field 'images/s' "$result")
    if [ "$(field failed "$result" | cut -d/ -f1)" = 0 ] && greater "$images" "$best"; then
      best=$images fastest=$peer
    fi
  done
  images=$(field 'images/s' "$ours")
  if [ -n "$fastest" ] && [ -n "$images" ]; then
    row+=" | $(awk -v a="$images" -v b="$best" 'BEGIN { printf("%.2f", a / b) }') ($fastest)"
  else
    row+=" | —"
  fi
  say "$row"
  rows+=("$row |")
}

versions() {
  local sharp=""
  have_sharp && sharp=", sharp $(NODE_PATH=$node_modules node -p \
    'const s = require("sharp"); s.versions.sharp + " (libvips " + s.versions.vips + ")"')"
  echo "libvips $(vips --version | sed 's/vips-//;s/-.*//')," \
    "ImageMagick $(dpkg-query -W -f='${Version}' imagemagick | sed 's/^[0-9]*://;s/+.*//')," \
    "Pillow $(/usr/bin/python3 -c 'import PIL; print(PIL.__version__)')$sharp," \
    "libjpeg-turbo $(dpkg-query -W -f='${Version}' libjpeg62-turbo | sed 's/^[0-9]*://;s/-.*//')"
}

main() {
  install_peers
  say "building the loops in $build"
  build_loops
  scripts/generate_bench_corpus.py "$corpus" $quick >&2
  rm -rf "$logs" && mkdir -p "$logs"
  rows=() notes=() cell=""
  declare -A unreadable=()
  local line
  while read -r line; do
    # shellcheck disable=SC2086  # "group format files..."
    compare_group $line
  done < <(list_groups)
  {
    echo "Images/s, one core (\`taskset -c $cpu\`), in-process loops of $seconds s over each group's"
    echo "files held in memory. *ours, check* = the whole check as \`preflight check\` runs it (rules, decode"
    echo "of the sampled frames, SHA-256 of the content for the record); *ours, validate* = the same without"
    echo "the SHA-256 (CheckOptions::content_hash off), which the ratio compares; peers = a full decode of"
    echo "the same frames."
    echo "\`bench/compare.sh${quick:+ --quick} --seconds $seconds\`, $(date +%Y-%m-%d), $(nproc) cores," \
      "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)."
    echo "$(versions)."
    echo "raw: libvips reads a DNG as a plain TIFF (the 16-bit sensor samples, no demosaicing); ours unpacks"
    echo "the sensor data with LibRaw, no demosaicing either."
    echo
    echo "| group | files | ours, check | ours, validate |$(printf ' %s |' "${PEERS[@]}") validate / fastest peer |"
    echo "|---|---:|---:|---:|$(printf -- '---:|%.0s' "${PEERS[@]}")---:|"
    printf '%s\n' "${rows[@]}"
    if [ ${#notes[@]} -gt 0 ]; then
      echo
      echo "Notes (logs in $logs/):"
      printf '%s\n' "${notes[@]}"
    fi
  } | tee "$build/compare.md"
}

main
