/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot configuration as the checks see it (loader.h, grub.h): the
 * command line the next boot gets, what GRUB holds even where it is unused,
 * remedies worded for this host's loader, and the two command line checks.
 */

#include "checks/checks_int.h"
#include "base/strbuf.h"
#include "boot/cmdline.h"
#include "change/plan.h"
#include "boot/grub.h"
#include "base/paths.h"
#include "model/bootinfo.h"
#include "model/sriov_route.h"

/* The last token of KEY in TOKS ('-' == '_' in the name), or NULL. */
static const char *tokens_find(char *const *toks, const char *key)
{
	const char *found = NULL;

	for (char *const *t = toks; t && *t; t++)
		if (igp_kparam_key_eq(*t, key))
			found = *t;
	return found;
}

int tokens_get(char *const *toks, const char *key, const char **ret_value)
{
	const char *found = tokens_find(toks, key);

	if (!found)
		return 0;
	if (ret_value)
		*ret_value = found[strcspn(found, "=")] ? strchr(found, '=') + 1 : "";
	return 1;
}

/* Does TOKEN, spelled either way, count in TOKS: its key's last token
 * has its value? */
static bool tokens_set(char *const *toks, const char *token)
{
	const char *t = tokens_find(toks, token), *eq = strchr(token, '=');

	return t && streq(t + strcspn(t, "="), eq ? eq : "");
}

bool tokens_have(char *const *toks, const char *key, const char *value)
{
	_cleanup_strv_free_ char **items = NULL;
	const char *v;

	if (tokens_get(toks, key, &v) <= 0)
		return false;
	if (!value || streq(v, value))
		return true;
	return strv_split(v, ",", &items) >= 0 && strv_contains(items, value);
}

/* The loader's configured command line into B (nothing when unreadable). */
static void boot_config(struct check_ctx *c, const struct igp_bootloader *bl, struct boot_info *b)
{
	struct igp_boot_config cfg = {0};

	if (bl->ops->config(bl, c->h->kernel_release, &cfg) >= 0) {
		b->configured = TAKE_PTR(cfg.configured);
		b->where = TAKE_PTR(cfg.where);
		b->entry = TAKE_PTR(cfg.entry);
		b->generated_path = cfg.generated_path;
		b->generated = TAKE_PTR(cfg.generated);
		b->grub_var = cfg.grub_var;
		b->grub_places = TAKE_PTR(cfg.places);
	}
	igp_boot_config_done(&cfg);
}

/* What /etc/default/grub holds, for a loader that leaves it unused. */
static void grub_unused(struct boot_info *b)
{
	struct igp_grub g;

	if (igp_grub_load(&g) < 0)
		return;
	if (igp_grub_tokens(&g, &b->grub_tokens) < 0)
		b->grub_tokens = NULL;
	else if (igp_grub_places(&g, &b->grub_unused_places) < 0)
		b->grub_unused_places = NULL;
	igp_grub_done(&g);
}

const struct boot_info *ctx_boot(struct check_ctx *c)
{
	struct boot_info *b = &c->boot;
	const struct igp_bootloader *bl = igp_host_bootloader(c->h);

	if (c->boot_done)
		return b;
	c->boot_done = true;
	if (!bl)
		return b;
	b->ops = bl->ops;
	b->name = strdup(bl->name);
	if (bl->refresh)
		b->refresh = igp_argv_join(bl->refresh);
	if (!bl->ops)
		return b;
	boot_config(c, bl, b);
	if (bl->ops->grub_unused_by)
		grub_unused(b);
	return b;
}

/* After a configuration edit that the running kernel does not have yet. */
static const char *pending_remedy(const struct boot_info *b)
{
	/* With the generated file read, cmdline.configured tells whether the
	 * refresh ran ("stale"); without it, it may still be due. */
	if (b->ops && b->ops->pending_remedy && !b->generated)
		return b->ops->pending_remedy;
	return "Reboot.";
}

/* Where GRUB holds KEY's effective token ("VAR in FILE") when that is not
 * where new tokens go (B->where, the variable igpuctl and the remedies
 * edit), else NULL. */
static const char *grub_place_other(const struct boot_info *b, const char *key)
{
	const char *place = NULL;

	if (!b->grub_places || !b->where)
		return NULL;
	for (size_t i = 0; b->configured[i] && b->grub_places[i]; i++)
		if (igp_kparam_key_eq(b->configured[i], key))
			place = b->grub_places[i];
	return place && !streq(place, b->where) ? place : NULL;
}

/* The places (PLACES[i] for TOKS[i]) of the keys of TOKENS, the last
 * assignment winning, FALLBACK for a key not there; distinct, joined with
 * " and " (caller frees). */
static char *places_where(char *const *toks, char *const *places, const char *tokens, const char *fallback)
{
	_cleanup_strv_free_ char **t = NULL, **found = NULL;
	_cleanup_strbuf_ struct strbuf w = {};

	if (strv_split(tokens, " ", &t) < 0)
		return NULL;
	for (char **k = t; *k; k++) {
		_cleanup_free_ char *key = igp_kparam_key(*k);
		const char *place = NULL;
		if (!key)
			return NULL;
		for (size_t i = 0; toks && toks[i] && places[i]; i++)
			if (igp_kparam_key_eq(toks[i], key))
				place = places[i];
		if (!place)
			place = fallback;
		if (!strv_contains(found, place) && strv_push(&found, place) < 0)
			return NULL;
	}
	for (char **p = found; p && *p; p++)
		strbuf_word(&w, " and ", *p);
	return strbuf_empty(&w) ? strdup(fallback) : strbuf_steal(&w);
}

char *tokens_where(const struct boot_info *b, const char *tokens)
{
	if (!b->grub_places || !b->where)
		return strdup(b->where ? b->where : "the boot configuration");
	return places_where(b->configured, b->grub_places, tokens, b->where);
}

/* Where the unused GRUB files hold TOKENS ("GRUB_CMDLINE_LINUX in
 * /etc/default/grub"), or /etc/default/grub (caller frees). */
static char *unused_where(const struct boot_info *b, const char *tokens)
{
	if (!b->grub_unused_places)
		return strdup(IGP_ETC_DEFAULT_GRUB);
	return places_where(b->grub_tokens, b->grub_unused_places, tokens, IGP_ETC_DEFAULT_GRUB);
}

/*
 * What to change in words, against the configured tokens when they are
 * known: "add A B", "set K=V (now K=OLD)", "remove K"; parameters that are
 * configured already and keys that are absent drop out.  *ret_add gets the
 * tokens that really are to be added or set (for grubby/kernelstub).
 */
static int describe_edit(const struct boot_info *b, const char *add, const char *remove, char **ret_what,
			 char **ret_add, bool *ret_here)
{
	bool here = false;
	_cleanup_strv_free_ char **a = NULL, **r = NULL, **add_keys = NULL;
	_cleanup_strbuf_ struct strbuf fw = {}, fa = {};
	char *what, *adds;
	bool first_add = true;
	unsigned n_rm = 0, i_rm = 0;

	if ((add && strv_split(add, " ", &a) < 0) || (remove && strv_split(remove, " ", &r) < 0))
		return -ENOMEM;
	for (char **t = a; t && *t; t++) {
		_cleanup_free_ char *k = igp_kparam_key(*t);
		const char *old;
		if (!k || strv_push(&add_keys, k) < 0)
			continue;
		if (b->configured && tokens_set(b->configured, *t))
			continue;
		strbuf_word(&fa, " ", *t);
		old = b->configured ? tokens_find(b->configured, k) : NULL;
		if (old) {
			/* Set where it is, as setup edits it in place. */
			const char *place = grub_place_other(b, k);
			strbuf_wordf(&fw, ", ", "set %s%s%s (now %s)", *t, place ? " in " : "",
				     place ? place : "", old);
			here |= !place;
			continue;
		}
		strbuf_printf(&fw, "%s%s", !strbuf_empty(&fw) ? (first_add ? ", add " : " ") : "add ", *t);
		first_add = false;
		here = true;
	}
	/* A key that is also added is set above, not removed as well. */
	for (char **k = r; k && *k; k++)
		if (!strv_contains(add_keys, *k) &&
		    (!b->configured || tokens_get(b->configured, *k, NULL) > 0))
			n_rm++;
	for (char **k = r; k && *k; k++) {
		const char *place = grub_place_other(b, *k);
		if (strv_contains(add_keys, *k) ||
		    (b->configured && tokens_get(b->configured, *k, NULL) <= 0))
			continue;
		strbuf_printf(&fw, "%s%s%s%s",
			      i_rm == 0 ? (!strbuf_empty(&fw) ? " and remove " : "remove ")
					: (i_rm + 1 == n_rm ? " and " : ", "),
			      *k, place ? " from " : "", place ? place : "");
		here |= !place;
		i_rm++;
	}
	what = strbuf_steal(&fw);
	adds = strbuf_steal(&fa);
	if (!what || !adds) {
		free(what);
		free(adds);
		return -ENOMEM;
	}
	*ret_what = what;
	*ret_add = adds;
	*ret_here = here;
	return 0;
}

char *remedy_cmdline(struct check_ctx *c, const char *add, const char *remove, int mode)
{
	const struct boot_info *b = ctx_boot(c);
	_cleanup_free_ char *what = NULL, *adds = NULL, *body = NULL;
	bool here;

	if (describe_edit(b, add, remove, &what, &adds, &here) < 0)
		return NULL;
	if (!*what) {
		/* Everything is configured already: the next boot brings it. */
		_cleanup_free_ char *where = tokens_where(b, add ? add : "");
		return where ? strdupf("%s is configured in %s already. %s", add ? add : "The change", where,
				       pending_remedy(b))
			     : NULL;
	}
	if (b->ops) {
		struct igp_boot_edit e = {.what = what,
					  .adds = adds,
					  .remove = remove,
					  .refresh = b->refresh,
					  .grub_var = b->grub_var,
					  .where = b->where,
					  .here = here,
					  .entry = b->entry};
		body = b->ops->remedy(&e);
	} else {
		body = strdupf("On the kernel command line of the boot loader: %s; then reboot.", what);
	}
	if (!body)
		return NULL;
	if (mode < 0)
		return TAKE_PTR(body);
	return strdupf("%s (`igpuctl setup --mode %s --dry-run` shows the change.)", body,
		       igp_method_name((enum igp_method)mode));
}

/* ---- cmdline.configured ---- */

/* "Configured in WHERE STATE: TOKENS." with WHERE where TOKENS are. */
static void where_sentence(struct strbuf *m, const struct boot_info *b, const char *state, const char *tokens)
{
	_cleanup_free_ char *where = tokens_where(b, tokens);

	strbuf_printf(m, "Configured in %s %s: %s.", where ? where : "the boot configuration", state, tokens);
}

struct want {
	const char *key;
	char value[32];		    /* "" = any positive number */
	const char *module, *param; /* the modprobe.d form, or NULL */
};

static bool want_satisfied(char *const *toks, const struct want *w)
{
	const char *v;
	long n;

	if (*w->value)
		return tokens_have(toks, w->key, w->value);
	return tokens_get(toks, w->key, &v) > 0 && parse_long(v, 1, 1024, &n) >= 0;
}

static size_t wants_for(struct check_ctx *c, struct want *w, size_t cap)
{
	size_t n = 0;
	bool amd;
	char buf[64];

	amd = ctx_iommu_amd(c);
	if ((c->modes & (MODE_BIT(IGP_METHOD_FULL) | MODE_BIT(IGP_METHOD_SRIOV))) && !amd && n < cap &&
	    (!c->h->iommu_active || ctx_running_param(c, "intel_iommu", buf, sizeof(buf)) ||
	     ctx_igpu_untranslated(c)))
		w[n++] = (struct want){"intel_iommu", "on", NULL, NULL};
	if ((c->modes & MODE_BIT(IGP_METHOD_GVTG)) && n < cap)
		w[n++] = (struct want){"i915.enable_gvt", "1", "i915", "enable_gvt"};
	for (size_t t = 0; t < c->n_targets; t++) {
		const struct igp_pci_dev *g = c->targets[t].gpu;
		const struct igp_platform *p = g->platform;
		bool xe;
		if (c->targets[t].mode != IGP_METHOD_SRIOV || !p || p->sriov == IGP_SUPPORT_NO || n + 2 > cap)
			continue;
		xe = ctx_sriov_route(c, g) == IGP_SRIOV_ROUTE_XE;
		if (xe) {
			if (!igp_host_xe_max_vfs_default_ok(c->h, g))
				w[n++] = (struct want){"xe.max_vfs", "", "xe", "max_vfs"};
			if (p->xe_force_probe) {
				w[n] = (struct want){"xe.force_probe", "", NULL, NULL};
				snprintf(w[n].value, sizeof(w[n].value), "%04x", g->device);
				n++;
			}
		} else {
			w[n++] = (struct want){"i915.enable_guc", "3", "i915", "enable_guc"};
			w[n++] = (struct want){"i915.max_vfs", "", "i915", "max_vfs"};
		}
		break;
	}
	return n;
}

/* The loaded module has the wanted value (/sys/module/MOD/parameters/PARAM,
 * where a bool reads "Y"): it is active, wherever it was set. */
static bool loaded_param_satisfies(struct check_ctx *c, const struct want *w)
{
	_cleanup_free_ char *v = w->module ? ctx_module_param(c, w->module, w->param) : NULL;
	_cleanup_free_ char *tok = NULL;
	char *one[2] = {NULL, NULL};

	if (!v)
		return false;
	tok = strdupf("%s=%s", w->key, streq(v, "Y") ? "1" : streq(v, "N") ? "0" : v);
	one[0] = tok;
	return tok && want_satisfied(one, w);
}

/* The wanted parameters sorted by where they are: configured and active,
 * configured but not booted (or not generated into grub.cfg), active but
 * not configured, neither, only in an unused GRUB file; what an unused
 * GRUB file has beyond them; and the tokens to add. */
enum { CF_OK, CF_PENDING, CF_STALE, CF_LOST, CF_MISSING, CF_GRUBONLY, CF_IGNORED, CF_ADD, _CF_MAX };

struct cf {
	struct check_ctx *c;
	const struct boot_info *b;
	struct want w[8];
	size_t n;
	struct strbuf sb[_CF_MAX];
	char *s[_CF_MAX];
	struct strbuf m, r; /* message and remedy */
	enum igp_check_status st;
};

static void cf_raise(struct cf *f, enum igp_check_status st)
{
	if (f->st < st)
		f->st = st;
	strbuf_sep(&f->m, " ");
}

/* "options MOD PARAM=V" in modprobe.d configures W too (it reaches the
 * module through the initramfs or at load). */
static int modprobe_configures(struct check_ctx *c, const struct want *w, bool *ret)
{
	_cleanup_free_ char *opt = ctx_modprobe_option(c, w->module, w->param, IGP_MODPROBE_FILES_ONLY, NULL);
	_cleanup_free_ char *t = NULL;
	char *one[2] = {NULL, NULL};

	if (!opt)
		return 0;
	t = strdupf("%s=%s", w->key, opt);
	if (!t)
		return -ENOMEM;
	one[0] = t;
	*ret = want_satisfied(one, w);
	return 1;
}

/* The list of want W: active (RUN), configured (CFG), in grub.cfg (GEN). */
static int cf_list(const struct boot_info *b, const struct want *w, bool run, bool cfg, bool gen)
{
	if (cfg)
		return run ? CF_OK : gen ? CF_PENDING : CF_STALE;
	if (run)
		return CF_LOST;
	if (b->ops && b->ops->grub_unused_by && b->grub_tokens && want_satisfied(b->grub_tokens, w))
		return CF_GRUBONLY;
	return CF_MISSING;
}

/* Sort want W into its list, and into CF_ADD when it is not configured. */
static int cf_sort(struct cf *f, const struct want *w)
{
	const struct boot_info *b = f->b;
	_cleanup_free_ char *tok = NULL, *add = NULL;
	bool run = want_satisfied(f->c->h->kparams.tokens, w) || loaded_param_satisfies(f->c, w);
	bool cfg = b->configured && want_satisfied(b->configured, w);
	bool gen = !b->generated || want_satisfied(b->generated, w);
	const char *rv = NULL;
	char buf[64];
	int r;

	if (!cfg && w->module && (r = modprobe_configures(f->c, w, &cfg)) != 0) {
		if (r < 0)
			return r;
		gen = true;
	}
	/* For "any positive count" wants, name the value in use. */
	if (!*w->value)
		rv = ctx_running_param(f->c, w->key, buf, sizeof(buf));
	tok = *w->value ? strdupf("%s=%s", w->key, w->value) : strdupf("%s=%s", w->key, run && rv ? rv : "N");
	add = *w->value ? strdup(tok) : strdupf("%s=%s", w->key, run && rv ? rv : "7");
	if (!tok || !add)
		return -ENOMEM;
	strbuf_word(&f->sb[cf_list(b, w, run, cfg, gen)], " ", tok);
	if (!cfg)
		strbuf_word(&f->sb[CF_ADD], " ", add);
	return 0;
}

/* GRUB edits on a host that does not boot through GRUB do nothing: name
 * what /etc/default/grub has beyond the stock line and the wants. */
static int cf_ignored(struct cf *f)
{
	const struct boot_info *b = f->b;
	static const char *const stock[] = {"quiet", "splash", "ro", "rw", "root", "boot", NULL};

	if (!b->ops || !b->ops->grub_unused_by || !b->grub_tokens || !b->configured)
		return 0;
	for (char **t = b->grub_tokens; *t; t++) {
		_cleanup_free_ char *k = igp_kparam_key(*t);
		bool wanted = false;
		if (!k)
			return -ENOMEM;
		for (size_t i = 0; i < f->n; i++)
			wanted |= igp_kparam_key_eq(k, f->w[i].key);
		if (!wanted && !strv_contains((char **)stock, k) && !tokens_set(b->configured, *t))
			strbuf_word(&f->sb[CF_IGNORED], " ", *t);
	}
	return 0;
}

/* Without the boot loader's configuration: what the running kernel has. */
static int cf_report_unconfigured(struct cf *f, int mode)
{
	char **s = f->s;
	_cleanup_free_ char *rem = NULL;

	if (!*s[CF_LOST] && !*s[CF_MISSING])
		return check_add(f->c, "cmdline.configured", NULL, IGP_CHECK_SKIP, NULL,
				 "%s%s; the boot loader's configuration (%s) was not found, so whether the "
				 "next boot keeps them cannot be told.",
				 f->n ? "The running kernel has what the mode needs: "
				      : "The mode needs no extra kernel parameters",
				 f->n ? s[CF_LOST] : "", f->b->name ? f->b->name : "unknown");
	rem = remedy_cmdline(f->c, s[CF_ADD], NULL, mode);
	return check_add(f->c, "cmdline.configured", NULL, *s[CF_MISSING] ? IGP_CHECK_FAIL : IGP_CHECK_WARN,
			 TAKE_PTR(rem), "%s%s%s%s; the boot loader's configuration was not found.",
			 *s[CF_MISSING] ? "The running kernel lacks " : "", s[CF_MISSING],
			 *s[CF_MISSING] && *s[CF_LOST] ? "; it has "
						       : (*s[CF_LOST] ? "The running kernel has " : ""),
			 s[CF_LOST]);
}

/* What is configured, active, missing or only in an unused GRUB file. */
static void cf_say_where(struct cf *f)
{
	const struct boot_info *b = f->b;
	char **s = f->s;

	if (*s[CF_OK])
		where_sentence(&f->m, b, "and active", s[CF_OK]);
	else if (f->n == 0)
		strbuf_printf(&f->m, "No extra kernel parameters are needed on this host%s.",
			      f->c->h->iommu_active ? " (the IOMMU is on without intel_iommu=on)" : "");
	if (*s[CF_GRUBONLY]) {
		_cleanup_free_ char *where = unused_where(b, s[CF_GRUBONLY]);
		cf_raise(f, IGP_CHECK_FAIL);
		strbuf_printf(
		    &f->m, "%s is in %s, but this host boots %s, which reads %s: the GRUB edit does nothing.",
		    s[CF_GRUBONLY], where ? where : IGP_ETC_DEFAULT_GRUB, b->ops->grub_unused_by,
		    b->ops->grub_unused_for);
	}
	if (*s[CF_MISSING]) {
		cf_raise(f, IGP_CHECK_FAIL);
		strbuf_printf(&f->m, "Neither configured in %s nor active: %s.", b->where, s[CF_MISSING]);
	}
	if (*s[CF_LOST]) {
		cf_raise(f, IGP_CHECK_WARN);
		strbuf_printf(&f->m, "Active now but missing from %s, so the next boot loses it: %s.",
			      b->where, s[CF_LOST]);
	}
}

/* Configured but not booted yet, or not generated into grub.cfg yet. */
static void cf_say_pending(struct cf *f)
{
	const struct boot_info *b = f->b;
	const char *refresh = b->refresh ? b->refresh : "update-grub";
	char **s = f->s;

	if (*s[CF_STALE]) {
		/* Named where they are (GRUB_CMDLINE_LINUX or _DEFAULT). */
		_cleanup_free_ char *where = tokens_where(b, s[CF_STALE]);
		cf_raise(f, IGP_CHECK_WARN);
		strbuf_printf(
		    &f->m, "Configured in %s but not yet in %s (`%s` has not run since), so not active: %s.",
		    where ? where : b->where, b->generated_path, refresh, s[CF_STALE]);
		strbuf_sep(&f->r, " ");
		strbuf_printf(&f->r, "Run `%s`, then reboot.", refresh);
	}
	if (*s[CF_PENDING]) {
		cf_raise(f, IGP_CHECK_WARN);
		where_sentence(&f->m, b, "but not rebooted yet", s[CF_PENDING]);
		if (!*s[CF_STALE]) {
			strbuf_sep(&f->r, " ");
			strbuf_printf(&f->r, "%s", pending_remedy(b));
		}
	}
}

static void cf_say_ignored(struct cf *f)
{
	const struct boot_info *b = f->b;
	_cleanup_free_ char *where = NULL;

	if (!*f->s[CF_IGNORED])
		return;
	where = unused_where(b, f->s[CF_IGNORED]);
	cf_raise(f, IGP_CHECK_WARN);
	strbuf_printf(&f->m,
		      "%s has %s, which %s lacks: this host does not boot through GRUB, so GRUB edits do "
		      "nothing.",
		      where ? where : IGP_ETC_DEFAULT_GRUB, f->s[CF_IGNORED], b->ops->grub_unused_for);
	strbuf_sep(&f->r, " ");
	strbuf_printf(&f->r, "Carry over what is wanted into %s (one line)%s%s%s.", b->ops->grub_unused_for,
		      b->refresh ? " and run `" : "", b->refresh ? b->refresh : "", b->refresh ? "`" : "");
}

/* The finding from the sorted lists, the remedy for adding first. */
static int cf_report(struct cf *f, int mode)
{
	_cleanup_free_ char *msg = NULL, *rem = NULL;

	if (!f->b->configured)
		return cf_report_unconfigured(f, mode);
	cf_say_where(f);
	if (*f->s[CF_ADD]) {
		_cleanup_free_ char *x = remedy_cmdline(f->c, f->s[CF_ADD], NULL, mode);
		if (!x)
			return -ENOMEM;
		strbuf_word(&f->r, " ", x);
	}
	cf_say_pending(f);
	cf_say_ignored(f);
	msg = strbuf_steal(&f->m);
	rem = strbuf_steal(&f->r);
	if (!msg || !rem)
		return -ENOMEM;
	return check_add(f->c, "cmdline.configured", NULL, f->st,
			 f->st == IGP_CHECK_PASS ? NULL : TAKE_PTR(rem), "%s", msg);
}

int check_cmdline_configured(struct check_ctx *c)
{
	struct cf f = {.c = c, .b = ctx_boot(c), .st = IGP_CHECK_PASS};
	int mode = c->n_targets ? (int)c->targets[0].mode : -1, r = 0;

	if (!c->h->cmdline)
		return check_add(c, "cmdline.configured", NULL, IGP_CHECK_SKIP, NULL, "Cannot read %s.",
				 IGP_PROC_CMDLINE);
	f.n = wants_for(c, f.w, ELEMENTSOF(f.w));
	for (size_t i = 0; r >= 0 && i < f.n; i++)
		r = cf_sort(&f, &f.w[i]);
	if (r >= 0)
		r = cf_ignored(&f);
	for (size_t i = 0; r >= 0 && i < _CF_MAX; i++)
		if (!(f.s[i] = strbuf_steal(&f.sb[i])))
			r = -ENOMEM;
	if (r >= 0)
		r = cf_report(&f, mode);
	for (size_t i = 0; i < _CF_MAX; i++) {
		strbuf_done(&f.sb[i]);
		free(f.s[i]);
	}
	strbuf_done(&f.m);
	strbuf_done(&f.r);
	return r;
}

/* ---- cmdline.blacklist ---- */

/* Is MODULE in a "KEY=a,b" list of the tokens? */
static bool listed_in(char *const *toks, const char *module)
{
	static const char *const keys[] = {"modprobe.blacklist", "module_blacklist"};

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		const char *v;
		_cleanup_strv_free_ char **items = NULL;
		if (tokens_get(toks, keys[i], &v) <= 0 || strv_split(v, ",", &items) < 0)
			continue;
		for (char **it = items; *it; it++)
			if (igp_kparam_key_eq(*it, module))
				return true;
	}
	return false;
}

/* Where "blacklist MODULE" of modprobe.d is (FILE:LINE, borrowed), or NULL. */
static const char *modprobe_blacklisted(struct check_ctx *c, const char *module)
{
	return igp_modprobe_blacklisted(ctx_modprobe(c), module, IGP_MODPROBE_FILES_ONLY);
}

/* Where MODULE is blacklisted, or NULL; *ret_file: the modprobe.d file
 * and line when it is there. */
static const char *blacklisted_where(struct check_ctx *c, char *const *running, const char *module,
				     const char **ret_file)
{
	const struct boot_info *b = ctx_boot(c);

	*ret_file = NULL;
	if (listed_in(running, module))
		return "on the running kernel's command line";
	if (b->configured && listed_in(b->configured, module))
		return "on the configured kernel command line";
	*ret_file = modprobe_blacklisted(c, module);
	return *ret_file ? "in" : NULL;
}

static bool is_target(struct check_ctx *c, const struct igp_pci_dev *d)
{
	for (size_t t = 0; t < c->n_targets; t++) {
		const struct igp_pci_dev *g = c->targets[t].gpu;
		/* The GPU's own functions (HDMI audio) go with it. */
		if (g == d ||
		    (c->targets[t].mode == IGP_METHOD_FULL && igp_pci_addr_same_slot(&g->addr, &d->addr)))
			return true;
		if (d->physfn && streq(d->physfn, g->address))
			return true;
	}
	return false;
}

int check_cmdline_blacklist(struct check_ctx *c)
{
	const char *id = "cmdline.blacklist";
	const struct boot_info *b = ctx_boot(c);
	char *const *running = c->h->kparams.tokens;
	_cleanup_strbuf_ struct strbuf hurt = {};
	_cleanup_free_ char *s_hurt = NULL;

	/* GVT-g and SR-IOV need the host driver of the GPU itself. */
	for (size_t t = 0; t < c->n_targets; t++) {
		const struct igp_check_target *tg = &c->targets[t];
		const char *drv, *where, *file;
		if (tg->mode == IGP_METHOD_FULL)
			continue;
		/* GVT-g is i915's; SR-IOV needs the driver of its route. */
		drv = tg->mode == IGP_METHOD_SRIOV ? igp_sriov_route_driver(ctx_sriov_route(c, tg->gpu))
						   : "i915";
		if (!drv)
			drv = streq_ptr(tg->gpu->driver, "xe") ? "xe" : "i915";
		where = blacklisted_where(c, running, drv, &file);
		if (where && !file && b->configured && !listed_in(b->configured, drv) &&
		    !modprobe_blacklisted(c, drv))
			/* Taken off the configured command line (setup changing
			 * the SR-IOV route): the next boot loads it. */
			return check_add(
			    c, id, NULL, IGP_CHECK_WARN,
			    strdupf("Reboot%s%s%s.", b->refresh ? " (after `" : "",
				    b->refresh ? b->refresh : "", b->refresh ? "`)" : ""),
			    "%s is blacklisted on the running kernel's command line, not on the "
			    "configured one (%s): %s needs it on the host for %s after a reboot.",
			    drv, b->where ? b->where : "the boot loader's", igp_method_name(tg->mode),
			    tg->gpu->address);
		if (where)
			return check_add(
			    c, id, NULL, IGP_CHECK_FAIL,
			    !file ? remedy_cmdline(c, NULL, "modprobe.blacklist module_blacklist", -1)
				  : strdupf("Remove `blacklist %s` from %s, run `%s` and reboot.", drv, file,
					    initramfs_command(c)),
			    "%s is blacklisted %s%s%s, but %s needs it on the host for %s.", drv, where,
			    file ? " " : "", file ? file : "", igp_method_name(tg->mode), tg->gpu->address);
	}
	/* Drivers of devices the host keeps: blacklisting them (the guide's
	 * line blacklists every GPU and sound driver) takes them from the host. */
	for (size_t i = 0; i < c->h->n_devs; i++) {
		const struct igp_pci_dev *d = c->h->devs[i];
		const char *where;
		if (!d->driver || streq(d->driver, "vfio-pci") || is_target(c, d))
			continue;
		where = b->configured && listed_in(b->configured, d->driver)
			    ? "the configured command line"
			    : modprobe_blacklisted(c, d->driver);
		if (where)
			strbuf_wordf(&hurt, "; ", "%s (driver of %s, blacklisted in %s)", d->driver,
				     d->address, where);
	}
	s_hurt = strbuf_steal(&hurt);
	if (!s_hurt)
		return -ENOMEM;
	if (*s_hurt)
		return check_add(
		    c, id, NULL, IGP_CHECK_WARN,
		    strdup("Blacklist only the drivers of the devices that go to VMs (for the iGPU: "
			   "i915, or bind it to vfio-pci with `igpuctl bind ADDR --driver vfio-pci "
			   "--persist`); take the others out of modprobe.blacklist/blacklist."),
		    "Devices the host keeps lose their driver at the next boot: %s.", s_hurt);
	return check_add(c, id, NULL, IGP_CHECK_PASS, NULL, "No driver that the host%s needs is blacklisted.",
			 c->modes & (MODE_BIT(IGP_METHOD_GVTG) | MODE_BIT(IGP_METHOD_SRIOV)) ? " or the mode"
											     : "");
}
