// SPDX-License-Identifier: GPL-2.0
/*
 * timeout for the test VMs: the part of coreutils' timeout(1) that the
 * kselftest runner (tools/testing/selftests/kselftest/runner.sh) uses, which
 * busybox's applet lacks (--foreground):
 *
 *   timeout [--foreground] SECONDS COMMAND [ARG]...
 *
 * Runs COMMAND in a process group of its own; if it has not exited after
 * SECONDS, sends the group SIGTERM, then SIGKILL two seconds later, and
 * exits 124, so that a test's children and threads go too.  Otherwise exits
 * with COMMAND's status (128 + the signal number if a signal ended it).
 * A SIGTERM, SIGINT or SIGHUP sent to timeout itself (the runner nests two)
 * is passed on to the group.  --foreground is accepted and changes nothing:
 * the VM has no terminal whose signals a test could need.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile sig_atomic_t alarms, passed_on;
static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void on_signal(int sig)
{
	passed_on = sig;
	if (child > 0)
		kill(-child, sig);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct sigaction pass = { .sa_handler = on_signal };
	int i = 1, status, termed = 0;
	unsigned long secs;
	char *end;
	pid_t pid;

	if (i < argc && !strcmp(argv[i], "--foreground"))
		i++;
	if (argc - i < 2) {
		fprintf(stderr, "usage: timeout [--foreground] SECONDS COMMAND [ARG]...\n");
		return 125;
	}
	secs = strtoul(argv[i], &end, 10);
	if (*end && strcmp(end, "s")) {
		fprintf(stderr, "timeout: invalid duration '%s'\n", argv[i]);
		return 125;
	}

	sigaction(SIGTERM, &pass, NULL);
	sigaction(SIGINT, &pass, NULL);
	sigaction(SIGHUP, &pass, NULL);
	pid = fork();
	if (pid < 0) {
		perror("timeout: fork");
		return 125;
	}
	if (!pid) {
		setpgid(0, 0);
		execvp(argv[i + 1], &argv[i + 1]);
		fprintf(stderr, "timeout: %s: %s\n", argv[i + 1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}

	child = pid;
	setpgid(pid, pid);
	sigaction(SIGALRM, &sa, NULL);
	alarm(secs);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR || !alarms)
			continue;
		if (alarms == 1 && !termed) {
			kill(-pid, SIGTERM);
			termed = 1;
			alarm(2);
		} else if (alarms > 1) {
			kill(-pid, SIGKILL);
		}
	}
	if (alarms)
		return 124;
	if (passed_on)
		return 128 + passed_on;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
