#!/usr/bin/env bash
# Installs AttnLens's build, test and run dependencies from Debian 12 packages.
# Idempotent: when every package is already installed it does nothing (no apt-get call at all).
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-svg-dev libgl-dev
    libqcustomplot-dev libqcustomplot2.1-qt6
    libeigen3-dev libhdf5-dev hdf5-tools
    nlohmann-json3-dev libzip-dev
    xvfb xauth fonts-dejavu-core
    clang-format
    desktop-file-utils appstream groff-base
    parallel
    clang libclang-rt-14-dev libomp-14-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present, nothing to do"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
