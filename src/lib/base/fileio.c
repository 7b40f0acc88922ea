/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "base/fault.h"
#include "base/fileio.h"
#include "base/paths.h"
#include "base/util.h"

int igp_resolve_target(const char *path, char **ret)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	return igp_realpath(path, ret);
}

/* Split a canonical host path into its directory and last component. */
static int split_path(const char *path, char **ret_dir, char **ret_base)
{
	const char *slash = strrchr(path, '/');
	char *dir, *base;

	if (!slash || !slash[1] || streq(slash + 1, ".") || streq(slash + 1, ".."))
		return -EINVAL;
	dir = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	base = strdup(slash + 1);
	if (!dir || !base) {
		free(dir);
		free(base);
		return -ENOMEM;
	}
	*ret_dir = dir;
	*ret_base = base;
	return 0;
}

/*
 * The parent directory, opened inside the root.  O_RDONLY (not O_PATH) so
 * that it can be fsync'ed after the rename; it serves as the dirfd of every
 * *at() call below, which then only ever gets a single path component.
 */
static int open_parent(const char *path, char **ret_base)
{
	_cleanup_free_ char *resolved = NULL, *dir = NULL, *base = NULL;
	int r, dfd;

	r = igp_resolve_target(path, &resolved);
	if (r < 0)
		return r;
	r = split_path(resolved, &dir, &base);
	if (r < 0)
		return r;
	dfd = igp_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return dfd;
	*ret_base = TAKE_PTR(base);
	return dfd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int create_temp(int dfd, const char *base, char **ret_name)
{
	static unsigned counter;

	for (int attempt = 0; attempt < 100; attempt++) {
		struct timespec ts;
		char *name;
		int fd;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		name = strdupf(".%s%s%06lx", base, IGP_TMP_MARKER,
			       ((unsigned long)getpid() * 7919u + (unsigned long)ts.tv_nsec + ++counter) &
				   0xffffffUL);
		if (!name)
			return -ENOMEM;
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*ret_name = name;
			return fd;
		}
		free(name);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int igp_write_file_atomic(const char *path, const void *data, size_t size, mode_t create_mode)
{
	_cleanup_free_ char *base = NULL, *tmp = NULL;
	_cleanup_close_ int dfd = -1, fd = -1;
	struct stat st;
	bool exists;
	int r;

	dfd = open_parent(path, &base);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		/* igp_resolve_target() followed every link: one still here
		 * means a loop or a race; never write through it. */
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
		exists = true;
	} else if (errno == ENOENT) {
		exists = false;
	} else {
		return -errno;
	}

	r = igp_fault("tmp-create");
	if (r < 0)
		return r;
	fd = create_temp(dfd, base, &tmp);
	if (fd < 0)
		return fd;

	/* Half, then the rest: a "tmp-write" fault leaves a partial temp
	 * file, the worst a crash mid-write can do. */
	r = write_all(fd, data, size / 2);
	if (r >= 0)
		r = igp_fault("tmp-write");
	if (r >= 0)
		r = write_all(fd, (const char *)data + size / 2, size - size / 2);
	if (r < 0)
		goto fail;

	if (fchmod(fd, exists ? (st.st_mode & 07777) : create_mode) < 0) {
		r = -errno;
		goto fail;
	}
	/* Keep the owner.  Under --root an unprivileged user edits a tree
	 * it may not own entirely; there chown is allowed to fail. */
	if (exists && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0 && !(errno == EPERM && !igp_root_is_host())) {
		r = -errno;
		goto fail;
	}
	r = igp_fault("tmp-fsync");
	if (r < 0)
		goto fail;
	if (fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	r = close(TAKE_FD(fd));
	if (r < 0) {
		r = -errno;
		goto fail;
	}
	r = igp_fault("rename");
	if (r < 0)
		goto fail;
	if (renameat(dfd, tmp, dfd, base) < 0) {
		r = -errno;
		goto fail;
	}
	r = igp_fault("renamed");
	if (r < 0)
		return r;
	if (fsync(dfd) < 0)
		return -errno;
	return 0;

fail:
	(void)unlinkat(dfd, tmp, 0);
	return r;
}

int igp_unlink_durable(const char *path)
{
	_cleanup_free_ char *base = NULL;
	_cleanup_close_ int dfd = -1;
	int r;

	dfd = open_parent(path, &base);
	if (dfd < 0)
		return dfd;
	r = igp_fault("unlink");
	if (r < 0)
		return r;
	if (unlinkat(dfd, base, 0) < 0)
		return -errno;
	r = igp_fault("unlinked");
	if (r < 0)
		return r;
	if (fsync(dfd) < 0)
		return -errno;
	return 0;
}

int igp_mkdir_parents(const char *path, mode_t mode)
{
	_cleanup_free_ char *copy = NULL;
	_cleanup_close_ int dfd = -1;
	char *p, *slash;

	if (!path || path[0] != '/')
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	slash = strrchr(copy, '/');
	*slash = '\0'; /* only the parents */

	dfd = igp_open("/", O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return dfd;
	p = copy;
	while (*p) {
		_cleanup_free_ char *prefix = NULL;
		char *end;
		int nfd;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, "/");
		prefix = strndup(copy, (size_t)(end - copy));
		if (!prefix)
			return -ENOMEM;
		nfd = igp_open(prefix, O_RDONLY | O_DIRECTORY, 0);
		if (nfd == -ENOENT) {
			_cleanup_free_ char *comp = strndup(p, (size_t)(end - p));
			if (!comp)
				return -ENOMEM;
			if (mkdirat(dfd, comp, mode) < 0 && errno != EEXIST)
				return -errno;
			if (fsync(dfd) < 0)
				return -errno;
			nfd = igp_open(prefix, O_RDONLY | O_DIRECTORY, 0);
		}
		if (nfd < 0)
			return nfd;
		close(dfd);
		dfd = nfd;
		p = end;
	}
	return 0;
}

int igp_file_mode(const char *path, mode_t *ret_mode)
{
	_cleanup_close_ int fd = igp_open(path, O_PATH, 0);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	*ret_mode = st.st_mode;
	return 0;
}

int igp_remove_stale_temps(const char *dir)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_close_ int dfd = -1;
	int r, n = 0;

	r = igp_list_dir(dir, &names);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	dfd = igp_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return dfd;
	for (char **s = names; *s; s++) {
		if ((*s)[0] != '.' || !strstr(*s, IGP_TMP_MARKER))
			continue;
		if (unlinkat(dfd, *s, 0) < 0 && errno != ENOENT)
			return -errno;
		n++;
	}
	if (n > 0 && fsync(dfd) < 0)
		return -errno;
	return n;
}
