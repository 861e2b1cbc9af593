// SPDX-License-Identifier: GPL-2.0
/*
 * The device tree, written with libfdt's sequential-write API straight
 * into guest RAM at vm->dtb_addr.
 */
#include <stdio.h>
#include <libfdt.h>

#include "vmm.h"

#define GIC_PHANDLE		1
#define GIC_FDT_IRQ_TYPE_PPI	1
#define IRQ_TYPE_LEVEL_HIGH	4
#define PPI_FLAGS		(0x100 | IRQ_TYPE_LEVEL_HIGH)	/* CPU mask, level */

#define _FDT(exp)							\
	do {								\
		int __err = (exp);					\
		if (__err < 0)						\
			die("fdt: %s: %s", #exp, fdt_strerror(__err));	\
	} while (0)

/* A "reg" entry in the root's 2-cell address and size format */
static void fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	_FDT(fdt_property(fdt, "reg", reg, sizeof(reg)));
}

static void fdt_cpus(void *fdt, struct vm *vm)
{
	char name[32];
	unsigned int i;

	_FDT(fdt_begin_node(fdt, "cpus"));
	_FDT(fdt_property_cell(fdt, "#address-cells", 2));
	_FDT(fdt_property_cell(fdt, "#size-cells", 0));
	for (i = 0; i < vm->cfg.nr_vcpus; i++) {
		uint64_t mpidr = vm->vcpus[i].mpidr;

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		_FDT(fdt_begin_node(fdt, name));
		_FDT(fdt_property_string(fdt, "device_type", "cpu"));
		_FDT(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		_FDT(fdt_property_string(fdt, "enable-method", "psci"));
		_FDT(fdt_property_u64(fdt, "reg", mpidr));
		_FDT(fdt_end_node(fdt));
	}
	_FDT(fdt_end_node(fdt));
}

static void fdt_gic(void *fdt, struct vm *vm)
{
	fdt64_t reg[] = {
		cpu_to_fdt64(GIC_DIST_BASE),
		cpu_to_fdt64(GIC_DIST_SIZE),
		cpu_to_fdt64(GIC_REDIST_BASE),
		cpu_to_fdt64(GIC_REDIST_CPU_SIZE * vm->cfg.nr_vcpus),
	};

	_FDT(fdt_begin_node(fdt, "intc@8000000"));
	_FDT(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	_FDT(fdt_property_cell(fdt, "#interrupt-cells", 3));
	_FDT(fdt_property(fdt, "interrupt-controller", NULL, 0));
	_FDT(fdt_property(fdt, "reg", reg, sizeof(reg)));
	_FDT(fdt_property_cell(fdt, "phandle", GIC_PHANDLE));
	_FDT(fdt_end_node(fdt));
}

static void fdt_timer(void *fdt)
{
	/* Secure, non-secure, virtual and hypervisor timer PPIs */
	static const unsigned int ppis[] = { 13, 14, 11, 10 };
	fdt32_t irqs[3 * 4];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_FDT_IRQ_TYPE_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(PPI_FLAGS);
	}
	_FDT(fdt_begin_node(fdt, "timer"));
	_FDT(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	_FDT(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
	_FDT(fdt_end_node(fdt));
}

void fdt_build(struct vm *vm)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	void *fdt = guest_ptr(vm, vm->dtb_addr, FDT_MAX_SIZE);
	char uart_path[32];

	snprintf(uart_path, sizeof(uart_path), "/uart@%lx", UART_BASE);

	_FDT(fdt_create(fdt, FDT_MAX_SIZE));
	_FDT(fdt_finish_reservemap(fdt));
	_FDT(fdt_begin_node(fdt, ""));
	_FDT(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	_FDT(fdt_property_cell(fdt, "#address-cells", 2));
	_FDT(fdt_property_cell(fdt, "#size-cells", 2));
	_FDT(fdt_property_cell(fdt, "interrupt-parent", GIC_PHANDLE));

	_FDT(fdt_begin_node(fdt, "chosen"));
	_FDT(fdt_property_string(fdt, "bootargs", vm->cfg.cmdline));
	_FDT(fdt_property_string(fdt, "stdout-path", uart_path));
	if (vm->cfg.initrd) {
		_FDT(fdt_property_u64(fdt, "linux,initrd-start", vm->initrd_start));
		_FDT(fdt_property_u64(fdt, "linux,initrd-end", vm->initrd_end));
	}
	_FDT(fdt_end_node(fdt));

	_FDT(fdt_begin_node(fdt, "aliases"));
	_FDT(fdt_property_string(fdt, "serial0", uart_path));
	_FDT(fdt_end_node(fdt));

	_FDT(fdt_begin_node(fdt, "memory@40000000"));
	_FDT(fdt_property_string(fdt, "device_type", "memory"));
	fdt_reg(fdt, RAM_BASE, vm->cfg.ram_size);
	_FDT(fdt_end_node(fdt));

	fdt_cpus(fdt, vm);

	_FDT(fdt_begin_node(fdt, "psci"));
	_FDT(fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)));
	_FDT(fdt_property_string(fdt, "method", "hvc"));
	_FDT(fdt_end_node(fdt));

	fdt_gic(fdt, vm);
	fdt_timer(fdt);

	/* No "interrupts": the 8250 driver then polls the port */
	_FDT(fdt_begin_node(fdt, uart_path + 1));
	_FDT(fdt_property_string(fdt, "compatible", "ns16550a"));
	fdt_reg(fdt, UART_BASE, UART_SIZE);
	_FDT(fdt_property_cell(fdt, "clock-frequency", UART_CLOCK));
	_FDT(fdt_end_node(fdt));

	_FDT(fdt_end_node(fdt));
	_FDT(fdt_finish(fdt));
}
