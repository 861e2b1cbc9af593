#!/bin/bash
# usage: scripts/initramfs.sh OUTPUT.cpio.gz LIST SELFTEST-DIR [EXTRA-FILE...]
# Packs a static init (init/init.c), the test list LIST (installed as
# /tests/list) and every program LIST names, from SELFTEST-DIR, into a gzip'd
# initramfs.  EXTRA-FILEs are copied into /tests as they are; a program of
# LIST found among them is not looked for in SELFTEST-DIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || die "usage: $0 OUTPUT.cpio.gz LIST SELFTEST-DIR [EXTRA-FILE...]"
cpio_out=$1 list=$2 bins=$3
shift 3

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{tests,proc,sys,dev,tmp,bin}
${CROSS_COMPILE}gcc -static -O2 -Wall -Wextra -Werror -o "$root/init" "$top/init/init.c"
list_lines "$list" > "$root/tests/list"
for f in "$@"; do cp "$f" "$root/tests/"; done
while read -r _ prog _; do
	[ -e "$root/tests/$prog" ] && continue
	[ -x "$bins/$prog" ] || die "$bins/$prog missing: scripts/build-selftests.sh did not build it"
	mkdir -p "$root/tests/$(dirname "$prog")"
	cp "$bins/$prog" "$root/tests/$prog"
done < "$root/tests/list"
# A shell for "make shell": an arm64 static busybox, if BUSYBOX names one.
if [ -n "${BUSYBOX:-}" ]; then
	cp "$BUSYBOX" "$root/bin/busybox"
	for cmd in sh ls cat echo mount dmesg poweroff; do ln -s busybox "$root/bin/$cmd"; done
fi
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$cpio_out"
say "initramfs $cpio_out: $(wc -l < "$root/tests/list") tests, $(du -h "$cpio_out" | cut -f1)"
