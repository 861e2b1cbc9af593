#!/bin/bash
# usage: scripts/shell.sh            boot the test kernel into a busybox shell
#        T=<test> scripts/shell.sh   boot it and run only that VM test, console shown
# Uses the kernel, selftests and VMM already built by make check / make kernel.
# The tests are in /tests (see /tests/list); leave the shell with "poweroff -f".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

image=$out/kernel/arch/arm64/boot/Image
[ -f "$image" ] || die "no test kernel: run make check (or make selftests) first"
list=$results/shell.list
mkdir -p "$results"
cat "$top"/tests/kselftests.list "$top"/tests/series.list "$top"/tests/vmm.list |
	grep -v -e '^#' -e '^[[:space:]]*$' > "$list"
extras=()
[ -x "$out/vmm/vmm" ] && extras=("$out/vmm/vmm" "$out/vmm/guest.cpio.gz" "$image")
[ -x "$out/vmm/vmm" ] || sed -i '/ vmm /d' "$list"

if [ -n "${T:-}" ]; then
	awk -v t="$T" '$2 == t || $2 ~ ("/" t "$")' "$list" > "$list.one"
	[ -s "$list.one" ] || die "T=$T names no test of tests/*.list"
	"$top/scripts/initramfs.sh" "$out/shell.cpio.gz" "$list.one" "$out/kernel-selftests" "${extras[@]}"
	HVC_SHOW_CONSOLE=1 exec "$top/scripts/run-vm.sh" "$image" "$out/shell.cpio.gz" \
		"$results/shell-console.log" 3600
fi

# An arm64 static busybox, from Debian's arm64 archive (multiarch).
bb=$work/busybox-arm64/bin/busybox
[ -x "$bb" ] || fetch_arm64_deb busybox-static "$work/busybox-arm64"
[ -x "$bb" ] || die "no $bb in Debian's busybox-static:arm64"
BUSYBOX=$bb "$top/scripts/initramfs.sh" "$out/shell.cpio.gz" "$list" "$out/kernel-selftests" "${extras[@]}"
HVC_INTERACTIVE=1 exec "$top/scripts/run-vm.sh" "$image" "$out/shell.cpio.gz" \
	"$results/shell-console.log" 0 hvc.shell
