#!/bin/bash
# usage: [LINUX=6.1|6.12] scripts/demo.sh
# The main job, end to end, on both kernels (or the one LINUX names):
# builds each patched kernel and the example VMM (one binary for both),
# boots the kernel under QEMU (KVM nested under TCG), and inside it lets the
# VMM boot the same kernel as a 4-vCPU L2 guest whose PSCI calls (CPU_ON,
# CPU_OFF, AFFINITY_INFO, SYSTEM_OFF...) are forwarded to the VMM, once per
# line of tests/vmm.list: through the series' HVC slots (--abi hvc), then
# through mainline's SMCCC filter (--abi mainline).  Each L2 guest takes
# CPUs 1-3 offline and online three times and powers off.  Prints the
# consoles, then per run: the kernel and ABI, the PSCI call counts and a
# verdict; and a final SUCCESS or FAILURE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

versions=("${linux_versions[@]}")
[ -z "${LINUX:-}" ] || { use_linux "$LINUX"; versions=("$LINUX"); }
for v in "${versions[@]}"; do
	use_linux "$v"
	need kernel
done
need vmm
mkdir -p "$results"
list=$results/demo.list
list_lines "$top/tests/vmm.list" | sed 's#^\([0-9]*\) vmm #\1 vmm --trace #' > "$list"

# boot VERSION: boots that kernel with the VMM runs, console in
# demo-VERSION-console.log.
boot() {
	use_linux "$1"
	log=$results/demo-$1-console.log
	"$top/scripts/initramfs.sh" "$out/demo.cpio.gz" "$list" \
		"$uout/vmm/vmm" "$uout/vmm/guest.cpio.gz" "$(image kernel)"
	limit=$(awk '{s += $1} END {print s + 180}' "$list")
	say "booting the $1 L1 host kernel; in it, one after the other:"
	cut -d' ' -f2- "$list" | sed 's/^/      /'
	echo "------------------------------------------------------------------------"
	HVC_SHOW_CONSOLE=1 "$top/scripts/run-vm.sh" "$(image kernel)" \
		"$out/demo.cpio.gz" "$log" "$limit"
	echo "------------------------------------------------------------------------"
}

# run_log N: the console between the Nth "@@@ BEGIN vmm" and its END marker.
run_log() {
	tr -d '\r' < "$log" | awk -v n="$1" '
		/^@@@ BEGIN vmm$/ { k++ }
		k == n { print }
		k == n && /^@@@ END vmm / { exit }'
}

# verdict N ABI: says what run N (the line with --abi ABI) did; fails if it
# did not boot 4 CPUs, go through the hotplug cycles and power off through
# the VMM's PSCI over that ABI.
verdict() {
	local n=$1 abi=$2 run used counts l2_cpus why=()
	run=$(run_log "$n")
	used=$(grep -a -m1 '^vmm: PSCI through ' <<< "$run" || true)
	counts=$(grep -a '^psci: [A-Z]' <<< "$run" | grep -v 'vcpu[0-9]' | tail -n 1 || true)
	l2_cpus=$(grep -a -c 'CPU[0-9]*: Booted secondary processor' <<< "$run" || true)
	echo "Linux $kver, run $n (vmm --abi $abi): ${used#vmm: }"
	echo "  PSCI calls the VMM answered: ${counts#psci: }"
	echo "  L2 CPU bring-ups through the VMM's CPU_ON (3 at boot, then 3 per hotplug cycle): $l2_cpus"
	case $abi in
	hvc) [[ $used == *KVM_ARM_VM_HVC_CTRL* ]] || why+=("the VMM did not say it used KVM_ARM_VM_HVC_CTRL") ;;
	mainline) [[ $used == *KVM_ARM_VM_SMCCC_CTRL* ]] || why+=("the VMM did not say it used KVM_ARM_VM_SMCCC_CTRL") ;;
	esac
	grep -aq '^@@@ END vmm rc=0 ' <<< "$run" || why+=("vmm did not exit 0")
	grep -aq 'guest: hotplug cycles done' <<< "$run" || why+=("the guest did not finish its hotplug cycles")
	[[ $counts =~ SYSTEM_OFF\ 1(,|$) ]] || why+=("the VMM did not answer SYSTEM_OFF")
	[[ $counts != *other* ]] || why+=("the VMM got calls outside PSCI")
	! grep -aq "from KVM's PSCI" <<< "$run" || why+=("a PSCI call reached KVM's PSCI")
	if [ ${#why[@]} -eq 0 ]; then
		echo "  SUCCESS: 4 CPUs, CPU hotplug and power-off, all through PSCI in the VMM over --abi $abi on Linux $kver"
	else
		printf '  FAILURE: %s\n' "${why[@]}"
		return 1
	fi
}

failed=0 runs=0
for v in "${versions[@]}"; do
	boot "$v"
	n=0
	for abi in $(sed -n 's/^[0-9]* vmm .*--abi \([a-z]*\) .*/\1/p' "$list"); do
		n=$((n + 1))
		verdict "$n" "$abi" || failed=1
	done
	[ "$n" -gt 0 ] || { echo "FAILURE: tests/vmm.list names no --abi run"; exit 1; }
	runs=$((runs + n))
done
if [ $failed -eq 0 ]; then
	echo "SUCCESS: on Linux ${versions[*]}, the L2 guest booted 4 CPUs, survived CPU hotplug and powered off, all through PSCI in the VMM, in each of the $runs runs (one VMM binary)"
else
	echo "FAILURE: see $results/demo-*-console.log"
	exit 1
fi
