#!/bin/bash
# usage: scripts/build-vmm.sh [KERNEL-BUILD-NAME]
# Builds the example VMM (vmm/) statically for arm64 against the UAPI headers
# of build/out/NAME (default "kernel", the test kernel), and the L2 guest's
# initramfs, into build/out/vmm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:-kernel}
# Another build's headers: that kernel is the caller's business.
if [ "$name" = kernel ]; then need kernel; else need tree; fi
hdr=$out/$name/usr/include
grep -q KVM_ARM_VM_HVC_CTRL "$hdr/asm/kvm.h" 2>/dev/null ||
	die "$hdr has no HVC filter UAPI: build the patched kernel first (make kernel)"
say "building the example VMM and the L2 guest initramfs into $out/vmm"
make -s -C "$top/vmm" OUT="$out/vmm" KHDR="$hdr" LIBFDT_DIR="$tree/scripts/dtc/libfdt" \
	CC="ccache ${CROSS_COMPILE}gcc" all guest
