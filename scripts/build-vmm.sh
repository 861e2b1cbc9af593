#!/bin/bash
# usage: scripts/build-vmm.sh
# Builds the example VMM (vmm/) statically for arm64, and the L2 guest's
# initramfs, into build/out/vmm: one binary for both kernels, built against
# the UAPI headers of the patched 6.1 test kernel (the series' UAPI is the
# same on 6.12, byte for byte); it probes at run time what the kernel has.
set -euo pipefail
HVC_LINUX=6.1
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || die "usage: $0"
need kernel
hdr=$out/kernel/usr/include
grep -q KVM_ARM_VM_HVC_CTRL "$hdr/asm/kvm.h" 2>/dev/null ||
	die "$hdr has no HVC filter UAPI: the 6.1 test kernel did not install its headers"
say "building the example VMM and the L2 guest initramfs into $uout/vmm"
make -s -C "$top/vmm" OUT="$uout/vmm" KHDR="$hdr" LIBFDT_DIR="$tree/scripts/dtc/libfdt" \
	CC="ccache ${CROSS_COMPILE}gcc" all guest
