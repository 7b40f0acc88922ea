/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growing string, for text built piece by piece: lists joined with a
 * separator, diffs, messages.  After kmod's shared/strbuf.c, with one
 * difference: a failed allocation is remembered, so that a loop may append
 * without checking each step and ask once, at strbuf_steal(), whether it
 * all worked.
 *
 *	_cleanup_strbuf_ struct strbuf b = {};
 *	for (...)
 *		strbuf_word(&b, ", ", name);
 *	s = strbuf_steal(&b);	// NULL: out of memory
 */
#ifndef IGP_STRBUF_H
#define IGP_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

struct strbuf {
	char *s; /* NUL-terminated once anything was added */
	size_t len, cap;
	bool oom; /* an append failed; every later one does nothing */
};

/* Free the text; the buffer is empty (and usable) again. */
void strbuf_done(struct strbuf *b);
#define _cleanup_strbuf_ _cleanup_(strbuf_done)

/* Appends: 0, or -ENOMEM (then, and after any earlier failure, nothing is
 * added). */
int strbuf_add(struct strbuf *b, const char *p, size_t n);
int strbuf_puts(struct strbuf *b, const char *s);
int strbuf_putc(struct strbuf *b, char c);
int strbuf_printf(struct strbuf *b, const char *fmt, ...) _printf_(2, 3);
int strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap) _printf_(2, 0);
/* SEP, unless the buffer is empty: the separator of a list. */
int strbuf_sep(struct strbuf *b, const char *sep);
/* SEP (unless empty) and W: strbuf_word(&b, ", ", name) builds "a, b, c". */
int strbuf_word(struct strbuf *b, const char *sep, const char *w);
int strbuf_wordf(struct strbuf *b, const char *sep, const char *fmt, ...) _printf_(3, 4);

static inline bool strbuf_empty(const struct strbuf *b)
{
	return b->len == 0;
}
/* The text so far ("" before the first append; still owned by B). */
static inline const char *strbuf_str(const struct strbuf *b)
{
	return b->s ? b->s : "";
}
/*
 * Hand the text over (the caller frees it; "" when nothing was added), or
 * NULL after a failed append.  The buffer is empty again either way.
 */
char *strbuf_steal(struct strbuf *b);

#endif
