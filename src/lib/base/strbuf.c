/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdio.h>

#include "base/strbuf.h"

void strbuf_done(struct strbuf *b)
{
	free(b->s);
	*b = (struct strbuf){};
}

/* Room for N more bytes and the NUL. */
static int grow(struct strbuf *b, size_t n)
{
	size_t need, cap;
	char *s;

	if (b->oom)
		return -ENOMEM;
	if (n > SIZE_MAX / 2 - b->len - 1)
		goto fail;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s)
		goto fail;
	b->s = s;
	b->cap = cap;
	return 0;
fail:
	b->oom = true;
	return -ENOMEM;
}

int strbuf_add(struct strbuf *b, const char *p, size_t n)
{
	int r = grow(b, n);

	if (r < 0)
		return r;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int strbuf_puts(struct strbuf *b, const char *s)
{
	return strbuf_add(b, s, strlen(s));
}

int strbuf_putc(struct strbuf *b, char c)
{
	return strbuf_add(b, &c, 1);
}

int strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->oom = true;
		return -ENOMEM;
	}
	r = grow(b, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int strbuf_sep(struct strbuf *b, const char *sep)
{
	if (b->oom)
		return -ENOMEM;
	return strbuf_empty(b) ? 0 : strbuf_puts(b, sep);
}

int strbuf_word(struct strbuf *b, const char *sep, const char *w)
{
	int r = strbuf_sep(b, sep);

	return r < 0 ? r : strbuf_puts(b, w);
}

int strbuf_wordf(struct strbuf *b, const char *sep, const char *fmt, ...)
{
	va_list ap;
	int r = strbuf_sep(b, sep);

	if (r < 0)
		return r;
	va_start(ap, fmt);
	r = strbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *strbuf_steal(struct strbuf *b)
{
	char *s = NULL;

	if (!b->oom)
		s = b->s ? b->s : strdup("");
	else
		free(b->s);
	*b = (struct strbuf){};
	return s;
}
