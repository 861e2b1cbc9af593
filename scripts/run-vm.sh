#!/bin/bash
# usage: scripts/run-vm.sh IMAGE INITRAMFS CONSOLE-LOG TIMEOUT-SECS [KERNEL-ARGS...]
# Boots IMAGE with INITRAMFS under qemu-system-aarch64 (virt, EL2 so that KVM
# runs nested under TCG, GICv3, 2 CPUs), keeps the whole console in
# CONSOLE-LOG and shows the harness markers as progress.  The run is killed
# after TIMEOUT-SECS; the caller judges the log (a missing "@@@ ALL DONE" is
# a failure).  With HVC_INTERACTIVE=1 the console is this terminal instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: $0 IMAGE INITRAMFS CONSOLE-LOG TIMEOUT-SECS [KERNEL-ARGS...]"
image=$1 initrd=$2 log=$3 limit=$4
shift 4

# pauth-impdef: QEMU's cheap pointer-authentication hash; the architected
# one (QARMA) dominates TCG time otherwise.  icount, when asked for, makes
# guest time advance with instructions (deterministic timers, benchmarks).
qemu=(qemu-system-aarch64
	-M virt,virtualization=on,gic-version=3
	-cpu max,pauth-impdef=on -smp "${HVC_SMP:-2}" -m "${HVC_MEM:-2G}"
	-nic none -no-reboot
	-kernel "$image" -initrd "$initrd"
	-append "console=ttyAMA0 loglevel=5 panic=-1 $*")
[ -n "${HVC_ICOUNT:-}" ] && qemu+=(-icount "shift=$HVC_ICOUNT")

if [ "${HVC_INTERACTIVE:-0}" = 1 ]; then
	exec "${qemu[@]}" -nographic
fi

mkdir -p "$(dirname "$log")"
rc=0
# Progress: the markers and the kselftest runner's result lines (after
# HVC_TAG, if set), or the whole console with HVC_SHOW_CONSOLE=1.
show=(sed -u -n -e "s/^.*@@@ /    ${HVC_TAG:-}/p" \
	-e "s/^\(\(not \)\{0,1\}ok [0-9]* selftests: .*\)/    ${HVC_TAG:-}  \1/p")
[ "${HVC_SHOW_CONSOLE:-0}" = 1 ] && show=(cat)
timeout -k 10 "$limit" "${qemu[@]}" -display none -monitor none -serial stdio \
	</dev/null 2>&1 | tee "$log" | "${show[@]}" || rc=$?
[ $rc -eq 0 ] || echo "qemu exited with status $rc (124: timed out after ${limit}s)" | tee -a "$log"
exit 0
