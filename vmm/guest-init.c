// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the L2 guest that the example VMM boots.  Every CPU operation
 * here ends in the VMM's userspace PSCI:
 *
 *   - waits until every present CPU is online (the kernel started the
 *     secondaries with CPU_ON at boot),
 *   - HOTPLUG_CYCLES times takes cpu1..cpuN-1 offline (CPU_OFF, and
 *     AFFINITY_INFO from the CPU that waits for them) and online again
 *     (CPU_ON), checking every write and the online count,
 *   - prints "guest: hotplug cycles done, N CPUs online" or a line
 *     starting with "guest: FAIL",
 *   - powers off (SYSTEM_OFF: the VMM exits 0).  After a failure it
 *     reboots instead (SYSTEM_RESET: the VMM exits 2), so that the VMM's
 *     exit status alone tells the result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>

#define HOTPLUG_CYCLES	3
#define MAX_CPUS	256
#define BOOT_WAIT_SECS	600

/*
 * The 8250 driver sends from a polling timer: wait until the console has
 * sent everything, or the last lines die with the VM.
 */
static void drain_console(void)
{
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("guest: FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	drain_console();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void mount_fs(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		fail("mount %s on %s: %s", type, dst, strerror(errno));
}

/* Parses a CPU list such as "0-3,5" into @cpus; returns the count. */
static int read_cpu_list(const char *path, bool cpus[MAX_CPUS])
{
	char buf[256], *p;
	int count = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		fail("read %s: %s", path, strerror(errno));
	fclose(f);

	memset(cpus, 0, MAX_CPUS * sizeof(bool));
	for (p = buf; *p && *p != '\n'; ) {
		long first = strtol(p, &p, 10), last = first;

		if (*p == '-')
			last = strtol(p + 1, &p, 10);
		if (first < 0 || last < first || last >= MAX_CPUS)
			fail("%s: cannot parse \"%s\"", path, buf);
		for (; first <= last; first++, count++)
			cpus[first] = true;
		if (*p == ',')
			p++;
	}
	return count;
}

static int nr_online(void)
{
	return sysconf(_SC_NPROCESSORS_ONLN);
}

static void set_online(int cpu, bool online)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	if (write(fd, online ? "1" : "0", 1) != 1)
		fail("cpu%d %s: %s", cpu, online ? "online" : "offline", strerror(errno));
	if (close(fd))
		fail("close %s: %s", path, strerror(errno));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	bool present[MAX_CPUS];
	int nr_present, cycle, cpu, expect, i, fd;
	double start;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	nr_present = read_cpu_list("/sys/devices/system/cpu/present", present);
	for (i = 0; nr_online() != nr_present; i++) {
		if (i == BOOT_WAIT_SECS)
			fail("%d of %d CPUs online after %d s", nr_online(),
			     nr_present, BOOT_WAIT_SECS);
		sleep(1);
	}
	printf("guest: %d CPUs present, %d online\n", nr_present, nr_online());
	if (!present[0] || nr_present < 2)
		fail("need cpu0 and at least one secondary CPU");

	start = now();
	for (cycle = 1; cycle <= HOTPLUG_CYCLES; cycle++) {
		expect = nr_present;
		for (cpu = 1; cpu < MAX_CPUS; cpu++) {
			if (!present[cpu])
				continue;
			set_online(cpu, false);
			if (nr_online() != --expect)
				fail("cycle %d: cpu%d offline: %d CPUs online, want %d",
				     cycle, cpu, nr_online(), expect);
		}
		for (cpu = 1; cpu < MAX_CPUS; cpu++) {
			if (!present[cpu])
				continue;
			set_online(cpu, true);
			if (nr_online() != ++expect)
				fail("cycle %d: cpu%d online: %d CPUs online, want %d",
				     cycle, cpu, nr_online(), expect);
		}
		printf("guest: cycle %d: %d secondary CPUs offline and online again (%.1f s)\n",
		       cycle, nr_present - 1, now() - start);
	}

	printf("guest: hotplug cycles done, %d CPUs online\n", nr_online());
	drain_console();
	reboot(RB_POWER_OFF);
	fail("reboot(RB_POWER_OFF): %s", strerror(errno));
}
