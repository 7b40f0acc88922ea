/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "base/paths.h"
#include "base/spawn.h"
#include "base/util.h"

extern char **environ;

/* Read FD to its end into a buffer of at most MAX bytes; the rest is
 * drained so that the child never blocks on a full pipe. */
static int read_all(int fd, size_t max, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		char chunk[4096];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (len + (size_t)n > max)
			n = (ssize_t)(max - len);
		if (len + (size_t)n + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nb;
			while (ncap < len + (size_t)n + 1)
				ncap *= 2;
			nb = realloc(buf, ncap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap = ncap;
		}
		memcpy(buf + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

int igp_spawn_output(char *const argv[], size_t max, char **ret)
{
	posix_spawn_file_actions_t fa;
	_cleanup_free_ char *out = NULL;
	int pipefd[2], status, r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, IGP_DEV_NULL, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, IGP_DEV_NULL, O_WRONLY, 0);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0) {
		close(pipefd[0]);
		return r == ENOMEM ? -ENOMEM : -ENOENT;
	}
	r = read_all(pipefd[0], max, &out);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (r < 0)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EIO;
	*ret = TAKE_PTR(out);
	return 0;
}

/* A descriptor that becomes readable when PID ends (pidfd_open(2), Linux
 * 5.3), or -1. */
static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

int igp_wait_child(pid_t pid, void (*tick)(void), int *status)
{
	_cleanup_close_ int fd = tick ? pidfd_of(pid) : -1;

	for (;;) {
		pid_t w = waitpid(pid, status, tick ? WNOHANG : 0);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (w != 0)
			continue;
		if (fd >= 0)
			(void)poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1, 100);
		else
			nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
		tick();
	}
}

int igp_spawn_wait(char *const argv[], int out_fd, int err_fd, void (*tick)(void), int *ret_status)
{
	posix_spawn_file_actions_t fa;
	int status, r;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, IGP_DEV_NULL, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return r == ENOMEM ? -ENOMEM : -ENOENT;
	r = igp_wait_child(pid, tick, &status);
	if (r < 0)
		return r;
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
