/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/util.h"
#include "report/bundle.h"

static int redact_file(struct igp_redactor *r, int dfd, const char *name, const struct stat *st)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *text = NULL;
	_cleanup_strbuf_ struct strbuf out = {0};
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	size_t len;
	int k;

	if (fd < 0)
		return -errno;
	if ((k = igp_read_fd(fd, &text, &len)) < 0)
		return k;
	if ((k = igp_redact(r, name, text, len, &out)) < 0)
		return k;
	if (out.len == len && (len == 0 || memcmp(out.s, text, len) == 0))
		return 0;
	close(TAKE_FD(fd));
	fd = openat(dfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (out.len && write(fd, out.s, out.len) != (ssize_t)out.len)
		return -EIO;
	if (futimens(fd, times) < 0)
		return -errno;
	return 0;
}

static int redact_link(struct igp_redactor *r, int dfd, const char *name)
{
	char target[PATH_MAX];
	_cleanup_free_ char *red = NULL;
	ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
	int k;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	if ((k = igp_redact_str(r, target, &red)) < 0)
		return k;
	if (streq(red, target))
		return 0;
	if (unlinkat(dfd, name, 0) < 0 || symlinkat(red, dfd, name) < 0)
		return -errno;
	return 0;
}

static int redact_dir(struct igp_redactor *r, int dfd);

static int redact_entry(struct igp_redactor *r, int dfd, const char *name)
{
	_cleanup_free_ char *newname = NULL;
	struct stat st;
	int k = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			return -errno;
		k = redact_dir(r, sub);
	} else if (S_ISREG(st.st_mode)) {
		k = redact_file(r, dfd, name, &st);
	} else if (S_ISLNK(st.st_mode)) {
		k = redact_link(r, dfd, name);
	}
	if (k < 0)
		return k;
	if ((k = igp_redact_str(r, name, &newname)) < 0)
		return k;
	if (!streq(newname, name) && renameat2(dfd, name, dfd, newname, RENAME_NOREPLACE) < 0)
		return -errno;
	return 0;
}

/* The names of the directory DFD, read before any of them is renamed. */
static int dir_names(int dfd, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	DIR *d;
	struct dirent *e;
	int k = 0, fd = dup(dfd);

	if (fd < 0)
		return -errno;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (!streq(e->d_name, ".") && !streq(e->d_name, "..") &&
		    (k = strv_push(&names, e->d_name)) < 0)
			break;
	closedir(d);
	if (k < 0)
		return k;
	/* In name order: the Nth address is the same one on every run. */
	if (names)
		strv_sort(names);
	*ret = TAKE_PTR(names);
	return 0;
}

static int redact_dir(struct igp_redactor *r, int dfd)
{
	_cleanup_strv_free_ char **names = NULL;
	int k = dir_names(dfd, &names);

	for (char **n = names; k >= 0 && n && *n; n++)
		k = redact_entry(r, dfd, *n);
	return k;
}

int igp_report_redact_tree(struct igp_redactor *r, const char *dir)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return -errno;
	return redact_dir(r, dfd);
}

static int remove_at(int dfd, const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		_cleanup_strv_free_ char **names = NULL;
		int k;

		if (sub < 0)
			return -errno;
		/* A captured node may be read-only for its owner. */
		fchmod(sub, 0700);
		if ((k = dir_names(sub, &names)) < 0)
			return k;
		for (char **n = names; n && *n; n++)
			if ((k = remove_at(sub, *n)) < 0)
				return k;
		return unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
	}
	return unlinkat(dfd, name, 0) < 0 ? -errno : 0;
}

int igp_report_remove_tree(const char *dir)
{
	return remove_at(AT_FDCWD, dir);
}

/* "xe" is a word of its own in a line ("xe 0000:00:02.0: ..."), not the
 * letters inside another. */
static bool has_word(const char *line, size_t len, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= len; i++)
		if (memcmp(line + i, w, wl) == 0 && (i == 0 || !isalnum((unsigned char)line[i - 1])) &&
		    (i + wl == len || !isalnum((unsigned char)line[i + wl])))
			return true;
	return false;
}

int igp_report_dmesg_filter(const char *log, struct strbuf *out)
{
	static const char *const words[] = {"i915", "xe", "vfio", "DMAR"};
	int n = 0;

	for (const char *l = log; l && *l;) {
		const char *nl = strchrnul(l, '\n');
		size_t len = (size_t)(nl - l);

		for (size_t w = 0; w < ELEMENTSOF(words); w++)
			if (has_word(l, len, words[w])) {
				if (strbuf_add(out, l, len) < 0 || strbuf_putc(out, '\n') < 0)
					return -ENOMEM;
				n++;
				break;
			}
		l = *nl ? nl + 1 : nl;
	}
	return n;
}

static bool is_qemu(const char *argv0)
{
	const char *b = strrchr(argv0, '/');

	b = b ? b + 1 : argv0;
	return startswith(b, "qemu-system-") || streq(b, "kvm");
}

static int put_arg(struct strbuf *out, const char *a)
{
	if (*a && !a[strcspn(a, " \t\n'\"\\$`")])
		return strbuf_puts(out, a);
	if (strbuf_putc(out, '\'') < 0)
		return -ENOMEM;
	for (; *a; a++)
		if ((*a == '\'' ? strbuf_puts(out, "'\\''") : strbuf_putc(out, *a)) < 0)
			return -ENOMEM;
	return strbuf_putc(out, '\'');
}

static int by_number(const void *a, const void *b)
{
	long x = atol(*(char *const *)a), y = atol(*(char *const *)b);

	return (x > y) - (x < y);
}

int igp_report_qemu_processes(struct strbuf *out)
{
	_cleanup_strv_free_ char **pids = NULL;
	int n = 0, k = igp_list_dir(IGP_PROC, &pids);

	if (k < 0)
		return k == -ENOENT ? 0 : k;
	qsort(pids, strv_length(pids), sizeof(char *), by_number);
	for (char **p = pids; *p; p++) {
		_cleanup_free_ char *cmd = NULL;
		size_t len;

		if (strspn(*p, "0123456789") != strlen(*p))
			continue;
		/* The arguments, each ended by a NUL (proc(5)). */
		if (igp_read_filef(&cmd, &len, IGP_PROC "/%s/cmdline", *p) < 0 || !len || !is_qemu(cmd))
			continue;
		if (strbuf_printf(out, "%s:", *p) < 0)
			return -ENOMEM;
		for (size_t i = 0; i < len; i += strlen(cmd + i) + 1)
			if (strbuf_putc(out, ' ') < 0 || put_arg(out, cmd + i) < 0)
				return -ENOMEM;
		if (strbuf_putc(out, '\n') < 0)
			return -ENOMEM;
		n++;
	}
	return n;
}
