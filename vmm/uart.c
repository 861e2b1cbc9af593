// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART on MMIO exits, output only (nothing is ever received).
 *
 * The DT node has no interrupt, so Linux's 8250 driver polls the port
 * from a timer: it reads IIR and transmits when IIR shows "THR empty".
 * The transmitter is always empty (THRE and TEMT set), so IIR reports
 * that interrupt whenever the driver has enabled it in IER.
 */
#include <errno.h>
#include <unistd.h>

#include "vmm.h"

#define UART_RBR_THR	0	/* DLL when LCR.DLAB is set */
#define UART_IER	1	/* DLM when LCR.DLAB is set */
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_IER_THRI	0x02
#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_FIFO	0xc0
#define UART_FCR_ENABLE	0x01
#define UART_LCR_DLAB	0x80
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_MSR_STATUS	0xb0	/* DCD, DSR, CTS: a cable is plugged in */

void uart_init(struct uart *uart, int out_fd)
{
	pthread_mutex_init(&uart->lock, NULL);
	uart->out_fd = out_fd;
	uart->lcr = 0x03;	/* 8n1 */
}

static void uart_putc(struct uart *uart, uint8_t c)
{
	while (write(uart->out_fd, &c, 1) < 0 && errno == EINTR)
		;
}

static void uart_write(struct uart *uart, unsigned int reg, uint8_t val)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab)
			uart->dll = val;
		else
			uart_putc(uart, val);
		break;
	case UART_IER:
		if (dlab)
			uart->dlm = val;
		else
			uart->ier = val & 0x0f;
		break;
	case UART_IIR_FCR:
		uart->fcr = val;
		break;
	case UART_LCR:
		uart->lcr = val;
		break;
	case UART_MCR:
		uart->mcr = val;
		break;
	case UART_SCR:
		uart->scr = val;
		break;
	}
}

static uint8_t uart_read(struct uart *uart, unsigned int reg)
{
	bool dlab = uart->lcr & UART_LCR_DLAB;
	uint8_t iir;

	switch (reg) {
	case UART_RBR_THR:
		return dlab ? uart->dll : 0;
	case UART_IER:
		return dlab ? uart->dlm : uart->ier;
	case UART_IIR_FCR:
		iir = uart->ier & UART_IER_THRI ? UART_IIR_THRI : UART_IIR_NO_INT;
		return iir | (uart->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return uart->lcr;
	case UART_MCR:
		return uart->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_MSR:
		return UART_MSR_STATUS;
	case UART_SCR:
		return uart->scr;
	}
	return 0;
}

/* Returns false when @addr is not the UART's. */
bool uart_mmio(struct uart *uart, uint64_t addr, uint8_t *data, uint32_t len,
	       bool is_write)
{
	uint64_t reg = addr - UART_BASE;

	if (addr < UART_BASE || reg >= UART_SIZE)
		return false;

	/* Byte registers at reg-shift 0; wider accesses use the low byte */
	pthread_mutex_lock(&uart->lock);
	if (is_write) {
		if (reg <= UART_SCR)
			uart_write(uart, reg, data[0]);
	} else {
		memset(data, 0, len);
		if (reg <= UART_SCR)
			data[0] = uart_read(uart, reg);
	}
	pthread_mutex_unlock(&uart->lock);
	return true;
}
