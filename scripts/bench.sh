#!/bin/bash
# usage: scripts/bench.sh [CALLS [REPS]]
# Measures what the series costs on the KVM/arm64 hypercall path, on both
# kernels, in one run (bench/README.md): builds bench/hvc_bench.c once,
# boots it under QEMU's -icount shift=0 on the patched and the unpatched
# kernel of each series (6.1 and 6.12: four boots), and prints emulated
# instructions per call for each case, the ratios and their goals, also
# into build/results/bench.txt.  CALLS calls per timed loop (default
# 20000), REPS timed loops per case (default 5).  The table compares the
# ratios with their goals, but the exit status says only whether the
# benchmark ran (every boot, every result line).
# HVC_BUILD=0: build no kernel; take the four Images as they are.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -le 2 ] || die "usage: $0 [CALLS [REPS]]"
calls=${1:-20000}
reps=${2:-5}
[[ $calls =~ ^[1-9][0-9]*$ && $reps =~ ^[1-9][0-9]*$ ]] && [ "$reps" -le 100 ] ||
	die "usage: $0 [CALLS [REPS]] (REPS at most 100)"
start=$(date +%s)

# The four kernels: the patched test kernel and the unpatched base of each.
declare -A images
for v in "${linux_versions[@]}"; do
	use_linux "$v"
	[ "${HVC_BUILD:-1}" = 0 ] || need kernel base
	images[$v]=$(image kernel) images[$v-base]=$(image base)
done
for k in "${!images[@]}"; do
	[ -f "${images[$k]}" ] || die "no $k kernel ${images[$k]} (HVC_BUILD=0 builds none: unset it)"
done
use_linux 6.1
hdr=$out/kernel/usr/include
[ -d "$hdr/linux" ] || die "no UAPI headers in $hdr (HVC_BUILD=0 builds none: unset it)"

dst=$uout/bench
say "building hvc_bench into $dst"
mkdir -p "$dst" "$results"
cc=${CROSS_COMPILE}gcc
command -v ccache >/dev/null && cc="ccache $cc"
$cc -static -O2 -Wall -Wextra -Werror -isystem "$hdr" -o "$dst/hvc_bench" "$top/bench/hvc_bench.c"
echo "900 hvc_bench $calls $reps" > "$dst/bench.list"
"$top/scripts/initramfs.sh" "$dst/bench.cpio.gz" "$dst/bench.list" "$dst/hvc_bench"

# Results by "KERNEL:CASE:SLOTS".
declare -A min median
# boot KERNEL: runs the benchmark on it, console in bench-KERNEL-console.log,
# and reads its result lines.
boot() {
	local k=$1 log=$results/bench-$1-console.log c s mi me kv words
	say "booting the $k kernel under -icount shift=0: $calls calls x $reps loops per case"
	HVC_ICOUNT=0 HVC_SMP=1 "$top/scripts/run-vm.sh" "${images[$k]}" "$dst/bench.cpio.gz" \
		"$log" 1200 hvc.nokunit
	# The serial console ends lines with CRLF.
	tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
	if ! grep -q '^@@@ END hvc_bench rc=0' "$log" || ! grep -q '^bench: done' "$log"; then
		grep -E '^(bench|@@@|qemu)' "$log" | tail -n 20 >&2 || true
		die "the benchmark did not complete on the $k kernel: see $log"
	fi
	while read -r -a words; do
		c='' s='' mi='' me=''
		for kv in "${words[@]}"; do
			case $kv in
			case=*) c=${kv#case=} ;;
			slots=*) s=${kv#slots=} ;;
			min=*) mi=${kv#min=} ;;
			median=*) me=${kv#median=} ;;
			esac
		done
		[ -n "$c" ] && [ -n "$s" ] && [ -n "$mi" ] && [ -n "$me" ] ||
			die "malformed line in $log: ${words[*]}"
		min[$k:$c:$s]=$mi median[$k:$c:$s]=$me
	done < <(grep '^bench: case=' "$log")
}
for k in 6.1 6.1-base 6.12 6.12-base; do
	boot "$k"
done
for k in 6.1 6.12; do
	grep -q '^bench: filter=present .*smccc_filter=present' "$results/bench-$k-console.log" ||
		die "the patched $k kernel reports no HVC filter or no SMCCC filter: see $results/bench-$k-console.log"
done
grep -q '^bench: filter=absent .*smccc_filter=absent' "$results/bench-6.1-base-console.log" ||
	die "the unpatched 6.1 kernel reports a filter: see $results/bench-6.1-base-console.log"
grep -q '^bench: filter=absent .*smccc_filter=present' "$results/bench-6.12-base-console.log" ||
	die "the unpatched 6.12 kernel must have mainline's filter and not the series': see $results/bench-6.12-base-console.log"
nr_slots=$(sed -n 's/^bench: filter=present nr_slots=\([0-9]*\).*/\1/p' "$results/bench-6.1-console.log")

# need KEY...: every result the table uses is there.
for k in 6.1 6.12; do
	for key in 1:0 "2:$nr_slots" 3:1 4:1 5:0 "7:$nr_slots" "10:$nr_slots" 8:1 9:16 fill:1024 fill:16384; do
		[ -n "${min[$k:$key]:-}" ] || die "no result for case ${key%:*} (slots ${key#*:}) on $k"
	done
	[ -n "${min[$k-base:1:0]:-}" ] || die "no result for case 1 on $k-base"
done
for key in 1:0 5:0 8:1 9:16 fill:1024 fill:16384; do
	[ -n "${min[6.12-base:$key]:-}" ] || die "no result for case ${key%:*} (slots ${key#*:}) on 6.12-base"
done

row() { printf '%-60s %10s %10s\n' "$1" "${min[$2]}" "${median[$2]}"; }
# ratio LABEL A B [GOAL]: min/min and median/median; the goal is judged on
# the medians.
ratio() {
	awk -v l="$1" -v a1="${min[$2]}" -v b1="${min[$3]}" -v a2="${median[$2]}" \
		-v b2="${median[$3]}" -v g="${4:-}" 'BEGIN {
		r = a2 / b2
		v = g == "" ? "" : sprintf("<= %s  %s", g, r <= g + 0.0005 ? "met" : "MISSED")
		printf "%-44s %8.3f %8.3f   %s\n", l, a1 / b1, r, v
	}' | sed 's/ *$//'
}

table() {
	local k
	echo "KVM/arm64 hypercall filters: emulated instructions per call"
	echo "QEMU -icount shift=0 (1 ns of guest time = 1 instruction), $calls calls per loop,"
	echo "min and median of $reps loops (fill: per KVM_SET_DEVICE_ATTR, $reps VMs).  A deterministic"
	echo "proxy for the CPU work of a call (guest + host kernel + KVM + VMM), not a latency"
	echo "on real hardware.  Kernels: Debian's linux-source-6.1 and -6.12, each with and"
	echo "without its series, the same config (config/kvm.config)."
	for k in 6.1 6.12; do
		echo
		printf '%-60s %10s %10s\n' "Linux $k: case" "min" "median"
		row "(1)  HVC SMCCC_VERSION, handled by KVM, no filter" "$k:1:0"
		row "(6)  the same on the unpatched kernel" "$k-base:1:0"
		row "(2)  as (1), $nr_slots slots on other owners" "$k:2:$nr_slots"
		row "(2m) as (1), 16 SMCCC filter ranges on other owners" "$k:9:16"
		[ "$k" != 6.12 ] || row "(2m) the same on the unpatched kernel (mainline's filter)" "$k-base:9:16"
		row "(2w) as (1), $nr_slots slots on its own owner, none covering it" "$k:7:$nr_slots"
		row "(2d) $nr_slots slots on the call's owner, one denying it" "$k:10:$nr_slots"
		row "(3)  forwarded by a slot, completed from the run struct" "$k:3:1"
		row "(4)  the same, completed with 3 GET + 4 SET_ONE_REG" "$k:4:1"
		row "(4m) as (4), forwarded by the SMCCC filter" "$k:8:1"
		row "(5)  MMIO read exit to userspace (floor)" "$k:5:0"
		row "(f1) installing 1024 one-function DENY ranges, per range" "$k:fill:1024"
		row "(f2) installing 16384 of them, per range" "$k:fill:16384"
		if [ "$k" = 6.12 ]; then
			row "(f1) the same on the unpatched kernel (mainline's)" "$k-base:fill:1024"
			row "(f2) the same on the unpatched kernel (mainline's)" "$k-base:fill:16384"
		fi
	done
	for k in 6.1 6.12; do
		echo
		printf '%-44s %8s %8s   %s\n' "Linux $k: ratio" "min" "median" "goal (median)"
		ratio "(1)/(6)  no filter, patched/unpatched" "$k:1:0" "$k-base:1:0" 1.02
		ratio "(2)/(1)  slots elsewhere" "$k:2:$nr_slots" "$k:1:0" 1.02
		ratio "(2m)/(1) SMCCC ranges elsewhere" "$k:9:16" "$k:1:0" 1.02
		[ "$k" != 6.12 ] || ratio "(2m)/(1) the same, mainline's (unpatched)" "$k-base:9:16" "$k-base:1:0"
		ratio "(2w)/(1) slots on its owner, not covering it" "$k:7:$nr_slots" "$k:1:0" 1.05
		ratio "(2d)/(1) slots on its owner, one denying it" "$k:10:$nr_slots" "$k:1:0" 1.05
		ratio "(3)/(5)  forward by run struct / MMIO exit" "$k:3:1" "$k:5:0" 1.00
		ratio "(4)/(3)  KVM_SET_ONE_REG / run struct" "$k:4:1" "$k:3:1"
		ratio "(4m)/(4) SMCCC filter forward / slot forward" "$k:8:1" "$k:4:1" 1.02
		ratio "(f2)/(f1) per range, 16384 / 1024" "$k:fill:16384" "$k:fill:1024" 1.5
		if [ "$k" = 6.12 ]; then
			ratio "(f2) patched / unpatched" "$k:fill:16384" "$k-base:fill:16384" 1.5
			ratio "(f1) patched / unpatched" "$k:fill:1024" "$k-base:fill:1024" 1.5
		fi
	done
	echo
	echo "consoles: $results/bench-{6.1,6.1-base,6.12,6.12-base}-console.log"
}
table | tee "$results/bench.txt"
say "wrote $results/bench.txt in $(( $(date +%s) - start ))s"
