/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/util.h"
#include "vm/qemu_opts.h"

void igp_qemu_opts_done(struct igp_qemu_opts *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].key);
		free(o->v[i].value);
	}
	free(o->v);
	*o = (struct igp_qemu_opts){0};
}

/* get_opt_value(): up to a single comma, ",," being one. */
static const char *opt_value(const char *p, char **ret)
{
	size_t n = 0;
	char *v = malloc(strlen(p) + 1);

	if (!v)
		return NULL;
	for (; *p; p++) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		v[n++] = *p;
	}
	v[n] = '\0';
	*ret = v;
	return p;
}

static int opts_add(struct igp_qemu_opts *o, char *key, char *value)
{
	struct igp_qemu_opt *v = realloc(o->v, (o->n + 1) * sizeof(*v));

	if (!v) {
		free(key);
		free(value);
		return -ENOMEM;
	}
	o->v = v;
	v[o->n++] = (struct igp_qemu_opt){key, value};
	return 0;
}

int igp_qemu_opts_parse(const char *s, const char *implied_key, struct igp_qemu_opts *ret)
{
	struct igp_qemu_opts o = {0};
	bool first = true;
	int r = 0;

	/* opts_do_parse() and get_opt_name_value() of util/qemu-option.c. */
	for (const char *p = s; *p && r >= 0; first = false) {
		size_t len = strcspn(p, "=,");
		char *key = NULL, *value = NULL;

		if (p[len] != '=' && first && implied_key) {
			/* "foo,more": the implicitly named first option, whose
			 * value may hold ",," too. */
			key = strdup(implied_key);
			p = opt_value(p, &value);
		} else if (p[len] != '=') {
			/* A flag: "foo" is foo=on, "nofoo" foo=off. */
			bool no = len >= 2 && strncmp(p, "no", 2) == 0;
			key = strndup(p + (no ? 2 : 0), len - (no ? 2 : 0));
			value = strdup(no ? "off" : "on");
			p += len;
			if (key && !*key)
				r = -EINVAL;
		} else {
			key = strndup(p, len);
			p = opt_value(p + len + 1, &value);
			if (len == 0)
				r = -EINVAL;
		}
		if (!key || !value || !p) {
			free(key);
			free(value);
			r = -ENOMEM;
			break;
		}
		if (r < 0) {
			free(key);
			free(value);
			break;
		}
		r = opts_add(&o, key, value);
		if (*p == ',')
			p++;
	}
	if (r < 0) {
		igp_qemu_opts_done(&o);
		return r;
	}
	*ret = o;
	return 0;
}

const char *igp_qemu_opts_get(const struct igp_qemu_opts *o, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < o->n; i++)
		if (streq(o->v[i].key, key))
			v = o->v[i].value;
	return v;
}

int igp_qemu_opts_bool(const struct igp_qemu_opts *o, const char *key)
{
	const char *v = igp_qemu_opts_get(o, key);

	/* qapi/qobject-input-visitor.c and qapi_bool_parse(). */
	if (!v)
		return -1;
	if (streq(v, "on") || streq(v, "yes") || streq(v, "true") || streq(v, "y"))
		return 1;
	if (streq(v, "off") || streq(v, "no") || streq(v, "false") || streq(v, "n"))
		return 0;
	return -1;
}

int igp_qemu_split_words(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *w = malloc(strlen(s) + 1);
	size_t n = 0;
	bool in_word = false;
	char quote = 0;
	int r;

	if (!w)
		return -ENOMEM;
	for (const char *p = s;; p++) {
		if (!*p && quote)
			return -EINVAL;
		if (!quote && (!*p || *p == ' ' || *p == '\t' || *p == '\n')) {
			if (in_word) {
				w[n] = '\0';
				if ((r = strv_push(&v, w)) < 0)
					return r;
				n = 0;
				in_word = false;
			}
			if (!*p)
				break;
			continue;
		}
		in_word = true;
		if (quote == '\'') {
			if (*p == '\'')
				quote = 0;
			else
				w[n++] = *p;
		} else if (*p == '\\' && quote != '\'') {
			/* In "...", only \" \\ \$ \` are escapes (sh); outside, any. */
			if (!p[1])
				return -EINVAL;
			if (quote == '"' && !strchr("\"\\$`", p[1]))
				w[n++] = *p;
			w[n++] = *++p;
		} else if (*p == quote) {
			quote = 0;
		} else if (!quote && (*p == '\'' || *p == '"')) {
			quote = *p;
		} else {
			w[n++] = *p;
		}
	}
	if (!v && !(v = calloc(1, sizeof(char *))))
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}
