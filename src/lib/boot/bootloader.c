/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>

#include "boot/bootloader.h"
#include "base/paths.h"
#include "base/util.h"

static char *osrel_value(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t vl = n - kl - 1;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				v++;
				vl -= 2;
			}
			return strndup(v, vl);
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

int igp_os_ids(char **ret)
{
	_cleanup_free_ char *text = NULL, *id = NULL, *like = NULL;
	char *s;

	if (igp_read_file(IGP_ETC_OS_RELEASE, &text, NULL) < 0) {
		*ret = strdup("");
		return *ret ? 0 : -ENOMEM;
	}
	id = osrel_value(text, "ID");
	like = osrel_value(text, "ID_LIKE");
	s = strdupf("%s%s%s", id ? id : "", id && like ? " " : "", like ? like : "");
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

bool igp_os_is(const char *ids, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = ids; p && *p;) {
		size_t k = strcspn(p, " ");
		if (k == n && strncmp(p, id, n) == 0)
			return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

char **igp_argv_new(const char *a, ...)
{
	char **v = NULL;
	va_list ap;
	const char *s;

	va_start(ap, a);
	for (s = a; s; s = va_arg(ap, const char *))
		if (strv_push(&v, s) < 0) {
			strv_free(v);
			v = NULL;
			break;
		}
	va_end(ap);
	return v;
}

static int loader_entries(char ***ret)
{
	static const char *const dirs[] = {IGP_BOOT_LOADER_ENTRIES, IGP_EFI_LOADER_ENTRIES,
					   IGP_BOOT_EFI_LOADER_ENTRIES};
	_cleanup_strv_free_ char **out = NULL;
	int r;

	out = calloc(1, sizeof(char *));
	if (!out)
		return -ENOMEM;
	for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
		_cleanup_strv_free_ char **names = NULL;
		if (igp_list_dir(dirs[d], &names) < 0)
			continue;
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = NULL, *text = NULL;
			if (!endswith(*n, ".conf"))
				continue;
			p = igp_path_join(dirs[d], *n);
			if (!p)
				return -ENOMEM;
			/* An entry with a NUL byte is kept: setup refuses it
			 * rather than skip what may be a Linux entry. */
			r = igp_read_text(p, &text, NULL, NULL);
			if ((r < 0 && r != -EBADMSG) || (r >= 0 && !igp_bls_is_linux(text)))
				continue;
			if (strv_consume(&out, TAKE_PTR(p)) < 0)
				return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(out);
	return 0;
}

static bool has_grub_cfg(void)
{
	return igp_exists(IGP_BOOT_GRUB_CFG) || igp_exists(IGP_BOOT_GRUB2_CFG);
}

static bool has_sdboot_conf(void)
{
	return igp_exists(IGP_BOOT_LOADER_CONF) || igp_exists(IGP_EFI_LOADER_CONF) ||
	       igp_exists(IGP_BOOT_EFI_LOADER_CONF);
}

static int fill_grub(struct igp_bootloader *b, enum igp_grub_flavor fl, const char *why)
{
	b->kind = IGP_BOOT_GRUB;
	b->grub = fl;
	switch (fl) {
	case IGP_GRUB_DEBIAN:
		b->name = strdup("GRUB (Debian family)");
		b->refresh = igp_argv_new("update-grub", NULL);
		break;
	case IGP_GRUB_FEDORA:
		b->name = strdup("GRUB (Fedora family)");
		b->refresh = igp_argv_new("grub2-mkconfig", "-o", IGP_BOOT_GRUB2_CFG, NULL);
		break;
	case IGP_GRUB_GENERIC:
		b->name = strdup("GRUB");
		b->refresh = igp_argv_new("grub-mkconfig", "-o", IGP_BOOT_GRUB_CFG, NULL);
		break;
	case IGP_GRUB_PVE:
		b->name = strdup("GRUB on proxmox-boot-tool managed ESPs");
		b->refresh = igp_argv_new("proxmox-boot-tool", "refresh", NULL);
		break;
	}
	b->reason = strdup(why);
	return b->name && b->refresh && b->reason ? 0 : -ENOMEM;
}

static int detect_grub(struct igp_bootloader *b, const char *ids, bool forced)
{
	_cleanup_free_ char *why = NULL;
	enum igp_grub_flavor fl;

	if (igp_os_is(ids, "debian") || igp_os_is(ids, "ubuntu")) {
		fl = IGP_GRUB_DEBIAN;
		why = strdupf("%s exists and %s names a Debian-family system (%s)", IGP_ETC_DEFAULT_GRUB,
			      IGP_ETC_OS_RELEASE, ids);
	} else if (igp_os_is(ids, "fedora") || igp_os_is(ids, "rhel") || igp_os_is(ids, "centos") ||
		   igp_is_dir(IGP_BOOT_GRUB2)) {
		fl = IGP_GRUB_FEDORA;
		why = strdupf("%s exists and %s", IGP_ETC_DEFAULT_GRUB,
			      *ids ? "os-release names a Fedora-family system"
				   : IGP_BOOT_GRUB2 " exists (Fedora-family layout)");
	} else {
		fl = IGP_GRUB_GENERIC;
		why = strdupf("%s exists (%s)", IGP_ETC_DEFAULT_GRUB, *ids ? ids : "distribution unknown");
	}
	if (!why)
		return -ENOMEM;
	if (forced) {
		char *w = strdupf("chosen with --bootloader; %s", why);
		if (!w)
			return -ENOMEM;
		free(why);
		why = w;
	}
	return fill_grub(b, fl, why);
}

int igp_bootloader_detect(const char *force, struct igp_bootloader *ret)
{
	struct igp_bootloader b = {.kind = IGP_BOOT_UNKNOWN};
	_cleanup_free_ char *ids = NULL;
	bool cmdline = igp_exists(IGP_ETC_KERNEL_CMDLINE);
	int r;

	if (force && !streq(force, "grub") && !streq(force, "proxmox-systemd-boot") &&
	    !streq(force, "systemd-boot") && !streq(force, "kernelstub"))
		return -EINVAL;
	r = igp_os_ids(&ids);
	if (r < 0)
		return r;
	b.kernel_cmdline = cmdline;

	if ((!force && igp_exists(IGP_ETC_PROXMOX_BOOT_UUIDS)) ||
	    (force && streq(force, "proxmox-systemd-boot"))) {
		if (cmdline || force) {
			b.kind = IGP_BOOT_PVE_SDBOOT;
			b.name = strdup("Proxmox VE systemd-boot (proxmox-boot-tool)");
			b.reason = force ? strdup("chosen with --bootloader")
					 : strdupf("%s and %s exist: proxmox-boot-tool syncs the "
						   "ESPs and systemd-boot reads the command line "
						   "from %s (editing GRUB here would change nothing)",
						   IGP_ETC_PROXMOX_BOOT_UUIDS, IGP_ETC_KERNEL_CMDLINE,
						   IGP_ETC_KERNEL_CMDLINE);
			b.refresh = igp_argv_new("proxmox-boot-tool", "refresh", NULL);
			r = b.name && b.reason && b.refresh ? 0 : -ENOMEM;
		} else {
			r = fill_grub(&b, IGP_GRUB_PVE,
				      IGP_ETC_PROXMOX_BOOT_UUIDS
				      " exists without " IGP_ETC_KERNEL_CMDLINE
				      ": proxmox-boot-tool keeps GRUB on the ESPs (legacy BIOS boot), "
				      "configured by " IGP_ETC_DEFAULT_GRUB);
		}
	} else if ((!force && igp_exists(IGP_ETC_KERNELSTUB_CONFIG)) ||
		   (force && streq(force, "kernelstub"))) {
		b.kind = IGP_BOOT_KERNELSTUB;
		b.name = strdup("kernelstub (Pop!_OS)");
		b.reason = force ? strdup("chosen with --bootloader")
				 : strdupf("%s exists: kernelstub writes the boot entry and keeps "
					   "the kernel options",
					   IGP_ETC_KERNELSTUB_CONFIG);
		r = b.name && b.reason ? 0 : -ENOMEM;
	} else if ((!force && igp_exists(IGP_ETC_DEFAULT_GRUB) && (has_grub_cfg() || !has_sdboot_conf())) ||
		   (force && streq(force, "grub"))) {
		r = detect_grub(&b, ids, force != NULL);
	} else {
		_cleanup_strv_free_ char **entries = NULL;
		r = loader_entries(&entries);
		if (r < 0)
			goto out;
		if (force || cmdline || strv_length(entries) > 0 || has_sdboot_conf()) {
			b.kind = IGP_BOOT_SDBOOT;
			b.name = strdup("systemd-boot");
			b.reason = force
				       ? strdup("chosen with --bootloader")
				       : strdupf("%s%s%s", strv_length(entries) ? "loader entries exist" : "",
						 strv_length(entries) && cmdline ? " and " : "",
						 cmdline ? IGP_ETC_KERNEL_CMDLINE " exists (kernel-install)"
						 : strv_length(entries) ? ""
									: "loader.conf exists");
			b.entries = TAKE_PTR(entries);
			r = b.name && b.reason ? 0 : -ENOMEM;
		} else {
			b.name = strdup("unknown");
			b.reason = strdupf("none of %s, %s, %s, loader entries or %s exists",
					   IGP_ETC_PROXMOX_BOOT_UUIDS, IGP_ETC_KERNELSTUB_CONFIG,
					   IGP_ETC_DEFAULT_GRUB, IGP_ETC_KERNEL_CMDLINE);
			r = b.name && b.reason ? 0 : -ENOMEM;
		}
	}
out:
	if (r < 0) {
		igp_bootloader_done(&b);
		return r;
	}
	*ret = b;
	return 0;
}

enum igp_ksyntax igp_bootloader_syntax(const struct igp_bootloader *b)
{
	switch (b->kind) {
	case IGP_BOOT_GRUB:
		return IGP_KSYNTAX_GRUB;
	case IGP_BOOT_KERNELSTUB:
		return IGP_KSYNTAX_KERNELSTUB;
	default:
		return IGP_KSYNTAX_PLAIN;
	}
}

void igp_bootloader_done(struct igp_bootloader *b)
{
	free(b->name);
	free(b->reason);
	strv_free(b->refresh);
	strv_free(b->entries);
	*b = (struct igp_bootloader){0};
}

/* Each "options" line: where it starts, [start of its value, end of line). */
struct optline {
	size_t start, vstart, vend;
};

static size_t option_lines(const char *text, struct optline *v, size_t max)
{
	size_t n = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), i = 0;
		while (i < len && isblank((unsigned char)p[i]))
			i++;
		if (len - i > 7 && strncmp(p + i, "options", 7) == 0 && isblank((unsigned char)p[i + 7]) &&
		    n < max) {
			v[n].start = (size_t)(p - text);
			v[n].vstart = (size_t)(p - text) + i + 7;
			v[n].vend = (size_t)(p - text) + len;
			n++;
		}
		p = e ? e + 1 : p + len;
	}
	return n;
}

bool igp_bls_is_linux(const char *text)
{
	for (const char *p = text; p && *p;) {
		p += strspn(p, " \t");
		if (startswith(p, "linux") && (p[5] == ' ' || p[5] == '\t'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

int igp_bls_tokens(const char *text, struct igp_kline *ret)
{
	struct optline ol[64];
	size_t n = option_lines(text, ol, ELEMENTSOF(ol));
	struct igp_kline all = {0};

	for (size_t i = 0; i < n; i++) {
		struct igp_kline l;
		struct igp_ktoken *nv;
		int r = igp_kline_parse(text + ol[i].vstart, ol[i].vend - ol[i].vstart, &l);
		if (r < 0) {
			igp_kline_done(&all);
			return r;
		}
		nv = realloc(all.toks, (all.n + l.n + 1) * sizeof(*nv));
		if (!nv) {
			igp_kline_done(&l);
			igp_kline_done(&all);
			return -ENOMEM;
		}
		all.toks = nv;
		for (size_t k = 0; k < l.n; k++) {
			l.toks[k].start += ol[i].vstart;
			l.toks[k].end += ol[i].vstart;
			all.toks[all.n++] = l.toks[k];
		}
		free(l.toks);
	}
	*ret = all;
	return 0;
}

/* Where the ops of an entry go: which options line each token is on. */
struct bls_edit {
	const char *text;
	struct optline ol[64];
	size_t n_ol;
	size_t toks[64], cut[64]; /* per options line: tokens, tokens removed */
	struct igp_cut *cuts;
	size_t n_cuts;
	struct igp_splice *sp;
	size_t n_sp;
};

static size_t bls_line_of(const struct bls_edit *e, const struct igp_ktoken *t)
{
	for (size_t i = 0; i < e->n_ol; i++)
		if (t->start >= e->ol[i].vstart && t->end <= e->ol[i].vend)
			return i;
	return 0;
}

/*
 * The end of the region an options line's tokens are removed in: not the
 * blanks that end the line.  New tokens go before them (bls_add()) and must
 * not land inside a removal ("options i915.enable_guc=3 " without its only
 * token, and one added).
 */
static size_t bls_cut_hi(const struct bls_edit *e, const struct optline *o)
{
	size_t hi = o->vend;

	while (hi > o->vstart + 1 && isblank((unsigned char)e->text[hi - 1]))
		hi--;
	return hi;
}

static int bls_set_remove(struct bls_edit *e, const struct igp_kline *l, const struct igp_kop *ops,
			  size_t n_ops)
{
	for (size_t k = 0; k < l->n; k++)
		e->toks[bls_line_of(e, &l->toks[k])]++;
	for (size_t k = 0; k < n_ops; k++) {
		const struct igp_ktoken *t;
		const struct optline *o;
		size_t i;
		int r;
		if (ops[k].kind == IGP_KOP_ADD)
			continue;
		t = igp_kline_op_token(l, &ops[k]);
		if (!t)
			return -ESTALE;
		i = bls_line_of(e, t);
		o = &e->ol[i];
		if (ops[k].kind == IGP_KOP_SET) {
			r = igp_splice_push(&e->sp, &e->n_sp, t->start, t->end - t->start, ops[k].token);
		} else {
			e->cut[i]++;
			/* The blank after "options" stays. */
			r = igp_cut_push(&e->cuts, &e->n_cuts, t->start, t->end, o->vstart + 1,
					 bls_cut_hi(e, o));
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* An options line whose every token goes (the one igpuctl added to an
 * entry that had none) goes as a whole, unless new tokens go there. */
static int bls_drop_lines(struct bls_edit *e, bool adding)
{
	size_t len = strlen(e->text);

	for (size_t i = 0; i < e->n_ol; i++) {
		const struct optline *o = &e->ol[i];
		size_t k = 0, end = o->vend < len ? o->vend + 1 : o->vend;
		int r;
		if (!e->cut[i] || e->cut[i] != e->toks[i] || (adding && i == e->n_ol - 1))
			continue;
		for (size_t c = 0; c < e->n_cuts; c++)
			if (!(e->cuts[c].lo == o->vstart + 1 && e->cuts[c].hi == bls_cut_hi(e, o)))
				e->cuts[k++] = e->cuts[c];
		e->n_cuts = k;
		r = igp_splice_push(&e->sp, &e->n_sp, o->start, end - o->start, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

static int bls_add(struct bls_edit *e, const char *add)
{
	size_t len = strlen(e->text);
	_cleanup_free_ char *line = NULL;

	if (e->n_ol > 0) {
		/* After the last token of the last options line. */
		const struct optline *o = &e->ol[e->n_ol - 1];
		size_t at = o->vend;
		while (at > o->vstart && isblank((unsigned char)e->text[at - 1]))
			at--;
		return igp_splice_push(&e->sp, &e->n_sp, at, 0, add);
	}
	line = strdupf("%soptions%s\n", len && e->text[len - 1] != '\n' ? "\n" : "", add);
	return line ? igp_splice_push(&e->sp, &e->n_sp, len, 0, line) : -ENOMEM;
}

int igp_bls_apply(const char *text, const struct igp_kop *ops, size_t n_ops, char **ret)
{
	struct bls_edit e = {.text = text};
	struct igp_kline l = {0};
	_cleanup_free_ char *add = strdup("");
	int r;

	if (!add)
		return -ENOMEM;
	e.n_ol = option_lines(text, e.ol, ELEMENTSOF(e.ol));
	r = igp_bls_tokens(text, &l);
	if (r < 0)
		return r;
	for (size_t k = 0; r >= 0 && k < n_ops; k++)
		if (ops[k].kind == IGP_KOP_ADD)
			r = strextendf(&add, " %s", ops[k].token);
	if (r >= 0)
		r = bls_set_remove(&e, &l, ops, n_ops);
	if (r >= 0)
		r = bls_drop_lines(&e, *add);
	if (r >= 0)
		r = igp_splices_remove(text, e.cuts, e.n_cuts, false, &e.sp, &e.n_sp);
	if (r >= 0 && *add)
		r = bls_add(&e, add);
	if (r >= 0)
		r = igp_splices_apply(text, strlen(text), e.sp, e.n_sp, ret);
	free(e.cuts);
	igp_splices_free(e.sp, e.n_sp);
	igp_kline_done(&l);
	return r;
}

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

int igp_cmdline_file_tokens(enum igp_cmdline_file kind, const char *text, struct igp_kline *ret)
{
	switch (kind) {
	case IGP_CMDLINE_KLINE:
		return igp_kline_parse(text, strlen(text), ret);
	case IGP_CMDLINE_BLS:
		return igp_bls_tokens(text, ret);
	case IGP_CMDLINE_KERNELSTUB:
		return igp_kernelstub_tokens(text, ret);
	}
	return -EINVAL;
}

int igp_cmdline_file_apply(enum igp_cmdline_file kind, const char *text, const struct igp_kop *ops,
			   size_t n_ops, char **ret)
{
	switch (kind) {
	case IGP_CMDLINE_KLINE:
		return igp_kline_apply(text, strlen(text), ops, n_ops, ret);
	case IGP_CMDLINE_BLS:
		return igp_bls_apply(text, ops, n_ops, ret);
	case IGP_CMDLINE_KERNELSTUB:
		return igp_kernelstub_apply(text, ops, n_ops, ret);
	}
	return -EINVAL;
}

/* Where the double quote that stays open in a token starts, or -1. */
static long open_quote(const char *text, const struct igp_ktoken *t)
{
	long open = -1;
	for (size_t i = t->start; i < t->end; i++)
		if (text[i] == '"')
			open = open < 0 ? (long)i : -1;
	return open;
}

/* kernelstub reads its configuration with Python's json module: strict JSON. */
static int json_check(const char *text, size_t len, size_t *ret_off)
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

int igp_cmdline_file_check(enum igp_cmdline_file kind, const char *text, size_t len, size_t *ret_off,
			   const char **ret_what)
{
	struct igp_kline l = {0};
	const char *nul = memchr(text, '\0', len);
	int r;

	if (nul) {
		*ret_off = (size_t)(nul - text);
		*ret_what = "a NUL byte";
		return -EBADMSG;
	}
	if (kind == IGP_CMDLINE_KERNELSTUB) {
		*ret_what = "not valid JSON";
		return json_check(text, len, ret_off);
	}
	r = igp_cmdline_file_tokens(kind, text, &l);
	for (size_t i = 0; r >= 0 && i < l.n; i++) {
		long q = open_quote(text, &l.toks[i]);
		if (q >= 0) {
			*ret_off = (size_t)q;
			*ret_what = "unterminated double quote";
			r = -EBADMSG;
		}
	}
	igp_kline_done(&l);
	return r;
}
