// SPDX-License-Identifier: GPL-2.0
/*
 * --abi hvc (the default): the series' own filter, KVM_ARM_VM_HVC_CTRL.
 * One slot per claimed block, on the HVC conduit with immediate 0.  A
 * forwarded call's exit has KVM_HYPERCALL_EXIT_SLOT in its flags, brings
 * its arguments in run->hypercall.args[] (x1..x6) and is completed on the
 * next KVM_RUN from run->hypercall.ret (x0; x1-x3 from args[0..2], which
 * the VMM leaves as they came): no register ioctl on the way.
 */
#include "vmm.h"

static void hvc_ctrl_claim(struct vm *vm, const struct hypercall_claim *claims,
			   unsigned int nr_claims)
{
	const char *missing = "this kernel lacks the HVC filter series";
	__u32 nr_slots = 0;
	unsigned int i;

	/* Not there: say whether --abi mainline would do */
	if (!vm_probe_attr(vm, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER))
		missing = "this kernel lacks the HVC filter series, but has "
			  "mainline's SMCCC filter: run with --abi mainline";
	vm_require_attr(vm, KVM_ARM_VM_HVC_CTRL, KVM_ARM_VM_HVC_NR_SLOTS, missing);
	if (KVM_GET_ATTR(vm->vm_fd, KVM_ARM_VM_HVC_CTRL, KVM_ARM_VM_HVC_NR_SLOTS,
			 &nr_slots))
		die("cannot read the number of HVC filter slots");
	if (nr_slots < nr_claims)
		die("the HVC filter has %u slots, PSCI needs %u", nr_slots, nr_claims);

	for (i = 0; i < nr_claims; i++) {
		const struct hypercall_claim *c = &claims[i];
		struct kvm_arm_hvc_range range = {
			.slot		= i,
			.flags		= c->action == HYPERCALL_DENY ?
					  KVM_ARM_HVC_DENY : KVM_ARM_HVC_USER,
			.fn_start	= c->base,
			.fn_end		= c->base + c->nr_functions - 1,
		};

		if (KVM_SET_ATTR(vm->vm_fd, KVM_ARM_VM_HVC_CTRL,
				 KVM_ARM_VM_HVC_SET_RANGE, &range))
			die("cannot claim %s (0x%x-0x%x) in HVC filter slot %u", c->what,
			    range.fn_start, range.fn_end, i);
	}
}

static int hvc_ctrl_get_args(struct vcpu *vcpu, uint64_t *args, unsigned int nr)
{
	memcpy(args, vcpu->run->hypercall.args, nr * sizeof(*args));
	return 0;
}

static int hvc_ctrl_set_result(struct vcpu *vcpu, uint64_t ret)
{
	vcpu->run->hypercall.ret = ret;
	return 0;
}

const struct hypercall_abi hvc_ctrl_abi = {
	.name		= "hvc",
	.description	= "HVC slots (KVM_ARM_VM_HVC_CTRL)",
	.slot_exits	= true,
	.exit_flags	= 0,	/* HVC, immediate 0, AArch64 */
	.claim		= hvc_ctrl_claim,
	.get_args	= hvc_ctrl_get_args,
	.set_result	= hvc_ctrl_set_result,
};
