#!/bin/bash
# usage: scripts/shell.sh            boot the test kernel into a busybox shell
#        T=<test> scripts/shell.sh   boot it and run only that VM test, console shown
# Builds what is not up to date (the test kernel, the selftests, mainline's
# if they build, the example VMM) first.  The tests are in /tests (see
# /tests/list); leave the shell with "poweroff -f".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: [T=<test>] $0"
need selftests vmm
need mainline || say "mainline's tests did not build: they are left out (see above)"
list=$results/shell.list
mkdir -p "$results"
list_lines "$top"/tests/{kselftests,series,mainline,vmm}.list | list_built > "$list"
extras=("$out/vmm/vmm" "$out/vmm/guest.cpio.gz" "$(image kernel)")

if [ -n "${T:-}" ]; then
	list_select "$T" < "$list" > "$list.one"
	[ -s "$list.one" ] || die "T=$T names no test built from tests/*.list"
	"$top/scripts/initramfs.sh" "$out/shell.cpio.gz" "$list.one" "$selftests" "${extras[@]}"
	HVC_SHOW_CONSOLE=1 exec "$top/scripts/run-vm.sh" "$(image kernel)" "$out/shell.cpio.gz" \
		"$results/shell-console.log" 3600
fi

# An arm64 static busybox, from Debian's arm64 archive (multiarch).
bb=$work/busybox-arm64/bin/busybox
[ -x "$bb" ] || fetch_arm64_deb busybox-static "$work/busybox-arm64"
[ -x "$bb" ] || die "no $bb in Debian's busybox-static:arm64"
BUSYBOX=$bb "$top/scripts/initramfs.sh" "$out/shell.cpio.gz" "$list" "$selftests" "${extras[@]}"
HVC_INTERACTIVE=1 exec "$top/scripts/run-vm.sh" "$(image kernel)" "$out/shell.cpio.gz" \
	"$results/shell-console.log" 0 hvc.shell
