#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing, benchmarking and corpus generation need.
# Idempotent and non-interactive: re-running it with everything present does nothing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # the hardened build (scripts/test_hardened.sh): clang with ASan, UBSan and libFuzzer
  clang-14 libclang-rt-14-dev
  # core libraries
  libvips-dev libheif-dev libavif-dev libwebp-dev libtbb-dev libcurl4-openssl-dev
  libjpeg62-turbo-dev libspng-dev libpng-dev libgif-dev libtiff-dev librsvg2-dev
  libmagickcore-6.q16-dev libraw-dev libxml2-dev zlib1g-dev libssl-dev
  libfmt-dev nlohmann-json3-dev libcli11-dev
  # tests and benchmarks (openssl: the TLS test runs `openssl s_server`)
  libgtest-dev libgmock-dev libbenchmark-dev openssl
  # corpus generation and peer tools
  python3 python3-pil imagemagick libheif-examples libavif-bin libvips-tools libjpeg-turbo-progs webp
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
