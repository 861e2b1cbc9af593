// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: creation, the power state machine (the boot CPU's start and
 * PSCI's CPU_ON, CPU_OFF and AFFINITY_INFO go through it), one thread per
 * vCPU running KVM_RUN and dispatching its exits, and stopping them.
 *
 * A vCPU's registers are only ever touched by its own thread: a power-on
 * request just records the entry point and wakes the target thread, which
 * re-initialises its vCPU itself.  No ioctl ever waits for another
 * thread's KVM_RUN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

#define MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* EL1h, D, A, I and F masked: the boot protocol's and PSCI's entry state */
#define PSTATE_BOOT	0x3c5

int vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return KVM_IOCTL(vcpu->fd, KVM_GET_ONE_REG, &reg);
}

int vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return KVM_IOCTL(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

void vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
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
	 * Every vCPU starts off and runs only after vcpu_request_on() (the
	 * boot CPU's from main(), the others' from the guest's CPU_ON).
	 * Every later KVM_ARM_VCPU_INIT must repeat these features.
	 */
	KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &vcpu->init);
	vcpu->init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (id)
		vcpu->init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	KVM_IOCTL_OR_DIE(vcpu->fd, KVM_ARM_VCPU_INIT, &vcpu->init);

	if (vcpu_get_reg(vcpu, MPIDR_EL1, &vcpu->mpidr) < 0)
		exit(1);
	vcpu->mpidr &= MPIDR_HWID_MASK;
}

struct vcpu *vcpu_find_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	unsigned int i;

	if (mpidr & ~MPIDR_HWID_MASK)
		return NULL;
	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		if (vm->vcpus[i].mpidr == mpidr)
			return &vm->vcpus[i];
	return NULL;
}

/*
 * Asks for the vCPU to start at @entry with x0 = @context_id.  Only an
 * OFF vCPU accepts (it becomes ON_PENDING and its thread powers it on);
 * returns the state the vCPU was in.
 */
enum vcpu_power vcpu_request_on(struct vcpu *vcpu, uint64_t entry, uint64_t context_id)
{
	struct vm *vm = vcpu->vm;
	enum vcpu_power old;

	pthread_mutex_lock(&vm->lock);
	old = vcpu->power;
	if (old == VCPU_OFF) {
		vcpu->power = VCPU_ON_PENDING;
		vcpu->entry = entry;
		vcpu->context_id = context_id;
		pthread_cond_signal(&vcpu->wake);
	}
	pthread_mutex_unlock(&vm->lock);
	return old;
}

/*
 * From the vCPU's own thread, while it handles an exit: once the exit is
 * handled, the thread does not re-enter KVM_RUN but sleeps until the next
 * vcpu_request_on().
 */
void vcpu_mark_off(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->vm->lock);
	vcpu->power = VCPU_OFF;
	pthread_mutex_unlock(&vcpu->vm->lock);
}

enum vcpu_power vcpu_power_state(struct vcpu *vcpu)
{
	enum vcpu_power power;

	pthread_mutex_lock(&vcpu->vm->lock);
	power = vcpu->power;
	pthread_mutex_unlock(&vcpu->vm->lock);
	return power;
}

/*
 * Resets the vCPU and starts it at @entry with x0 = @context_id.  The
 * reset also cancels the completion of a pending exit (the CPU_OFF that
 * stopped it), so x0-x3 set here stay as they are.
 */
static int vcpu_power_on(struct vcpu *vcpu, uint64_t entry, uint64_t context_id)
{
	struct kvm_mp_state mp_state = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (KVM_IOCTL(vcpu->fd, KVM_ARM_VCPU_INIT, &vcpu->init) < 0 ||
	    vcpu_set_reg(vcpu, CORE_REG(regs.pc), entry) < 0 ||
	    vcpu_set_reg(vcpu, CORE_REG_X(0), context_id) < 0 ||
	    vcpu_set_reg(vcpu, CORE_REG(regs.pstate), PSTATE_BOOT) < 0 ||
	    KVM_IOCTL(vcpu->fd, KVM_SET_MP_STATE, &mp_state) < 0)
		return -1;
	return 0;
}

/*
 * Sleeps while the vCPU is off; powers it on after a request.  Returns
 * false when the VM stops or the power-on failed (*err = -1).
 */
static bool vcpu_wait_runnable(struct vcpu *vcpu, int *err)
{
	struct vm *vm = vcpu->vm;
	uint64_t entry, context_id;
	bool stopping;

	pthread_mutex_lock(&vm->lock);
	while (vcpu->power == VCPU_OFF && !vm->stopping)
		pthread_cond_wait(&vcpu->wake, &vm->lock);
	/* Copied under the lock: vm_stop() may set it once the lock is dropped */
	stopping = vm->stopping;
	if (stopping || vcpu->power == VCPU_ON) {
		pthread_mutex_unlock(&vm->lock);
		return !stopping;
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

static int vcpu_handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (uart_mmio(&vcpu->vm->uart, run->mmio.phys_addr, run->mmio.data,
		      run->mmio.len, run->mmio.is_write))
		return 0;

	/* Like a bus with nothing on it: writes are lost, reads return 0 */
	vmm_log("vcpu%u: unhandled MMIO %s of %u bytes at 0x%llx", vcpu->id,
		run->mmio.is_write ? "write" : "read", run->mmio.len,
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
		vmm_log("vcpu%u: system event %u from KVM's PSCI", vcpu->id,
			run->system_event.type);
		vm_stop(vcpu->vm, run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? 0 : 2);
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		vmm_log("vcpu%u: KVM_EXIT_FAIL_ENTRY, reason 0x%llx", vcpu->id,
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		vmm_log("vcpu%u: KVM_EXIT_INTERNAL_ERROR, suberror %u", vcpu->id,
			run->internal.suberror);
		return -1;
	default:
		vmm_log("vcpu%u: unexpected exit reason %u", vcpu->id, run->exit_reason);
		return -1;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	int err = 0;

	while (!err && vcpu_wait_runnable(vcpu, &err)) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vmm_log("vcpu%u: KVM_RUN: %s", vcpu->id, strerror(errno));
			err = -1;
			break;
		}
		err = vcpu_handle_exit(vcpu);
	}
	if (err)
		vm_stop(vcpu->vm, 1);
	return NULL;
}

static void vcpu_kick_handler(int sig)
{
	/* Only there to make KVM_RUN return -EINTR */
	(void)sig;
}

/* Once, before the first vCPU thread starts: the signal of vcpu_stop(). */
void vcpu_setup_kick(void)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction SIGUSR1: %s", strerror(errno));
}

void vcpu_start_thread(struct vcpu *vcpu)
{
	int err = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

	if (err)
		die("pthread_create vcpu%u: %s", vcpu->id, strerror(err));
}

/*
 * Once the VM is stopping: wakes the vCPU's thread if it sleeps, and
 * makes it leave KVM_RUN if it runs (the signal interrupts a running
 * KVM_RUN, immediate_exit covers a thread just about to enter it).
 */
void vcpu_stop(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->vm->lock);
	pthread_cond_signal(&vcpu->wake);
	pthread_mutex_unlock(&vcpu->vm->lock);

	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(vcpu->thread, SIGUSR1);
}

void vcpu_join(struct vcpu *vcpu)
{
	pthread_join(vcpu->thread, NULL);
}
