#!/bin/bash
# usage: [LINUX=6.1|6.12] scripts/shell.sh            a shell in the test VM
#        [LINUX=6.1|6.12] T=<test> scripts/shell.sh   run only that test, console shown
# Boots a test kernel (6.1 unless LINUX says otherwise) with every test of
# its lists: the kselftests installed in /kselftest (run them with
# /kselftest/run_kselftest.sh, or one with -t kvm:<name>), the example VMM
# and its L2 guest in /tests.  Builds what is not up to date first.  Leave
# the shell with "poweroff -f".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: [LINUX=6.1|6.12] [T=<test>] $0"
use_linux "${LINUX:-$kver}"
need kselftest vmm
[ "$kver" != 6.1 ] || need mainline || say "mainline's tests did not build: they are left out (see above)"
mkdir -p "$results"
list=$results/shell.list
list_lines $(tests_of kselftests series mainline vmm) |
	awk -v d="$kselftest/kvm/" '{ n = $2; sub(/.*\//, "", n) } $2 == "vmm" || system("test -x " d n) == 0' > "$list"
extras=("$uout/vmm/vmm" "$uout/vmm/guest.cpio.gz" "$(image kernel)")

if [ -n "${T:-}" ]; then
	list_select "$T" < "$list" > "$list.one"
	[ -s "$list.one" ] || die "T=$T names no test built from tests/*.list"
	"$top/scripts/initramfs.sh" "$out/shell.cpio.gz" "$list.one" "${extras[@]}"
	HVC_SHOW_CONSOLE=1 exec "$top/scripts/run-vm.sh" "$(image kernel)" "$out/shell.cpio.gz" \
		"$results/shell-console.log" 3600 hvc.nokunit
fi

"$top/scripts/initramfs.sh" "$out/shell.cpio.gz" "$list" "${extras[@]}"
HVC_INTERACTIVE=1 exec "$top/scripts/run-vm.sh" "$(image kernel)" "$out/shell.cpio.gz" \
	"$results/shell-console.log" 0 hvc.shell
