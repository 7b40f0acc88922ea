/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the boot loaders (loader_*.c) share to plan the kernel parameters
 * setup wants: the command line files they hold (/etc/kernel/cmdline,
 * loader entries, kernelstub's configuration), the kernel's length limit,
 * undo records; and the dispatch to the detected loader.
 */
#include "boot/loader_int.h"
#include "base/paths.h"
#include "base/util.h"

int igp_undo_for(struct igp_undo *u, enum igp_undo_kind kind, const struct igp_kop *ops, size_t n_ops,
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

int igp_cmdline_check_length(const char *where, size_t before, size_t after, char **ret_error)
{
	if (after + 1 + LOADER_RESERVE <= IGP_COMMAND_LINE_SIZE || after <= before)
		return 0;
	return igp_refuse(ret_error, -EINVAL,
			  "the kernel command line in %s would be %zu bytes: with what the boot loader "
			  "adds (up to %d) more than the %d the kernel keeps (COMMAND_LINE_SIZE), and the "
			  "parameters at its end would be lost",
			  where, after, LOADER_RESERVE, IGP_COMMAND_LINE_SIZE);
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

/* igp_cmdline_check_length() of the file of KIND at PATH, from TOKENS (N) to AFTER. */
static int check_line_length(const char *path, enum igp_cmdline_file kind, char *const *tokens, size_t n,
			     const char *after, char **ret_error)
{
	struct igp_kline l = {0};
	_cleanup_free_ char **t = NULL;
	int r = igp_cmdline_file_tokens(kind, after, &l);

	if (r >= 0 && !(t = igp_kline_texts(&l)))
		r = -ENOMEM;
	if (r >= 0)
		r = igp_cmdline_check_length(path, igp_kparams_length(tokens, n), igp_kparams_length(t, l.n),
					     ret_error);
	igp_kline_done(&l);
	return r;
}

static enum igp_undo_kind undo_kind(enum igp_cmdline_file kind)
{
	return kind == IGP_CMDLINE_BLS		? IGP_UNDO_BLS
	       : kind == IGP_CMDLINE_KERNELSTUB ? IGP_UNDO_KERNELSTUB
						: IGP_UNDO_KLINE;
}

int igp_plan_line_file(struct igp_plan *p, const char *path, enum igp_cmdline_file kind,
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
	r = igp_undo_for(&u, undo_kind(kind), ops, n_ops, NULL, 0);
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

int igp_bootloader_plan_cmdline(const struct igp_bootloader *b, struct igp_plan *p, const struct igp_kwant *w,
				size_t nw, char ****revert_argvs, char **ret_error)
{
	if (!b->ops)
		return igp_refuse(ret_error, -ENOMEDIUM, "unknown boot loader");
	return b->ops->plan_cmdline(b, p, w, nw, revert_argvs, ret_error);
}
