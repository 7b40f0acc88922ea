/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader of kernelstub's configuration (/etc/kernelstub/configuration,
 * JSON; kernelstub/config.py reads it with Python's json module): the
 * strings of "user" -> "kernel_options", and edits in place.
 */
#include <json-c/json.h>

#include "boot/kernelstub_conf.h"
#include "base/util.h"

/* A minimal JSON walker: enough to find one array and its string spans. */
static size_t json_ws(const char *t, size_t i)
{
	while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
		i++;
	return i;
}

/* Past the string at t[i] == '"'; *ret_closed (may be NULL) tells whether
 * it has its closing quote, or the text ends inside it. */
static size_t json_skip_string(const char *t, size_t i, bool *ret_closed)
{
	for (i++; t[i] && t[i] != '"'; i++)
		if (t[i] == '\\' && t[i + 1])
			i++;
	if (ret_closed)
		*ret_closed = t[i] == '"';
	return t[i] ? i + 1 : i;
}

static size_t json_skip_value(const char *t, size_t i)
{
	int depth = 0;
	i = json_ws(t, i);
	if (t[i] == '"')
		return json_skip_string(t, i, NULL);
	if (t[i] != '{' && t[i] != '[') {
		while (t[i] && !strchr(",}] \t\r\n", t[i]))
			i++;
		return i;
	}
	for (; t[i]; i++) {
		if (t[i] == '"') {
			i = json_skip_string(t, i, NULL) - 1;
			continue;
		}
		if (t[i] == '{' || t[i] == '[')
			depth++;
		else if ((t[i] == '}' || t[i] == ']') && --depth == 0)
			return i + 1;
	}
	return i;
}

/* Position of the value of KEY in the object starting at t[i] == '{'. */
static long json_member(const char *t, size_t i, const char *key)
{
	size_t kl = strlen(key);
	long found = -1;
	if (t[i] != '{')
		return -1;
	i++;
	for (;;) {
		size_t ks, ke;
		i = json_ws(t, i);
		if (t[i] != '"')
			return found;
		ks = i + 1;
		ke = json_skip_string(t, i, NULL);
		i = json_ws(t, ke);
		if (t[i] != ':')
			return found;
		i = json_ws(t, i + 1);
		/* A repeated key: the last one counts, as for kernelstub's
		 * json.load(). */
		if (ke - 1 - ks == kl && strncmp(t + ks, key, kl) == 0)
			found = (long)i;
		i = json_ws(t, json_skip_value(t, i));
		if (t[i] != ',')
			return found;
		i++;
	}
}

static long kernelstub_array(const char *text)
{
	long u, a;
	size_t i = json_ws(text, 0);
	u = json_member(text, i, "user");
	if (u < 0)
		return -1;
	a = json_member(text, (size_t)u, "kernel_options");
	if (a < 0 || text[a] != '[')
		return -1;
	return a;
}

int igp_kernelstub_tokens(const char *text, struct igp_kline *ret)
{
	struct igp_kline l = {0};
	long a = kernelstub_array(text);
	size_t i;
	int r = -ENOMEM;

	if (a < 0)
		return -ENOENT;
	i = (size_t)a + 1;
	for (;;) {
		struct igp_ktoken *nv;
		size_t e;
		bool closed;
		i = json_ws(text, i);
		if (text[i] != '"' && l.n == 0)
			break; /* [] */
		if (text[i] != '"') {
			r = -EBADMSG; /* a comma and no string: not JSON */
			goto fail;
		}
		e = json_skip_string(text, i, &closed);
		/* The file ends inside the string: no JSON kernelstub can read,
		 * and an element added after it would become part of it. */
		if (!closed) {
			r = -EBADMSG;
			goto fail;
		}
		nv = realloc(l.toks, (l.n + 1) * sizeof(*nv));
		if (!nv)
			goto fail;
		l.toks = nv;
		nv[l.n] = (struct igp_ktoken){strndup(text + i + 1, e - i - 2), i, e};
		if (!nv[l.n].text)
			goto fail;
		l.n++;
		i = json_ws(text, e);
		if (text[i] != ',')
			break;
		i++;
	}
	/* Only strings up to the closing bracket: else what follows the last
	 * string would become an element once it goes (kernelstub, reading the
	 * file with Python's json, would refuse it anyway). */
	if (text[i] != ']') {
		r = -EBADMSG;
		goto fail;
	}
	*ret = l;
	return 0;
fail:
	igp_kline_done(&l);
	return r;
}

/*
 * Remove the elements marked in GONE: a run of them goes with the
 * separators before it (after the element it follows), or, at the start of
 * the array, with those up to the next element that stays.
 */
static int kernelstub_cuts(const struct igp_kline *l, const bool *gone, struct igp_splice **sp, size_t *n_sp)
{
	for (size_t i = 0; i < l->n;) {
		size_t j = i, from, to;
		int r;
		if (!gone[i]) {
			i++;
			continue;
		}
		while (j + 1 < l->n && gone[j + 1])
			j++;
		from = i > 0 ? l->toks[i - 1].end : l->toks[i].start;
		to = i == 0 && j + 1 < l->n ? l->toks[j + 1].start : l->toks[j].end;
		r = igp_splice_push(sp, n_sp, from, to - from, NULL);
		if (r < 0)
			return r;
		i = j + 1;
	}
	return 0;
}

/* The separator new elements get: the layout between the last two
 * (",\n      "), else after "[" of a one-element array, else ", ". */
static char *kernelstub_sep(const char *text, long a, const struct igp_kline *l)
{
	if (l->n >= 2)
		return strndup(text + l->toks[l->n - 2].end, l->toks[l->n - 1].start - l->toks[l->n - 2].end);
	if (l->n == 1)
		return strdupf(",%.*s", (int)(l->toks[0].start - (size_t)a - 1), text + a + 1);
	return strdup(", ");
}

int igp_kernelstub_apply(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret)
{
	struct igp_kline l = {0};
	struct igp_splice *sp = NULL;
	size_t n_sp = 0, kept;
	long a = kernelstub_array(text);
	_cleanup_free_ char *sep = NULL, *add = NULL;
	_cleanup_free_ bool *gone = NULL;
	int r;

	if (a < 0)
		return -ENOENT;
	r = igp_kernelstub_tokens(text, &l);
	if (r < 0)
		return r;
	kept = l.n;
	sep = kernelstub_sep(text, a, &l);
	add = strdup("");
	gone = calloc(l.n + 1, sizeof(bool));
	if (!sep || !add || !gone) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < n_ops; k++) {
		const struct igp_kop *o = &ops[k];
		const struct igp_ktoken *t;
		_cleanup_free_ char *q = NULL;
		if (o->kind == IGP_KOP_ADD)
			continue;
		t = igp_kline_op_token(&l, o);
		if (!t) {
			r = -ESTALE;
			goto out;
		}
		if (o->kind == IGP_KOP_REMOVE) {
			kept -= !gone[o->index];
			gone[o->index] = true;
			continue;
		}
		q = strdupf("\"%s\"", o->token);
		r = q ? igp_splice_push(&sp, &n_sp, t->start, t->end - t->start, q) : -ENOMEM;
		if (r < 0)
			goto out;
	}
	r = kernelstub_cuts(&l, gone, &sp, &n_sp);
	/* New elements after the last one; the first needs no separator
	 * when none stays. */
	for (size_t k = 0; r >= 0 && k < n_ops; k++)
		if (ops[k].kind == IGP_KOP_ADD)
			r = strextendf(&add, "%s\"%s\"", *add || kept ? sep : "", ops[k].token);
	if (r >= 0 && *add)
		r = igp_splice_push(&sp, &n_sp, l.n ? l.toks[l.n - 1].end : (size_t)a + 1, 0, add);
	if (r >= 0)
		r = igp_splices_apply(text, strlen(text), sp, n_sp, ret);
out:
	igp_splices_free(sp, n_sp);
	igp_kline_done(&l);
	return r;
}

/* kernelstub reads its configuration with Python's json module: strict JSON. */
int igp_kernelstub_check(const char *text, size_t len, size_t *ret_off)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	size_t end;
	bool ok;

	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	ok = o && json_tokener_get_error(tok) == json_tokener_success;
	/* Nothing but whitespace may follow. */
	end += strspn(text + end, " \t\r\n");
	json_object_put(o);
	json_tokener_free(tok);
	*ret_off = end < len ? end : len;
	return ok && end >= len ? 0 : -EBADMSG;
}
