/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GRUB: the command line is in /etc/default/grub (and grub.d, grub.h),
 * from which grub-mkconfig generates grub.cfg (GRUB manual, "Simple
 * configuration handling").  One ops per way the host runs it: Debian's
 * update-grub (grub-mkconfig -o /boot/grub/grub.cfg), Fedora's
 * grub2-mkconfig (/boot/grub2, grubby(8) edits the entries directly),
 * plain grub-mkconfig, and proxmox-boot-tool, which generates grub.cfg on
 * the ESPs it manages (Proxmox VE admin guide, "Host Bootloader").
 */
#include "boot/grub.h"
#include "boot/loader_int.h"
#include "base/paths.h"
#include "base/util.h"

/* The length of GRUB's command line in G, and in G with TEXTS instead. */
static int grub_lengths(const struct igp_grub *g, char *const *texts, size_t *ret_before, size_t *ret_after)
{
	_cleanup_strv_free_ char **before = NULL, **after = NULL;
	struct igp_shdoc d = {0};
	struct igp_grub ng;
	int r = igp_grub_tokens(g, &before);

	for (size_t f = 0; r >= 0 && f < g->doc.n_files; f++)
		r = igp_shdoc_add(&d, g->doc.files[f].path, texts[f], strlen(texts[f]));
	if (r < 0) {
		igp_shdoc_done(&d);
		return r;
	}
	igp_grub_init(&ng, d);
	r = igp_grub_tokens(&ng, &after);
	igp_grub_done(&ng);
	if (r < 0)
		return r;
	*ret_before = igp_kparams_length(before, strv_length(before));
	*ret_after = igp_kparams_length(after, strv_length(after));
	return 0;
}

/* Plan W (NW) in /etc/default/grub and grub.d. */
static int grub_plan_files(struct igp_plan *p, const struct igp_kwant *w, size_t nw, char **ret_error)
{
	struct igp_grub g;
	struct igp_kop *ops = NULL;
	size_t n_ops = 0, len_before, len_after;
	_cleanup_free_ int *files = NULL;
	_cleanup_strv_free_ char **texts = NULL;
	_cleanup_free_ char *bad = NULL;
	int r;

	r = igp_grub_load(&g);
	if (r < 0)
		return igp_refuse(ret_error, r, "cannot read %s", IGP_ETC_DEFAULT_GRUB);
	r = igp_shdoc_check(&g.doc, ret_error);
	if (r < 0)
		goto out;
	r = igp_grub_edit(&g, w, nw, &ops, &n_ops, &files, &texts, &bad);
	if (r == -EBADMSG) {
		r = igp_refuse(ret_error, r,
			       "the kernel parameter \"%s\" in the GRUB configuration is not plain text "
			       "(it comes from a command substitution, an escape or a variable igpuctl "
			       "cannot follow); edit it by hand",
			       bad ? bad : "?");
		goto out;
	}
	if (r >= 0)
		r = grub_lengths(&g, texts, &len_before, &len_after);
	if (r >= 0)
		r = igp_cmdline_check_length("the GRUB configuration", len_before, len_after, ret_error);
	if (r < 0)
		goto out;
	for (size_t f = 0; f < g.doc.n_files; f++) {
		struct igp_undo u;
		char *before, *after;
		if (streq(texts[f], g.doc.files[f].text))
			continue;
		r = igp_undo_for(&u, IGP_UNDO_SHELL, ops, n_ops, files, (int)f);
		if (r < 0)
			goto out;
		u.vars = calloc(3, sizeof(char *));
		u.add_var = strdup(g.add_var);
		if (!u.vars || !u.add_var || !(u.vars[0] = strdup(igp_grub_vars[0])) ||
		    !(u.vars[1] = strdup(igp_grub_vars[1]))) {
			igp_undo_done(&u);
			r = -ENOMEM;
			goto out;
		}
		before = strdup(g.doc.files[f].text);
		after = strdup(texts[f]);
		if (!before || !after) {
			free(before);
			free(after);
			igp_undo_done(&u);
			r = -ENOMEM;
			goto out;
		}
		r = igp_plan_add_file(p, g.doc.files[f].path, before, after, 0644, &u, IGP_REFRESH_BOOT,
				      "kernel parameters");
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	igp_kops_free(ops, n_ops);
	igp_grub_done(&g);
	return r;
}

/*
 * GRUB with BLS: W (NW) in the options line of every Linux loader entry, as
 * `grubby --update-kernel=ALL --args/--remove-args` edits them, beside
 * GRUB_CMDLINE_LINUX (grub_plan_files()), and in /etc/kernel/cmdline where
 * it exists: kernel-install's 20-grub.install writes a new kernel's entry
 * from it (else from /proc/cmdline).
 */
static int grub_plan(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w, size_t nw,
		     char ****revert_argvs, char **ret_error)
{
	int r;

	(void)revert_argvs;
	r = grub_plan_files(p, w, nw, ret_error);
	if (r >= 0 && b->entries && b->kernel_cmdline)
		r = igp_plan_line_file(p, IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE, w, nw, NULL, NULL,
				       ret_error);
	for (char **e = b->entries; r >= 0 && e && *e; e++)
		r = igp_plan_line_file(p, *e, IGP_CMDLINE_BLS, w, nw, NULL, NULL, ret_error);
	return r;
}

/* Tokens after the kernel image of grub.cfg's entry for RELEASE (else the first). */
static char **grub_cfg_tokens(const char *text, const char *release)
{
	const char *pick = NULL;

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n'), *p = l;
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		while (*p == ' ' || *p == '\t')
			p++;
		if (startswith(p, "linux") && (p[5] == ' ' || p[5] == '\t' || startswith(p, "linuxefi"))) {
			_cleanup_free_ char *line = strndup(l, len);
			if (!pick || (release && line && strstr(line, release) && !strstr(pick, release)))
				pick = l;
			if (release && line && strstr(line, release))
				break;
		}
		l = nl ? nl + 1 : NULL;
	}
	if (!pick) {
		return NULL;
	} else {
		const char *nl = strchr(pick, '\n');
		_cleanup_free_ char *line = strndup(pick, nl ? (size_t)(nl - pick) : strlen(pick));
		_cleanup_strv_free_ char **w = NULL;
		char **out = calloc(1, sizeof(char *));

		if (!line || !out || strv_split(line, " \t", &w) < 0) {
			free(out);
			return NULL;
		}
		/* w[0] = "linux", w[1] = the image */
		for (char **t = w + (strv_length(w) >= 2 ? 2 : strv_length(w)); *t; t++)
			if (strv_push(&out, *t) < 0) {
				strv_free(out);
				return NULL;
			}
		return out;
	}
}

/* With BLS: the options of the default entry (bootloader.c found it, as
 * grub_bls_default.c says) are what the next boot gets; the entry is read
 * at boot, nothing generates it (GENERATED: the same). */
static int grub_bls_config(const struct igp_bootloader *b, struct igp_boot_config *ret)
{
	const char *pick = b->default_entry;

	if (!pick)
		return 0;
	ret->configured = igp_cmdline_file_read_tokens(pick, IGP_CMDLINE_BLS);
	if (!ret->configured)
		return 0;
	ret->where = strdupf("the options of GRUB's default entry %s", pick);
	ret->entry = strdup(pick);
	ret->generated = calloc(1, sizeof(char *));
	for (char **t = ret->configured; ret->generated && *t; t++)
		if (strv_push(&ret->generated, *t) < 0)
			return -ENOMEM;
	return ret->where && ret->entry && ret->generated ? 0 : -ENOMEM;
}

/* The tokens of /etc/default/grub (+ grub.d), and of the generated
 * grub.cfg where the host's refresh writes one igpuctl can read; with BLS,
 * of the default loader entry. */
static int grub_config(const struct igp_bootloader *b, const char *release, struct igp_boot_config *ret)
{
	_cleanup_free_ char *cfg = NULL;
	struct igp_grub g;
	int r;

	if (igp_grub_load(&g) < 0)
		return 0;
	ret->grub_var = g.add_var;
	if (b->entries && b->entries[0]) {
		r = grub_bls_config(b, ret);
		igp_grub_done(&g);
		return r;
	}
	r = igp_grub_tokens(&g, &ret->configured);
	if (r >= 0 && !ret->configured && !(ret->configured = calloc(1, sizeof(char *))))
		r = -ENOMEM;
	if (r >= 0 && !(ret->where = strdupf("%s in %s", g.add_var, igp_grub_add_file(&g))))
		r = -ENOMEM;
	/* Without the places, messages name WHERE for every token. */
	if (r >= 0 && igp_grub_places(&g, &ret->places) < 0)
		ret->places = NULL;
	igp_grub_done(&g);
	if (r < 0) {
		strv_free(ret->configured);
		ret->configured = NULL;
		return r == -ENOMEM ? r : 0;
	}
	ret->generated_path = b->ops->generated;
	if (ret->generated_path && igp_read_file(ret->generated_path, &cfg, NULL) >= 0)
		ret->generated = grub_cfg_tokens(cfg, release);
	return 0;
}

/* What to edit: the variable new tokens go into (DEFAULT when unknown),
 * unless none of the edit is there (WHAT names where each part is). */
static char *grub_target(const struct igp_boot_edit *e, const char *var)
{
	if (!e->here)
		return strdup("the GRUB configuration");
	if (e->where)
		return strdup(e->where);
	return strdupf("%s in %s", e->grub_var ? e->grub_var : var, IGP_ETC_DEFAULT_GRUB);
}

/* With BLS (E->entry, the default entry, read): the entries' options are
 * what boots, GRUB_CMDLINE_LINUX what kernels installed later get. */
static char *grub_bls_places(const struct igp_boot_edit *e)
{
	const char *slash = strrchr(e->entry, '/');

	return strdupf("the options line of every entry in %s, the default %s among them, and %s in %s",
		       IGP_BOOT_LOADER_ENTRIES, slash ? slash + 1 : e->entry,
		       e->grub_var ? e->grub_var : "GRUB_CMDLINE_LINUX", IGP_ETC_DEFAULT_GRUB);
}

static char *grub_remedy_edit(const struct igp_boot_edit *e)
{
	_cleanup_free_ char *target = NULL;

	if (e->entry) {
		_cleanup_free_ char *places = grub_bls_places(e);
		return places ? strdupf("Edit %s: %s; then reboot.", places, e->what) : NULL;
	}
	target = grub_target(e, "GRUB_CMDLINE_LINUX_DEFAULT");
	return target ? strdupf("Edit %s: %s; then run `%s` and reboot.", target, e->what,
				e->refresh ? e->refresh : "update-grub")
		      : NULL;
}

/* grubby(8) edits every boot entry at once; its --remove-args takes the keys. */
static char *grub_remedy_grubby(const struct igp_boot_edit *e)
{
	_cleanup_free_ char *target = e->entry ? grub_bls_places(e) : grub_target(e, "GRUB_CMDLINE_LINUX");
	_cleanup_free_ char *refresh =
	    e->entry ? strdup("")
		     : strdupf("; then run `%s`",
			       e->refresh ? e->refresh : "grub2-mkconfig -o " IGP_BOOT_GRUB2_CFG);

	if (!target || !refresh)
		return NULL;
	return strdupf("Run `grubby --update-kernel=ALL%s%s%s%s%s%s` (or edit %s: %s%s), then reboot.",
		       *e->adds ? " --args=\"" : "", e->adds, *e->adds ? "\"" : "",
		       e->remove ? " --remove-args=\"" : "", e->remove ? e->remove : "",
		       e->remove ? "\"" : "", target, e->what, refresh);
}

const struct igp_boot_ops igp_grub_debian_ops = {
    .id = "grub",
    .name = "GRUB (Debian family)",
    .syntax = IGP_KSYNTAX_GRUB,
    .refresh = (const char *const[]){"update-grub", NULL},
    .refresh_on = IGP_REFRESH_BOOT,
    .generated = IGP_BOOT_GRUB_CFG,
    .pending_remedy = "Run `update-grub` if it has not run since the edit, then reboot.",
    .plan_cmdline = grub_plan,
    .config = grub_config,
    .remedy = grub_remedy_edit,
};

const struct igp_boot_ops igp_grub_fedora_ops = {
    .id = "grub",
    .name = "GRUB (Fedora family)",
    .syntax = IGP_KSYNTAX_GRUB,
    .refresh = (const char *const[]){"grub2-mkconfig", "-o", IGP_BOOT_GRUB2_CFG, NULL},
    .refresh_on = IGP_REFRESH_BOOT,
    .generated = IGP_BOOT_GRUB2_CFG,
    .pending_remedy =
	"Run `grub2-mkconfig -o " IGP_BOOT_GRUB2_CFG "` if it has not run since the edit, then reboot.",
    .plan_cmdline = grub_plan,
    .config = grub_config,
    .remedy = grub_remedy_grubby,
};

/* Arch and the others without Debian's update-grub wrapper. */
const struct igp_boot_ops igp_grub_generic_ops = {
    .id = "grub",
    .name = "GRUB",
    .syntax = IGP_KSYNTAX_GRUB,
    .refresh = (const char *const[]){"grub-mkconfig", "-o", IGP_BOOT_GRUB_CFG, NULL},
    .refresh_on = IGP_REFRESH_BOOT,
    .generated = IGP_BOOT_GRUB_CFG,
    .pending_remedy =
	"Run `grub-mkconfig -o " IGP_BOOT_GRUB_CFG "` if it has not run since the edit, then reboot.",
    .plan_cmdline = grub_plan,
    .config = grub_config,
    .remedy = grub_remedy_edit,
};

/* proxmox-boot-tool refresh writes grub.cfg onto the ESPs, not /boot, and
 * copies the kernels and their initramfs images there: any change needs it
 * (Proxmox VE admin guide, "Synchronizing the content of the ESP with
 * proxmox-boot-tool"). */
const struct igp_boot_ops igp_grub_pve_ops = {
    .id = "grub",
    .name = "GRUB on proxmox-boot-tool managed ESPs",
    .syntax = IGP_KSYNTAX_GRUB,
    .refresh = (const char *const[]){"proxmox-boot-tool", "refresh", NULL},
    .refresh_on = IGP_REFRESH_BOOT | IGP_REFRESH_INITRAMFS,
    .pending_remedy = "Run `proxmox-boot-tool refresh` if it has not run since the edit, then reboot.",
    .plan_cmdline = grub_plan,
    .config = grub_config,
    .remedy = grub_remedy_edit,
};
