#!/bin/bash
# usage: scripts/check.sh
#   T=<program>   run only that VM test (e.g. T=aarch64/psci_test or T=psci_test)
#   DEBUG=1       with T, run it on the debug kernel too
# Runs every test layer: the series applies; the test kernel, the KVM
# selftests and the example VMM build; in the test VM, KUnit, the selftests
# (the 6.1 no-regression list and the series' hvc_filter) and the example
# VMM booting an SMP L2 Linux with PSCI in userspace pass; the same tests
# (the VMM aside) on the debug kernel pass without a kernel report; then the
# mergeability gates of scripts/gates.sh.  Each layer's cases go
# to build/results/<layer>.tap, logs beside them; the last line printed is
# "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
rm -rf "$results"
mkdir -p "$results"

# record LAYER ok|not ok|skip NAME [COMMENT]
record() {
	local f=$results/$1.tap n
	n=$(( $(grep -cE '^(not )?ok ' "$f" 2>/dev/null || true) + 1 ))
	case $2 in
	skip) echo "ok $n $3 # SKIP ${4:-}" >> "$f" ;;
	*) echo "$2 $n $3${4:+ # $4}" >> "$f" ;;
	esac
}
# step LAYER NAME LOG CMD...: runs CMD, its output in LOG, and records it.
step() {
	local layer=$1 name=$2 log=$3
	shift 3
	if "$@" > >(tee "$log") 2>&1; then
		record "$layer" ok "$name"
	else
		tail -n 30 "$log"
		record "$layer" "not ok" "$name" "see $log"
		return 1
	fi
}
finish() {
	say "total time $(( $(date +%s) - start ))s"
	exec "$top/scripts/summary.sh" "$results"
}

"$top/scripts/deps.sh"
step series "patches/series applies with git am" "$results/tree.log" "$top/scripts/tree.sh" || finish
step build "arm64 test kernel builds" "$results/build-kernel.log" \
	"$top/scripts/build-kernel.sh" kernel "$top/config/kvm.config" "$top/config/series.config" || finish
step build "KVM selftests build" "$results/build-selftests.log" "$top/scripts/build-selftests.sh" kernel || finish

step build "example VMM builds" "$results/build-vmm.log" "$top/scripts/build-vmm.sh" kernel || finish

# vm_layer LAYER LIST-FILES... : boots the test kernel on the tests of the
# lists (only T's, if T is set) and turns the console into LAYER.tap.
# vm_kernel: the build under build/out to boot.
vm_kernel=kernel
vm_layer() {
	local layer=$1 list=$results/$1.list limit skips=()
	shift
	cat "$@" | grep -v -e '^#' -e '^[[:space:]]*$' > "$list"
	if [ -n "${T:-}" ]; then
		awk -v t="$T" '$2 == t || $2 ~ ("/" t "$")' "$list" > "$list.one"
		mv "$list.one" "$list"
		[ -s "$list" ] || return 0
	elif [ "$layer" = kselftest ]; then
		skips=("$top/tests/skip.list")
	elif [ "$layer" = debug-kselftest ]; then
		skips=("$top/tests/debug-skip.list")
	fi
	"$top/scripts/initramfs.sh" "$out/$layer.cpio.gz" "$list" "$out/kernel-selftests" \
		"$out/vmm/vmm" "$out/vmm/guest.cpio.gz" "$out/kernel/arch/arm64/boot/Image"
	limit=$(awk '{s += $1} END {print s + 180}' "$list")
	say "booting the test kernel for $layer: $(wc -l < "$list") tests (at most ${limit}s)"
	"$top/scripts/run-vm.sh" "$out/$vm_kernel/arch/arm64/boot/Image" "$out/$layer.cpio.gz" \
		"$results/$layer-console.log" "$limit" "${vm_args[@]}"
	"$top/scripts/console-to-tap.py" "$results/$layer-console.log" "$layer" "$results" \
		"${skips[@]}"
}

if [ -n "${T:-}" ] && ! cat "$top"/tests/*.list | grep -v '^#' |
	awk -v t="$T" '$2 == t || $2 ~ ("/" t "$") {f = 1} END {exit !f}'; then
	die "T=$T names no test of tests/*.list"
fi

# KUnit, the no-regression list, the series' own tests and the VMM run ...
vm_args=()
vm_layer kselftest "$top/tests/kselftests.list" "$top/tests/series.list" "$top/tests/vmm.list"
# ... and the tests that need deterministic guest time, in a second boot.
vm_args=(hvc.nokunit)
HVC_ICOUNT=0 vm_layer kselftest-icount "$top/tests/icount.list"

# The debug kernel (config/debug.config: lockdep, RCU checking, KASAN,
# UBSAN, kmemleak, list and object debugging): KUnit, the series' tests and
# the no-regression list again; any report on the console is a failed case.
# With T (one test), only if DEBUG=1 asks for it too.
if { [ -z "${T:-}" ] || [ "${DEBUG:-0}" = 1 ]; } && step build "arm64 debug kernel builds" "$results/build-debug.log" \
	"$top/scripts/build-kernel.sh" debug "$top/config/kvm.config" \
	"$top/config/series.config" "$top/config/debug.config"; then
	# Every program of the other lists runs here or is skipped with a reason.
	programs() { cat "$@" | grep -v -e '^#' -e '^[[:space:]]*$' | awk '{print $2}' | sort -u; }
	missing=$(comm -23 <(programs "$top/tests/kselftests.list" "$top/tests/series.list" \
		"$top/tests/icount.list") <({ programs "$top/tests/debug.list"
		grep -v '^#' "$top/tests/debug-skip.list" | cut -d: -f1; } | sort -u))
	[ -z "$missing" ] || die "tests/debug.list lacks (and debug-skip.list does not skip): $missing"
	vm_args=() vm_kernel=debug
	vm_layer debug-kselftest "$top/tests/debug.list"
	vm_kernel=kernel
fi

# The mergeability gates (checkpatch, maintainers, round trip, x86, every
# prefix builds): skipped when only one test was asked for.
if [ -z "${T:-}" ] && ! "$top/scripts/gates.sh" "$results"; then
	record gates "not ok" "scripts/gates.sh ran to the end" "see its output above"
fi
finish
