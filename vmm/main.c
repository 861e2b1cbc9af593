// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: boots an arm64 Linux Image with N vCPUs, the in-kernel GICv3 and
 * arch timer, a 16550 UART emulated here, and PSCI handled here (psci.c)
 * through the KVM_ARM_VM_HVC_CTRL hypercall filter.
 *
 * Here: command line, VM and memory setup, start and stop of the vCPUs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

#define DEFAULT_VCPUS	4
#define DEFAULT_RAM_MIB	256
#define MAX_RAM_MIB	(64 * 1024)

static void __attribute__((noreturn)) usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [-c CPUS] [-m MiB] -k IMAGE [-i INITRD] [-a ARGS] [--trace]\n"
		"  -c, --cpus CPUS     number of vCPUs (default %d, max %lu)\n"
		"  -m, --mem MiB       guest RAM in MiB (default %d)\n"
		"  -k, --kernel IMAGE  arm64 Linux Image to boot\n"
		"  -i, --initrd FILE   initramfs to pass to the kernel\n"
		"  -a, --append ARGS   kernel command line (repeated -a add up)\n"
		"      --trace         log every forwarded hypercall to stderr\n"
		"Exit status: 0 guest SYSTEM_OFF, 2 guest SYSTEM_RESET, 1 error.\n",
		prog, DEFAULT_VCPUS, MAX_VCPUS, DEFAULT_RAM_MIB);
	exit(status);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

int vmm_ioctl(int fd, unsigned long req, const char *name, unsigned long arg)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		fprintf(stderr, "vmm: %s: %s\n", name, strerror(errno));
	return ret;
}

void *guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t size = vm->cfg.ram_size;

	if (gpa < RAM_BASE || len > size || gpa - RAM_BASE > size - len)
		return NULL;
	return vm->ram + (gpa - RAM_BASE);
}

/* Asks the main thread to stop every vCPU and exit with @status. */
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

static unsigned long parse_number(const char *prog, const char *arg,
				  unsigned long min, unsigned long max)
{
	unsigned long val;
	char *end;

	errno = 0;
	val = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || val < min || val > max) {
		fprintf(stderr, "%s: bad number '%s' (want %lu..%lu)\n",
			prog, arg, min, max);
		usage(prog, 1);
	}
	return val;
}

/* Repeated -a options add up: "-a A -a B" is "-a 'A B'" */
static const char *append_arg(const char *cmdline, const char *arg)
{
	char *joined;

	if (!*cmdline)
		return arg;
	if (asprintf(&joined, "%s %s", cmdline, arg) < 0)
		die("out of memory");
	return joined;
}

static void parse_options(struct vm_config *cfg, int argc, char **argv)
{
	static const struct option options[] = {
		{ "cpus",	required_argument,	NULL, 'c' },
		{ "mem",	required_argument,	NULL, 'm' },
		{ "kernel",	required_argument,	NULL, 'k' },
		{ "initrd",	required_argument,	NULL, 'i' },
		{ "append",	required_argument,	NULL, 'a' },
		{ "trace",	no_argument,		NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ }
	};
	int opt;

	cfg->nr_vcpus = DEFAULT_VCPUS;
	cfg->ram_size = (uint64_t)DEFAULT_RAM_MIB << 20;
	cfg->cmdline = "";

	while ((opt = getopt_long(argc, argv, "c:m:k:i:a:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cfg->nr_vcpus = parse_number(argv[0], optarg, 1, MAX_VCPUS);
			break;
		case 'm':
			cfg->ram_size = parse_number(argv[0], optarg, 32,
						     MAX_RAM_MIB) << 20;
			break;
		case 'k':
			cfg->kernel = optarg;
			break;
		case 'i':
			cfg->initrd = optarg;
			break;
		case 'a':
			cfg->cmdline = append_arg(cfg->cmdline, optarg);
			break;
		case 't':
			cfg->trace = true;
			break;
		case 'h':
			usage(argv[0], 0);
		default:
			usage(argv[0], 1);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(argv[0], 1);
	}
	if (!cfg->kernel) {
		fprintf(stderr, "%s: no kernel given (-k IMAGE)\n", argv[0]);
		usage(argv[0], 1);
	}
}

static void vm_create(struct vm *vm)
{
	struct kvm_userspace_memory_region region;
	int max_vcpus;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		die("open /dev/kvm: %s", strerror(errno));
	if (KVM_IOCTL_OR_DIE(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM_GET_API_VERSION: not %d", KVM_API_VERSION);
	if (KVM_IOCTL_OR_DIE(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_ATTRIBUTES) <= 0)
		die("KVM has no VM attributes (KVM_CAP_VM_ATTRIBUTES): this kernel lacks the HVC filter series");
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

static void kick_signal_handler(int sig)
{
	/* Only there to make KVM_RUN return -EINTR */
	(void)sig;
}

/* Wakes and kicks every vCPU thread out of KVM_RUN, and waits for them. */
static void vm_stop_vcpus(struct vm *vm)
{
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		pthread_cond_signal(&vm->vcpus[i].wake);
	pthread_mutex_unlock(&vm->lock);

	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	for (i = 0; i < vm->cfg.nr_vcpus; i++)
		pthread_join(vm->vcpus[i].thread, NULL);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = kick_signal_handler };
	struct vm vm = { .gic_fd = -1 };
	unsigned int i;

	parse_options(&vm.cfg, argc, argv);
	pthread_mutex_init(&vm.lock, NULL);
	pthread_cond_init(&vm.stop_cond, NULL);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction: %s", strerror(errno));

	vm_create(&vm);
	uart_init(&vm.uart, STDOUT_FILENO);
	psci_claim_range(&vm);

	vm.vcpus = calloc(vm.cfg.nr_vcpus, sizeof(*vm.vcpus));
	if (!vm.vcpus)
		die("out of memory");
	for (i = 0; i < vm.cfg.nr_vcpus; i++)
		vcpu_create(&vm, &vm.vcpus[i], i);
	gic_create(&vm);

	load_images(&vm);
	fdt_build(&vm);

	/* The boot CPU starts like a CPU_ON of the kernel with x0 = DTB */
	vm.vcpus[0].power = VCPU_ON_PENDING;
	vm.vcpus[0].entry = vm.kernel_entry;
	vm.vcpus[0].context_id = vm.dtb_addr;
	for (i = 0; i < vm.cfg.nr_vcpus; i++)
		vcpu_start_thread(&vm.vcpus[i]);

	pthread_mutex_lock(&vm.lock);
	while (!vm.stopping)
		pthread_cond_wait(&vm.stop_cond, &vm.lock);
	pthread_mutex_unlock(&vm.lock);

	vm_stop_vcpus(&vm);
	psci_print_stats(&vm);
	return vm.exit_status;
}
