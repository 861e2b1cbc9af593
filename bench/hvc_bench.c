// SPDX-License-Identifier: GPL-2.0
/*
 * hvc_bench: what the KVM/arm64 hypercall filter costs on the trap path.
 *
 * A minimal VM (one vCPU, 64K of RAM, MMU off, no in-kernel GIC) runs
 * timed loops that the host program starts through an MMIO command page:
 *
 *   case 1  HVC SMCCC_VERSION, handled in KVM, no filter table
 *   case 2  the same call with 1, 4, 8, ... and all slots enabled on other
 *           owners' services (PSCI, vendor hypervisor, SiP, ...), none
 *           matching it (see filter_other_owners())
 *   case 7  the same call with all slots enabled on IDs that share its
 *           conduit, imm and top byte, so that every slot is walked: the
 *           worst case (see filter_same_owner())
 *   case 3  HVC 0xC6000001 forwarded by a USER slot (KVM_EXIT_HYPERCALL),
 *           completed through the run struct (run->hypercall.ret)
 *   case 4  the same, completed with KVM_GET_ONE_REG x1-x3 and
 *           KVM_SET_ONE_REG x0-x3 before re-entering
 *   case 5  an MMIO read outside any memslot, completed in userspace
 *           (run->mmio.data): the floor of any exit to userspace
 *   case 8  ("4m") case 4's call forwarded instead by a FWD_TO_USER range
 *           of mainline's SMCCC filter (KVM_ARM_VM_SMCCC_CTRL), completed
 *           with the same GET/SET_ONE_REG sequence, in a VM of its own
 *   case 9  ("2m") case 1's call in a VM of its own with 16 DENY ranges of
 *           mainline's SMCCC filter on the other owners of case 2
 *
 * Mainline's ranges cannot be removed and go in before the VM's first
 * KVM_RUN: cases 8 and 9 each get a fresh VM, set up before any loop runs.
 *
 * The guest times each loop with CNTVCT_EL0. Under QEMU's -icount shift=0
 * virtual time advances one nanosecond per emulated instruction, so the
 * figure printed is emulated instructions per call: all the work done on
 * the one CPU (guest, host kernel, KVM, this VMM), a deterministic proxy
 * for CPU cost, not a latency on real hardware.
 *
 * No in-kernel GIC: the trap path is a little leaner than a real VMM's, which
 * if anything overstates the filter's relative cost. Each loop checks that
 * it took the exits it should and that the guest got the expected x0; a
 * guest exception or a hung loop ends the program with an error.
 *
 * Each filter is probed with KVM_HAS_DEVICE_ATTR on its documented
 * attribute (KVM_ARM_VM_HVC_NR_SLOTS, KVM_ARM_VM_SMCCC_FILTER): on a kernel
 * with neither (the unpatched 6.1) only case 1 runs. Machine-readable
 * results, one line a case (slots: filter slots or mainline ranges set):
 *
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
#define VMM_RET			0x600dUL	/* what the VMM answers */

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

struct vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	bool has_filter;		/* KVM_ARM_VM_HVC_CTRL */
	unsigned int nr_slots;
	bool has_smccc_filter;		/* KVM_ARM_VM_SMCCC_CTRL */
};

/* One measured loop: its command and what it returned. */
struct loop {
	uint64_t mode, count, func;
	enum completion completion;
	uint64_t x0, freq, ticks;
	uint64_t elr, far;
	uint64_t hypercall_exits, mmio_exits;
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

static bool vm_has_attr(struct vm *vm, uint32_t group, uint64_t attr)
{
	struct kvm_device_attr dev_attr = { .group = group, .attr = attr };

	return !ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &dev_attr);
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

	vm->has_smccc_filter = vm_has_attr(vm, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER);
	vm->has_filter = vm_has_attr(vm, KVM_ARM_VM_HVC_CTRL, KVM_ARM_VM_HVC_NR_SLOTS);
	vm->nr_slots = 0;
	if (!vm->has_filter)
		return;
	if (ioctl(vm->vm_fd, KVM_GET_DEVICE_ATTR, &attr))
		die("KVM_GET_DEVICE_ATTR KVM_ARM_VM_HVC_NR_SLOTS: %s", strerror(errno));
	vm->nr_slots = nr_slots;
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

		set_slot(vm, i, KVM_ARM_HVC_DENY, start, start + 0xffff);
	}
}

/*
 * Empty table, then @nr DENY slots that do not match FN_IN_KERNEL but
 * share everything a shortcut could look at: its conduit (HVC), imm (0)
 * and top byte (0x80). The ranges lie in 0x80010000-0x80ffffff (IDs no
 * SMCCC service uses; 0x8000xxxx are the reserved Arm Architecture Calls),
 * so the pre-check lets the call through and every slot is walked: the
 * worst case.
 */
static void filter_same_owner(struct vm *vm, unsigned int nr)
{
	unsigned int i;

	filter_clear(vm);
	for (i = 0; i < nr; i++) {
		uint32_t start = FN_IN_KERNEL + (i + 1) * 0x10000;

		set_slot(vm, i, KVM_ARM_HVC_DENY, start, start + 0xffff);
	}
}

/*
 * One range of mainline's SMCCC filter, [base, base + nr); only before the
 * VM's first KVM_RUN, and for good.
 */
static void smccc_filter_add(struct vm *vm, uint32_t base, uint32_t nr, uint8_t action)
{
	struct kvm_smccc_filter f = { .base = base, .nr_functions = nr, .action = action };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&f,
	};

	if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("KVM_SET_DEVICE_ATTR KVM_ARM_VM_SMCCC_FILTER [0x%x, +0x%x) action %u: %s",
		    base, nr, action, strerror(errno));
}

/* A fresh VM whose only filter is one FWD_TO_USER range on FN_FORWARDED. */
static void vm_create_smccc_forward(struct vm *vm)
{
	vm_create(vm);
	smccc_filter_add(vm, FN_FORWARDED, 1, KVM_SMCCC_FILTER_FWD_TO_USER);
}

/* A fresh VM with a DENY range on 64K IDs of each of the other owners. */
static void vm_create_smccc_other_owners(struct vm *vm)
{
	unsigned int i;

	vm_create(vm);
	for (i = 0; i < sizeof(other_owners); i++)
		smccc_filter_add(vm, (uint32_t)other_owners[i] << 24, 0x10000,
				 KVM_SMCCC_FILTER_DENY);
}

/* Empty table, then one USER slot claiming FN_FORWARDED. */
static void filter_forward(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_slots; i++)
		set_slot(vm, i, 0, 0, 0);
	set_slot(vm, 0, KVM_ARM_HVC_USER, FN_FORWARDED, FN_FORWARDED);
}

static void complete_hypercall(struct vm *vm, struct loop *l)
{
	struct kvm_run *run = vm->run;
	uint64_t x1, x2, x3;

	if (run->hypercall.nr != l->func)
		die("KVM_EXIT_HYPERCALL for 0x%llx, expected 0x%llx",
		    (unsigned long long)run->hypercall.nr, (unsigned long long)l->func);
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
	struct kvm_run *run = vm->run;
	uint64_t val;

	/* A guest stuck in KVM (say, faulting on its vectors) ends as an error. */
	alarm(WATCHDOG_SECS);
	l->hypercall_exits = l->mmio_exits = 0;
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
			return;
		default:
			die("MMIO access at unknown address 0x%llx",
			    (unsigned long long)run->mmio.phys_addr);
		}
		if (!run->mmio.is_write)
			memcpy(run->mmio.data, &val, 8);
	}
}

struct bench_case {
	int id;
	struct vm *vm;			/* the VM it runs in */
	unsigned int slots;		/* enabled filter slots or mainline ranges */
	const char *what;
	double *samples;		/* emulated instructions (ns) per call */
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
	switch (c->id) {
	case 1:
		if (vm->has_filter)
			filter_clear(vm);
		l->func = FN_IN_KERNEL;
		break;
	case 2:
		filter_other_owners(vm, c->slots);
		l->func = FN_IN_KERNEL;
		break;
	case 7:
		filter_same_owner(vm, c->slots);
		l->func = FN_IN_KERNEL;
		break;
	case 3:
	case 4:
		filter_forward(vm);
		l->func = FN_FORWARDED;
		l->completion = c->id == 4 ? COMPLETE_ONE_REG : COMPLETE_RUN_STRUCT;
		break;
	case 5:
		l->mode = MODE_MMIO;
		break;
	case 8:		/* the VM's range, set at its creation */
		l->func = FN_FORWARDED;
		l->completion = COMPLETE_ONE_REG;
		break;
	case 9:		/* the VM's ranges, set at its creation */
		l->func = FN_IN_KERNEL;
		break;
	}
}

/* The loop did what the case says: the right exits and the right answer. */
static void check_loop(const struct bench_case *c, const struct loop *l)
{
	bool forwarded = c->id == 3 || c->id == 4 || c->id == 8;
	bool mmio = c->id == 5;

	if (l->hypercall_exits != (forwarded ? l->count : 0) ||
	    l->mmio_exits != (mmio ? l->count : 0))
		die("case %d: %llu hypercall and %llu MMIO exits for %llu calls", c->id,
		    (unsigned long long)l->hypercall_exits,
		    (unsigned long long)l->mmio_exits, (unsigned long long)l->count);
	if (forwarded || mmio) {
		if (l->x0 != VMM_RET)
			die("case %d: guest got x0=0x%llx, expected 0x%lx", c->id,
			    (unsigned long long)l->x0, VMM_RET);
	} else if ((int32_t)l->x0 <= 0) {
		/* SMCCC_VERSION answered by KVM, not NOT_SUPPORTED by a slot. */
		die("case %d: SMCCC_VERSION returned 0x%llx", c->id,
		    (unsigned long long)l->x0);
	}
	if (!l->freq || !l->ticks)
		die("case %d: no counter reading (freq %llu, ticks %llu)", c->id,
		    (unsigned long long)l->freq, (unsigned long long)l->ticks);
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
	struct bench_case cases[16];
	unsigned int nr_cases = 0, i, r;
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct vm vm, smccc_forward_vm, smccc_ranges_vm;
	struct loop l;

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
	       "(guest CNTVCT_EL0), a proxy for CPU work, not a hardware latency\n");

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
			 "in-kernel HVC, all slots on the call's own owner byte");
		add_case(cases, &nr_cases, &vm, 3, 1, "forwarded HVC, completed via run struct");
		add_case(cases, &nr_cases, &vm, 4, 1, "forwarded HVC, completed via ONE_REG");
		add_case(cases, &nr_cases, &vm, 5, 0, "MMIO read exit to userspace");
	}
	if (vm.has_smccc_filter) {
		add_case(cases, &nr_cases, &smccc_forward_vm, 8, 1,
			 "HVC forwarded by mainline's filter, completed via ONE_REG");
		add_case(cases, &nr_cases, &smccc_ranges_vm, 9, sizeof(other_owners),
			 "in-kernel HVC, mainline ranges on other owners");
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

			setup_case(c, &l);
			l.count = r ? calls : (calls + 9) / 10;
			run_loop(c->vm, &l);
			check_loop(c, &l);
			if (r)
				c->samples[r - 1] = (double)l.ticks * 1e9 / l.freq / l.count;
		}
		printf("bench: round %u/%u done\n", r, reps);
	}

	for (i = 0; i < nr_cases; i++) {
		struct bench_case *c = &cases[i];
		double sorted[reps], med;

		memcpy(sorted, c->samples, sizeof(sorted));
		qsort(sorted, reps, sizeof(double), cmp_double);
		med = reps % 2 ? sorted[reps / 2] :
		      (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
		printf("bench: case=%d slots=%u n=%lu reps=%u min=%.1f median=%.1f samples=",
		       c->id, c->slots, calls, reps, sorted[0], med);
		for (r = 0; r < reps; r++)
			printf("%s%.1f", r ? "," : "", c->samples[r]);
		printf(" what=\"%s\"\n", c->what);
	}
	printf("bench: done\n");
	return 0;
}
