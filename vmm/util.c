// SPDX-License-Identifier: GPL-2.0
/*
 * What every file uses: fatal errors, log lines and checked ioctls.  All
 * messages go to stderr with a "vmm: " prefix; the guest's console is
 * stdout.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "vmm.h"

static void vmm_vlog(const char *fmt, va_list ap)
{
	fputs("vmm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_vlog(fmt, ap);
	va_end(ap);
	exit(1);
}

void vmm_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_vlog(fmt, ap);
	va_end(ap);
}

int vmm_ioctl(int fd, unsigned long req, const char *name, unsigned long arg)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		vmm_log("%s: %s", name, strerror(errno));
	return ret;
}

int kvm_device_attr(int fd, unsigned long req, const char *req_name,
		    uint32_t group, uint64_t attr, const void *addr,
		    const char *attr_name)
{
	struct kvm_device_attr dev_attr = {
		.group	= group,
		.attr	= attr,
		.addr	= (uintptr_t)addr,
	};
	int ret = ioctl(fd, req, &dev_attr);

	if (ret < 0)
		vmm_log("%s(%s): %s", req_name, attr_name, strerror(errno));
	return ret;
}
