#!/bin/bash
# usage: vmm/mkguest.sh OUTPUT.cpio.gz
# Builds guest-init.c (static, arm64) and packs it as /init into a gzip'd
# newc initramfs for the L2 guest that the example VMM boots.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT.cpio.gz" >&2; exit 1; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-aarch64-linux-gnu-gcc}
command -v "${CC%% *}" >/dev/null || { echo "$0: $CC not found: install gcc-aarch64-linux-gnu or set CC" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root"/{dev,proc,sys}

echo "mkguest: building guest-init with $CC"
$CC -static -O2 -Wall -Wextra -Werror -o "$root/init" "$here/guest-init.c"
mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkguest: $out ($(du -h "$out" | cut -f1))"
