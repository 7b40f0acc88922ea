/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "base/paths.h"
#include "base/util.h"

#define READ_FILE_MAX (16u << 20)

static char *root_path;	 /* NULL = real host */
static int root_fd = -1; /* O_PATH fd of the root */

int igp_root_set(const char *root)
{
	int fd;

	if (root_fd >= 0)
		close(root_fd);
	free(root_path);
	root_path = NULL;
	root_fd = -1;
	if (!root || !*root || streq(root, "/"))
		return 0;
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	root_path = strdup(root);
	if (!root_path) {
		close(fd);
		return -ENOMEM;
	}
	root_fd = fd;
	return 0;
}

const char *igp_root(void)
{
	return root_path ? root_path : "/";
}

bool igp_root_is_host(void)
{
	return root_fd < 0;
}

static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int igp_open(const char *path, int flags, mode_t mode)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (root_fd < 0) {
		fd = open(path, flags | O_CLOEXEC, mode);
		return fd < 0 ? -errno : fd;
	}
	fd = (int)syscall(SYS_openat2, root_fd, relative(path), &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* A directory stream on FD (or FD itself when it is an error), which it takes over. */
static int opendir_fd(int fd, DIR **ret)
{
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	*ret = d;
	return 0;
}

int igp_opendir(const char *path, DIR **ret)
{
	return opendir_fd(igp_open(path, O_RDONLY | O_DIRECTORY, 0), ret);
}

int igp_access(const char *path)
{
	int fd = igp_open(path, O_PATH, 0);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

bool igp_is_dir(const char *path)
{
	int fd = igp_open(path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int igp_read_fd(int fd, char **ret, size_t *ret_size)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, cap = 0;

	for (;;) {
		ssize_t n;
		if (cap - size < 4096) {
			char *nb;
			if (cap >= READ_FILE_MAX)
				return -EFBIG;
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + size, cap - size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[size] = '\0';
	if (ret_size)
		*ret_size = size;
	*ret = TAKE_PTR(buf);
	return 0;
}

int igp_read_file(const char *path, char **ret, size_t *ret_size)
{
	_cleanup_close_ int fd = igp_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	return igp_read_fd(fd, ret, ret_size);
}

unsigned igp_text_line(const char *text, size_t off)
{
	unsigned line = 1;
	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

int igp_read_text(const char *path, char **ret, size_t *ret_size, unsigned *ret_line)
{
	_cleanup_free_ char *s = NULL;
	size_t n;
	int r = igp_read_file(path, &s, &n);

	if (r < 0)
		return r;
	if (strlen(s) != n) {
		if (ret_line)
			*ret_line = igp_text_line(s, strlen(s));
		return -EBADMSG;
	}
	if (ret_size)
		*ret_size = n;
	*ret = TAKE_PTR(s);
	return 0;
}

char *igp_text_refusal(const char *path, unsigned line, const char *what)
{
	return strdupf("%s:%u: %s; fix the file, then run igpuctl again", path, line, what);
}

int igp_text_check(const char *path, char **ret_error)
{
	_cleanup_free_ char *s = NULL;
	unsigned line = 0;
	int r = igp_read_text(path, &s, NULL, &line);

	if (r == -ENOENT)
		return 0;
	if (r == -EBADMSG && ret_error)
		*ret_error = igp_text_refusal(path, line, "a NUL byte");
	return r < 0 ? r : 0;
}

static int read_attr_fd(int fd, char **ret)
{
	char buf[4097];
	ssize_t n;
	char *s;

	/* kernfs attributes are at most a page and must be read in one go. */
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	s = strdup(strstrip_trailing(buf));
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int igp_read_attr(const char *path, char **ret)
{
	_cleanup_close_ int fd = igp_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	return read_attr_fd(fd, ret);
}

static int parse_u32_hex(const char *s, uint32_t *ret)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno || end == s || *end || v > UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

int igp_read_u32_hex(const char *path, uint32_t *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = igp_read_attr(path, &s);
	if (r < 0)
		return r;
	return parse_u32_hex(s, ret);
}

int igp_read_long(const char *path, long *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = igp_read_attr(path, &s);
	if (r < 0)
		return r;
	return parse_long(s, LONG_MIN, LONG_MAX, ret);
}

int igp_readlink(const char *path, char **ret)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	const char *base;
	char buf[PATH_MAX];
	ssize_t n;
	char *slash;

	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	strstrip_trailing(dir);
	while (strlen(dir) > 1 && endswith(dir, "/"))
		dir[strlen(dir) - 1] = '\0';
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		dfd = igp_open(*dir ? dir : "/", O_PATH | O_DIRECTORY, 0);
	} else {
		base = dir;
		dfd = igp_open(".", O_PATH | O_DIRECTORY, 0);
	}
	if (dfd < 0)
		return dfd;
	n = readlinkat(dfd, base, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

int igp_readlink_basename(const char *path, char **ret)
{
	_cleanup_free_ char *t = NULL;
	const char *b;
	int r;

	r = igp_readlink(path, &t);
	if (r < 0)
		return r;
	b = strrchr(t, '/');
	*ret = strdup(b ? b + 1 : t);
	return *ret ? 0 : -ENOMEM;
}

/*
 * Resolve symlinks component by component as if the root were "/".
 * sysfs links are relative ("../../devices/..."), so a lexical walk that
 * clamps ".." at the root is exactly what the kernel does after a chroot.
 */
int igp_realpath(const char *path, char **ret)
{
	_cleanup_free_ char *out = NULL, *todo = NULL;
	unsigned hops = 0;

	out = strdup("");
	todo = strdup(path);
	if (!out || !todo)
		return -ENOMEM;

	while (*todo) {
		char *p = todo, *comp, *rest, *cand, *target = NULL;
		size_t n;
		int r;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		comp = strndup(p, n);
		rest = strdup(p + n);
		if (!comp || !rest) {
			free(comp);
			free(rest);
			return -ENOMEM;
		}
		free(todo);
		todo = rest;

		if (streq(comp, ".")) {
			free(comp);
			continue;
		}
		if (streq(comp, "..")) {
			char *s = strrchr(out, '/');
			if (s)
				*s = '\0';
			free(comp);
			continue;
		}
		cand = strdupf("%s/%s", out, comp);
		free(comp);
		if (!cand)
			return -ENOMEM;
		r = igp_readlink(cand, &target);
		if (r == -EINVAL || r == -ENOENT) {
			/* Not a symlink (or not there): keep it as it is. */
			if (r == -ENOENT && *todo) {
				free(cand);
				return r;
			}
			free(out);
			out = cand;
			continue;
		}
		if (r < 0) {
			free(cand);
			return r;
		}
		free(cand);
		if (++hops > 40) {
			free(target);
			return -ELOOP;
		}
		{
			char *nt = strdupf("%s%s", target, todo);
			if (!nt) {
				free(target);
				return -ENOMEM;
			}
			free(todo);
			todo = nt;
		}
		if (target[0] == '/')
			out[0] = '\0';
		free(target);
	}
	if (!*out) {
		free(out);
		out = strdup("/");
		if (!out)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int igp_list_dir(const char *path, char ***ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_strv_free_ char **v = NULL;
	struct dirent *de;
	int r;

	r = igp_opendir(path, &d);
	if (r < 0)
		return r;
	v = calloc(1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (strv_push(&v, de->d_name) < 0)
			return -ENOMEM;
	}
	if (errno)
		return -errno;
	qsort(v, strv_length(v), sizeof(char *), cmp_version_strings);
	*ret = TAKE_PTR(v);
	return 0;
}

int igp_write_attr(const char *path, const char *value)
{
	_cleanup_close_ int fd = igp_open(path, O_WRONLY, 0);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return fd;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

static bool single_component(const char *name)
{
	return *name && !strchr(name, '/') && !streq(name, "..") && !streq(name, ".");
}

static int open_at(int dfd, const char *name, int flags)
{
	int fd;
	if (!single_component(name))
		return -EINVAL;
	fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int igp_dir_fd(const char *path)
{
	return igp_open(path, O_PATH | O_DIRECTORY, 0);
}

int igp_attr_at(int dfd, const char *name, char **ret)
{
	_cleanup_close_ int fd = open_at(dfd, name, O_RDONLY);
	if (fd < 0)
		return fd;
	return read_attr_fd(fd, ret);
}

int igp_file_at(int dfd, const char *name, char **ret)
{
	_cleanup_close_ int fd = open_at(dfd, name, O_RDONLY);
	if (fd < 0)
		return fd;
	return igp_read_fd(fd, ret, NULL);
}

int igp_u32_hex_at(int dfd, const char *name, uint32_t *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = igp_attr_at(dfd, name, &s);
	if (r < 0)
		return r;
	return parse_u32_hex(s, ret);
}

int igp_long_at(int dfd, const char *name, long *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = igp_attr_at(dfd, name, &s);
	if (r < 0)
		return r;
	return parse_long(s, LONG_MIN, LONG_MAX, ret);
}

int igp_readlink_at(int dfd, const char *name, char **ret)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (!single_component(name))
		return -EINVAL;
	n = readlinkat(dfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

bool igp_is_dir_at(int dfd, const char *name)
{
	struct stat st;
	return single_component(name) && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

int igp_list_dir_at(int dfd, const char *name, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int r = opendir_fd(open_at(dfd, name, O_RDONLY | O_DIRECTORY), &d);

	if (r < 0)
		return r;
	v = calloc(1, sizeof(char *));
	while (v && (errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (strv_push(&v, de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	if (!v)
		return -ENOMEM;
	qsort(v, strv_length(v), sizeof(char *), cmp_version_strings);
	*ret = TAKE_PTR(v);
	return 0;
}

char *igp_path_normalize(const char *path)
{
	_cleanup_strv_free_ char **parts = NULL;
	char *out;
	size_t n = 0, len = 1;
	const char **keep;

	if (strv_split(path, "/", &parts) < 0)
		return NULL;
	keep = calloc(strv_length(parts) + 1, sizeof(char *));
	if (!keep)
		return NULL;
	for (char **p = parts; *p; p++) {
		if (streq(*p, "."))
			continue;
		if (streq(*p, "..")) {
			if (n > 0)
				n--;
			continue;
		}
		keep[n++] = *p;
	}
	for (size_t i = 0; i < n; i++)
		len += strlen(keep[i]) + 1;
	out = malloc(len + 1);
	if (out) {
		char *w = out;
		*w = '\0';
		for (size_t i = 0; i < n; i++)
			w += sprintf(w, "/%s", keep[i]);
		if (n == 0)
			strcpy(out, "/");
	}
	free(keep);
	return out;
}

const char *igp_sysfs_relative(const char *path)
{
	return path && startswith(path, IGP_SYS_PREFIX) ? path + strlen(IGP_SYS_PREFIX) : NULL;
}

char *igp_path_join(const char *a, const char *b)
{
	return strdupf("%s/%s", a, b);
}

/*
 * The printf-style forms: format the path into P (a cleanup variable of the
 * caller), -ENOMEM (or FAIL) when that fails.
 */
#define FORMAT_PATH(p, fmt, fail)                                                                            \
	do {                                                                                                 \
		va_list ap;                                                                                  \
		va_start(ap, fmt);                                                                           \
		p = strdupvf(fmt, ap);                                                                       \
		va_end(ap);                                                                                  \
		if (!p)                                                                                      \
			return fail;                                                                         \
	} while (0)

int igp_openf(int flags, mode_t mode, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_open(p, flags, mode);
}

int igp_read_filef(char **ret, size_t *ret_size, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_read_file(p, ret, ret_size);
}

int igp_read_attrf(char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_read_attr(p, ret);
}

int igp_read_u32_hexf(uint32_t *ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_read_u32_hex(p, ret);
}

int igp_read_longf(long *ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_read_long(p, ret);
}

int igp_readlinkf(char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_readlink(p, ret);
}

int igp_readlink_basenamef(char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_readlink_basename(p, ret);
}

int igp_realpathf(char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_realpath(p, ret);
}

int igp_list_dirf(char ***ret, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_list_dir(p, ret);
}

int igp_accessf(const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_access(p);
}

bool igp_existsf(const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, false);
	return igp_exists(p);
}

bool igp_is_dirf(const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, false);
	return igp_is_dir(p);
}

int igp_write_attrf(const char *value, const char *fmt, ...)
{
	_cleanup_free_ char *p = NULL;
	FORMAT_PATH(p, fmt, -ENOMEM);
	return igp_write_attr(p, value);
}
