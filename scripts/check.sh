#!/bin/bash
# usage: scripts/check.sh
#   T=<program>   run only that VM test (e.g. T=aarch64/psci_test or T=psci_test)
#   DEBUG=1       with T, run it on the debug kernel too
#   BASE=1        with T, check that it skips on the unpatched kernel too
# Runs every test layer (TESTING.md): the series applies; the test kernel,
# the KVM selftests, mainline's smccc_filter and the example VMM build; in
# the test VM, KUnit, the selftests (the 6.1 no-regression list, the
# series' own, mainline's) and the example VMM booting an SMP L2 Linux with
# PSCI in userspace pass; on the unpatched base kernel the series' tests
# and mainline's skip; on the debug kernel the tests (the VMM aside) pass
# without a kernel report; the mergeability gates (scripts/gates.sh) and
# bisectability (scripts/bisect.sh) pass.  Once the test kernel is built,
# the VMs and the other builds run in two lanes at the same time.  Each
# layer's cases go to build/results/<layer>.tap, logs beside them; the last
# line printed is "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
rm -rf "$results"
mkdir -p "$results"

if [ -n "${T:-}" ] && [ -z "$(list_lines "$top"/tests/{kselftests,series,mainline,vmm,icount}.list |
	list_select "$T")" ]; then
	die "T=$T names no test of tests/*.list"
fi

# step LAYER NAME LOG CMD...: runs CMD (in this shell: what need builds
# stays done), its output in LOG, and records it as a case of LAYER.
step() {
	local layer=$1 name=$2 log=$3 rc=0 why
	shift 3
	"$@" > >(tee "$log") 2>&1 || rc=$?
	wait $! || true		# tee has written all of LOG
	if [ $rc -eq 0 ]; then
		tap_case "$results/$layer.tap" ok "$name"
		return 0
	fi
	tail -n 30 "$log"
	why=$(log_error "$log")
	tap_case "$results/$layer.tap" "not ok" "$name" "${why:+$why; }see $log"
	return 1
}
finish() {
	tap_close "$results"/*.tap
	say "total time $(( $(date +%s) - start ))s"
	exec "$top/scripts/summary.sh" "$results"
}

step series "patches/series applies with git am" "$results/tree.log" need tree || finish
step build "arm64 test kernel builds" "$results/build-kernel.log" need kernel || finish
step build "KVM selftests build" "$results/build-selftests.log" need selftests || finish
# Not fatal: the VM layers report it as a failed case each.
step build "mainline's $(list_programs "$top/tests/mainline.list" | xargs) (linux-source-6.12) builds against the 6.1 selftest library" \
	"$results/build-mainline.log" need mainline || true
step build "example VMM builds" "$results/build-vmm.log" need vmm || finish

# vm_layer [--icount] [--nokunit] [--must-skip] LAYER KERNEL LIST...: boots
# the kernel KERNEL (scripts/lib.sh) on the tests of the LISTs (only T's,
# if T is set) and records their cases in LAYER.tap (KUnit's in its KUnit
# layer).  --icount: deterministic guest time (QEMU -icount shift=0);
# --nokunit: KUnit's results are not reported (a second boot); --must-skip:
# every test must skip (scripts/console-cases.py).
vm_layer() {
	local icount='' must_skip=() vm_args=() extras=() skips=() layer kernel list limit prog
	while [ "${1#--}" != "$1" ]; do
		case $1 in
		--icount) icount=0 ;;
		--nokunit) vm_args+=(hvc.nokunit) ;;
		--must-skip) must_skip=(--must-skip) ;;
		esac
		shift
	done
	layer=$1 kernel=$2
	shift 2
	list=$results/$layer.list
	list_lines "$@" > "$list"
	if [ -n "${T:-}" ]; then
		list_select "$T" < "$list" > "$list.one"
		mv "$list.one" "$list"
		[ -s "$list" ] || return 0
	elif [ "$layer" = kselftest ]; then
		skips=("$top/tests/skip.list")
	elif [ "$layer" = debug-kselftest ]; then
		skips=("$top/tests/debug-skip.list")
	fi
	# Tests not run here, with their reason: skipped cases.
	[ ${#skips[@]} -eq 0 ] || list_lines "${skips[@]}" | while IFS=: read -r prog why; do
		tap_case "$results/$layer.tap" skip "$prog" "${why# }"
	done
	# A test whose build failed (a case of the layer "build") fails here too.
	list_built < "$list" > "$list.built"
	while read -r _ prog _; do
		[ ${#must_skip[@]} -eq 0 ] || prog="$prog skips on the unpatched kernel"
		tap_case "$results/$layer.tap" "not ok" "$prog" "not built: see build.tap"
	done < <(grep -vxF -f "$list.built" "$list" || true)
	mv "$list.built" "$list"
	[ -s "$list" ] || return 0
	# The example VMM boots the test kernel's Image as its L2 guest.
	awk '$2 == "vmm" {f = 1} END {exit !f}' "$list" &&
		extras=("$out/vmm/vmm" "$out/vmm/guest.cpio.gz" "$(image kernel)")
	"$top/scripts/initramfs.sh" "$out/$layer.cpio.gz" "$list" "$selftests" "${extras[@]}"
	limit=$(awk '{s += $1} END {print s + 180}' "$list")
	say "booting kernel '$kernel' for $layer: $(wc -l < "$list") tests (at most ${limit}s)"
	HVC_TAG="$layer: " HVC_ICOUNT=$icount "$top/scripts/run-vm.sh" "$(image "$kernel")" \
		"$out/$layer.cpio.gz" "$results/$layer-console.log" "$limit" "${vm_args[@]}"
	"$top/scripts/console-cases.py" "${must_skip[@]}" "$results/$layer-console.log" "$layer" |
		tap_import "$results"
}

# From here on two lanes run at the same time, each line of their output
# prefixed with the lane's name.  "vms" boots one VM after the other: a VM
# is mostly one busy host thread, and two VMs at once on two cores slow
# each other's vCPUs (spinning, IPIs) far more than they gain.  "builds"
# builds the base and debug kernels and then runs the gates, under
# SCHED_IDLE: it gets only the CPU time the VM leaves, whose vCPU threads
# would otherwise wait for a core at each wake-up (set_memory_region_test
# on the debug kernel: 72 s alone, 147 s beside a build niced to 10).  A
# lane that stops half-way is a failed case of the layer "harness".
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
			tap_case "$results/harness.tap" "not ok" "lane ${lane_names[$i]} ran to the end" \
				"see its output above"
	done
}

# The kernels the builds lane builds for the vms lane, each announced in
# build/results/.ready-<kernel> as "ok" or "failed".  The unpatched base
# kernel boots the series' and mainline's tests, which must skip there;
# the debug kernel (config/debug.config: lockdep, RCU checking, KASAN,
# UBSAN, kmemleak, list and object debugging) runs KUnit, the series' tests
# and the no-regression list again, and any report on the console is a
# failed case.  With T (one test), each only if asked for (BASE=1, DEBUG=1).
base=true debug=true
if [ -n "${T:-}" ]; then
	[ "${BASE:-0}" = 1 ] && [ -n "$(list_lines "$top"/tests/{series,mainline}.list | list_select "$T")" ] ||
		base=false
	[ "${DEBUG:-0}" = 1 ] || debug=false
fi
rm -f "$results"/.ready-*

# build_for_vms KERNEL CASE: builds the kernel KERNEL as a case of "build".
build_for_vms() {
	local state=failed
	step build "$2" "$results/build-$1.log" need "$1" && state=ok
	echo "$state" > "$results/.ready-$1"
}
# await KERNEL: waits for the builds lane to build KERNEL; fails if it
# could not (its build case says why).
await() {
	while [ ! -s "$results/.ready-$1" ]; do
		kill -0 "$builds_pid" 2>/dev/null || return 1
		sleep 2
	done
	[ "$(cat "$results/.ready-$1")" = ok ]
}

builds() {
	chrt --idle -p 0 "$BASHPID"
	! $base || build_for_vms base "unpatched base kernel (tag base, config/kvm.config) builds"
	if $debug; then
		# Every program of the other lists runs there or is skipped with a reason.
		missing=$(comm -23 <(list_programs "$top"/tests/{kselftests,series,mainline,icount}.list) \
			<({ list_programs "$top/tests/debug.list"
			    list_lines "$top/tests/debug-skip.list" | cut -d: -f1; } | sort -u))
		if [ -n "$missing" ]; then
			echo failed > "$results/.ready-debug"
			die "tests/debug.list lacks (and debug-skip.list does not skip): $missing"
		fi
		build_for_vms debug "arm64 debug kernel builds"
	fi
	# The mergeability gates: not when one test was asked for.
	[ -n "${T:-}" ] || "$top/scripts/gates.sh" "$results"
}

vms() {
	# KUnit, the no-regression list, the series' and mainline's tests and
	# the VMM ...
	vm_layer kselftest kernel "$top"/tests/{kselftests,series,mainline,vmm}.list
	# ... the tests that need deterministic guest time, in a second boot ...
	vm_layer --icount --nokunit kselftest-icount kernel "$top/tests/icount.list"
	# ... the base kernel and the debug kernel, once the other lane has
	# built them.
	if $base && await base; then
		vm_layer --nokunit --must-skip base base "$top"/tests/{series,mainline}.list
	fi
	if $debug && await debug; then
		vm_layer debug-kselftest debug "$top/tests/debug.list"
	fi
}

lane builds builds
builds_pid=${lane_pids[0]}
lane vms vms
wait_lanes
# Bisectability checks older commits out in the tree and rebuilds the test
# kernel in place: once nothing else uses them.
if [ -z "${T:-}" ] && ! "$top/scripts/bisect.sh" "$results"; then
	tap_case "$results/harness.tap" "not ok" "scripts/bisect.sh ran to the end" "see its output above"
fi
finish
