#!/usr/bin/env bash
# Installs a built AttnLens package on a clean machine and runs it there: a minimal Debian 12
# (debootstrap --variant=minbase, nothing of this project's build dependencies) in a chroot,
# the package installed with `dpkg -i` and its dependencies fetched by `apt-get -f install`, as
# a user who downloaded the .deb would do, then `attnlens --version` and `attnlens-cli info` on
# the installed demo. Needs root, debootstrap and the Debian mirror; not part of CI.
# Usage: sudo scripts/check-package.sh build/package/attnlens_<version>_amd64.deb [CHROOT_DIR]
set -euo pipefail
deb=$(realpath "${1:?usage: check-package.sh PACKAGE.deb [CHROOT_DIR]}")
root=${2:-/tmp/attnlens-clean-machine}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ "$(id -u)" -eq 0 ] || { echo "check-package: run as root (chroot, debootstrap)"; exit 2; }
command -v debootstrap >/dev/null || { echo "check-package: apt-get install debootstrap"; exit 2; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "check-package: a minimal Debian 12 in $root (debootstrap, a few minutes)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 \
        || { echo "check-package: debootstrap failed, see $root.debootstrap.log"; exit 1; }
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    DEBIAN_FRONTEND=noninteractive "$@"; }

cp "$deb" "$root/tmp/attnlens.deb"
in_root dpkg --purge attnlens >/dev/null 2>&1 || true
in_root apt-get update -qq
# dpkg -i stops on the missing dependencies (expected on a clean machine); apt-get -f fetches them.
in_root dpkg -i /tmp/attnlens.deb >/dev/null 2>&1 || in_root apt-get -f install -y -qq >/dev/null
in_root dpkg -s attnlens | grep -E '^(Status|Version|Depends):'

echo "--- attnlens --version (no display)"
in_root attnlens --version
echo "--- attnlens-cli info on the installed demo"
in_root attnlens-cli info /usr/share/attnlens/demo/breast_cancer_attention.keras
echo "--- attnlens-cli run on the installed demo"
in_root sh -c 'cd /tmp && attnlens-cli run /usr/share/attnlens/demo/breast_cancer_attention.keras \
    --data /usr/share/attnlens/demo/breast_cancer.csv --out /tmp/result.h5 && ls -l /tmp/result.h5'
echo "--- attnlens-cli export of one sample (Qt renders without a display)"
in_root sh -c 'cd /tmp && attnlens-cli export /usr/share/attnlens/demo/breast_cancer_attention.keras \
    --data /usr/share/attnlens/demo/breast_cancer.csv --rows 0:1 --heads 0 --out /tmp/figures \
    && ls /tmp/figures'
echo "--- man attnlens-cli, completion file"
in_root sh -c 'test -s /usr/share/man/man1/attnlens-cli.1.gz \
    && test -s /usr/share/bash-completion/completions/attnlens-cli && echo present'
echo "check-package: $(basename "$deb") installs and runs on a clean Debian 12"
