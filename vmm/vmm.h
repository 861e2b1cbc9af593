/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small KVM/arm64 VMM that boots Linux with PSCI handled in userspace,
 * through either of the two hypercall filters of the series: its own
 * KVM_ARM_VM_HVC_CTRL slots or mainline's KVM_ARM_VM_SMCCC_CTRL ranges.
 */
#ifndef VMM_H
#define VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <linux/kvm.h>

/*
 * Headers older than the UAPI the VMM speaks: copies of it, so that the
 * VMM builds anywhere.  Each interface is probed at run time.
 */
#ifndef KVM_ARM_VM_HVC_CTRL
/* The series' own filter (not in mainline) */
#define KVM_ARM_VM_HVC_CTRL		0x80000000
#define   KVM_ARM_VM_HVC_NR_SLOTS	0
#define   KVM_ARM_VM_HVC_SET_RANGE	1

struct kvm_arm_hvc_range {
	__u32 slot;
#define KVM_ARM_HVC_USER	(1 << 0)
#define KVM_ARM_HVC_DENY	(1 << 1)
#define KVM_ARM_HVC_SMC		(1 << 2)
	__u16 flags;
	__u16 imm;
	__u32 fn_start;
	__u32 fn_end;
};
#endif

#ifndef KVM_ARM_VM_SMCCC_CTRL
/* Mainline's SMCCC filter (Linux 6.4+; 6.1 with the series) */
#define KVM_ARM_VM_SMCCC_CTRL		0
#define   KVM_ARM_VM_SMCCC_FILTER	0

enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};

struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif

/* v1 of the series had its group at 0, where mainline's filter lives */
_Static_assert(KVM_ARM_VM_HVC_CTRL != KVM_ARM_VM_SMCCC_CTRL,
	       "KVM_ARM_VM_HVC_CTRL is mainline's group 0: headers of v1 of the series, use a later version's");

#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC		(1U << 0)
#define KVM_HYPERCALL_EXIT_16BIT	(1U << 1)

/* 6.1's headers have "__u32 longmode, pad" where mainline has "__u64 flags" */
static inline __u64 hypercall_flags(const struct kvm_run *run)
{
	__u64 flags;

	memcpy(&flags, &run->hypercall.longmode, sizeof(flags));
	return flags;
}
#else
static inline __u64 hypercall_flags(const struct kvm_run *run)
{
	return run->hypercall.flags;
}
#endif

#ifndef KVM_HYPERCALL_EXIT_IMM
/* The series only: the immediate of a call its slots forward */
#define KVM_HYPERCALL_EXIT_IMM_SHIFT	16
#define KVM_HYPERCALL_EXIT_IMM(flags)	\
	(((flags) >> KVM_HYPERCALL_EXIT_IMM_SHIFT) & 0xffff)
#endif

#ifndef KVM_HYPERCALL_EXIT_SLOT
/*
 * The series only (v3 on): set in every exit of a KVM_ARM_VM_HVC_CTRL
 * slot, never in an exit of mainline's SMCCC filter.
 */
#define KVM_HYPERCALL_EXIT_SLOT		(1ULL << 63)
#endif

/* Guest physical memory map (the layout of QEMU's "virt" board) */
#define GIC_DIST_BASE		0x08000000UL
#define GIC_DIST_SIZE		0x10000UL
#define GIC_REDIST_BASE		0x080a0000UL
#define GIC_REDIST_CPU_SIZE	0x20000UL	/* RD_base + SGI_base frames */
#define UART_BASE		0x09000000UL
#define UART_SIZE		0x1000UL
#define UART_CLOCK		1843200
#define RAM_BASE		0x40000000UL
#define FDT_MAX_SIZE		0x10000UL	/* the boot protocol allows 2 MiB */

#define MAX_VCPUS	((UART_BASE - GIC_REDIST_BASE) / GIC_REDIST_CPU_SIZE)
#define MPIDR_HWID_MASK	0xff00ffffffULL

/* PSCI function numbers are 0..0x1f within the SMC32 and SMC64 blocks */
#define PSCI_FN_COUNT	0x20

#define CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))
#define CORE_REG_X(n)	CORE_REG(regs.regs[n])

/*
 * The power state machine of a vCPU (vcpu.c; under vm->lock):
 *
 *   OFF --vcpu_request_on()--> ON_PENDING --its own thread--> ON
 *    ^                                                          |
 *    +------------------------vcpu_mark_off()-------------------+
 */
enum vcpu_power {
	VCPU_OFF,		/* thread sleeps on vcpu->wake */
	VCPU_ON_PENDING,	/* CPU_ON accepted, thread not yet running it */
	VCPU_ON,		/* thread is in (or about to enter) KVM_RUN */
};

struct vm;

struct vcpu {
	struct vm		*vm;
	unsigned int		id;
	int			fd;
	struct kvm_run		*run;
	struct kvm_vcpu_init	init;	/* repeated on every power-on */
	uint64_t		mpidr;
	pthread_t		thread;
	pthread_cond_t		wake;

	/* Protected by vm->lock; written by vcpu.c only */
	enum vcpu_power		power;
	uint64_t		entry;
	uint64_t		context_id;
};

struct uart {
	pthread_mutex_t	lock;
	int		out_fd;
	uint8_t		ier, fcr, lcr, mcr, scr, dll, dlm;
};

/* A block of function IDs the VMM takes from KVM */
enum hypercall_action {
	HYPERCALL_FORWARD,	/* KVM_EXIT_HYPERCALL to the VMM */
	HYPERCALL_DENY,		/* KVM answers NOT_SUPPORTED itself */
};

struct hypercall_claim {
	uint32_t		base;
	uint32_t		nr_functions;
	enum hypercall_action	action;
	const char		*what;
};

/*
 * One of the two hypercall filters (hvc_ctrl.c, smccc_filter.c): how to
 * claim function IDs, and how a forwarded call's arguments are read and
 * its result written.
 */
struct hypercall_abi {
	const char	*name;		/* --abi NAME */
	const char	*description;	/* "PSCI through ..." */
	/*
	 * Whether this filter's exits carry KVM_HYPERCALL_EXIT_SLOT (the
	 * series' slots: always; mainline's SMCCC filter: never)
	 */
	bool		slot_exits;
	/*
	 * The other run->hypercall.flags bits (conduit, 16-bit, immediate)
	 * that a call the VMM claimed may carry
	 */
	uint64_t	exit_flags;
	/* Probes the filter, installs @claims; dies on any failure */
	void		(*claim)(struct vm *vm, const struct hypercall_claim *claims,
				 unsigned int nr_claims);
	/* x1..x<nr> of the forwarded call; -1 after a (reported) error */
	int		(*get_args)(struct vcpu *vcpu, uint64_t *args, unsigned int nr);
	/* x0 of the guest when it resumes; -1 after a (reported) error */
	int		(*set_result)(struct vcpu *vcpu, uint64_t ret);
};

extern const struct hypercall_abi hvc_ctrl_abi;
extern const struct hypercall_abi smccc_filter_abi;

struct vm_config {
	unsigned int			nr_vcpus;
	uint64_t			ram_size;
	const char			*kernel;
	const char			*initrd;
	const char			*cmdline;
	const struct hypercall_abi	*abi;
	bool				trace;
};

/* Forwarded calls: [0] SMC32, [1] SMC64 PSCI numbers; other IDs */
struct psci_stats {
	unsigned long	calls[2][PSCI_FN_COUNT];
	unsigned long	other_calls;
};

struct vm {
	struct vm_config	cfg;
	int			kvm_fd;
	int			vm_fd;
	int			gic_fd;
	size_t			run_size;
	uint8_t			*ram;

	uint64_t		kernel_entry;
	uint64_t		kernel_end;
	uint64_t		initrd_start;
	uint64_t		initrd_end;
	uint64_t		dtb_addr;

	struct vcpu		*vcpus;
	struct uart		uart;
	struct psci_stats	psci;

	pthread_mutex_t		lock;
	pthread_cond_t		stop_cond;	/* vm_run() waits for stop */
	/* Protected by lock, read and written; set once, by vm_stop() */
	bool			stopping;
	int			exit_status;
};

/* util.c */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* "vmm: <message>" on stderr */
void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vmm_ioctl(int fd, unsigned long req, const char *name, unsigned long arg);
/* Reports a failure as "vmm: <ioctl name>: <strerror>" and returns -1 */
#define KVM_IOCTL(fd, req, arg)	vmm_ioctl(fd, req, #req, (unsigned long)(arg))
/* The same for setup, where a failure ends the VMM */
#define KVM_IOCTL_OR_DIE(fd, req, arg)	({				\
	int __ret = KVM_IOCTL(fd, req, arg);				\
	if (__ret < 0)							\
		exit(1);						\
	__ret;								\
})
int kvm_device_attr(int fd, unsigned long req, const char *req_name,
		    uint32_t group, uint64_t attr, const void *addr,
		    const char *attr_name);
/*
 * KVM_SET_DEVICE_ATTR / KVM_GET_DEVICE_ATTR on any fd that has attributes
 * (the VM's, a device's); a failure is reported as
 * "vmm: KVM_SET_DEVICE_ATTR(<group>, <attr>): <strerror>" and returns -1.
 */
#define KVM_SET_ATTR(fd, group, attr, addr)				\
	kvm_device_attr(fd, KVM_SET_DEVICE_ATTR, "KVM_SET_DEVICE_ATTR",	\
			group, attr, addr, #group ", " #attr)
#define KVM_GET_ATTR(fd, group, attr, addr)				\
	kvm_device_attr(fd, KVM_GET_DEVICE_ATTR, "KVM_GET_DEVICE_ATTR",	\
			group, attr, addr, #group ", " #attr)

/* vm.c */
void vm_create(struct vm *vm);
int vm_probe_attr_named(struct vm *vm, uint32_t group, uint64_t attr,
			const char *name);
#define vm_probe_attr(vm, group, attr)	\
	vm_probe_attr_named(vm, group, attr, #group ", " #attr)
void vm_require_attr_named(struct vm *vm, uint32_t group, uint64_t attr,
			   const char *name, const char *missing);
#define vm_require_attr(vm, group, attr, missing)	\
	vm_require_attr_named(vm, group, attr, #group ", " #attr, missing)
void *guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len);
int vm_run(struct vm *vm);
void vm_stop(struct vm *vm, int status);

/* vcpu.c */
void vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id);
struct vcpu *vcpu_find_by_mpidr(struct vm *vm, uint64_t mpidr);
enum vcpu_power vcpu_request_on(struct vcpu *vcpu, uint64_t entry, uint64_t context_id);
void vcpu_mark_off(struct vcpu *vcpu);
enum vcpu_power vcpu_power_state(struct vcpu *vcpu);
int vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val);
int vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val);
void vcpu_setup_kick(void);
void vcpu_start_thread(struct vcpu *vcpu);
void vcpu_stop(struct vcpu *vcpu);
void vcpu_join(struct vcpu *vcpu);

/* gic.c */
void gic_create(struct vm *vm);

/* psci.c */
void psci_claim(struct vm *vm);
int psci_handle_exit(struct vcpu *vcpu);
void psci_print_stats(struct vm *vm);

/* uart.c */
void uart_init(struct uart *uart, int out_fd);
bool uart_mmio(struct uart *uart, uint64_t addr, uint8_t *data,
	       uint32_t len, bool is_write);

/* loader.c */
void load_images(struct vm *vm);

/* fdt.c */
void fdt_build(struct vm *vm);

#endif /* VMM_H */
