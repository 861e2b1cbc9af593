// SPDX-License-Identifier: GPL-2.0
/*
 * hvc_bench: what the KVM/arm64 hypercall filters cost on the trap path.
 *
 * A minimal VM (one vCPU, 64K of RAM, MMU off, no in-kernel GIC) runs
 * timed loops that the host program starts through an MMIO command page.
 * The cases, and the kernels that run them (6.1 and 6.12 with the series:
 * "patched"; Debian's 6.12 without it: "6.12"; Debian's 6.1 without it:
 * "6.1"):
 *
 *   case 1   HVC SMCCC_VERSION, handled in KVM, no filter table
 *            (all four kernels)
 *   case 2   the same call with 1, 4, 8, ... and all slots enabled on other
 *            owners' services (PSCI, vendor hypervisor, SiP, ...), none
 *            matching it (see filter_other_owners()) (patched)
 *   case 7   ("2w") the same call with all slots enabled on IDs that share
 *            its conduit, imm and top byte, none covering it: nothing on
 *            those turns the call away, the slot lookup runs in full and
 *            KVM handles the call after it (see filter_same_owner())
 *            (patched)
 *   case 10  ("2d") case 7's slots, the guest calling instead an ID that
 *            the last of them DENIES: decided by a slot, x0 = -1 with no
 *            exit, the worst case up to the point where a call is decided
 *            (patched)
 *   case 3   HVC 0xC6000001 forwarded by a USER slot (KVM_EXIT_HYPERCALL
 *            with KVM_HYPERCALL_EXIT_SLOT), completed through the run
 *            struct (run->hypercall.ret) (patched)
 *   case 4   the same, completed with KVM_GET_ONE_REG x1-x3 and
 *            KVM_SET_ONE_REG x0-x3 before re-entering (patched)
 *   case 5   an MMIO read outside any memslot, completed in userspace
 *            (run->mmio.data): the floor of any exit to userspace
 *            (all four kernels)
 *   case 8   ("4m") case 4's call forwarded instead by a FWD_TO_USER range
 *            of mainline's SMCCC filter (KVM_ARM_VM_SMCCC_CTRL, an exit
 *            without KVM_HYPERCALL_EXIT_SLOT), completed with the same
 *            GET/SET_ONE_REG sequence, in a VM of its own (patched, 6.12)
 *   case 9   ("2m") case 1's call in a VM of its own with 16 DENY ranges of
 *            mainline's SMCCC filter on the other owners of case 2
 *            (patched, 6.12)
 *   fill     N = 1024 and N = 16384 one-function DENY ranges of mainline's
 *            SMCCC filter installed in a fresh VM, at IDs 0xC6000000 + 2i
 *            in ascending order (one owner, none adjacent, outside the Arm
 *            Architecture Calls); the N KVM_SET_DEVICE_ATTR calls are timed
 *            by this program, CLOCK_MONOTONIC, per insert (patched, 6.12)
 *
 * Mainline's ranges cannot be removed and go in before the VM's first
 * KVM_RUN: cases 8 and 9 each get a fresh VM, set up before any loop runs,
 * and every fill sample a VM of its own, with no vCPU.
 *
 * The guest times each loop with CNTVCT_EL0. Under QEMU's -icount shift=0
 * virtual time advances one nanosecond per emulated instruction, so the
 * figure printed is emulated instructions per call: all the work done on
 * the one CPU (guest, host kernel, KVM, this VMM), a deterministic proxy
 * for CPU cost, not a latency on real hardware. The host kernel's
 * CLOCK_MONOTONIC runs on the same virtual time: a fill figure is emulated
 * instructions per insert.
 *
 * No in-kernel GIC: the trap path is a little leaner than a real VMM's, which
 * if anything overstates the filter's relative cost. Each loop checks that
 * it took the exits it should (and, through the hypercall_user_exits and
 * hypercall_denied vCPU stats where the kernel has them, that a slot
 * decided the calls it should and no other) and that the guest got the
 * expected x0; each fill checks that its ranges are in. A guest exception
 * or a hung loop ends the program with an error.
 *
 * Each filter is probed with KVM_HAS_DEVICE_ATTR on its documented
 * attribute (KVM_ARM_VM_HVC_NR_SLOTS, KVM_ARM_VM_SMCCC_FILTER); EINVAL (no
 * VM attribute ioctls: 6.1) and ENXIO (no such group: 6.12 for
 * KVM_ARM_VM_HVC_CTRL) both mean "absent", and the first line says what
 * was found. Machine-readable results, one line a case (slots: filter
 * slots or mainline ranges set; for fill, n is N and the figures are per
 * insert):
 *
 *   bench: filter=present|absent nr_slots=<n> smccc_filter=present|absent calls=<c> reps=<r>
 *   bench: case=<n> slots=<k> n=<calls> reps=<r> min=<x> median=<y> samples=...
 *
 * usage: hvc_bench [CALLS [REPS]]   (default 20000 calls a loop, 5 loops a case)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#define GUEST_RAM		0x10000000	/* the code runs here, MMU off */
#define GUEST_RAM_SIZE		0x10000UL
#define GUEST_VECTORS		0x800		/* offset of the vectors (VBAR_EL1) */
#define MMIO_BASE		0x20000000	/* no memslot: every access exits */
#define   CMD_MODE		0x00		/* read: 0 HVC loop, 1 MMIO loop */
#define   CMD_COUNT		0x08		/* read: iterations */
#define   CMD_FUNC		0x10		/* read: x0 of the HVC */
#define   REPORT_X0		0x18		/* write: x0 after the last call */
#define   REPORT_FREQ		0x20		/* write: CNTFRQ_EL0 */
#define   REPORT_TICKS		0x28		/* write: CNTVCT_EL0 delta; loop done */
#define   REPORT_ELR		0x30		/* write: ELR_EL1 of an exception */
#define   REPORT_FAR		0x38		/* write: FAR_EL1 of an exception */
#define   REPORT_ESR		0x40		/* write: ESR_EL1 of an exception */
#define   BENCH_MMIO		0x100		/* read: the case 5 access */

#define MODE_HVC		0
#define MODE_MMIO		1

#define FN_IN_KERNEL		0x80000000U	/* ARM_SMCCC_VERSION_FUNC_ID */
#define FN_FORWARDED		0xC6000001U	/* a 64-bit vendor hypervisor call */
#define SLOT_SPAN		0x10000U	/* IDs a case 2 / 7 slot claims */
#define VMM_RET			0x600dUL	/* what the VMM answers */
#define SMCCC_RET_NOT_SUPPORTED	(~0ULL)		/* x0 of a DENY */

#define FILL_BASE		0xC6000000U	/* fill: ranges at FILL_BASE + 2i */

#define WATCHDOG_SECS		60		/* one loop, in guest (= icount) time */

#define STR(x)			#x
#define XSTR(x)			STR(x)

/*
 * The guest: fetch a command, run the loop between two counter reads,
 * report, fetch the next command. Position independent; copied to
 * GUEST_RAM. x24 holds MMIO_BASE. The labels are global: the static link
 * resolved the C program's (GOT) references to local ones to 0.
 */
asm(
"	.pushsection .rodata.guest_code, \"a\"\n"
"	.globl	guest_code, guest_code_end\n"
"	.balign	2048\n"		/* VBAR_EL1 alignment */
"guest_code:\n"
"	mov	x24, #" XSTR(MMIO_BASE) "\n"
"1:	ldr	x21, [x24, #" XSTR(CMD_MODE) "]\n"
"	ldr	x20, [x24, #" XSTR(CMD_COUNT) "]\n"
"	ldr	x19, [x24, #" XSTR(CMD_FUNC) "]\n"
"	isb\n"
"	mrs	x22, cntvct_el0\n"
"	cbnz	x21, 3f\n"
"2:	mov	x0, x19\n"
"	hvc	#0\n"
"	subs	x20, x20, #1\n"
"	b.ne	2b\n"
"	b	4f\n"
"3:	ldr	x0, [x24, #" XSTR(BENCH_MMIO) "]\n"
"	subs	x20, x20, #1\n"
"	b.ne	3b\n"
"4:	isb\n"
"	mrs	x23, cntvct_el0\n"
"	sub	x23, x23, x22\n"
"	mrs	x25, cntfrq_el0\n"
"	str	x0, [x24, #" XSTR(REPORT_X0) "]\n"
"	str	x25, [x24, #" XSTR(REPORT_FREQ) "]\n"
"	str	x23, [x24, #" XSTR(REPORT_TICKS) "]\n"
"	b	1b\n"
/* Any exception is a bug of this program: report it rather than loop. */
"	.org	guest_code + " XSTR(GUEST_VECTORS) "\n"
"	.rept	16\n"
"	b	5f\n"
"	.balign	128\n"
"	.endr\n"
"5:	mov	x24, #" XSTR(MMIO_BASE) "\n"
"	mrs	x0, elr_el1\n"
"	mrs	x1, far_el1\n"
"	mrs	x2, esr_el1\n"
"	str	x0, [x24, #" XSTR(REPORT_ELR) "]\n"
"	str	x1, [x24, #" XSTR(REPORT_FAR) "]\n"
"	str	x2, [x24, #" XSTR(REPORT_ESR) "]\n"
"	b	5b\n"
"guest_code_end:\n"
"	.popsection\n");

extern const char guest_code[], guest_code_end[];

enum completion {
	COMPLETE_RUN_STRUCT,	/* case 3: run->hypercall.ret, re-enter */
	COMPLETE_ONE_REG,	/* cases 4, 8: 3 GET_ONE_REG + 4 SET_ONE_REG */
};

/* Who answers a loop's calls, and so what the loop must see */
enum outcome {
	OUTCOME_KVM,		/* KVM's SMCCC code: no exit, x0 SMCCC_VERSION */
	OUTCOME_SLOT_DENY,	/* a slot's DENY: no exit, x0 = -1 */
	OUTCOME_SLOT_FWD,	/* a USER slot: one exit a call, x0 from the VMM */
	OUTCOME_SMCCC_FWD,	/* mainline's FWD_TO_USER: the same */
	OUTCOME_MMIO,		/* one MMIO exit a read, x0 from the VMM */
};

/* The vCPU's hypercall counters (the series' binary stats), if it has them */
struct vcpu_stats {
	int fd;
	bool present;
	off_t user_exits, denied;	/* offsets of the values in fd */
};

struct vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	bool has_filter;		/* KVM_ARM_VM_HVC_CTRL */
	unsigned int nr_slots;
	bool has_smccc_filter;		/* KVM_ARM_VM_SMCCC_CTRL */
	struct vcpu_stats stats;
};

/* One measured loop: its command and what it returned. */
struct loop {
	uint64_t mode, count, func;
	enum completion completion;
	enum outcome outcome;
	uint64_t x0, freq, ticks;
	uint64_t elr, far;
	uint64_t hypercall_exits, mmio_exits;
	uint64_t stat_user_exits, stat_denied;	/* deltas over the loop */
};

static void on_alarm(int sig)
{
	(void)sig;
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	printf("bench: error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))

#define VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)

static uint64_t get_reg(struct vm *vm, uint64_t id)
{
	uint64_t val;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vm->vcpu_fd, KVM_GET_ONE_REG, &reg))
		die("KVM_GET_ONE_REG 0x%llx: %s", (unsigned long long)id, strerror(errno));
	return val;
}

static void set_reg(struct vm *vm, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG 0x%llx: %s", (unsigned long long)id, strerror(errno));
}

/*
 * Whether the VM has an attribute, by KVM_HAS_DEVICE_ATTR (never
 * KVM_CAP_VM_ATTRIBUTES, which arm64 answers 0). Absent: EINVAL from a
 * kernel without VM attribute ioctls (6.1), ENXIO from one without the
 * group (6.12 for KVM_ARM_VM_HVC_CTRL). Anything else is an error.
 */
static bool vm_has_attr(struct vm *vm, uint32_t group, uint64_t attr, const char *name)
{
	struct kvm_device_attr dev_attr = { .group = group, .attr = attr };

	if (!ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &dev_attr))
		return true;
	if (errno != EINVAL && errno != ENXIO)
		die("KVM_HAS_DEVICE_ATTR %s: %s", name, strerror(errno));
	return false;
}

/* Each filter by its documented attribute; an unpatched 6.1 has neither. */
static void vm_probe_filters(struct vm *vm)
{
	uint32_t nr_slots = 0;
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_HVC_CTRL,
		.attr = KVM_ARM_VM_HVC_NR_SLOTS,
		.addr = (uintptr_t)&nr_slots,
	};

	vm->has_smccc_filter = vm_has_attr(vm, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER,
					   "KVM_ARM_VM_SMCCC_FILTER");
	vm->has_filter = vm_has_attr(vm, KVM_ARM_VM_HVC_CTRL, KVM_ARM_VM_HVC_NR_SLOTS,
				     "KVM_ARM_VM_HVC_NR_SLOTS");
	vm->nr_slots = 0;
	if (!vm->has_filter)
		return;
	if (ioctl(vm->vm_fd, KVM_GET_DEVICE_ATTR, &attr))
		die("KVM_GET_DEVICE_ATTR KVM_ARM_VM_HVC_NR_SLOTS: %s", strerror(errno));
	vm->nr_slots = nr_slots;
}

static uint64_t stats_read(const struct vcpu_stats *st, off_t off)
{
	uint64_t val;

	if (pread(st->fd, &val, sizeof(val), off) != sizeof(val))
		die("read of the vCPU stats: %s", strerror(errno));
	return val;
}

/* Finds the series' hypercall counters among the vCPU's binary stats. */
static void stats_open(struct vm *vm)
{
	struct vcpu_stats *st = &vm->stats;
	struct kvm_stats_header h;
	size_t desc_size;
	char *descs;
	unsigned int i;
	int found = 0;

	st->fd = ioctl(vm->vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (st->fd < 0)
		die("KVM_GET_STATS_FD: %s", strerror(errno));
	if (pread(st->fd, &h, sizeof(h), 0) != sizeof(h))
		die("read of the vCPU stats header: %s", strerror(errno));
	desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(desc_size * h.num_desc);
	if (!descs)
		die("out of memory");
	if (pread(st->fd, descs, desc_size * h.num_desc, h.desc_offset) !=
	    (ssize_t)(desc_size * h.num_desc))
		die("read of the vCPU stats descriptors: %s", strerror(errno));

	for (i = 0; i < h.num_desc; i++) {
		const struct kvm_stats_desc *d = (void *)(descs + i * desc_size);

		if (!strcmp(d->name, "hypercall_user_exits")) {
			st->user_exits = h.data_offset + d->offset;
			found++;
		} else if (!strcmp(d->name, "hypercall_denied")) {
			st->denied = h.data_offset + d->offset;
			found++;
		}
	}
	free(descs);
	st->present = found == 2;
}

static void vm_create(struct vm *vm)
{
	struct kvm_userspace_memory_region mem = {
		.guest_phys_addr = GUEST_RAM,
		.memory_size = GUEST_RAM_SIZE,
	};
	struct kvm_vcpu_init init;
	void *ram;
	int size;

	vm->kvm_fd = open("/dev/kvm", O_RDWR);
	if (vm->kvm_fd < 0)
		die("open /dev/kvm: %s", strerror(errno));
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));

	ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap guest RAM: %s", strerror(errno));
	memcpy(ram, guest_code, (uintptr_t)guest_code_end - (uintptr_t)guest_code);
	mem.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		die("KVM_CREATE_VCPU: %s", strerror(errno));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	init.features[0] |= 1 << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vm->vcpu_fd, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT: %s", strerror(errno));
	set_reg(vm, CORE_REG(regs.pc), GUEST_RAM);
	set_reg(vm, VBAR_EL1, GUEST_RAM + GUEST_VECTORS);

	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	vm->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die("mmap kvm_run: %s", strerror(errno));

	vm_probe_filters(vm);
	stats_open(vm);
}

static void set_slot(struct vm *vm, uint32_t slot, uint16_t flags,
		     uint32_t fn_start, uint32_t fn_end)
{
	struct kvm_arm_hvc_range r = {
		.slot = slot, .flags = flags, .fn_start = fn_start, .fn_end = fn_end,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_HVC_CTRL,
		.attr = KVM_ARM_VM_HVC_SET_RANGE,
		.addr = (uintptr_t)&r,
	};

	if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("KVM_SET_DEVICE_ATTR slot %u [0x%x, 0x%x]: %s", slot,
		    fn_start, fn_end, strerror(errno));
}

/*
 * Top bytes (fast call, SMC64, owner) of the ranges case 2 claims: the
 * services a VMM would take over (PSCI, vendor hypervisor, SiP, OEM,
 * standard hypervisor, CPU, trusted apps and OS), in both calling
 * conventions; none is the ARCH owner of FN_IN_KERNEL (0x80).
 */
static const uint8_t other_owners[] = {
	0x84, 0xc4, 0x86, 0xc6, 0x82, 0xc2, 0x83, 0xc3,
	0x85, 0xc5, 0x81, 0xc1, 0xb0, 0xf0, 0xb2, 0xf2,
};

static void filter_clear(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_slots; i++)
		set_slot(vm, i, 0, 0, 0);
}

/* Empty table, then @nr DENY slots, each on 64K IDs of another owner. */
static void filter_other_owners(struct vm *vm, unsigned int nr)
{
	unsigned int i;

	if (nr > sizeof(other_owners))
		die("%u slots, but only %zu other owners", nr, sizeof(other_owners));
	filter_clear(vm);
	for (i = 0; i < nr; i++) {
		uint32_t start = (uint32_t)other_owners[i] << 24;

		set_slot(vm, i, KVM_ARM_HVC_DENY, start, start + SLOT_SPAN - 1);
	}
}

/* The first ID of slot @i of filter_same_owner() */
static uint32_t same_owner_start(unsigned int i)
{
	return FN_IN_KERNEL + (i + 1) * SLOT_SPAN;
}

/*
 * Empty table, then @nr DENY slots that do not match FN_IN_KERNEL but
 * share everything a shortcut could look at: its conduit (HVC), imm (0)
 * and top byte (0x80). The ranges lie in 0x80010000-0x80ffffff (IDs no
 * SMCCC service uses; 0x8000xxxx are the reserved Arm Architecture Calls),
 * so nothing turns FN_IN_KERNEL away before the lookup, which finds no
 * slot for it (case 7); a call to same_owner_start(@nr - 1), the last
 * slot's, is denied by that slot (case 10).
 */
static void filter_same_owner(struct vm *vm, unsigned int nr)
{
	unsigned int i;

	if (!nr || nr > 0xff)
		die("%u slots do not fit in 0x80010000-0x80ffffff", nr);
	filter_clear(vm);
	for (i = 0; i < nr; i++) {
		uint32_t start = same_owner_start(i);

		set_slot(vm, i, KVM_ARM_HVC_DENY, start, start + SLOT_SPAN - 1);
	}
}

/*
 * One range of mainline's SMCCC filter, [base, base + nr), on @vm_fd; only
 * before the VM's first KVM_RUN, and for good. Returns the errno.
 */
static int __smccc_filter_add(int vm_fd, uint32_t base, uint32_t nr, uint8_t action)
{
	struct kvm_smccc_filter f = { .base = base, .nr_functions = nr, .action = action };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&f,
	};

	return ioctl(vm_fd, KVM_SET_DEVICE_ATTR, &attr) ? errno : 0;
}

static void smccc_filter_add(int vm_fd, uint32_t base, uint32_t nr, uint8_t action)
{
	int err = __smccc_filter_add(vm_fd, base, nr, action);

	if (err)
		die("KVM_SET_DEVICE_ATTR KVM_ARM_VM_SMCCC_FILTER [0x%x, +0x%x) action %u: %s",
		    base, nr, action, strerror(err));
}

/* A fresh VM whose only filter is one FWD_TO_USER range on FN_FORWARDED. */
static void vm_create_smccc_forward(struct vm *vm)
{
	vm_create(vm);
	smccc_filter_add(vm->vm_fd, FN_FORWARDED, 1, KVM_SMCCC_FILTER_FWD_TO_USER);
}

/* A fresh VM with a DENY range on 64K IDs of each of the other owners. */
static void vm_create_smccc_other_owners(struct vm *vm)
{
	unsigned int i;

	vm_create(vm);
	for (i = 0; i < sizeof(other_owners); i++)
		smccc_filter_add(vm->vm_fd, (uint32_t)other_owners[i] << 24, SLOT_SPAN,
				 KVM_SMCCC_FILTER_DENY);
}

/* Empty table, then one USER slot claiming FN_FORWARDED. */
static void filter_forward(struct vm *vm)
{
	filter_clear(vm);
	set_slot(vm, 0, KVM_ARM_HVC_USER, FN_FORWARDED, FN_FORWARDED);
}

static void complete_hypercall(struct vm *vm, struct loop *l)
{
	struct kvm_run *run = vm->run;
	uint64_t flags = run->hypercall.flags, x1, x2, x3;
	bool slot = l->outcome == OUTCOME_SLOT_FWD;

	if (l->outcome != OUTCOME_SLOT_FWD && l->outcome != OUTCOME_SMCCC_FWD)
		die("KVM_EXIT_HYPERCALL for 0x%llx in a loop that expects none",
		    (unsigned long long)run->hypercall.nr);
	if (run->hypercall.nr != l->func)
		die("KVM_EXIT_HYPERCALL for 0x%llx, expected 0x%llx",
		    (unsigned long long)run->hypercall.nr, (unsigned long long)l->func);
	/* HVC #0 from AArch64: a slot's exit says so, mainline's has no flag */
	if (flags != (slot ? KVM_HYPERCALL_EXIT_SLOT : 0))
		die("KVM_EXIT_HYPERCALL flags 0x%llx, expected 0x%llx (%s)",
		    (unsigned long long)flags,
		    slot ? (unsigned long long)KVM_HYPERCALL_EXIT_SLOT : 0ULL,
		    slot ? "an HVC filter slot's exit" : "an SMCCC filter exit");
	l->hypercall_exits++;
	/*
	 * On the ONE_REG path of our interface KVM completes the call from the
	 * run struct on re-entry, except the registers written here; ret is
	 * set to the same answer so that every path leaves the same registers
	 * to the guest.  Mainline's ABI (case 8) ignores it; the store keeps
	 * the VMM's work of cases 4 and 8 the same.
	 */
	run->hypercall.ret = VMM_RET;
	if (l->completion != COMPLETE_ONE_REG)
		return;
	x1 = get_reg(vm, CORE_REG(regs.regs[1]));
	x2 = get_reg(vm, CORE_REG(regs.regs[2]));
	x3 = get_reg(vm, CORE_REG(regs.regs[3]));
	set_reg(vm, CORE_REG(regs.regs[0]), VMM_RET);
	set_reg(vm, CORE_REG(regs.regs[1]), x1);
	set_reg(vm, CORE_REG(regs.regs[2]), x2);
	set_reg(vm, CORE_REG(regs.regs[3]), x3);
}

/* Serves the command page and the exits of the loop until its report. */
static void run_loop(struct vm *vm, struct loop *l)
{
	const struct vcpu_stats *st = &vm->stats;
	struct kvm_run *run = vm->run;
	uint64_t val;

	/* A guest stuck in KVM (say, faulting on its vectors) ends as an error. */
	alarm(WATCHDOG_SECS);
	l->hypercall_exits = l->mmio_exits = 0;
	if (st->present) {
		l->stat_user_exits = -stats_read(st, st->user_exits);
		l->stat_denied = -stats_read(st, st->denied);
	}
	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0)) {
			if (errno == EINTR)
				die("guest stuck for %us at PC 0x%llx", WATCHDOG_SECS,
				    (unsigned long long)get_reg(vm, CORE_REG(regs.pc)));
			die("KVM_RUN: %s", strerror(errno));
		}

		if (run->exit_reason == KVM_EXIT_HYPERCALL) {
			complete_hypercall(vm, l);
			continue;
		}
		if (run->exit_reason != KVM_EXIT_MMIO)
			die("unexpected exit reason %u", run->exit_reason);
		if (run->mmio.len != 8)
			die("MMIO access of %u bytes at 0x%llx", run->mmio.len,
			    (unsigned long long)run->mmio.phys_addr);

		memcpy(&val, run->mmio.data, 8);
		switch (run->mmio.phys_addr - MMIO_BASE) {
		case BENCH_MMIO:
			l->mmio_exits++;
			val = VMM_RET;
			break;
		case CMD_MODE:
			val = l->mode;
			break;
		case CMD_COUNT:
			val = l->count;
			break;
		case CMD_FUNC:
			val = l->func;
			break;
		case REPORT_X0:
			l->x0 = val;
			continue;
		case REPORT_FREQ:
			l->freq = val;
			continue;
		case REPORT_ELR:
			l->elr = val;
			continue;
		case REPORT_FAR:
			l->far = val;
			continue;
		case REPORT_ESR:
			die("guest exception: ESR_EL1 0x%llx ELR_EL1 0x%llx FAR_EL1 0x%llx",
			    (unsigned long long)val, (unsigned long long)l->elr,
			    (unsigned long long)l->far);
		case REPORT_TICKS:
			l->ticks = val;
			alarm(0);
			if (st->present) {
				l->stat_user_exits += stats_read(st, st->user_exits);
				l->stat_denied += stats_read(st, st->denied);
			}
			return;
		default:
			die("MMIO access at unknown address 0x%llx",
			    (unsigned long long)run->mmio.phys_addr);
		}
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &val, 8);
	}
}

#define CASE_FILL	0	/* bench_case.id of the fill cases */

struct bench_case {
	int id;				/* 1-10, or CASE_FILL */
	struct vm *vm;			/* the VM it runs in (fill: only its kvm_fd) */
	unsigned int slots;		/* enabled filter slots or mainline ranges */
	const char *what;
	double *samples;		/* emulated instructions (ns) per call or insert */
};

static void add_case(struct bench_case *cases, unsigned int *nr, struct vm *vm,
		     int id, unsigned int slots, const char *what)
{
	cases[(*nr)++] = (struct bench_case){
		.id = id, .vm = vm, .slots = slots, .what = what,
	};
}

static void setup_case(const struct bench_case *c, struct loop *l)
{
	struct vm *vm = c->vm;

	memset(l, 0, sizeof(*l));
	l->mode = MODE_HVC;
	l->outcome = OUTCOME_KVM;
	l->func = FN_IN_KERNEL;
	switch (c->id) {
	case 1:
		if (vm->has_filter)
			filter_clear(vm);
		break;
	case 2:
		filter_other_owners(vm, c->slots);
		break;
	case 7:
		filter_same_owner(vm, c->slots);
		break;
	case 10:
		filter_same_owner(vm, c->slots);
		l->func = same_owner_start(c->slots - 1);
		l->outcome = OUTCOME_SLOT_DENY;
		break;
	case 3:
	case 4:
		filter_forward(vm);
		l->func = FN_FORWARDED;
		l->outcome = OUTCOME_SLOT_FWD;
		l->completion = c->id == 4 ? COMPLETE_ONE_REG : COMPLETE_RUN_STRUCT;
		break;
	case 5:
		l->mode = MODE_MMIO;
		l->outcome = OUTCOME_MMIO;
		break;
	case 8:		/* the VM's range, set at its creation */
		l->func = FN_FORWARDED;
		l->outcome = OUTCOME_SMCCC_FWD;
		l->completion = COMPLETE_ONE_REG;
		break;
	case 9:		/* the VM's ranges, set at its creation */
		break;
	default:
		die("no loop for case %d", c->id);
	}
}

/*
 * The loop did what the case says: the right exits, the right answer and,
 * where the kernel counts them, the calls decided by a slot.
 */
static void check_loop(const struct bench_case *c, const struct loop *l, bool has_stats)
{
	bool forwarded = l->outcome == OUTCOME_SLOT_FWD || l->outcome == OUTCOME_SMCCC_FWD;
	bool mmio = l->outcome == OUTCOME_MMIO;
	uint64_t user_exits = l->outcome == OUTCOME_SLOT_FWD ? l->count : 0;
	uint64_t denied = l->outcome == OUTCOME_SLOT_DENY ? l->count : 0;

	if (l->hypercall_exits != (forwarded ? l->count : 0) ||
	    l->mmio_exits != (mmio ? l->count : 0))
		die("case %d: %llu hypercall and %llu MMIO exits for %llu calls", c->id,
		    (unsigned long long)l->hypercall_exits,
		    (unsigned long long)l->mmio_exits, (unsigned long long)l->count);

	switch (l->outcome) {
	case OUTCOME_KVM:
		/* SMCCC_VERSION answered by KVM, not NOT_SUPPORTED by a filter */
		if ((int32_t)l->x0 <= 0)
			die("case %d: SMCCC_VERSION returned 0x%llx", c->id,
			    (unsigned long long)l->x0);
		break;
	case OUTCOME_SLOT_DENY:
		if (l->x0 != SMCCC_RET_NOT_SUPPORTED)
			die("case %d: guest got x0=0x%llx for a denied call, expected -1",
			    c->id, (unsigned long long)l->x0);
		break;
	default:
		if (l->x0 != VMM_RET)
			die("case %d: guest got x0=0x%llx, expected 0x%lx", c->id,
			    (unsigned long long)l->x0, VMM_RET);
		break;
	}

	/*
	 * KVM's NOT_SUPPORTED for an ID it does not know is also -1: only the
	 * stats tell a slot's DENY from it. Case 8's forwards may count or not:
	 * on 6.12 mainline's filter stays mainline's code, which counts nothing.
	 */
	if (l->outcome == OUTCOME_SMCCC_FWD && l->stat_user_exits == l->count)
		user_exits = l->count;
	if (!has_stats) {
		if (l->outcome == OUTCOME_SLOT_DENY || l->outcome == OUTCOME_SLOT_FWD)
			die("case %d: the kernel has slots but no hypercall_denied and "
			    "hypercall_user_exits vCPU stats", c->id);
	} else if (l->stat_user_exits != user_exits || l->stat_denied != denied) {
		die("case %d: hypercall_user_exits +%llu and hypercall_denied +%llu "
		    "for %llu calls, expected +%llu and +%llu", c->id,
		    (unsigned long long)l->stat_user_exits,
		    (unsigned long long)l->stat_denied, (unsigned long long)l->count,
		    (unsigned long long)user_exits, (unsigned long long)denied);
	}

	if (!l->freq || !l->ticks)
		die("case %d: no counter reading (freq %llu, ticks %llu)", c->id,
		    (unsigned long long)l->freq, (unsigned long long)l->ticks);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime: %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * A fill sample: a fresh VM (no vCPU, no memory; mainline's filter needs
 * neither), @nr one-function DENY ranges at FILL_BASE + 2i in ascending
 * order, timed; then the check that they are in: each end of the series
 * taken (EEXIST), the gap between the last two free. Returns the time per
 * insert, in ns.
 */
static double fill_sample(int kvm_fd, unsigned int nr)
{
	uint32_t last = FILL_BASE + 2 * (nr - 1);
	uint64_t start, end;
	unsigned int i;
	int vm_fd, err;

	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));

	start = monotonic_ns();
	for (i = 0; i < nr; i++)
		smccc_filter_add(vm_fd, FILL_BASE + 2 * i, 1, KVM_SMCCC_FILTER_DENY);
	end = monotonic_ns();

	err = __smccc_filter_add(vm_fd, FILL_BASE, 1, KVM_SMCCC_FILTER_DENY);
	if (err != EEXIST)
		die("fill %u: range 0x%x again: %s, expected EEXIST", nr, FILL_BASE,
		    err ? strerror(err) : "accepted");
	err = __smccc_filter_add(vm_fd, last, 1, KVM_SMCCC_FILTER_DENY);
	if (err != EEXIST)
		die("fill %u: range 0x%x again: %s, expected EEXIST", nr, last,
		    err ? strerror(err) : "accepted");
	if (nr > 1)
		smccc_filter_add(vm_fd, last - 1, 1, KVM_SMCCC_FILTER_DENY);
	close(vm_fd);

	return (double)(end - start) / nr;
}

/* One sample of case @c: ns per call (a loop of @count calls) or per insert. */
static double run_case(const struct bench_case *c, unsigned long count)
{
	struct loop l;

	if (c->id == CASE_FILL)
		return fill_sample(c->vm->kvm_fd, c->slots);

	setup_case(c, &l);
	l.count = count;
	run_loop(c->vm, &l);
	check_loop(c, &l, c->vm->stats.present);
	return (double)l.ticks * 1e9 / l.freq / l.count;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	unsigned int reps = argc > 2 ? strtoul(argv[2], NULL, 0) : 5;
	static const unsigned int slot_counts[] = { 1, 4, 8, 16 };
	static const unsigned int fill_counts[] = { 1024, 16384 };
	struct bench_case cases[20];
	unsigned int nr_cases = 0, i, r;
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct vm vm, smccc_forward_vm, smccc_ranges_vm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	if (argc > 3 || !calls || !reps || reps > 100) {
		printf("usage: %s [CALLS [REPS]]\n", argv[0]);
		return 2;
	}

	vm_create(&vm);
	if (vm.has_smccc_filter) {
		vm_create_smccc_forward(&smccc_forward_vm);
		vm_create_smccc_other_owners(&smccc_ranges_vm);
	}
	printf("bench: filter=%s nr_slots=%u smccc_filter=%s calls=%lu reps=%u\n",
	       vm.has_filter ? "present" : "absent", vm.nr_slots,
	       vm.has_smccc_filter ? "present" : "absent", calls, reps);
	printf("bench: unit: emulated instructions per call under QEMU -icount shift=0 "
	       "(guest CNTVCT_EL0), a proxy for CPU work, not a hardware latency; "
	       "fill: per insert (host CLOCK_MONOTONIC, the same clock)\n");

	add_case(cases, &nr_cases, &vm, 1, 0, "in-kernel HVC, no filter");
	if (vm.has_filter) {
		for (i = 0; i < sizeof(slot_counts) / sizeof(slot_counts[0]); i++) {
			if (slot_counts[i] < vm.nr_slots)
				add_case(cases, &nr_cases, &vm, 2, slot_counts[i],
					 "in-kernel HVC, non-matching slots");
		}
		add_case(cases, &nr_cases, &vm, 2, vm.nr_slots,
			 "in-kernel HVC, all slots enabled");
		add_case(cases, &nr_cases, &vm, 7, vm.nr_slots,
			 "in-kernel HVC, all slots on the call's own owner byte, none covering it");
		add_case(cases, &nr_cases, &vm, 10, vm.nr_slots,
			 "HVC denied by the last of the slots on its own owner byte");
		add_case(cases, &nr_cases, &vm, 3, 1, "forwarded HVC, completed via run struct");
		add_case(cases, &nr_cases, &vm, 4, 1, "forwarded HVC, completed via ONE_REG");
	}
	add_case(cases, &nr_cases, &vm, 5, 0, "MMIO read exit to userspace");
	if (vm.has_smccc_filter) {
		add_case(cases, &nr_cases, &smccc_forward_vm, 8, 1,
			 "HVC forwarded by mainline's filter, completed via ONE_REG");
		add_case(cases, &nr_cases, &smccc_ranges_vm, 9, sizeof(other_owners),
			 "in-kernel HVC, mainline ranges on other owners");
		for (i = 0; i < sizeof(fill_counts) / sizeof(fill_counts[0]); i++)
			add_case(cases, &nr_cases, &vm, CASE_FILL, fill_counts[i],
				 "mainline filter ranges installed, per insert");
	}
	for (i = 0; i < nr_cases; i++) {
		cases[i].samples = calloc(reps, sizeof(double));
		if (!cases[i].samples)
			die("out of memory");
	}

	/*
	 * Round r runs every case once, so that whatever the host does in the
	 * background spreads over all cases alike. Round 0 warms up (first
	 * faults, caches) and is not counted.
	 */
	for (r = 0; r <= reps; r++) {
		for (i = 0; i < nr_cases; i++) {
			struct bench_case *c = &cases[i];
			double sample = run_case(c, r ? calls : (calls + 9) / 10);

			if (r)
				c->samples[r - 1] = sample;
		}
		printf("bench: round %u/%u done\n", r, reps);
	}

	for (i = 0; i < nr_cases; i++) {
		struct bench_case *c = &cases[i];
		double sorted[reps], med;
		char name[16];

		memcpy(sorted, c->samples, sizeof(sorted));
		qsort(sorted, reps, sizeof(double), cmp_double);
		med = reps % 2 ? sorted[reps / 2] :
		      (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
		if (c->id == CASE_FILL)
			snprintf(name, sizeof(name), "fill");
		else
			snprintf(name, sizeof(name), "%d", c->id);
		printf("bench: case=%s slots=%u n=%lu reps=%u min=%.1f median=%.1f samples=",
		       name, c->slots, c->id == CASE_FILL ? c->slots : calls, reps,
		       sorted[0], med);
		for (r = 0; r < reps; r++)
			printf("%s%.1f", r ? "," : "", c->samples[r]);
		printf(" what=\"%s\"\n", c->what);
	}
	printf("bench: done\n");
	return 0;
}
