// SPDX-License-Identifier: GPL-2.0
/*
 * The VM: its fd and attributes, its RAM (one memslot at RAM_BASE), and
 * its life: the main thread starts every vCPU's thread and sleeps until
 * someone calls vm_stop() (SYSTEM_OFF, SYSTEM_RESET, a fatal vCPU error),
 * then stops and joins them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

void vm_create(struct vm *vm)
{
	struct kvm_userspace_memory_region region;
	int max_vcpus;

	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->stop_cond, NULL);
	vm->gic_fd = -1;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		die("open /dev/kvm: %s", strerror(errno));
	if (KVM_IOCTL_OR_DIE(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM_GET_API_VERSION: not %d", KVM_API_VERSION);
	max_vcpus = KVM_IOCTL_OR_DIE(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus > 0 && vm->cfg.nr_vcpus > (unsigned int)max_vcpus)
		die("%u vCPUs asked, KVM allows %d", vm->cfg.nr_vcpus, max_vcpus);

	vm->vm_fd = KVM_IOCTL_OR_DIE(vm->kvm_fd, KVM_CREATE_VM, 0);
	vm->run_size = KVM_IOCTL_OR_DIE(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	vm->ram = mmap(NULL, vm->cfg.ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		die("mmap %llu MiB of guest RAM: %s",
		    (unsigned long long)vm->cfg.ram_size >> 20, strerror(errno));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0,
		.guest_phys_addr = RAM_BASE,
		.memory_size = vm->cfg.ram_size,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	KVM_IOCTL_OR_DIE(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

/*
 * Whether KVM has a VM attribute, asked the one way that works on every
 * kernel: KVM_HAS_DEVICE_ATTR on the VM fd.  (Not
 * KVM_CHECK_EXTENSION(KVM_CAP_VM_ATTRIBUTES): arm64 answers 0 there, with
 * or without VM attributes.)  Returns 0 if KVM has it, else why not, both
 * meaning "not there": EINVAL, a kernel without VM attribute ioctls (6.1
 * without the series); ENXIO, a kernel with them but without this group
 * or attribute (6.12 without the series, for KVM_ARM_VM_HVC_CTRL).  Any
 * other answer is an error and ends the VMM.
 */
int vm_probe_attr_named(struct vm *vm, uint32_t group, uint64_t attr,
			const char *name)
{
	struct kvm_device_attr dev_attr = { .group = group, .attr = attr };
	int err;

	if (!ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &dev_attr))
		return 0;
	err = errno;
	if (err != EINVAL && err != ENXIO)
		die("KVM_HAS_DEVICE_ATTR(%s): %s", name, strerror(err));
	return err;
}

/* Dies, naming the attribute and saying what lacks it, unless KVM has it. */
void vm_require_attr_named(struct vm *vm, uint32_t group, uint64_t attr,
			   const char *name, const char *missing)
{
	int err = vm_probe_attr_named(vm, group, attr, name);

	if (err)
		die("KVM_HAS_DEVICE_ATTR(%s): %s (%s): %s", name, strerror(err),
		    err == EINVAL ? "no VM attribute ioctls" : "no such VM attribute",
		    missing);
}

void *guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t size = vm->cfg.ram_size;

	if (gpa < RAM_BASE || len > size || gpa - RAM_BASE > size - len)
		return NULL;
	return vm->ram + (gpa - RAM_BASE);
}

/* Asks the main thread (vm_run()) to stop every vCPU and return @status. */
void vm_stop(struct vm *vm, int status)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->stopping) {
		vm->stopping = true;
		vm->exit_status = status;
		pthread_cond_signal(&vm->stop_cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

/* Runs the vCPUs until vm_stop(); returns its status. */
int vm_run(struct vm *vm)
{
	unsigned int i;
	int status;

	vcpu_setup_kick();
	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		vcpu_start_thread(&vm->vcpus[i]);

	pthread_mutex_lock(&vm->lock);
	while (!vm->stopping)
		pthread_cond_wait(&vm->stop_cond, &vm->lock);
	/* Written once, with stopping, under the lock */
	status = vm->exit_status;
	pthread_mutex_unlock(&vm->lock);

	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		vcpu_stop(&vm->vcpus[i]);
	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		vcpu_join(&vm->vcpus[i]);
	return status;
}
