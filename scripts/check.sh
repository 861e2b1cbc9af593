#!/bin/bash
# usage: [T=<test>] [DEBUG=1] [BASE=1] [LINUX=6.1|6.12] scripts/check.sh
#   T=<program>   run only that VM test (e.g. T=aarch64/psci_test or T=psci_test)
#   DEBUG=1       with T, run it on the 6.1 debug kernel too
#   BASE=1        with T, check that it skips on the unpatched kernels too
#   LINUX=<ver>   only that kernel's series (default: both)
# Runs every test layer of both series (TESTING.md), each layer's cases in
# build/results/<version>-<layer>.tap (HVC_RESULTS: another results
# directory), logs beside them; the last line printed is "N passed, N
# failed, N skipped".  Per kernel: the series applies; the test kernel, its
# KVM selftests (installed as kernel CI installs them) and, for 6.1,
# mainline's smccc_filter build; in the test VM, KUnit, the kselftests (the
# no-regression list, the series' own, mainline's smccc_filter) under
# run_kselftest.sh and the example VMM booting an SMP L2 Linux with PSCI in
# userspace pass; on the unpatched kernel the series' tests skip; on the 6.1
# debug kernel the tests pass without a kernel report; the mergeability
# gates (scripts/gates.sh) and bisectability (scripts/bisect.sh) pass.
# Once the 6.1 test kernel is built, VMs and builds run in two lanes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
hold_build_lock
versions=("${linux_versions[@]}")
[ -z "${LINUX:-}" ] || { use_linux "$LINUX"; versions=("$LINUX"); }

# The results directory is emptied: refuse one that is not ours.
case $(realpath -m "$results")/ in
"$(realpath -m "$work")"/*) ;;
*)	[ ! -e "$results" ] || [ -f "$results/.hvc-results" ] || [ -z "$(ls -A "$results")" ] ||
		die "HVC_RESULTS=$results is neither below $work nor a results directory of this harness (no .hvc-results): not emptying it"
	;;
esac
rm -rf "$results"
mkdir -p "$results"
touch "$results/.hvc-results"

# in_lists VERSION LIST-NAME...: the entries of those lists for VERSION.
in_lists() { (use_linux "$1"; shift; list_lines $(tests_of "$@")); }
if [ -n "${T:-}" ]; then
	found=
	for v in "${versions[@]}"; do
		[ -z "$(in_lists "$v" kselftests series mainline vmm icount | list_select "$T")" ] || found=1
	done
	[ -n "$found" ] || die "T=$T names no test of tests/*.list"
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
	# named: "wait" without operands would wait for every child
	[ ${#tree_bg[@]} -eq 0 ] || wait "${tree_bg[@]}" 2>/dev/null || true
	say "total time $(( $(date +%s) - start ))s"
	exec "$top/scripts/summary.py" "$results"
}

# What runs, per kernel: with T, only the VMs whose lists name it, the base
# and debug kernels only if asked for; without T, everything.
run_base() { [ -z "${T:-}" ] || { [ "${BASE:-0}" = 1 ] && [ -n "$(in_lists "$1" series mainline | list_select "$T")" ]; }; }
run_debug() { [ "$1" = 6.1 ] && { [ -z "${T:-}" ] || [ "${DEBUG:-0}" = 1 ]; }; }
run_gates() { [ -z "${T:-}" ]; }

# Which Debian upload each series was tested on (its cover letter's Base
# line) and which one is installed: a newer upload must still apply and
# pass, and the record says what was tested.
need deps
for v in "${versions[@]}"; do
	(use_linux "$v"
	 have=$(dpkg-query -W -f='${Version}' "$pkg")
	 tested=$(sed -n "s/^Base: .*$pkg \([^ ]*\) .*/\1/p" "$patchdir/cover-letter.txt" | head -n 1)
	 if [ "$have" = "$tested" ]; then
		say "$pkg $have installed, the version patches/$v was tested on"
	 else
		say "$pkg $have installed; patches/$v was tested on ${tested:-an upload its cover letter does not name}: checking this one"
	 fi)
done

# The build layer of each kernel: its plan is the builds check.sh will run.
for v in "${versions[@]}"; do
	n=2
	[ "$v" != 6.1 ] || n=$((n + 1))		# mainline's smccc_filter
	! run_base "$v" || n=$((n + 1))
	! run_debug "$v" || n=$((n + 1))
	tap_start "$results/$v-series.tap" 1
	tap_start "$results/$v-build.tap" "$n"
done
tap_start "$results/userspace.tap" 1

# The other kernels' trees are prepared (Debian's source unpacked, its base
# committed, the series applied) while the first one's is: each is mostly
# one busy thread (xz, git's hashing), so on two cores the two overlap
# instead of delaying the builds lane by two minutes.  Each writes its
# output to <version>-tree.bg and its exit status to .tree-<version>.
declare -A tree_bg=()
for v in "${versions[@]:1}"; do
	(use_linux "$v"; rc=0; need tree || rc=$?; echo "$rc" > "$results/.tree-$v") \
		> "$results/$v-tree.bg" 2>&1 &
	tree_bg[$v]=$!
done
# tree_ready VERSION: the tree of VERSION, once its preparation (if it runs
# beside) has ended, with that preparation's output.
tree_ready() {
	if [ -n "${tree_bg[$1]:-}" ]; then
		while [ ! -s "$results/.tree-$1" ] && kill -0 "${tree_bg[$1]}" 2>/dev/null; do
			sleep 1
		done
		cat "$results/$1-tree.bg"
		[ "$(cat "$results/.tree-$1" 2>/dev/null)" = 0 ] || return 1
	fi
	need tree
}

# prepare VERSION: the tree, the test kernel and the selftests of VERSION.
prepare() {
	use_linux "$1"
	step "$1-series" "patches/$1/series applies with git am" "$results/$1-tree.log" tree_ready "$1" &&
	step "$1-build" "arm64 test kernel builds" "$results/$1-build-kernel.log" need kernel &&
	step "$1-build" "KVM selftests build and install (make -C tools/testing/selftests TARGETS=kvm install)" \
		"$results/$1-build-kselftest.log" need kselftest || return
	[ "$1" != 6.1 ] ||
		step "$1-build" "mainline's $(list_programs "$top/tests/6.1/mainline.list" | xargs) (linux-source-6.12) builds against the 6.1 selftest library" \
			"$results/$1-build-mainline.log" need mainline || true
}

first=${versions[0]}
prepare "$first" || finish
step userspace "example VMM builds (once, for both kernels)" "$results/build-vmm.log" need vmm || finish

# vm_layer [--icount] [--nokunit] [--must-skip] LAYER KERNEL LIST-NAME...:
# boots the current version's kernel KERNEL on the tests of those lists
# (only T's, if T is set) and records their cases in <version>-LAYER.tap
# (KUnit's in <version>-kunit.tap, or <version>-debug-kunit.tap).
# --icount: deterministic guest time (QEMU -icount shift=0); --nokunit:
# KUnit's results are not reported (a second boot); --must-skip: every test
# must skip.
vm_layer() {
	local icount='' must_skip=() vm_args=() extras=() kunit=() skips=() layer kernel list limit prog n
	while [ "${1#--}" != "$1" ]; do
		case $1 in
		--icount) icount=0 ;;
		--nokunit) vm_args+=(hvc.nokunit) ;;
		--must-skip) must_skip=(--must-skip) ;;
		esac
		shift
	done
	layer=$kver-$1 kernel=$2
	shift 2
	list=$results/$layer.list
	list_lines $(tests_of "$@") > "$list"
	if [ -n "${T:-}" ]; then
		list_select "$T" < "$list" > "$list.one"
		mv "$list.one" "$list"
	fi
	[ -s "$list" ] || return 0
	if [ -z "${T:-}" ]; then
		case ${layer#"$kver-"} in
		kselftest) skips=($(tests_of skip)) ;;
		debug-kselftest) skips=($(tests_of debug-skip)) ;;
		esac
	fi
	# The kselftests first, as the runner runs them, then init's own.
	{ grep -v '^[0-9]* vmm ' "$list" || true; grep '^[0-9]* vmm ' "$list" || true; } > "$list.sorted"
	mv "$list.sorted" "$list"
	n=$(( $(wc -l < "$list") + 1 ))
	[ ${#skips[@]} -eq 0 ] || n=$(( n + $(list_lines "${skips[@]}" | wc -l) ))
	[ "$kernel" != debug ] || n=$((n + 1))			# kmemleak
	tap_start "$results/$layer.tap" "$n"
	if [ -z "$icount" ] && [ ${#must_skip[@]} -eq 0 ]; then
		kunit=(--kunit "$results/$kver-kunit.tap")
		[ "$kernel" != debug ] || kunit[1]=$results/$kver-debug-kunit.tap
		tap_start "${kunit[1]}" ${#kunit_suites[@]}
	fi
	# Tests not run here, with their reason: skipped cases.
	[ ${#skips[@]} -eq 0 ] || list_lines "${skips[@]}" | while IFS=: read -r prog why; do
		tap_case "$results/$layer.tap" skip "$prog" "${why# }"
	done
	# The example VMM boots the test kernel's Image as its L2 guest.
	! grep -q '^[0-9]* vmm ' "$list" ||
		extras=("$uout/vmm/vmm" "$uout/vmm/guest.cpio.gz" "$(image kernel)")
	"$top/scripts/initramfs.sh" "$out/$layer.cpio.gz" "$list" "${extras[@]}"
	limit=$(awk '{s += $1} END {print s + 180}' "$list")
	say "booting the $kver kernel '$kernel' for $layer: $(wc -l < "$list") tests (at most ${limit}s)"
	HVC_TAG="$layer: " HVC_ICOUNT=$icount "$top/scripts/run-vm.sh" "$(image "$kernel")" \
		"$out/$layer.cpio.gz" "$results/$layer-console.log" "$limit" "${vm_args[@]}"
	"$top/scripts/console-tap.py" "${must_skip[@]}" "${kunit[@]}" \
		"$results/$layer-console.log" "$list" "$results/$layer.tap"
}

# From here on two lanes run at the same time, each line of their output
# prefixed with the lane's name.  "vms" boots one VM after the other: a VM
# is mostly one busy host thread, and two VMs at once on two cores slow
# each other's vCPUs (spinning, IPIs) far more than they gain.  "builds"
# builds the other kernels and then runs the gates and bisectability,
# under SCHED_IDLE: it gets only the CPU time the VM leaves, whose vCPU
# threads would otherwise wait for a core at each wake-up
# (set_memory_region_test on the debug kernel: 72 s alone, 147 s beside a
# build niced to 10).  Each lane's end is a case of the layer "harness".
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
		if wait "${lane_pids[$i]}"; then
			tap_case "$results/harness.tap" ok "lane ${lane_names[$i]} ran to the end"
		else
			tap_case "$results/harness.tap" "not ok" "lane ${lane_names[$i]} ran to the end" \
				"see its output above"
		fi
	done
}
tap_start "$results/harness.tap" 2

# The builds lane announces each kernel it builds for the vms lane in
# build/results/.ready-<version>-<kernel>, "ok" or "failed".
# build_for_vms VERSION KERNEL CASE: builds it as a case of VERSION-build.
build_for_vms() {
	local state=failed
	use_linux "$1"
	step "$1-build" "$3" "$results/$1-build-$2.log" need "$2" && state=ok
	echo "$state" > "$results/.ready-$1-$2"
}
# await VERSION KERNEL: waits for the builds lane to build it; fails if it
# could not (its build case says why).
await() {
	while [ ! -s "$results/.ready-$1-$2" ]; do
		kill -0 "$builds_pid" 2>/dev/null || return 1
		sleep 2
	done
	[ "$(cat "$results/.ready-$1-$2")" = ok ]
}

builds() {
	local v missing
	chrt --idle -p 0 "$BASHPID"
	for v in "${versions[@]:1}"; do
		local state=failed
		prepare "$v" && state=ok
		echo "$state" > "$results/.ready-$v-kernel"
	done
	for v in "${versions[@]}"; do
		! run_base "$v" || build_for_vms "$v" base "unpatched base kernel (tag base, config/kvm.config) builds"
	done
	for v in "${versions[@]}"; do
		run_debug "$v" || continue
		use_linux "$v"
		# Every program of the other lists runs there or is skipped with a reason.
		missing=$(comm -23 <(list_programs $(tests_of kselftests series mainline icount)) \
			<({ list_programs $(tests_of debug)
			    list_lines $(tests_of debug-skip) | cut -d: -f1; } | sort -u))
		if [ -n "$missing" ]; then
			echo failed > "$results/.ready-$v-debug"
			tap_case "$results/$v-build.tap" "not ok" "arm64 debug kernel builds" \
				"tests/$v/debug.list lacks (and debug-skip.list does not skip): $missing"
			continue
		fi
		build_for_vms "$v" debug "arm64 debug kernel builds"
	done
	run_gates || return 0
	for v in "${versions[@]}"; do
		HVC_LINUX=$v "$top/scripts/gates.sh" "$results" ||
			echo "gates.sh for $v stopped half-way: its TAP says where"
	done
	for v in "${versions[@]}"; do
		HVC_LINUX=$v "$top/scripts/bisect.sh" "$results" ||
			echo "bisect.sh for $v stopped half-way: its TAP says where"
	done
}

vms() {
	local v
	for v in "${versions[@]}"; do
		use_linux "$v"
		if [ "$v" != "$first" ] && ! await "$v" kernel; then
			continue
		fi
		# KUnit, the no-regression list, the series' and mainline's tests
		# and the VMM ...
		vm_layer kselftest kernel kselftests series mainline vmm
		# ... the tests that need deterministic guest time, in a second boot.
		vm_layer --icount --nokunit kselftest-icount kernel icount
	done
	# The unpatched base kernels and the debug kernel, once built.
	for v in "${versions[@]}"; do
		use_linux "$v"
		if run_base "$v" && await "$v" base; then
			vm_layer --nokunit --must-skip base base series mainline
		fi
	done
	for v in "${versions[@]}"; do
		use_linux "$v"
		if run_debug "$v" && await "$v" debug; then
			vm_layer debug-kselftest debug debug
		fi
	done
}

rm -f "$results"/.ready-*
lane builds builds
builds_pid=${lane_pids[0]}
lane vms vms
wait_lanes
finish
