/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "boot/shellvar.h"
#include "base/util.h"

/* One character of an evaluated value and where it was written. */
struct ech {
	char c;
	int file;      /* -1: not from literal text (synthetic or unknown) */
	size_t off;    /* byte offset in that file */
	size_t lo, hi; /* the quoted region / word / array body around it */
};

struct val {
	struct ech *v;
	size_t n, cap;
};

enum ins_how { INS_QUOTED, INS_WRAP, INS_CONCAT, INS_EMPTY };

struct assign {
	char *name;
	int file;
	enum ins_how how;
	size_t at;		     /* INS_QUOTED: offset of the closing quote/paren */
	size_t open;		     /* INS_QUOTED: offset after the opening one */
	size_t word_start, word_end; /* the value word (WRAP, CONCAT, EMPTY) */
};

struct state {
	const struct igp_shdoc *doc;
	char **names;
	struct val *vals;
	size_t n_vars;
	struct assign *as;
	size_t n_as;
	bool oom;
};

static const struct ech OPAQUE = {'\x01', -1, 0, 0, 0};

static void val_push(struct state *s, struct val *v, struct ech e)
{
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 32;
		struct ech *nv = realloc(v->v, nc * sizeof(*nv));
		if (!nv) {
			s->oom = true;
			return;
		}
		v->v = nv;
		v->cap = nc;
	}
	v->v[v->n++] = e;
}

static struct val *var_get(struct state *s, const char *name, size_t len, bool create)
{
	for (size_t i = 0; i < s->n_vars; i++)
		if (strlen(s->names[i]) == len && strncmp(s->names[i], name, len) == 0)
			return &s->vals[i];
	if (!create)
		return NULL;
	{
		char **nn = realloc(s->names, (s->n_vars + 1) * sizeof(char *));
		struct val *nv;
		if (!nn) {
			s->oom = true;
			return NULL;
		}
		s->names = nn;
		nv = realloc(s->vals, (s->n_vars + 1) * sizeof(struct val));
		if (!nv) {
			s->oom = true;
			return NULL;
		}
		s->vals = nv;
		nn[s->n_vars] = strndup(name, len);
		nv[s->n_vars] = (struct val){0};
		if (!nn[s->n_vars]) {
			s->oom = true;
			return NULL;
		}
		return &s->vals[s->n_vars++];
	}
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}
static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void expand(struct state *s, struct val *out, const char *name, size_t len)
{
	struct val *v = var_get(s, name, len, false);
	for (size_t i = 0; v && i < v->n; i++)
		val_push(s, out, v->v[i]);
}

/* Where a construct opened at OPEN ends, by the syntax scanner below (one
 * reading of sh's quoting for the check and the evaluator): the offset
 * after a $( ${ or `...`, and the offset of the '"' closing a double quote
 * opened at OPEN.  An unterminated one runs to LEN. */
static size_t sh_dollar_end(const char *t, size_t len, size_t open);
static size_t sh_dquote_end(const char *t, size_t len, size_t open);

/*
 * A '$' at t[*p]: expand into OUT (may be NULL when only skipping).  Leaves
 * *p after the expansion.
 */
static void dollar(struct state *s, const char *t, size_t len, size_t *p, struct val *out, int file,
		   size_t lo, size_t hi)
{
	size_t i = *p + 1;

	if (i < len && is_name_start(t[i])) {
		size_t b = i;
		while (i < len && is_name_char(t[i]))
			i++;
		if (out)
			expand(s, out, t + b, i - b);
		*p = i;
		return;
	}
	if (i < len && t[i] == '{') {
		size_t b = i + 1, e = b;
		while (e < len && is_name_char(t[e]))
			e++;
		if (e < len && t[e] == '}' && e > b && is_name_start(t[b])) {
			if (out)
				expand(s, out, t + b, e - b);
			*p = e + 1;
			return;
		}
		/* ${VAR:-x} and friends: not evaluated.  Where they end is
		 * the syntax scanner's answer (quotes inside count). */
		if (out)
			val_push(s, out, OPAQUE);
		*p = sh_dollar_end(t, len, *p);
		return;
	}
	if (i < len && t[i] == '(') {
		if (out)
			val_push(s, out, OPAQUE);
		*p = sh_dollar_end(t, len, *p);
		return;
	}
	if (i < len && (isdigit((unsigned char)t[i]) || strchr("@*#?$!-", t[i]))) {
		if (out)
			val_push(s, out, OPAQUE);
		*p = i + 1;
		return;
	}
	/* A lone '$' is literal. */
	if (out)
		val_push(s, out, (struct ech){'$', file, *p, lo, hi});
	*p = i;
}

struct wordinfo {
	enum { SEG_NONE, SEG_DQ, SEG_SQ, SEG_UNQ } last;
	size_t last_open;  /* offset after the opening quote of the last segment */
	size_t last_close; /* offset of the closing quote of the last segment */
	bool quoted_any;   /* some segment was quoted */
	bool complex_unq;  /* backslashes or expansions outside quotes */
};

static bool word_end_char(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == ')' ||
	       c == '(' || c == '<' || c == '>';
}

/* Parse one shell word starting at *p; evaluate into OUT when not NULL. */
static void word(struct state *s, int file, size_t *p, struct val *out, struct wordinfo *wi)
{
	const char *t = s->doc->files[file].text;
	size_t len = s->doc->files[file].len, i = *p, wstart = *p, wend;
	struct wordinfo info = {SEG_NONE, 0, 0, false, false};

	/* Find the word's end first: unquoted chars need it as their region. */
	{
		size_t j = i;
		while (j < len && !word_end_char(t[j])) {
			if (t[j] == '\\' && j + 1 < len)
				j += 2;
			else if (t[j] == '\'') {
				const char *q = memchr(t + j + 1, '\'', len - j - 1);
				j = q ? (size_t)(q - t) + 1 : len;
			} else if (t[j] == '"') {
				j = sh_dquote_end(t, len, j);
				j = j < len ? j + 1 : len;
			} else if (t[j] == '`' ||
				   (t[j] == '$' && j + 1 < len && (t[j + 1] == '(' || t[j + 1] == '{'))) {
				/* Substitutions: their blanks and quotes are their own
				 * (GRUB_DISTRIBUTOR=`lsb_release -i -s`). */
				j = sh_dollar_end(t, len, j);
			} else
				j++;
		}
		wend = j;
	}

	while (i < wend) {
		char c = t[i];
		if (c == '\\') {
			if (i + 1 < wend && t[i + 1] == '\n') {
				i += 2;
				continue;
			}
			info.complex_unq = true;
			/* An escaped character cannot be edited where it is
			 * written: its backslash is outside the token's span. */
			if (out && i + 1 < wend)
				val_push(s, out, (struct ech){t[i + 1], -1, 0, 0, 0});
			i += 2;
			info.last = SEG_UNQ;
		} else if (c == '\'') {
			size_t b = ++i;
			while (i < wend && t[i] != '\'')
				i++;
			for (size_t k = b; out && k < i; k++)
				val_push(s, out, (struct ech){t[k], file, k, b, i});
			info.last = SEG_SQ;
			info.last_open = b;
			info.last_close = i;
			info.quoted_any = true;
			i++;
		} else if (c == '"') {
			size_t b = ++i, e = sh_dquote_end(t, wend, b - 1);
			while (i < e) {
				if (t[i] == '\\' && i + 1 < e && strchr("$`\"\\\n", t[i + 1])) {
					if (t[i + 1] != '\n' && out)
						val_push(s, out, (struct ech){t[i + 1], -1, 0, 0, 0});
					i += 2;
				} else if (t[i] == '$') {
					dollar(s, t, e, &i, out, file, b, e);
				} else if (t[i] == '`') {
					if (out)
						val_push(s, out, OPAQUE);
					i = sh_dollar_end(t, e, i);
				} else {
					if (out)
						val_push(s, out, (struct ech){t[i], file, i, b, e});
					i++;
				}
			}
			info.last = SEG_DQ;
			info.last_open = b;
			info.last_close = e;
			info.quoted_any = true;
			i = e + 1;
		} else if (c == '$') {
			info.complex_unq = true;
			dollar(s, t, wend, &i, out, file, wstart, wend);
			info.last = SEG_UNQ;
		} else if (c == '`') {
			info.complex_unq = true;
			if (out)
				val_push(s, out, OPAQUE);
			i = sh_dollar_end(t, wend, i);
			info.last = SEG_UNQ;
		} else {
			if (out)
				val_push(s, out, (struct ech){c, file, i, wstart, wend});
			i++;
			info.last = SEG_UNQ;
		}
	}
	*p = wend;
	if (wi)
		*wi = info;
}

static void skip_blanks(const char *t, size_t len, size_t *p)
{
	while (*p < len &&
	       (t[*p] == ' ' || t[*p] == '\t' || (t[*p] == '\\' && *p + 1 < len && t[*p + 1] == '\n')))
		*p += t[*p] == '\\' ? 2 : 1;
}

static void record_assign(struct state *s, struct assign a)
{
	struct assign *na = realloc(s->as, (s->n_as + 1) * sizeof(*na));
	if (!na) {
		s->oom = true;
		free(a.name);
		return;
	}
	s->as = na;
	na[s->n_as++] = a;
}

/* NAME= / NAME+= at *p (after the name); evaluates and records it. */
static void assignment(struct state *s, int file, size_t name_start, size_t name_len, bool append, size_t *p)
{
	const char *t = s->doc->files[file].text;
	size_t len = s->doc->files[file].len;
	struct val nv = {0};
	struct val *v;
	struct assign a = {.file = file};

	a.name = strndup(t + name_start, name_len);
	if (!a.name) {
		s->oom = true;
		return;
	}
	v = var_get(s, t + name_start, name_len, true);
	if (!v) {
		free(a.name);
		return;
	}
	if (append)
		for (size_t i = 0; i < v->n; i++)
			val_push(s, &nv, v->v[i]);

	if (*p < len && t[*p] == '(') {
		/* Array: words until ')', comments allowed between them. */
		size_t body = ++(*p);
		bool first = nv.n == 0;
		for (;;) {
			while (*p < len && isspace((unsigned char)t[*p]))
				(*p)++;
			if (*p < len && t[*p] == '#') {
				while (*p < len && t[*p] != '\n')
					(*p)++;
				continue;
			}
			if (*p >= len || t[*p] == ')')
				break;
			if (!first)
				val_push(s, &nv, (struct ech){' ', -1, 0, 0, 0});
			{
				size_t before = *p, mark = nv.n;
				word(s, file, p, &nv, NULL);
				/* Array words are separated by blanks in the
				 * body: widen their region to the body. */
				for (size_t k = mark; k < nv.n; k++)
					if (nv.v[k].file == file && nv.v[k].lo == before) {
						nv.v[k].lo = body;
					}
				if (*p == before)
					(*p)++; /* stray operator char: skip it */
			}
			first = false;
		}
		a.how = INS_QUOTED;
		a.open = body;
		a.at = *p;
		for (size_t k = 0; k < nv.n; k++)
			if (nv.v[k].file == file && nv.v[k].off >= body && nv.v[k].off < *p)
				nv.v[k].hi = *p;
		if (*p < len)
			(*p)++;
	} else {
		struct wordinfo wi;
		a.word_start = *p;
		word(s, file, p, &nv, &wi);
		a.word_end = *p;
		if (a.word_start == a.word_end)
			a.how = INS_EMPTY;
		else if (wi.last == SEG_DQ || wi.last == SEG_SQ) {
			a.how = INS_QUOTED;
			a.open = wi.last_open;
			a.at = wi.last_close;
		} else if (!wi.quoted_any && !wi.complex_unq)
			a.how = INS_WRAP;
		else
			a.how = INS_CONCAT;
	}
	free(v->v);
	/* var_get() may have moved the array: look it up again. */
	v = var_get(s, t + name_start, name_len, true);
	if (!v) {
		free(nv.v);
		free(a.name);
		return;
	}
	*v = nv;
	record_assign(s, a);
}

static bool keyword(const char *t, size_t b, size_t e)
{
	static const char *const kw[] = {"then", "do", "else",	"elif",	 "{",
					 "!",	 "if", "while", "until", NULL};
	for (size_t i = 0; kw[i]; i++)
		if (strlen(kw[i]) == e - b && strncmp(t + b, kw[i], e - b) == 0)
			return true;
	return false;
}

/*
 * Do the assignments at P (where a command starts) prefix a command, as in
 * `NAME=x cmd`?  Then they are that command's environment and the shell's
 * variables stay as they were (XCU 2.9.1 Simple Commands; a special
 * built-in after them is not worth telling apart in a defaults file).
 */
static bool assignments_prefix_command(struct state *s, int file, size_t p)
{
	const char *t = s->doc->files[file].text;
	size_t len = s->doc->files[file].len;

	for (;;) {
		size_t e;
		skip_blanks(t, len, &p);
		if (p >= len || strchr("\n;&|)#", t[p]))
			return false;
		if (!is_name_start(t[p]))
			return true;
		for (e = p; e < len && is_name_char(t[e]); e++)
			;
		if (e < len && t[e] == '=')
			p = e + 1;
		else if (e + 1 < len && t[e] == '+' && t[e + 1] == '=')
			p = e + 2;
		else
			return true;
		if (p < len && t[p] == '(')
			return false; /* an array: bash allows no command after it */
		word(s, file, &p, NULL, NULL);
	}
}

static void eval_file(struct state *s, int file)
{
	const char *t = s->doc->files[file].text;
	size_t len = s->doc->files[file].len, p = 0;
	bool cmd_start = true, exported = false;

	while (p < len && !s->oom) {
		size_t b;
		skip_blanks(t, len, &p);
		if (p >= len)
			break;
		if (t[p] == '\n' || t[p] == ';' || t[p] == '&' || t[p] == '|' || t[p] == '(' || t[p] == ')') {
			cmd_start = true;
			exported = false;
			p++;
			continue;
		}
		if (t[p] == '#') {
			while (p < len && t[p] != '\n')
				p++;
			continue;
		}
		if (cmd_start && is_name_start(t[p])) {
			size_t e = p;
			while (e < len && is_name_char(t[e]))
				e++;
			if (e - p == 6 && strncmp(t + p, "export", 6) == 0 && e < len &&
			    (t[e] == ' ' || t[e] == '\t')) {
				p = e;
				exported = true;
				continue; /* "export NAME=..." */
			}
			/* NAME=x cmd assigns nothing of the shell's: its words
			 * are read on as a command's. */
			bool assigns = exported || !assignments_prefix_command(s, file, p);
			if (assigns && e < len && t[e] == '=') {
				size_t q = e + 1;
				assignment(s, file, p, e - p, false, &q);
				p = q;
				continue; /* another assignment may follow */
			}
			if (assigns && e + 1 < len && t[e] == '+' && t[e + 1] == '=') {
				size_t q = e + 2;
				assignment(s, file, p, e - p, true, &q);
				p = q;
				continue;
			}
		}
		/* Some other word: part of a command. */
		exported = false;
		b = p;
		word(s, file, &p, NULL, NULL);
		if (p == b)
			p++;
		cmd_start = keyword(t, b, p);
	}
}

static void state_done(struct state *s)
{
	for (size_t i = 0; i < s->n_vars; i++) {
		free(s->names[i]);
		free(s->vals[i].v);
	}
	free(s->names);
	free(s->vals);
	for (size_t i = 0; i < s->n_as; i++)
		free(s->as[i].name);
	free(s->as);
}

static int evaluate(const struct igp_shdoc *d, struct state *s)
{
	*s = (struct state){.doc = d};
	for (size_t f = 0; f < d->n_files && !s->oom; f++)
		eval_file(s, (int)f);
	if (s->oom) {
		state_done(s);
		return -ENOMEM;
	}
	return 0;
}

int igp_shdoc_add(struct igp_shdoc *d, const char *path, const char *text, size_t len)
{
	struct igp_shfile *nf = realloc(d->files, (d->n_files + 1) * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	d->files = nf;
	nf[d->n_files] = (struct igp_shfile){strdup(path), malloc(len + 1), len};
	if (!nf[d->n_files].path || !nf[d->n_files].text) {
		free(nf[d->n_files].path);
		free(nf[d->n_files].text);
		return -ENOMEM;
	}
	memcpy(nf[d->n_files].text, text, len);
	nf[d->n_files].text[len] = '\0';
	d->n_files++;
	return 0;
}

void igp_shdoc_done(struct igp_shdoc *d)
{
	for (size_t i = 0; i < d->n_files; i++) {
		free(d->files[i].path);
		free(d->files[i].text);
	}
	free(d->files);
	*d = (struct igp_shdoc){0};
}

void igp_shtoks_free(struct igp_shtok *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].text);
	free(t);
}

static int tokens_of(struct state *s, char *const *vars, struct igp_shtok **ret, size_t *ret_n)
{
	struct val all = {0};
	struct igp_shtok *toks = NULL;
	size_t n = 0;

	for (size_t k = 0; vars[k]; k++) {
		struct val *v = var_get(s, vars[k], strlen(vars[k]), false);
		val_push(s, &all, (struct ech){' ', -1, 0, 0, 0});
		for (size_t i = 0; v && i < v->n; i++)
			val_push(s, &all, v->v[i]);
	}
	for (size_t i = 0; i < all.n && !s->oom;) {
		size_t b;
		struct igp_shtok *nt;
		bool editable = true;

		if (isspace((unsigned char)all.v[i].c)) {
			i++;
			continue;
		}
		b = i;
		while (i < all.n && !isspace((unsigned char)all.v[i].c))
			i++;
		for (size_t k = b; k < i; k++)
			if (all.v[k].file < 0 || all.v[k].file != all.v[b].file ||
			    all.v[k].off != all.v[b].off + (k - b) || all.v[k].lo != all.v[b].lo)
				editable = false;
		nt = realloc(toks, (n + 1) * sizeof(*nt));
		if (!nt) {
			s->oom = true;
			break;
		}
		toks = nt;
		nt[n] = (struct igp_shtok){.file = editable ? all.v[b].file : -1};
		if (editable) {
			nt[n].start = all.v[b].off;
			nt[n].end = all.v[i - 1].off + 1;
			nt[n].lo = all.v[b].lo;
			nt[n].hi = all.v[b].hi;
		}
		nt[n].text = malloc(i - b + 1);
		if (!nt[n].text) {
			s->oom = true;
			n++;
			break;
		}
		for (size_t k = b; k < i; k++)
			nt[n].text[k - b] = all.v[k].c;
		nt[n].text[i - b] = '\0';
		n++;
	}
	free(all.v);
	if (s->oom) {
		igp_shtoks_free(toks, n);
		return -ENOMEM;
	}
	*ret = toks;
	*ret_n = n;
	return 0;
}

int igp_shdoc_tokens(const struct igp_shdoc *d, char *const *vars, struct igp_shtok **ret, size_t *ret_n)
{
	struct state s;
	int r = evaluate(d, &s);
	if (r < 0)
		return r;
	r = tokens_of(&s, vars, ret, ret_n);
	state_done(&s);
	return r;
}

int igp_shdoc_last_assignment(const struct igp_shdoc *d, const char *var)
{
	struct state s;
	int f = -1;
	if (evaluate(d, &s) < 0)
		return -1;
	for (size_t i = 0; i < s.n_as; i++)
		if (streq(s.as[i].name, var))
			f = s.as[i].file;
	state_done(&s);
	return f;
}

bool igp_shdoc_assigns(const struct igp_shdoc *d, const char *var)
{
	return igp_shdoc_last_assignment(d, var) >= 0;
}

const char *igp_shdoc_add_var(const struct igp_shdoc *d, char *const *vars, const char *add_var)
{
	const char *v = add_var;

	if (igp_shdoc_assigns(d, add_var))
		return add_var;
	for (size_t i = 0; vars && vars[i]; i++)
		if (igp_shdoc_assigns(d, vars[i]))
			v = vars[i];
	return v;
}

/*
 * The syntax check: what sh itself would stumble on.  A scan over one file
 * with sh's quoting rules (POSIX XCU 2.2 Quoting, 2.3 Token Recognition):
 * where a quote, $( ${ ` or ( opens and never closes, the file is broken,
 * and so is one that ends in a backslash (with or without the newline
 * after it: the line continues into nothing, or into whatever igpuctl
 * would append).  A NUL byte is not text at all.
 */
struct scan {
	const char *t;
	size_t len, p;
	const char *what; /* the first problem, NULL: none */
	size_t at;	  /* where it starts */
};

static void scan_bad(struct scan *s, const char *what, size_t at)
{
	if (!s->what) {
		s->what = what;
		s->at = at;
	}
	s->p = s->len;
}

static void scan_list(struct scan *s, char close, bool comments, const char *what, size_t open);

/* A backslash at s->p escapes the next character, which must exist. */
static void scan_escape(struct scan *s)
{
	if (s->p + 1 >= s->len || (s->t[s->p + 1] == '\n' && s->p + 2 >= s->len))
		scan_bad(s, "the last line ends in a backslash, continuing into nothing", s->p);
	else
		s->p += 2;
}

static void scan_backquote(struct scan *s)
{
	size_t open = s->p++;
	while (s->p < s->len && s->t[s->p] != '`')
		if (s->t[s->p] == '\\')
			scan_escape(s);
		else
			s->p++;
	if (s->p >= s->len)
		scan_bad(s, "unterminated backquote", open);
	else
		s->p++;
}

/*
 * The parameter of a ${ at OPEN, s->p after the brace (XCU 2.6.2): a name,
 * digits or one special parameter, with '#' before it for the length; then
 * '}' or an operator and its word.  Anything else is sh's "Bad
 * substitution" when the line runs (grub-mkconfig would fail), and a text
 * igpuctl cannot tell the extent of.
 */
static void scan_param(struct scan *s, size_t open)
{
	const char *t = s->t;
	size_t p = s->p;

	if (p + 1 < s->len && t[p] == '#' && (is_name_char(t[p + 1]) || strchr("@*#?$!-", t[p + 1])) &&
	    t[p + 1] != '}')
		p++;
	if (p < s->len && is_name_start(t[p]))
		while (p < s->len && is_name_char(t[p]))
			p++;
	else if (p < s->len && isdigit((unsigned char)t[p]))
		while (p < s->len && isdigit((unsigned char)t[p]))
			p++;
	else if (p < s->len && strchr("@*#?$!-", t[p]))
		p++;
	if (p >= s->len || !memchr(t + p, '}', s->len - p)) {
		scan_bad(s, "unterminated ${", open);
		return;
	}
	if (p == s->p || !strchr("}:-=?+#%", t[p])) {
		scan_bad(s, "a ${...} that is no parameter expansion (sh: bad substitution)", open);
		return;
	}
	s->p = p;
	scan_list(s, '}', false, "unterminated ${", open);
}

/* $( ${ or ` at s->p (any other $ is plain). */
static void scan_dollar(struct scan *s)
{
	size_t open = s->p;
	char next = s->p + 1 < s->len ? s->t[s->p + 1] : 0;

	if (s->t[s->p] == '`') {
		scan_backquote(s);
	} else if (next == '(') {
		s->p += 2;
		scan_list(s, ')', true, "unterminated $(", open);
	} else if (next == '{') {
		s->p += 2;
		scan_param(s, open);
	} else {
		s->p++;
	}
}

static void scan_dquote(struct scan *s)
{
	size_t open = s->p++;
	while (s->p < s->len && s->t[s->p] != '"') {
		char c = s->t[s->p];
		if (c == '\\')
			scan_escape(s);
		else if (c == '$' || c == '`')
			scan_dollar(s);
		else
			s->p++;
	}
	if (s->p >= s->len)
		scan_bad(s, "unterminated double quote", open);
	else
		s->p++;
}

/* Is the '(' at OPEN the start of an array, NAME=( or NAME+=( ? */
static bool array_open(const char *t, size_t open)
{
	size_t i = open;
	if (i == 0 || t[--i] != '=')
		return false;
	if (i > 0 && t[i - 1] == '+')
		i--;
	return i > 0 && is_name_char(t[i - 1]);
}

/* Words up to CLOSE (0: the end of the file); comments where a word starts. */
static void scan_list(struct scan *s, char close, bool comments, const char *what, size_t open)
{
	bool word_start = true;

	while (s->p < s->len) {
		char c = s->t[s->p];
		size_t at = s->p;
		if (c == close && close) {
			s->p++;
			return;
		}
		if (c == '\'') {
			const char *q = memchr(s->t + at + 1, '\'', s->len - at - 1);
			if (!q) {
				scan_bad(s, "unterminated single quote", at);
				return;
			}
			s->p = (size_t)(q - s->t) + 1;
		} else if (c == '"') {
			scan_dquote(s);
		} else if (c == '\\') {
			scan_escape(s);
		} else if (c == '$' || c == '`') {
			scan_dollar(s);
		} else if (c == '#' && comments && word_start) {
			while (s->p < s->len && s->t[s->p] != '\n')
				s->p++;
		} else if (c == '(') {
			s->p++;
			scan_list(s, ')', true,
				  array_open(s->t, at) ? "unterminated array: no ')' closes it"
						       : "unterminated (",
				  at);
		} else {
			s->p++;
		}
		word_start = strchr(" \t\n;&|()<>", c) != NULL;
	}
	if (close)
		scan_bad(s, what, open);
}

static size_t sh_dollar_end(const char *t, size_t len, size_t open)
{
	struct scan sc = {.t = t, .len = len, .p = open};

	scan_dollar(&sc);
	return sc.p;
}

static size_t sh_dquote_end(const char *t, size_t len, size_t open)
{
	struct scan sc = {.t = t, .len = len, .p = open};

	scan_dquote(&sc);
	return sc.what ? len : sc.p - 1;
}

int igp_shdoc_check(const struct igp_shdoc *d, char **ret_error)
{
	for (size_t f = 0; f < d->n_files; f++) {
		const struct igp_shfile *sf = &d->files[f];
		struct scan s = {.t = sf->text, .len = sf->len};
		const char *nul = memchr(sf->text, '\0', sf->len);

		if (nul)
			scan_bad(&s, "a NUL byte", (size_t)(nul - sf->text));
		else
			scan_list(&s, 0, true, NULL, 0);
		if (!s.what)
			continue;
		if (ret_error) {
			*ret_error = igp_text_refusal(sf->path, igp_text_line(sf->text, s.at), s.what);
			if (!*ret_error)
				return -ENOMEM;
		}
		return -EBADMSG;
	}
	return 0;
}

/* Per file: the splices, and the tokens to remove (turned into splices last). */
struct fsplices {
	struct igp_splice *v;
	size_t n;
	struct igp_cut *cuts;
	size_t n_cuts;
};

static int last_assign_file(const struct state *s, const char *var)
{
	int f = 0;
	for (size_t i = 0; i < s->n_as; i++)
		if (streq(s->as[i].name, var))
			f = s->as[i].file;
	return f;
}

/*
 * Unquoted (VAR=a\ b), a token after an escaped blank goes with that blank
 * and its backslash: 2, the characters to cut before it.  Left alone, the
 * backslash would escape whatever comes to follow it.  In quotes, 0: in
 * double quotes the backslash belongs to the previous token and the blank
 * stays (igp_splices_remove()); in single quotes it escapes nothing.
 */
static size_t escaped_blank_before(const char *t, const struct igp_shtok *k)
{
	size_t b = 0;

	if (k->lo > 0 && (t[k->lo - 1] == '"' || t[k->lo - 1] == '\''))
		return 0;
	if (k->start < k->lo + 2 || (t[k->start - 1] != ' ' && t[k->start - 1] != '\t'))
		return 0;
	while (k->start - 1 - b > k->lo && t[k->start - 2 - b] == '\\')
		b++;
	return b % 2 ? 2 : 0;
}

/* The splice or cut of a SET or REMOVE op (planned on TOKS). */
static int edit_token(const struct igp_shdoc *d, const struct igp_shtok *toks, size_t n_toks,
		      const struct igp_kop *o, struct fsplices *fs, int *op_file, char **ret_bad)
{
	const struct igp_shtok *t;

	if (o->index < 0 || (size_t)o->index >= n_toks || !streq(toks[o->index].text, o->old))
		return -ESTALE;
	t = &toks[o->index];
	if (op_file)
		*op_file = t->file;
	if (t->file < 0) {
		if (ret_bad)
			*ret_bad = strdup(t->text);
		return -EBADMSG;
	}
	if (o->kind == IGP_KOP_SET)
		return igp_splice_push(&fs[t->file].v, &fs[t->file].n, t->start, t->end - t->start, o->token);
	return igp_cut_push(&fs[t->file].cuts, &fs[t->file].n_cuts,
			    t->start - escaped_blank_before(d->files[t->file].text, t), t->end, t->lo, t->hi);
}

/*
 * Does text inserted at A->at, the end of A's quoted string or array body,
 * need a blank before it to be words of its own?  Not right after a blank
 * (one no backslash escapes); not at the start of an empty value.  Anywhere
 * else it would glue onto what is there, a "$VAR" included: the shell would
 * expand another variable and the kernel never see the parameter.
 */
static bool need_blank(const char *t, const struct assign *a, const struct val *v)
{
	size_t i = a->at, k = 0;

	if (i == a->open)
		return v && v->n > 0 && !isspace((unsigned char)v->v[v->n - 1].c);
	if (t[i - 1] != ' ' && t[i - 1] != '\t')
		return true;
	while (i - 1 - k > a->open && t[i - 2 - k] == '\\')
		k++;
	return k % 2 == 1;
}

/* The quoting new tokens of ADD_VAR land in: '"', '\'' or 0 (array words). */
static char add_quote(const struct igp_shdoc *d, const struct state *s, const char *add_var, bool array)
{
	const struct assign *a = NULL;

	for (size_t i = 0; i < s->n_as; i++)
		if (streq(s->as[i].name, add_var))
			a = &s->as[i];
	if (!a)
		return array ? 0 : '"';
	if (a->how != INS_QUOTED || a->at >= d->files[a->file].len)
		return '"';
	switch (d->files[a->file].text[a->at]) {
	case '\'':
		return '\'';
	case ')':
		return 0;
	default:
		return '"';
	}
}

/*
 * TOKEN written so that the shell reads it back as it is, in quoting Q.
 * igpuctl's own tokens need nothing (igp_kparam_valid()); a user's token
 * that a revert puts back may hold quotes, '$', '\' or '(' of its own.
 */
static char *quote_token(const char *token, char q)
{
	const char *special = q == '"' ? "\"\\$`" : q == '\'' ? "'" : NULL;
	bool plain = true;
	char *out, *o;

	for (const char *c = token; *c && plain; c++)
		plain =
		    special ? !strchr(special, *c) : isalnum((unsigned char)*c) || strchr("_-.,:/=+@%", *c);
	if (plain)
		return strdup(token);
	out = o = malloc(4 * strlen(token) + 3);
	if (!out)
		return NULL;
	if (!q)
		*o++ = '\'';
	for (const char *c = token; *c; c++) {
		if (q == '"' && strchr(special, *c))
			*o++ = '\\';
		if (q != '"' && *c == '\'') {
			/* 'it'\''s': close, an escaped quote, reopen. */
			memcpy(o, "'\\''", 4);
			o += 4;
			continue;
		}
		*o++ = *c;
	}
	if (!q)
		*o++ = '\'';
	*o = '\0';
	return out;
}

/* Where the ADD tokens (ADD, blank separated) go: into the last assignment
 * of ADD_VAR, or a new line `ADD_VAR="..."` at the end of file 0. */
static int add_tokens(const struct igp_shdoc *d, struct state *s, const char *add_var, bool array,
		      const char *add, struct fsplices *fs)
{
	const struct assign *a = NULL;
	struct val *v = var_get(s, add_var, strlen(add_var), false);
	_cleanup_free_ char *ins = NULL, *ins2 = NULL;
	struct fsplices *f;

	for (size_t i = 0; i < s->n_as; i++)
		if (streq(s->as[i].name, add_var))
			a = &s->as[i];
	if (!a) {
		const struct igp_shfile *f0 = &d->files[0];
		bool nl = f0->len == 0 || f0->text[f0->len - 1] == '\n';
		size_t bs = 0;
		/* After a last line that ends in a backslash, a newline alone
		 * would continue that line: an empty one ends it. */
		while (bs < f0->len && f0->text[f0->len - 1 - bs] == '\\')
			bs++;
		ins = strdupf(array ? "%s%s=(%s)\n" : "%s%s=\"%s\"\n",
			      nl       ? ""
			      : bs % 2 ? "\n\n"
				       : "\n",
			      add_var, add);
		return ins ? igp_splice_push(&fs[0].v, &fs[0].n, f0->len, 0, ins) : -ENOMEM;
	}
	f = &fs[a->file];
	switch (a->how) {
	case INS_QUOTED:
		ins = strdupf("%s%s", need_blank(d->files[a->file].text, a, v) ? " " : "", add);
		return ins ? igp_splice_push(&f->v, &f->n, a->at, 0, ins) : -ENOMEM;
	case INS_EMPTY:
		/* VAR+= after VAR=x: what is added joins x unless a blank
		 * comes first. */
		ins = strdupf("\"%s%s\"",
			      v && v->n > 0 && !isspace((unsigned char)v->v[v->n - 1].c) ? " " : "", add);
		return ins ? igp_splice_push(&f->v, &f->n, a->word_end, 0, ins) : -ENOMEM;
	case INS_WRAP:
		/* VAR=quiet becomes VAR="quiet new": same value. */
		ins2 = strdupf(" %s\"", add);
		if (!ins2 || igp_splice_push(&f->v, &f->n, a->word_start, 0, "\"") < 0)
			return -ENOMEM;
		return igp_splice_push(&f->v, &f->n, a->word_end, 0, ins2);
	case INS_CONCAT:
		/* VAR=$X becomes VAR=$X" new". */
		ins = strdupf("\" %s\"", add);
		return ins ? igp_splice_push(&f->v, &f->n, a->word_end, 0, ins) : -ENOMEM;
	}
	return -EINVAL;
}

static void fsplices_free(struct fsplices *fs, size_t n)
{
	for (size_t f = 0; fs && f < n; f++) {
		igp_splices_free(fs[f].v, fs[f].n);
		free(fs[f].cuts);
	}
	free(fs);
}

static int apply_files(const struct igp_shdoc *d, struct fsplices *fs, char ***ret_texts)
{
	_cleanup_strv_free_ char **texts = calloc(d->n_files + 1, sizeof(char *));

	if (!texts)
		return -ENOMEM;
	for (size_t f = 0; f < d->n_files; f++) {
		const struct igp_shfile *sf = &d->files[f];
		int r = igp_splices_remove(sf->text, fs[f].cuts, fs[f].n_cuts, true, &fs[f].v, &fs[f].n);
		if (r >= 0)
			r = igp_splices_apply(sf->text, sf->len, fs[f].v, fs[f].n, &texts[f]);
		if (r < 0)
			return r;
	}
	*ret_texts = TAKE_PTR(texts);
	return 0;
}

/* The token texts OPS leave of TOKS: SET in place, REMOVE gone, ADD last
 * (ADD_VAR's tokens come last: igp_shdoc_add_var()). */
static int tokens_after(const struct igp_shtok *toks, size_t n, const struct igp_kop *ops, size_t n_ops,
			char ***ret)
{
	_cleanup_strv_free_ char **e = calloc(1, sizeof(char *));

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *t = toks[i].text;
		for (size_t k = 0; t && k < n_ops; k++)
			if (ops[k].kind != IGP_KOP_ADD && (size_t)ops[k].index == i)
				t = ops[k].kind == IGP_KOP_SET ? ops[k].token : NULL;
		if (t && strv_push(&e, t) < 0)
			return -ENOMEM;
	}
	for (size_t k = 0; k < n_ops; k++)
		if (ops[k].kind == IGP_KOP_ADD && strv_push(&e, ops[k].token) < 0)
			return -ENOMEM;
	*ret = TAKE_PTR(e);
	return 0;
}

/*
 * Read the edited TEXTS back as the shell would and compare with what the
 * ops meant.  Words can still differ where the edited variable is expanded
 * inside another value (GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX_DEFAULT=x"):
 * then the edit is refused, naming the first word that would come out
 * otherwise, rather than written.
 */
static int verify_edit(const struct igp_shdoc *d, char *const *vars, const struct igp_shtok *toks,
		       size_t n_toks, const struct igp_kop *ops, size_t n_ops, char *const *texts,
		       char **ret_bad)
{
	_cleanup_strv_free_ char **want = NULL;
	struct igp_shdoc nd = {0};
	struct igp_shtok *got = NULL;
	size_t n_got = 0, i;
	struct state s;
	int r;

	r = tokens_after(toks, n_toks, ops, n_ops, &want);
	for (size_t f = 0; r >= 0 && f < d->n_files; f++)
		r = igp_shdoc_add(&nd, d->files[f].path, texts[f], strlen(texts[f]));
	if (r >= 0)
		r = evaluate(&nd, &s);
	if (r >= 0) {
		r = tokens_of(&s, vars, &got, &n_got);
		state_done(&s);
	}
	for (i = 0; r >= 0 && i < n_got && want[i]; i++)
		if (!streq(got[i].text, want[i]))
			break;
	if (r >= 0 && (i < n_got || want[i])) {
		r = -EBADMSG;
		if (ret_bad)
			*ret_bad = strdup(want[i] ? want[i] : got[i].text);
	}
	igp_shtoks_free(got, n_got);
	igp_shdoc_done(&nd);
	return r;
}

int igp_shdoc_apply(const struct igp_shdoc *d, char *const *vars, const char *add_var, bool array,
		    const struct igp_kop *ops, size_t n_ops, int *op_files, char ***ret_texts, char **ret_bad)
{
	struct state s;
	struct igp_shtok *toks = NULL;
	size_t n_toks = 0;
	struct fsplices *fs = NULL;
	_cleanup_free_ char *add = NULL;
	_cleanup_strv_free_ char **texts = NULL;
	int r;

	r = evaluate(d, &s);
	if (r < 0)
		return r;
	r = tokens_of(&s, vars, &toks, &n_toks);
	if (r < 0)
		goto out;
	r = -ENOMEM;
	fs = calloc(d->n_files + 1, sizeof(*fs));
	add = strdup("");
	if (!fs || !add)
		goto out;
	r = 0;
	for (size_t k = 0; r >= 0 && k < n_ops; k++) {
		char *qt;

		if (ops[k].kind != IGP_KOP_ADD) {
			r = edit_token(d, toks, n_toks, &ops[k], fs, op_files ? &op_files[k] : NULL, ret_bad);
			continue;
		}
		if (op_files)
			op_files[k] = last_assign_file(&s, add_var);
		/* A token a revert puts back is the user's: quoted as needed. */
		qt = quote_token(ops[k].token, add_quote(d, &s, add_var, array));
		r = qt ? strextendf(&add, "%s%s", *add ? " " : "", qt) : -ENOMEM;
		free(qt);
	}
	if (r >= 0 && *add)
		r = add_tokens(d, &s, add_var, array, add, fs);
	if (r >= 0)
		r = apply_files(d, fs, &texts);
	if (r >= 0)
		r = verify_edit(d, vars, toks, n_toks, ops, n_ops, texts, ret_bad);
	if (r >= 0)
		*ret_texts = TAKE_PTR(texts);
out:
	fsplices_free(fs, d->n_files);
	igp_shtoks_free(toks, n_toks);
	state_done(&s);
	return r;
}
