/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by the library and the commands: cleanup attributes
 * in the style of systemd, string vectors, and the error convention.
 *
 * Error convention: functions return 0 (or a count) on success and a
 * negative errno on failure.  Library code never prints and never exits.
 * Out-parameters are named ret_* and are only written on success.
 */
#ifndef IGP_UTIL_H
#define IGP_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/*
 * The cleanup function for a pointer to TYPE that FUNC releases: FUNCp(),
 * which does nothing for NULL, as systemd's DEFINE_TRIVIAL_CLEANUP_FUNC
 * (src/basic/memory-util.h).  `DEFINE_TRIVIAL_CLEANUP_FUNC(struct x *,
 * x_free)` next to x_free()'s declaration, then `_cleanup_(x_freep) struct
 * x *p = NULL;` or a `#define _cleanup_x_` of it.
 */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                              \
	static inline void func##p(type *p)                                                                  \
	{                                                                                                    \
		if (*p)                                                                                      \
			func(*p);                                                                            \
	}                                                                                                    \
	struct igp_trailing_semicolon_

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose);
DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand a pointer out of a scope that would otherwise free it. */
#define TAKE_PTR(p)                                                                                          \
	({                                                                                                   \
		__typeof__(p) _p = (p);                                                                      \
		(p) = NULL;                                                                                  \
		_p;                                                                                          \
	})
/* Hand a struct out of a scope whose cleanup would release what it holds;
 * the variable is zeroed (the cleanup then has nothing to do). */
#define TAKE_STRUCT(s)                                                                                       \
	({                                                                                                   \
		__typeof__(s) _s = (s);                                                                      \
		(s) = (__typeof__(s)){};                                                                     \
		_s;                                                                                          \
	})
#define TAKE_FD(fd)                                                                                          \
	({                                                                                                   \
		int _fd = (fd);                                                                              \
		(fd) = -1;                                                                                   \
		_fd;                                                                                         \
	})

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}
static inline bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return streq(a, b);
}
static inline bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
bool endswith(const char *s, const char *suffix);

/* asprintf that returns NULL on failure. */
char *strdupf(const char *fmt, ...) _printf_(1, 2);
char *strdupvf(const char *fmt, va_list ap) _printf_(1, 0);
/* Append formatted text to the malloc'ed string *s (NULL counts as "");
 * 0, or -ENOMEM with *s as it was. */
int strextendf(char **s, const char *fmt, ...) _printf_(2, 3);
/* A refusal: *ret_error (when RET_ERROR is not NULL; caller frees) set to
 * the formatted reason, R returned. */
int igp_refuse(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
/* A copy of the line *p starts (without its newline), and *p moved to the
 * next line, or to NULL after the last: for (l = text; l && *l;) loops. */
char *strdup_line(const char **p);
/* Strip trailing whitespace (newlines from kernfs files) in place. */
char *strstrip_trailing(char *s);

/* NULL-terminated string vectors. */
typedef char **strv_t;
void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char *const *v);
/* Append a copy of s; returns 0 or -ENOMEM. */
int strv_push(char ***v, const char *s);
/* Append s itself (takes ownership even on failure). */
int strv_consume(char ***v, char *s);
/* Append a formatted string; 0 or -ENOMEM. */
int strv_pushf(char ***v, const char *fmt, ...) _printf_(2, 3);
bool strv_contains(char *const *v, const char *s);
void strv_sort(char **v);
/* Split s on any of the separator characters, skipping empty fields. */
int strv_split(const char *s, const char *sep, char ***ret);

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 for ASCII,
 * invalid bytes and C1 controls (U+0080..U+009F: terminals act on them). */
size_t utf8_char_len(const char *s, size_t n);
/* s is valid UTF-8 without control characters (what a name or a path given
 * on the command line may hold). */
bool string_is_printable(const char *s);

/* Version-sort comparison ("2" < "10"), for qsort of names. */
int cmp_version_strings(const void *a, const void *b);

/* Parse a decimal integer in [min, max]; -EINVAL/-ERANGE otherwise. */
int parse_long(const char *s, long min, long max, long *ret);
/* A count as typed on a command line: ASCII digits only (strtol() would also
 * take blanks, a sign and, with base 0, hex), in [min, max]. */
int parse_count(const char *s, long min, long max, long *ret);

/* Compare "X.Y.Z" style versions numerically; <0, 0, >0. */
int version_compare(const char *a, const char *b);

#endif
