// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.0 in userspace.  The VMM claims the PSCI SMC32 and SMC64 function
 * ID blocks (HVC conduit, immediate 0) with the KVM_ARM_VM_HVC_CTRL filter;
 * KVM then forwards those calls as KVM_EXIT_HYPERCALL and completes them
 * with run->hypercall.ret on the next KVM_RUN.
 *
 * Implemented: PSCI_VERSION, PSCI_FEATURES, CPU_ON, CPU_OFF, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF and SYSTEM_RESET.  SYSTEM_RESET is not
 * emulated: the VMM stops and exits with status 2.  Everything else in
 * the blocks answers NOT_SUPPORTED.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include <linux/psci.h>

#include "vmm.h"

/* SMCCC_VERSION: answered by KVM (not claimed), advertised by PSCI_FEATURES */
#define ARM_SMCCC_VERSION_FUNC_ID	0x80000000U
#define PSCI_FN_NR(fn)			((fn) & (PSCI_FN_COUNT - 1))
#define VMM_EXIT_RESET			2

static const struct {
	const char	*name;
	unsigned int	nr_args;
} psci_fns[PSCI_FN_COUNT] = {
	[PSCI_FN_NR(PSCI_0_2_FN_PSCI_VERSION)]		= { "PSCI_VERSION", 0 },
	[PSCI_FN_NR(PSCI_0_2_FN_CPU_SUSPEND)]		= { "CPU_SUSPEND", 3 },
	[PSCI_FN_NR(PSCI_0_2_FN_CPU_OFF)]		= { "CPU_OFF", 0 },
	[PSCI_FN_NR(PSCI_0_2_FN_CPU_ON)]		= { "CPU_ON", 3 },
	[PSCI_FN_NR(PSCI_0_2_FN_AFFINITY_INFO)]		= { "AFFINITY_INFO", 2 },
	[PSCI_FN_NR(PSCI_0_2_FN_MIGRATE)]		= { "MIGRATE", 1 },
	[PSCI_FN_NR(PSCI_0_2_FN_MIGRATE_INFO_TYPE)]	= { "MIGRATE_INFO_TYPE", 0 },
	[PSCI_FN_NR(PSCI_0_2_FN_MIGRATE_INFO_UP_CPU)]	= { "MIGRATE_INFO_UP_CPU", 0 },
	[PSCI_FN_NR(PSCI_0_2_FN_SYSTEM_OFF)]		= { "SYSTEM_OFF", 0 },
	[PSCI_FN_NR(PSCI_0_2_FN_SYSTEM_RESET)]		= { "SYSTEM_RESET", 0 },
	[PSCI_FN_NR(PSCI_1_0_FN_PSCI_FEATURES)]		= { "PSCI_FEATURES", 1 },
	[PSCI_FN_NR(PSCI_1_0_FN_CPU_FREEZE)]		= { "CPU_FREEZE", 0 },
	[PSCI_FN_NR(PSCI_1_0_FN_CPU_DEFAULT_SUSPEND)]	= { "CPU_DEFAULT_SUSPEND", 2 },
	[PSCI_FN_NR(PSCI_1_0_FN_NODE_HW_STATE)]		= { "NODE_HW_STATE", 2 },
	[PSCI_FN_NR(PSCI_1_0_FN_SYSTEM_SUSPEND)]	= { "SYSTEM_SUSPEND", 2 },
	[PSCI_FN_NR(PSCI_1_0_FN_SET_SUSPEND_MODE)]	= { "SET_SUSPEND_MODE", 1 },
	[PSCI_FN_NR(PSCI_1_0_FN_STAT_RESIDENCY)]	= { "STAT_RESIDENCY", 2 },
	[PSCI_FN_NR(PSCI_1_0_FN_STAT_COUNT)]		= { "STAT_COUNT", 2 },
	[PSCI_FN_NR(PSCI_1_1_FN_SYSTEM_RESET2)]		= { "SYSTEM_RESET2", 2 },
	[PSCI_FN_NR(PSCI_1_1_FN_MEM_PROTECT)]		= { "MEM_PROTECT", 1 },
	/* 6.1's uapi psci.h gives MEM_PROTECT_CHECK_RANGE 19, the spec 20 */
	[PSCI_FN_NR(PSCI_0_2_FN(20))]			= { "MEM_PROTECT_CHECK_RANGE", 2 },
};

static void psci_set_range(struct vm *vm, struct kvm_arm_hvc_range *range)
{
	struct kvm_device_attr attr = {
		.group	= KVM_ARM_VM_HVC_CTRL,
		.attr	= KVM_ARM_VM_HVC_SET_RANGE,
		.addr	= (uintptr_t)range,
	};

	KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr);
}

void psci_claim(struct vm *vm)
{
	struct kvm_arm_hvc_range smc32 = {
		.slot = 0, .flags = KVM_ARM_HVC_USER,
		.fn_start = PSCI_0_2_FN(0), .fn_end = PSCI_0_2_FN(PSCI_FN_COUNT - 1),
	};
	struct kvm_arm_hvc_range smc64 = {
		.slot = 1, .flags = KVM_ARM_HVC_USER,
		.fn_start = PSCI_0_2_FN64(0), .fn_end = PSCI_0_2_FN64(PSCI_FN_COUNT - 1),
	};
	__u32 nr_slots = 0;
	struct kvm_device_attr attr = {
		.group	= KVM_ARM_VM_HVC_CTRL,
		.attr	= KVM_ARM_VM_HVC_NR_SLOTS,
		.addr	= (uintptr_t)&nr_slots,
	};

	KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_GET_DEVICE_ATTR, &attr);
	if (nr_slots < 2)
		die("the HVC filter has %u slots, PSCI needs 2", nr_slots);
	psci_set_range(vm, &smc32);
	psci_set_range(vm, &smc64);
}

/* Splits a claimed function ID into SMC32/SMC64 and the PSCI number. */
static bool psci_decode(uint64_t fn, bool *smc64, unsigned int *nr)
{
	if (fn >= PSCI_0_2_FN(0) && fn < PSCI_0_2_FN(PSCI_FN_COUNT))
		*smc64 = false;
	else if (fn >= PSCI_0_2_FN64(0) && fn < PSCI_0_2_FN64(PSCI_FN_COUNT))
		*smc64 = true;
	else
		return false;
	*nr = PSCI_FN_NR(fn);
	return true;
}

static int64_t psci_cpu_on(struct vm *vm, uint64_t target_mpidr,
			   uint64_t entry, uint64_t context_id)
{
	struct vcpu *target = vcpu_find_by_mpidr(vm, target_mpidr);

	if (!target)
		return PSCI_RET_INVALID_PARAMS;
	if (!guest_ptr(vm, entry, 4))
		return PSCI_RET_INVALID_ADDRESS;

	switch (vcpu_request_on(target, entry, context_id)) {
	case VCPU_ON:
		return PSCI_RET_ALREADY_ON;
	case VCPU_ON_PENDING:
		return PSCI_RET_ON_PENDING;
	case VCPU_OFF:
		break;
	}
	return PSCI_RET_SUCCESS;
}

/*
 * The caller stops here: once the exit is handled its thread sleeps until
 * a CPU_ON.  Its result is never seen: the KVM_ARM_VCPU_INIT of the next
 * power-on resets the vCPU.
 */
static int64_t psci_cpu_off(struct vcpu *vcpu)
{
	vcpu_mark_off(vcpu);
	return PSCI_RET_SUCCESS;
}

static int64_t psci_affinity_info(struct vm *vm, uint64_t target, uint64_t level)
{
	uint64_t mask;
	unsigned int i, matches = 0;
	int64_t ret = PSCI_0_2_AFFINITY_LEVEL_OFF;

	/* Levels 1-3 ignore Aff0..Aff(level-1), as KVM's own PSCI does */
	if (level > 3 || (target & ~MPIDR_HWID_MASK))
		return PSCI_RET_INVALID_PARAMS;
	mask = MPIDR_HWID_MASK & ~((1ULL << (8 * level)) - 1);
	target &= mask;

	for (i = 0; i < vm->cfg.nr_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		enum vcpu_power power;

		if ((vcpu->mpidr & mask) != target)
			continue;
		matches++;
		power = vcpu_power_state(vcpu);
		if (power == VCPU_ON)
			ret = PSCI_0_2_AFFINITY_LEVEL_ON;
		else if (power == VCPU_ON_PENDING && ret != PSCI_0_2_AFFINITY_LEVEL_ON)
			ret = PSCI_0_2_AFFINITY_LEVEL_ON_PENDING;
	}
	return matches ? ret : PSCI_RET_INVALID_PARAMS;
}

static int64_t psci_features(uint32_t fn)
{
	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case ARM_SMCCC_VERSION_FUNC_ID:
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static int64_t psci_call(struct vcpu *vcpu, uint32_t fn, const uint64_t *args)
{
	struct vm *vm = vcpu->vm;

	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
		return PSCI_VERSION(1, 0);
	case PSCI_1_0_FN_PSCI_FEATURES:
		return psci_features(args[0]);
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		return psci_cpu_on(vm, args[0], args[1], args[2]);
	case PSCI_0_2_FN_CPU_OFF:
		return psci_cpu_off(vcpu);
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		return psci_affinity_info(vm, args[0], args[1]);
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		return PSCI_0_2_TOS_MP;	/* no Trusted OS: no migration */
	/*
	 * Unlike KVM's own SYSTEM_OFF/RESET, a forwarded one leaves the other
	 * vCPUs running: vm_stop() kicks them out of KVM_RUN.
	 */
	case PSCI_0_2_FN_SYSTEM_OFF:
		vmm_log("guest called PSCI SYSTEM_OFF, exiting");
		vm_stop(vm, 0);
		return PSCI_RET_SUCCESS;
	case PSCI_0_2_FN_SYSTEM_RESET:
		vmm_log("guest called PSCI SYSTEM_RESET; reset is not emulated, exiting with status %d",
			VMM_EXIT_RESET);
		vm_stop(vm, VMM_EXIT_RESET);
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static void psci_trace(struct vcpu *vcpu, bool smc64, unsigned int nr,
		       const uint64_t *args, int64_t ret)
{
	const char *name = psci_fns[nr].name;
	unsigned int i;

	if (name)
		fprintf(stderr, "psci: vcpu%u %s%s(", vcpu->id, name, smc64 ? "64" : "");
	else
		fprintf(stderr, "psci: vcpu%u 0x%x(", vcpu->id,
			(smc64 ? PSCI_0_2_FN64(nr) : PSCI_0_2_FN(nr)));
	for (i = 0; i < (name ? psci_fns[nr].nr_args : 3); i++)
		fprintf(stderr, "%s0x%llx", i ? ", " : "", (unsigned long long)args[i]);
	fprintf(stderr, ") = %lld\n", (long long)ret);
}

int psci_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct vm *vm = vcpu->vm;
	uint64_t fn = run->hypercall.nr, args[6];
	unsigned int i, nr;
	bool smc64;
	int64_t ret;

	/* Only the PSCI blocks are claimed, on the HVC conduit with imm 0 */
	if (!psci_decode(fn, &smc64, &nr) || hypercall_flags(run) & KVM_HYPERCALL_EXIT_SMC ||
	    KVM_HYPERCALL_EXIT_IMM(hypercall_flags(run))) {
		__atomic_fetch_add(&vm->psci.other_calls, 1, __ATOMIC_RELAXED);
		vmm_log("vcpu%u: unexpected forwarded call 0x%llx flags 0x%llx", vcpu->id,
			(unsigned long long)fn, (unsigned long long)hypercall_flags(run));
		run->hypercall.ret = (uint64_t)PSCI_RET_NOT_SUPPORTED;
		return 0;
	}
	__atomic_fetch_add(&vm->psci.calls[smc64][nr], 1, __ATOMIC_RELAXED);

	/* SMC32 calls pass 32-bit arguments: ignore the upper halves */
	for (i = 0; i < 6; i++)
		args[i] = smc64 ? run->hypercall.args[i] : (uint32_t)run->hypercall.args[i];

	ret = psci_call(vcpu, fn, args);
	run->hypercall.ret = (uint64_t)ret;
	if (vm->cfg.trace)
		psci_trace(vcpu, smc64, nr, args, ret);
	return 0;
}

void psci_print_stats(struct vm *vm)
{
	const struct psci_stats *stats = &vm->psci;
	unsigned int smc64, nr, n = 0;

	fprintf(stderr, "psci:");
	for (smc64 = 0; smc64 < 2; smc64++) {
		for (nr = 0; nr < PSCI_FN_COUNT; nr++) {
			unsigned long count = stats->calls[smc64][nr];

			if (!count)
				continue;
			if (psci_fns[nr].name)
				fprintf(stderr, "%s %s%s %lu", n++ ? "," : "",
					psci_fns[nr].name, smc64 ? "64" : "", count);
			else
				fprintf(stderr, "%s 0x%x %lu", n++ ? "," : "",
					smc64 ? PSCI_0_2_FN64(nr) : PSCI_0_2_FN(nr), count);
		}
	}
	if (stats->other_calls)
		fprintf(stderr, "%s other %lu", n++ ? "," : "", stats->other_calls);
	fprintf(stderr, "%s\n", n ? "" : " no forwarded calls");
}
