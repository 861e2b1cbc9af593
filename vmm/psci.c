// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI 1.0 in userspace.  The VMM claims the PSCI SMC32 and SMC64 function
 * ID blocks, and denies KVM's own PSCI 0.1 IDs, through the hypercall
 * filter chosen with --abi (hvc_ctrl.c, smccc_filter.c); KVM then forwards
 * those calls as KVM_EXIT_HYPERCALL, and the filter's ABI reads their
 * arguments and writes their result.
 *
 * Implemented: PSCI_VERSION, PSCI_FEATURES, CPU_ON, CPU_OFF, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF and SYSTEM_RESET.  SYSTEM_RESET is not
 * emulated: the VMM stops and exits with status 2.  Everything else in
 * the blocks answers NOT_SUPPORTED.  Every function returns a single
 * value, in x0: x1-x3 keep what the guest passed.
 */
#include <stdio.h>
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

/*
 * KVM's own PSCI 0.1 IDs (KVM_PSCI_FN_*) reach KVM's PSCI on a vCPU
 * without KVM_ARM_VCPU_PSCI_0_2.  Denied, so that no guest gets around
 * the VMM's PSCI, whatever the vCPU features.
 */
static const struct hypercall_claim psci_claims[] = {
	{ KVM_PSCI_FN_BASE, KVM_PSCI_FN_MIGRATE - KVM_PSCI_FN_BASE + 1,
	  HYPERCALL_DENY, "KVM's PSCI 0.1" },
	{ PSCI_0_2_FN_BASE, PSCI_FN_COUNT, HYPERCALL_FORWARD, "PSCI SMC32" },
	{ PSCI_0_2_FN64_BASE, PSCI_FN_COUNT, HYPERCALL_FORWARD, "PSCI SMC64" },
};

void psci_claim(struct vm *vm)
{
	vm->cfg.abi->claim(vm, psci_claims, sizeof(psci_claims) / sizeof(psci_claims[0]));
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
	for (i = 0; i < psci_fns[nr].nr_args; i++)
		fprintf(stderr, "%s0x%llx", i ? ", " : "", (unsigned long long)args[i]);
	fprintf(stderr, ") = %lld\n", (long long)ret);
}

int psci_handle_exit(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	const struct hypercall_abi *abi = vm->cfg.abi;
	uint64_t fn = vcpu->run->hypercall.nr, flags = hypercall_flags(vcpu->run);
	uint64_t args[3] = { 0 };
	unsigned int i, nr, nr_args;
	bool smc64;
	int64_t ret;

	/*
	 * The exit must come from the filter the VMM installed: then it knows
	 * how the call is to be completed.  KVM_HYPERCALL_EXIT_SLOT is set in
	 * every exit of a KVM_ARM_VM_HVC_CTRL slot and in no other.
	 */
	if (!!(flags & KVM_HYPERCALL_EXIT_SLOT) != abi->slot_exits) {
		vmm_log("vcpu%u: KVM_EXIT_HYPERCALL for 0x%llx (flags 0x%llx) %s, but the VMM "
			"claimed its calls through %s%s", vcpu->id, (unsigned long long)fn,
			(unsigned long long)flags,
			abi->slot_exits ? "lacks KVM_HYPERCALL_EXIT_SLOT" :
					  "is from an HVC filter slot (KVM_HYPERCALL_EXIT_SLOT)",
			abi->description,
			abi->slot_exits ? " (a kernel with v1 or v2 of the series?)" : "");
		return -1;
	}
	flags &= ~KVM_HYPERCALL_EXIT_SLOT;

	/* Only the PSCI blocks are claimed, and only on the ABI's conduits */
	if (!psci_decode(fn, &smc64, &nr) || (flags & ~abi->exit_flags)) {
		__atomic_fetch_add(&vm->psci.other_calls, 1, __ATOMIC_RELAXED);
		vmm_log("vcpu%u: unexpected forwarded call 0x%llx flags 0x%llx",
			vcpu->id, (unsigned long long)fn, (unsigned long long)flags);
		return abi->set_result(vcpu, (uint64_t)PSCI_RET_NOT_SUPPORTED);
	}
	__atomic_fetch_add(&vm->psci.calls[smc64][nr], 1, __ATOMIC_RELAXED);

	nr_args = psci_fns[nr].nr_args;
	if (abi->get_args(vcpu, args, nr_args) < 0)
		return -1;
	/* SMC32 calls pass 32-bit arguments: ignore the upper halves */
	for (i = 0; i < nr_args && !smc64; i++)
		args[i] = (uint32_t)args[i];

	ret = psci_call(vcpu, fn, args);
	if (vm->cfg.trace)
		psci_trace(vcpu, smc64, nr, args, ret);
	return abi->set_result(vcpu, (uint64_t)ret);
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
