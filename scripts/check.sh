#!/bin/bash
# usage: scripts/check.sh
#   T=<program>   run only that VM test (e.g. T=aarch64/psci_test or T=psci_test)
#   DEBUG=1       with T, run it on the debug kernel too
# Runs every test layer: the series applies; the test kernel, the KVM
# selftests and the example VMM build; in the test VM, KUnit, the selftests
# (the 6.1 no-regression list and the series' hvc_filter) and the example
# VMM booting an SMP L2 Linux with PSCI in userspace pass; the same tests
# (the VMM aside) on the debug kernel pass without a kernel report; the
# mergeability gates of scripts/gates.sh pass.  Once the test kernel is
# built, the test VMs, the debug kernel and the gates run at the same time
# (the machine's cores are what bounds the run).  Each layer's cases go to
# build/results/<layer>.tap, logs beside them; the last line printed is
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

# vm_layer LAYER LIST-FILES... : boots the kernel $vm_kernel (a build under
# build/out) on the tests of the lists (only T's, if T is set) and turns the
# console into LAYER.tap.
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
	say "booting the $vm_kernel kernel for $layer: $(wc -l < "$list") tests (at most ${limit}s)"
	HVC_TAG="$layer: " "$top/scripts/run-vm.sh" "$out/$vm_kernel/arch/arm64/boot/Image" \
		"$out/$layer.cpio.gz" "$results/$layer-console.log" "$limit" "${vm_args[@]}"
	"$top/scripts/console-to-tap.py" "$results/$layer-console.log" "$layer" "$results" \
		"${skips[@]}"
}

if [ -n "${T:-}" ] && ! cat "$top"/tests/*.list | grep -v '^#' |
	awk -v t="$T" '$2 == t || $2 ~ ("/" t "$") {f = 1} END {exit !f}'; then
	die "T=$T names no test of tests/*.list"
fi

# From here on two lanes run at the same time, each line of their output
# prefixed with the lane's name.  "vms" boots one VM after the other: a VM
# is mostly one busy host thread, and two VMs at once on two cores slow
# each other's vCPUs (spinning, IPIs) far more than they gain.  "builds"
# builds the debug kernel and then runs the gates, under SCHED_IDLE: it
# gets only the CPU time the VM leaves, whose vCPU threads would otherwise
# wait for a core at each wake-up (set_memory_region_test on the debug
# kernel: 72 s alone, 147 s beside a build niced to 10).  A lane that
# stops half-way is a failed case of the layer "harness".
# lane NAME CMD...
lane_pids=() lane_names=()
lane() {
	local name=$1
	shift
	{ "$@" 2>&1 | sed -u "s/^/[$name] /"; } &
	lane_pids+=($!) lane_names+=("$name")
}
wait_lanes() {
	local i
	for i in "${!lane_pids[@]}"; do
		wait "${lane_pids[$i]}" ||
			record harness "not ok" "lane ${lane_names[$i]} ran to the end" "see its output above"
	done
}

# The debug kernel (config/debug.config: lockdep, RCU checking, KASAN,
# UBSAN, kmemleak, list and object debugging) runs KUnit, the series' tests
# and the no-regression list again; any report on the console is a failed
# case.  With T (one test), only if DEBUG=1 asks for it too.
debug=true
[ -z "${T:-}" ] || [ "${DEBUG:-0}" = 1 ] || debug=false
debug_built=$results/.debug-built
rm -f "$debug_built"

builds() {
	chrt --idle -p 0 "$BASHPID"
	if $debug; then
		# Every program of the other lists runs there or is skipped with a reason.
		programs() { cat "$@" | grep -v -e '^#' -e '^[[:space:]]*$' | awk '{print $2}' | sort -u; }
		missing=$(comm -23 <(programs "$top/tests/kselftests.list" "$top/tests/series.list" \
			"$top/tests/icount.list") <({ programs "$top/tests/debug.list"
			grep -v '^#' "$top/tests/debug-skip.list" | cut -d: -f1; } | sort -u))
		if [ -n "$missing" ]; then
			echo failed > "$debug_built"
			die "tests/debug.list lacks (and debug-skip.list does not skip): $missing"
		fi
		if step build "arm64 debug kernel builds" "$results/build-debug.log" \
			"$top/scripts/build-kernel.sh" debug "$top/config/kvm.config" \
			"$top/config/series.config" "$top/config/debug.config"; then
			echo ok > "$debug_built"
		else
			echo failed > "$debug_built"
		fi
	fi
	# The mergeability gates (checkpatch, maintainers, round trip, x86, W=1,
	# sparse, clang, other configs, UAPI, docs): not when one test was asked
	# for.  Bisectability, which checks out older commits of the tree and
	# rebuilds the test kernel in place, runs once both lanes are done.
	[ -n "${T:-}" ] || "$top/scripts/gates.sh" "$results"
}

vms() {
	# KUnit, the no-regression list, the series' own tests and the VMM ...
	vm_args=()
	vm_layer kselftest "$top/tests/kselftests.list" "$top/tests/series.list" "$top/tests/vmm.list"
	# ... the tests that need deterministic guest time, in a second boot ...
	vm_args=(hvc.nokunit)
	HVC_ICOUNT=0 vm_layer kselftest-icount "$top/tests/icount.list"
	# ... and the debug kernel, once the other lane has built it.
	$debug || return 0
	while [ ! -s "$debug_built" ]; do
		kill -0 "$builds_pid" 2>/dev/null || return 1
		sleep 2
	done
	[ "$(cat "$debug_built")" = ok ] || return 0
	vm_args=() vm_kernel=debug
	vm_layer debug-kselftest "$top/tests/debug.list"
}

lane builds builds
builds_pid=${lane_pids[0]}
lane vms vms
wait_lanes
if [ -z "${T:-}" ] && ! "$top/scripts/gates.sh" "$results" bisect; then
	record gates "not ok" "bisectability gate ran to the end" "see its output above"
fi
finish
