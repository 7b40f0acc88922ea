/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel parameters setup wants, planned in the boot loader's own
 * files: GRUB's /etc/default/grub (and its drop-ins), /etc/kernel/cmdline,
 * loader entries, kernelstub's configuration with its commands.
 */
#include "boot/bootloader.h"
#include "boot/cmdline_file.h"
#include "boot/grub.h"
#include "base/paths.h"
#include "base/util.h"

static int push_argvv(char ****v, char **argv)
{
	size_t n = 0;
	char ***nv;
	if (!argv)
		return -ENOMEM;
	while (*v && (*v)[n])
		n++;
	nv = realloc(*v, (n + 2) * sizeof(char **));
	if (!nv) {
		strv_free(argv);
		return -ENOMEM;
	}
	nv[n] = argv;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

static int undo_for(struct igp_undo *u, enum igp_undo_kind kind, const struct igp_kop *ops, size_t n_ops,
		    const int *files, int file)
{
	*u = (struct igp_undo){.kind = kind};
	for (size_t k = 0; k < n_ops; k++) {
		struct igp_undo one = {.ops = (struct igp_kop *)&ops[k], .n_ops = 1};
		if (files && files[k] != file)
			continue;
		if (igp_undo_merge(u, &one) < 0) {
			igp_undo_done(u);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * What the boot loader puts on the command line itself: GRUB's
 * BOOT_IMAGE= and root=, the EFI stub's initrd= per initrd.  The kernel
 * keeps IGP_COMMAND_LINE_SIZE bytes of it all and drops the rest, which
 * is where igpuctl's parameters are.
 */
#define LOADER_RESERVE 256

/* Refuse a command line (in WHERE) of AFTER bytes, BEFORE before the edit,
 * when igpuctl's edit makes it longer than the kernel would keep. */
static int check_length(const char *where, size_t before, size_t after, char **ret_error)
{
	if (after + 1 + LOADER_RESERVE <= IGP_COMMAND_LINE_SIZE || after <= before)
		return 0;
	return igp_refuse(ret_error, -EINVAL,
			  "the kernel command line in %s would be %zu bytes: with what the boot loader "
			  "adds (up to %d) more than the %d the kernel keeps (COMMAND_LINE_SIZE), and the "
			  "parameters at its end would be lost",
			  where, after, LOADER_RESERVE, IGP_COMMAND_LINE_SIZE);
}

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

static int plan_grub(struct igp_plan *p, const struct igp_kwant *w, size_t nw, char **ret_error)
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
		r = check_length("the GRUB configuration", len_before, len_after, ret_error);
	if (r < 0)
		goto out;
	for (size_t f = 0; f < g.doc.n_files; f++) {
		struct igp_undo u;
		char *before, *after;
		if (streq(texts[f], g.doc.files[f].text))
			continue;
		r = undo_for(&u, IGP_UNDO_SHELL, ops, n_ops, files, (int)f);
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

/* The text of a command line file of KIND, refused when igpuctl cannot
 * edit it safely. */
static int read_cmdline_file(const char *path, enum igp_cmdline_file kind, char **ret, char **ret_error)
{
	_cleanup_free_ char *text = NULL;
	const char *what = "a NUL byte";
	unsigned line = 0;
	size_t len, off;
	int r;

	r = igp_read_text(path, &text, &len, &line);
	if (r == -EBADMSG)
		goto bad;
	if (r < 0)
		return igp_refuse(ret_error, r, "cannot read %s", path);
	r = igp_cmdline_file_check(kind, text, len, &off, &what);
	if (r == -EBADMSG) {
		line = igp_text_line(text, off);
		goto bad;
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(text);
	return 0;
bad:
	if (ret_error && !(*ret_error = igp_text_refusal(path, line, what)))
		return -ENOMEM;
	return -EBADMSG;
}

/* check_length() of the file of KIND at PATH, from TOKENS (N) to AFTER. */
static int check_line_length(const char *path, enum igp_cmdline_file kind, char *const *tokens, size_t n,
			     const char *after, char **ret_error)
{
	struct igp_kline l = {0};
	_cleanup_free_ char **t = NULL;
	int r = igp_cmdline_file_tokens(kind, after, &l);

	if (r >= 0 && !(t = igp_kline_texts(&l)))
		r = -ENOMEM;
	if (r >= 0)
		r = check_length(path, igp_kparams_length(tokens, n), igp_kparams_length(t, l.n), ret_error);
	igp_kline_done(&l);
	return r;
}

static enum igp_undo_kind undo_kind(enum igp_cmdline_file kind)
{
	return kind == IGP_CMDLINE_BLS		? IGP_UNDO_BLS
	       : kind == IGP_CMDLINE_KERNELSTUB ? IGP_UNDO_KERNELSTUB
						: IGP_UNDO_KLINE;
}

static int plan_line_file(struct igp_plan *p, const char *path, enum igp_cmdline_file kind,
			  const struct igp_kwant *w, size_t nw, struct igp_kop **ret_ops, size_t *ret_n_ops,
			  char **ret_error)
{
	_cleanup_free_ char *text = NULL, **texts = NULL;
	struct igp_kline l = {0};
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	char *after = NULL;
	struct igp_undo u;
	int r;

	r = read_cmdline_file(path, kind, &text, ret_error);
	if (r < 0)
		return r;
	r = igp_cmdline_file_tokens(kind, text, &l);
	if (r == -ENOENT)
		return igp_refuse(ret_error, -EBADMSG, "%s has no \"user\" \"kernel_options\" list", path);
	if (r < 0)
		return r;
	/* kernel-install and proxmox-boot-tool take this file as the whole
	 * command line: written with igpuctl's parameters only, the host
	 * would boot without root=. */
	if (kind == IGP_CMDLINE_KLINE && l.n == 0) {
		igp_kline_done(&l);
		return igp_refuse(ret_error, -EBADMSG,
				  "%s:1: no kernel parameters, not even root=; fix the file, then run "
				  "igpuctl again",
				  path);
	}
	texts = igp_kline_texts(&l);
	if (!texts) {
		r = -ENOMEM;
		goto out;
	}
	r = igp_kparams_plan(texts, l.n, w, nw, &ops, &n_ops);
	if (r < 0 || n_ops == 0)
		goto out;
	r = igp_cmdline_file_apply(kind, text, ops, n_ops, &after);
	if (r >= 0)
		r = check_line_length(path, kind, texts, l.n, after, ret_error);
	if (r < 0) {
		free(after);
		goto out;
	}
	r = undo_for(&u, undo_kind(kind), ops, n_ops, NULL, 0);
	if (r < 0) {
		free(after);
		goto out;
	}
	r = igp_plan_add_file(p, path, TAKE_PTR(text), after, 0644, &u, IGP_REFRESH_BOOT,
			      "kernel parameters");
	if (r >= 0 && ret_ops) {
		*ret_ops = TAKE_PTR(ops);
		*ret_n_ops = n_ops;
	}
out:
	igp_kops_free(ops, n_ops);
	igp_kline_done(&l);
	return r;
}

/* kernelstub keeps its options in JSON ("user": {"kernel_options": [...]}).
 * igpuctl edits that list itself (journaled, byte-preserving) and runs
 * `kernelstub -a/-d` with the same change, which also rewrites the boot
 * entry; revert runs the inverse commands. */
static int plan_kernelstub(struct igp_plan *p, const struct igp_kwant *w, size_t nw, char ****revert_argvs,
			   char **ret_error)
{
	struct igp_kop *ops = NULL;
	size_t n_ops = 0;
	_cleanup_free_ char *adds = NULL;
	int r;

	r = plan_line_file(p, IGP_ETC_KERNELSTUB_CONFIG, IGP_CMDLINE_KERNELSTUB, w, nw, &ops, &n_ops,
			   ret_error);
	if (r < 0)
		return r;
	adds = strdup("");
	for (size_t k = 0; adds && r >= 0 && k < n_ops; k++) {
		if (ops[k].kind != IGP_KOP_ADD) {
			r = igp_plan_add_cmd(p, igp_argv_new("kernelstub", "-d", ops[k].old, NULL),
					     IGP_REFRESH_BOOT, "remove a conflicting kernel option");
			if (r >= 0)
				r = push_argvv(revert_argvs,
					       igp_argv_new("kernelstub", "-a", ops[k].old, NULL));
		}
		if (r >= 0 && ops[k].kind != IGP_KOP_REMOVE) {
			char *n = strdupf("%s%s%s", adds, *adds ? " " : "", ops[k].token);
			free(adds);
			adds = n;
			r = push_argvv(revert_argvs, igp_argv_new("kernelstub", "-d", ops[k].token, NULL));
		}
	}
	if (!adds)
		r = -ENOMEM;
	if (r >= 0 && *adds)
		r = igp_plan_add_cmd(p, igp_argv_new("kernelstub", "-a", adds, NULL), IGP_REFRESH_BOOT,
				     "add the kernel options (kernelstub rewrites the boot entry)");
	igp_kops_free(ops, n_ops);
	return r;
}

int igp_bootloader_plan_cmdline(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w,
				size_t nw, char ****revert_argvs, char **ret_error)
{
	int r = 0;

	switch (b->kind) {
	case IGP_BOOT_GRUB:
		return plan_grub(p, w, nw, ret_error);
	case IGP_BOOT_PVE_SDBOOT:
		return plan_line_file(p, IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE, w, nw, NULL, NULL,
				      ret_error);
	case IGP_BOOT_SDBOOT:
		if (b->kernel_cmdline)
			r = plan_line_file(p, IGP_ETC_KERNEL_CMDLINE, IGP_CMDLINE_KLINE, w, nw, NULL, NULL,
					   ret_error);
		for (char **e = b->entries; r >= 0 && e && *e; e++)
			r = plan_line_file(p, *e, IGP_CMDLINE_BLS, w, nw, NULL, NULL, ret_error);
		if (r >= 0 && !b->kernel_cmdline && strv_length(b->entries) == 0)
			r = igp_refuse(ret_error, -ENOMEDIUM,
				       "systemd-boot has neither %s nor a Linux loader entry to edit",
				       IGP_ETC_KERNEL_CMDLINE);
		return r;
	case IGP_BOOT_KERNELSTUB:
		return plan_kernelstub(p, w, nw, revert_argvs, ret_error);
	case IGP_BOOT_UNKNOWN:
		break;
	}
	return igp_refuse(ret_error, -ENOMEDIUM, "unknown boot loader");
}
