// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv3 (distributor and one redistributor region sized by
 * the number of vCPUs).  Created once every vCPU exists and is initialised.
 */
#include "vmm.h"

void gic_create(struct vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GIC_DIST_BASE, redist = GIC_REDIST_BASE;

	KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_CREATE_DEVICE, &dev);
	vm->gic_fd = dev.fd;

	if (KVM_SET_ATTR(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			 KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    KVM_SET_ATTR(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			 KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) ||
	    KVM_SET_ATTR(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			 KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		exit(1);
}
