// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test VMs: a thin wrapper around what kernel CI runs.  It
 * mounts the pseudo filesystems, prints the KUnit results of the boot, runs
 * the installed kselftests with their own runner (/tests/run-kselftest, which
 * calls /kselftest/run_kselftest.sh), then the other programs of
 * /tests/list one after the other with a timeout each, and powers the
 * machine off.  Everything goes to the console; the harness on the host
 * cuts the console log into parts by the markers printed here:
 *
 *   @@@ BEGIN <name>
 *   @@@ END <name> rc=<exit status> secs=<wall time>
 *   @@@ END <name> timeout secs=<limit>
 *   @@@ END <name> signal=<signal number> secs=<wall time>
 *   @@@ ALL DONE
 *
 * The KUnit suites built into the kernel ran at boot; their KTAP results
 * (debugfs) are printed as one part each, named kunit/<suite>.  The
 * kselftest runner's TAP is the part named kselftest.  On a kernel with
 * kmemleak, a forced scan after the last test is one more part, named
 * kmemleak, which fails (rc=1) if it reports any object.
 *
 * /tests/list holds one program a line: "<timeout seconds> <program>
 * [args]", the program relative to /tests.  Kernel command line options:
 *
 *   hvc.shell            run /bin/sh instead of the tests
 *   hvc.nokunit          do not report the KUnit suites (a second boot)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>

#define MAX_ARGS	32

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static void mount_fs(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

/* Value of "key=value" on the kernel command line, or NULL. */
static char *cmdline_value(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	char *tok, *save;
	FILE *f;

	f = fopen("/proc/cmdline", "r");
	if (!f)
		return NULL;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, key, klen) && (tok[klen] == '=' || !tok[klen]))
			return tok[klen] ? tok + klen + 1 : tok + klen;
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Runs argv[0] (a path) with a limit of @limit seconds (0: none), between
 * the markers of the part @name.  The program runs in a process group of
 * its own, which a timeout kills as a whole: tests start threads and
 * children.
 */
static void run_part(const char *name, char **argv, unsigned int limit)
{
	int status;
	double start;
	pid_t pid;

	printf("@@@ BEGIN %s\n", name);
	fflush(stdout);
	start = now();
	pid = fork();
	if (pid < 0) {
		printf("@@@ END %s rc=255 secs=0 (fork: %s)\n", name, strerror(errno));
		return;
	}
	if (!pid) {
		setpgid(0, 0);
		if (chdir("/tests"))
			printf("init: chdir /tests: %s\n", strerror(errno));
		execv(argv[0], argv);
		printf("init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}

	timed_out = 0;
	alarm(limit);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR || !timed_out)
			continue;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	alarm(0);

	if (timed_out)
		printf("@@@ END %s timeout secs=%u\n", name, limit);
	else if (WIFSIGNALED(status))
		printf("@@@ END %s signal=%d secs=%.1f\n", name,
		       WTERMSIG(status), now() - start);
	else
		printf("@@@ END %s rc=%d secs=%.1f\n", name,
		       WEXITSTATUS(status), now() - start);
	fflush(stdout);
}

/* Runs one line of /tests/list: "<timeout seconds> <program> [args]". */
static void run_test(char *line)
{
	char *argv[MAX_ARGS + 1], path[256], *save, *tok;
	unsigned int limit;
	int argc = 0;

	tok = strtok_r(line, " \t\n", &save);
	if (!tok || tok[0] == '#')
		return;
	limit = strtoul(tok, NULL, 10);
	while (argc < MAX_ARGS && (tok = strtok_r(NULL, " \t\n", &save)))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (!argc || !limit) {
		printf("init: bad line in /tests/list (want: <secs> <prog> [args])\n");
		return;
	}
	snprintf(path, sizeof(path), "/tests/%s", argv[0]);
	{
		char *name = argv[0];

		argv[0] = path;
		run_part(name, argv, limit);
	}
}

/* Prints the KTAP log of every KUnit suite that ran at boot. */
static void report_kunit(void)
{
	const char *dir = "/sys/kernel/debug/kunit";
	char path[512], buf[4096];
	struct dirent *de;
	size_t n;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/results", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		printf("@@@ BEGIN kunit/%s\n", de->d_name);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		fclose(f);
		printf("\n@@@ END kunit/%s rc=0 secs=0\n", de->d_name);
	}
	closedir(d);
}

/*
 * Forces a kmemleak scan and prints what it reports; rc is 1 if it reports
 * an unreferenced object.  Objects younger than kmemleak's minimum age (5 s)
 * are not reported, so the scan waits for the last test's to grow old.
 */
static void report_kmemleak(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char line[512];
	int leaks = 0;
	double start;
	FILE *f;

	if (access(path, F_OK))
		return;
	printf("@@@ BEGIN kmemleak\n");
	start = now();
	sleep(6);
	f = fopen(path, "w");
	if (!f || fputs("scan", f) < 0 || fclose(f)) {
		printf("kmemleak: cannot start a scan: %s\n", strerror(errno));
		printf("@@@ END kmemleak rc=2 secs=%.1f\n", now() - start);
		return;
	}
	f = fopen(path, "r");
	if (!f) {
		printf("kmemleak: cannot read the report: %s\n", strerror(errno));
		printf("@@@ END kmemleak rc=2 secs=%.1f\n", now() - start);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "unreferenced object"))
			leaks++;
		fputs(line, stdout);
	}
	fclose(f);
	printf("kmemleak: %d unreferenced object(s) after a forced scan\n", leaks);
	printf("@@@ END kmemleak rc=%d secs=%.1f\n", leaks ? 1 : 0, now() - start);
}

int main(void)
{
	char buf[1024], cmd[1024];
	struct sigaction sa = { .sa_handler = on_alarm };
	FILE *list;
	int fd;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");
	mount_fs("tracefs", "/sys/kernel/tracing", "tracefs");
	mount_fs("tmpfs", "/tmp", "tmpfs");
	/* What udev would add to devtmpfs: the runner logs to /dev/stdout. */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");

	/* Console on stdio, unbuffered per line so that markers stay ordered. */
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	setenv("PATH", "/usr/bin:/bin", 1);

	if (cmdline_value("hvc.shell", cmd, sizeof(cmd))) {
		char *sh[] = { "/bin/sh", NULL };

		printf("init: starting /bin/sh; the kselftests are in /kselftest, the rest in /tests\n");
		if (!fork()) {
			setsid();
			ioctl(0, TIOCSCTTY, 1);
			execv(sh[0], sh);
			printf("init: no /bin/sh in this initramfs: %s\n", strerror(errno));
			_exit(1);
		}
		wait(NULL);
	} else {
		if (!cmdline_value("hvc.nokunit", cmd, sizeof(cmd)))
			report_kunit();
		/* The kselftest runner keeps its own timeouts (kvm/settings). */
		if (!access("/tests/run-kselftest", X_OK)) {
			char *runner[] = { "/tests/run-kselftest", NULL };

			run_part("kselftest", runner, 0);
		}
		list = fopen("/tests/list", "r");
		if (list) {
			while (fgets(buf, sizeof(buf), list))
				run_test(buf);
			fclose(list);
		} else if (errno != ENOENT) {
			printf("init: /tests/list: %s\n", strerror(errno));
		}
		report_kmemleak();
	}

	printf("@@@ ALL DONE\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
