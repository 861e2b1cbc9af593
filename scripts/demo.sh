#!/bin/bash
# usage: scripts/demo.sh
# The main job, end to end: builds the patched kernel and the example VMM,
# boots the kernel under QEMU (KVM nested under TCG), and inside it lets the
# VMM boot the same kernel as a 4-vCPU L2 guest whose PSCI calls (CPU_ON,
# CPU_OFF, AFFINITY_INFO, SYSTEM_OFF...) are forwarded to the VMM by the HVC
# filter.  The L2 guest takes CPUs 1-3 offline and online three times and
# powers off.  Prints both consoles, the VMM's PSCI call counts and a verdict.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$top/scripts/deps.sh"
"$top/scripts/tree.sh"
"$top/scripts/build-kernel.sh" kernel "$top/config/kvm.config" "$top/config/series.config"
"$top/scripts/build-vmm.sh" kernel

mkdir -p "$results"
list=$results/demo.list
sed -e '/^#/d' -e '/^[[:space:]]*$/d' -e 's#^\([0-9]*\) vmm #\1 vmm --trace #' \
	"$top/tests/vmm.list" > "$list"
"$top/scripts/initramfs.sh" "$out/demo.cpio.gz" "$list" /nonexistent \
	"$out/vmm/vmm" "$out/vmm/guest.cpio.gz" "$out/kernel/arch/arm64/boot/Image"

log=$results/demo-console.log
say "booting the L1 host kernel; in it: $(cut -d' ' -f2- "$list")"
echo "------------------------------------------------------------------------"
HVC_SHOW_CONSOLE=1 "$top/scripts/run-vm.sh" "$out/kernel/arch/arm64/boot/Image" \
	"$out/demo.cpio.gz" "$log" 1200
echo "------------------------------------------------------------------------"

counts=$(grep -a '^psci: [A-Z]' "$log" | grep -v 'vcpu[0-9]' | tail -n 1 || true)
l2_cpus=$(sed -n '/@@@ BEGIN vmm/,$p' "$log" | grep -a -c 'CPU[0-9]*: Booted secondary processor' || true)
echo "PSCI calls the VMM answered: ${counts#psci: }"
echo "L2 CPU bring-ups through the VMM's CPU_ON (3 at boot, then 3 per hotplug cycle): $l2_cpus"
if grep -aq '^@@@ END vmm rc=0 ' "$log" && grep -aq 'guest: hotplug cycles done' "$log"; then
	echo "SUCCESS: the L2 guest booted 4 CPUs, survived CPU hotplug and powered off, all through PSCI in the VMM"
else
	echo "FAILURE: see $log"
	exit 1
fi
