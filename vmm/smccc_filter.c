// SPDX-License-Identifier: GPL-2.0
/*
 * --abi mainline: mainline's SMCCC filter (Linux 6.4+, and 6.1 with the
 * series), KVM_ARM_VM_SMCCC_CTRL / KVM_ARM_VM_SMCCC_FILTER, driven the
 * way a VMM written against mainline's documentation drives it:
 *
 *   - the ranges go in before any vCPU has run (KVM answers EBUSY after)
 *     and cannot be taken back;
 *   - a range covers a function ID on both conduits, HVC (any immediate)
 *     and SMC #0;
 *   - a forwarded call's exit carries only the function ID
 *     (run->hypercall.nr) and the conduit (flags; never the series'
 *     KVM_HYPERCALL_EXIT_SLOT, which marks the exits of its slots): the
 *     arguments are read with KVM_GET_ONE_REG, the result written with
 *     KVM_SET_ONE_REG, and registers not written keep the guest's values
 *     (x0: the function ID).
 */
#include "vmm.h"

static void smccc_filter_claim(struct vm *vm, const struct hypercall_claim *claims,
			       unsigned int nr_claims)
{
	unsigned int i;

	vm_require_attr(vm, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER,
			"this kernel lacks mainline's SMCCC filter "
			"(Linux 6.4 or later, or 6.1 with the HVC filter series)");

	for (i = 0; i < nr_claims; i++) {
		const struct hypercall_claim *c = &claims[i];
		struct kvm_smccc_filter filter = {
			.base		= c->base,
			.nr_functions	= c->nr_functions,
			.action		= c->action == HYPERCALL_DENY ?
					  KVM_SMCCC_FILTER_DENY : KVM_SMCCC_FILTER_FWD_TO_USER,
		};

		if (KVM_SET_ATTR(vm->vm_fd, KVM_ARM_VM_SMCCC_CTRL,
				 KVM_ARM_VM_SMCCC_FILTER, &filter))
			die("cannot install the SMCCC filter range of %s (0x%x, %u functions)",
			    c->what, filter.base, filter.nr_functions);
	}
}

static int smccc_filter_get_args(struct vcpu *vcpu, uint64_t *args, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (vcpu_get_reg(vcpu, CORE_REG_X(i + 1), &args[i]) < 0)
			return -1;
	return 0;
}

static int smccc_filter_set_result(struct vcpu *vcpu, uint64_t ret)
{
	return vcpu_set_reg(vcpu, CORE_REG_X(0), ret);
}

const struct hypercall_abi smccc_filter_abi = {
	.name		= "mainline",
	.description	= "mainline's SMCCC filter (KVM_ARM_VM_SMCCC_CTRL)",
	.slot_exits	= false,
	.exit_flags	= KVM_HYPERCALL_EXIT_SMC,	/* either conduit, AArch64 */
	.claim		= smccc_filter_claim,
	.get_args	= smccc_filter_get_args,
	.set_result	= smccc_filter_set_result,
};
