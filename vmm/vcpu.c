// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: creation, power-on (boot and PSCI CPU_ON), one thread per vCPU
 * running KVM_RUN and dispatching its exits.
 *
 * A vCPU's registers are only ever touched by its own thread: CPU_ON just
 * records the entry point and wakes the target thread, which re-initialises
 * its vCPU itself.  No ioctl ever waits for another thread's KVM_RUN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

#define CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))
#define MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* EL1h, D, A, I and F masked: the boot protocol's and PSCI's entry state */
#define PSTATE_BOOT	0x3c5

static int vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return KVM_IOCTL(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

void vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	struct kvm_one_reg reg = { .id = MPIDR_EL1, .addr = (uintptr_t)&vcpu->mpidr };

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->power = VCPU_OFF;
	pthread_cond_init(&vcpu->wake, NULL);

	vcpu->fd = KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_CREATE_VCPU, id);
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		die("mmap vcpu%u kvm_run: %s", id, strerror(errno));

	/*
	 * Secondaries start powered off and only run after the guest's
	 * CPU_ON.  Every later KVM_ARM_VCPU_INIT must repeat these features.
	 */
	KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &vcpu->init);
	vcpu->init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (id)
		vcpu->init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	KVM_IOCTL_OR_DIE(vcpu->fd, KVM_ARM_VCPU_INIT, &vcpu->init);

	KVM_IOCTL_OR_DIE(vcpu->fd, KVM_GET_ONE_REG, &reg);
	vcpu->mpidr &= MPIDR_HWID_MASK;
}

/*
 * Resets the vCPU and starts it at @entry with x0 = @context_id.  The
 * reset also cancels the completion of a pending CPU_OFF exit, so x0-x3
 * set here stay as they are.
 */
static int vcpu_power_on(struct vcpu *vcpu, uint64_t entry, uint64_t context_id)
{
	struct kvm_mp_state mp_state = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (KVM_IOCTL(vcpu->fd, KVM_ARM_VCPU_INIT, &vcpu->init) < 0 ||
	    vcpu_set_reg(vcpu, CORE_REG(regs.pc), entry) < 0 ||
	    vcpu_set_reg(vcpu, CORE_REG(regs.regs[0]), context_id) < 0 ||
	    vcpu_set_reg(vcpu, CORE_REG(regs.pstate), PSTATE_BOOT) < 0 ||
	    KVM_IOCTL(vcpu->fd, KVM_SET_MP_STATE, &mp_state) < 0)
		return -1;
	return 0;
}

static int vcpu_handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (uart_mmio(&vcpu->vm->uart, run->mmio.phys_addr, run->mmio.data,
		      run->mmio.len, run->mmio.is_write))
		return 0;

	/* Like a bus with nothing on it: writes are lost, reads return 0 */
	fprintf(stderr, "vmm: vcpu%u: unhandled MMIO %s of %u bytes at 0x%llx\n",
		vcpu->id, run->mmio.is_write ? "write" : "read", run->mmio.len,
		(unsigned long long)run->mmio.phys_addr);
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	return 0;
}

/* Returns 0 to run the vCPU again, -1 after a fatal error. */
static int vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		return vcpu_handle_mmio(vcpu);
	case KVM_EXIT_HYPERCALL:
		return psci_handle_exit(vcpu);
	case KVM_EXIT_SYSTEM_EVENT:
		/* KVM's own PSCI: only if a call escaped the filter */
		fprintf(stderr, "vmm: vcpu%u: system event %u from KVM's PSCI\n",
			vcpu->id, run->system_event.type);
		vm_stop(vcpu->vm, run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? 0 : 2);
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(stderr, "vmm: vcpu%u: KVM_EXIT_FAIL_ENTRY, reason 0x%llx\n",
			vcpu->id, (unsigned long long)
			run->fail_entry.hardware_entry_failure_reason);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, "vmm: vcpu%u: KVM_EXIT_INTERNAL_ERROR, suberror %u\n",
			vcpu->id, run->internal.suberror);
		return -1;
	default:
		fprintf(stderr, "vmm: vcpu%u: unexpected exit reason %u\n",
			vcpu->id, run->exit_reason);
		return -1;
	}
}

/*
 * Waits while the vCPU is off; powers it on after a CPU_ON.  Returns false
 * when the VM stops.
 */
static bool vcpu_wait_runnable(struct vcpu *vcpu, int *err)
{
	struct vm *vm = vcpu->vm;
	uint64_t entry, context_id;

	pthread_mutex_lock(&vm->lock);
	while (vcpu->power == VCPU_OFF && !vm->stopping)
		pthread_cond_wait(&vcpu->wake, &vm->lock);
	if (vm->stopping || vcpu->power == VCPU_ON) {
		pthread_mutex_unlock(&vm->lock);
		return !vm->stopping;
	}
	entry = vcpu->entry;
	context_id = vcpu->context_id;
	pthread_mutex_unlock(&vm->lock);

	if (vcpu_power_on(vcpu, entry, context_id) < 0) {
		*err = -1;
		return false;
	}

	/* Only this thread moves its vCPU out of ON_PENDING */
	pthread_mutex_lock(&vm->lock);
	vcpu->power = VCPU_ON;
	pthread_mutex_unlock(&vm->lock);
	return true;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	int err = 0;

	while (!err && vcpu_wait_runnable(vcpu, &err)) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "vmm: vcpu%u: KVM_RUN: %s\n",
				vcpu->id, strerror(errno));
			err = -1;
			break;
		}
		err = vcpu_handle_exit(vcpu);
	}
	if (err)
		vm_stop(vcpu->vm, 1);
	return NULL;
}

void vcpu_start_thread(struct vcpu *vcpu)
{
	int err = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

	if (err)
		die("pthread_create vcpu%u: %s", vcpu->id, strerror(err));
}

/*
 * Makes the vCPU's thread leave KVM_RUN: the signal interrupts a running
 * KVM_RUN, immediate_exit covers a thread that is just about to enter it.
 */
void vcpu_kick(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(vcpu->thread, SIGUSR1);
}
