#!/bin/bash
# usage: scripts/gate-x86.sh
# The series changes the KVM_EXIT_HYPERCALL layout shared with x86: build
# the x86_64 KVM objects (arch/x86/kvm/) of the patched tree with an
# x86_64 defconfig plus KVM (Intel and AMD), out of tree in build/out/x86.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

o=$out/x86
mkdir -p "$o"
x86=(ARCH=x86_64 CROSS_COMPILE= HOSTCC="ccache gcc" CC="ccache gcc")
if [ ! -f "$o/.config" ]; then
	say "configuring x86_64 defconfig + KVM in $o"
	make -s -C "$tree" O="$o" "${x86[@]}" x86_64_defconfig
	"$tree/scripts/config" --file "$o/.config" -e VIRTUALIZATION -e KVM \
		-e KVM_INTEL -e KVM_AMD
	make -s -C "$tree" O="$o" "${x86[@]}" olddefconfig
fi
grep -qx 'CONFIG_KVM=[ym]' "$o/.config" || die "x86 config has no KVM: see $o/.config"
say "building arch/x86/kvm/ for x86_64 ($jobs jobs)"
make -s -C "$tree" O="$o" "${x86[@]}" -j"$jobs" arch/x86/kvm/
say "x86_64 arch/x86/kvm/ builds"
