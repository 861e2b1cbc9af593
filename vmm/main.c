// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: boots an arm64 Linux Image with N vCPUs, the in-kernel GICv3 and
 * arch timer, a 16550 UART emulated here, and PSCI handled here (psci.c)
 * through a hypercall filter: the series' KVM_ARM_VM_HVC_CTRL slots
 * (hvc_ctrl.c, the default) or mainline's KVM_ARM_VM_SMCCC_CTRL ranges
 * (smccc_filter.c, --abi mainline).
 *
 * Here: the command line and the order of the setup steps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "vmm.h"

#define DEFAULT_VCPUS	4
#define DEFAULT_RAM_MIB	256
#define MAX_RAM_MIB	(64 * 1024)

static const struct hypercall_abi *const abis[] = {
	&hvc_ctrl_abi,		/* the default */
	&smccc_filter_abi,
};

static void __attribute__((noreturn)) usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [-c CPUS] [-m MiB] -k IMAGE [-i INITRD] [-a ARGS] [--abi ABI] [--trace]\n"
		"  -c, --cpus CPUS     number of vCPUs (default %d, max %lu)\n"
		"  -m, --mem MiB       guest RAM in MiB (default %d)\n"
		"  -k, --kernel IMAGE  arm64 Linux Image to boot\n"
		"  -i, --initrd FILE   initramfs to pass to the kernel\n"
		"  -a, --append ARGS   kernel command line (repeated -a add up)\n"
		"      --abi ABI       how PSCI reaches the VMM: \"hvc\" (default), the\n"
		"                      series' HVC slots (KVM_ARM_VM_HVC_CTRL), or \"mainline\",\n"
		"                      mainline's SMCCC filter (KVM_ARM_VM_SMCCC_CTRL)\n"
		"      --trace         log every forwarded hypercall to stderr\n"
		"Exit status: 0 guest SYSTEM_OFF, 2 guest SYSTEM_RESET, 1 error.\n",
		prog, DEFAULT_VCPUS, MAX_VCPUS, DEFAULT_RAM_MIB);
	exit(status);
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

static const struct hypercall_abi *parse_abi(const char *prog, const char *arg)
{
	unsigned int i;

	for (i = 0; i < sizeof(abis) / sizeof(abis[0]); i++)
		if (!strcmp(arg, abis[i]->name))
			return abis[i];
	fprintf(stderr, "%s: unknown ABI '%s' (want hvc or mainline)\n", prog, arg);
	usage(prog, 1);
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
		{ "abi",	required_argument,	NULL, 'A' },
		{ "trace",	no_argument,		NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ }
	};
	int opt;

	cfg->nr_vcpus = DEFAULT_VCPUS;
	cfg->ram_size = (uint64_t)DEFAULT_RAM_MIB << 20;
	cfg->cmdline = "";
	cfg->abi = abis[0];

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
		case 'A':
			cfg->abi = parse_abi(argv[0], optarg);
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

int main(int argc, char **argv)
{
	struct vm vm = { 0 };
	unsigned int i;
	int status;

	parse_options(&vm.cfg, argc, argv);
	vmm_log("PSCI through %s", vm.cfg.abi->description);

	vm_create(&vm);
	uart_init(&vm.uart, STDOUT_FILENO);
	/* Before any vCPU exists, let alone runs: mainline's filter wants that */
	psci_claim(&vm);

	vm.vcpus = calloc(vm.cfg.nr_vcpus, sizeof(*vm.vcpus));
	if (!vm.vcpus)
		die("out of memory");
	for (i = 0; i < vm.cfg.nr_vcpus; i++)
		vcpu_create(&vm, &vm.vcpus[i], i);
	gic_create(&vm);

	load_images(&vm);
	fdt_build(&vm);

	/* The boot CPU starts like a CPU_ON of the kernel with x0 = DTB */
	vcpu_request_on(&vm.vcpus[0], vm.kernel_entry, vm.dtb_addr);
	status = vm_run(&vm);
	psci_print_stats(&vm);
	return status;
}
