/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files of `igpuctl report`'s bundle, and packing it. */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/spawn.h"
#include "base/strbuf.h"
#include "cmd.h"
#include "config.h"
#include "model/qemucaps.h"
#include "model/sysinfo.h"
#include "model/versions.h"
#include "output.h"
#include "progress.h"
#include "report/bundle.h"
#include "report_int.h"

static int open_out(const struct report_ctx *c, const char *file, int flags)
{
	_cleanup_free_ char *p = strdupf("%s/%s", c->top, file);

	return p ? open(p, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644) : -ENOMEM;
}

static int write_text(const struct report_ctx *c, const char *file, const char *text)
{
	_cleanup_close_ int fd = open_out(c, file, O_TRUNC);
	size_t n = text ? strlen(text) : 0;

	if (fd < 0 || (n && write(fd, text, n) != (ssize_t)n))
		return log_error_errno(fd < 0 ? -errno : -EIO, "Failed to write %s", file);
	return 0;
}

/* This program: the build tree's binary finds the build tree's capture. */
static char *self_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink(IGP_PROC_SELF_EXE, exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	return slash ? strndup(exe, (size_t)(slash - exe)) : NULL;
}

static char *capture_program(void)
{
	_cleanup_free_ char *dir = self_dir(), *p = dir ? strdupf("%s/capture-host", dir) : NULL;

	if (p && access(p, X_OK) == 0)
		return TAKE_PTR(p);
	return strdup(IGPUCTL_MODULEDIR "/capture-host");
}

static int capture(const struct report_ctx *c)
{
	_cleanup_free_ char *prog = capture_program(), *out = strdupf("%s/capture", c->top), *what = NULL;
	_cleanup_close_ int null = open(IGP_DEV_NULL, O_WRONLY | O_CLOEXEC);
	char *argv[] = {prog, "--source", (char *)igp_root(), "-o", out, "--no-tar", NULL};
	int st, r;

	if (!prog || !out)
		return log_error_errno(-ENOMEM, "Failed to capture the host");
	/* The long step (a fork per file): shown with the time it takes. */
	if (!(what = strdupf("Capturing %s with %s", igp_root(), prog)))
		return log_error_errno(-ENOMEM, "Failed to capture the host");
	progress_begin(what);
	r = igp_spawn_wait(argv, null, -1, progress_tick, &st);
	progress_end(r < 0 ? r : st);
	if (r < 0)
		return log_error_errno(r, "Failed to run %s", prog);
	if (st != 0)
		return log_error("%s failed (exit %d)", prog, st);
	return 0;
}

/* igpuctl ARGS on the same root, its output into FILE, its stderr and
 * exit status into commands.log. */
static int run_self(const struct report_ctx *c, const char *file, char *const args[])
{
	_cleanup_free_ char *dir = self_dir(), *exe = dir ? strdupf("%s/igpuctl", dir) : NULL;
	_cleanup_close_ int out = open_out(c, file, O_TRUNC), log = open_out(c, "commands.log", O_APPEND);
	_cleanup_strbuf_ struct strbuf line = {0};
	char *argv[16] = {exe};
	size_t n = 1;
	int st, r;

	if (!igp_root_is_host()) {
		argv[n++] = "--root";
		argv[n++] = (char *)igp_root();
	}
	for (size_t i = 0; args[i] && n < ELEMENTSOF(argv) - 1; i++) {
		argv[n++] = args[i];
		strbuf_word(&line, " ", args[i]);
	}
	argv[n] = NULL;
	report_step("running igpuctl %s", strbuf_str(&line));
	if (!exe || out < 0 || log < 0)
		return log_error_errno(out < 0 || log < 0 ? -errno : -ENOMEM, "Failed to write %s", file);
	dprintf(log, "$ igpuctl %s > %s\n", strbuf_str(&line), file);
	if ((r = igp_spawn_wait(argv, out, log, NULL, &st)) < 0)
		return log_error_errno(r, "Failed to run %s", exe);
	dprintf(log, "[exit %d]\n", st);
	return 0;
}

static struct json_object *version_json(int r, const struct igp_version *v)
{
	struct json_object *o;

	if (r < 0 || !v)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "version", json_str_or_null(v->version));
	json_object_object_add(o, "source", json_str_or_null(v->source));
	return o;
}

static struct json_object *qemu_caps_json(const struct igp_host *h)
{
	_cleanup_free_ char *bin = NULL;
	const struct igp_qemu_caps *caps;
	struct json_object *o;

	if (igp_qemu_default_binary(h, &bin) < 0 || igp_host_qemu_caps(h, bin, &caps) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "binary", json_str_or_null(caps->path));
	json_object_object_add(o, "version", json_str_or_null(caps->version));
	json_object_object_add(o, "source", json_str_or_null(caps->source));
	json_object_object_add(o, "probed", json_object_new_boolean(caps->probed));
	return o;
}

/* The versions the model reads (versions.h, qemucaps.h): what status,
 * check and vm decide on. */
static int versions(const struct report_ctx *c)
{
	const struct igp_host *h = c->host;
	const struct igp_version *v = NULL;
	const struct igp_dkms_module *dk = NULL;
	const struct igp_pkg *kp = h->kernel_release ? igp_host_kernel_package(h, h->kernel_release) : NULL;
	struct json_object *o = json_object_new_object(), *mods = json_object_new_array();
	size_t n = 0;
	int r;

	report_step("reading the versions igpuctl probes");
	json_object_object_add(o, "igpuctl", json_object_new_string(IGPUCTL_VERSION));
	json_object_object_add(o, "kernel", json_str_or_null(h->kernel_release));
	json_object_object_add(o, "kernel_package", json_str_or_null(kp ? kp->version : NULL));
	r = igp_host_qemu(h, &v);
	json_object_object_add(o, "qemu", version_json(r, v));
	json_object_object_add(o, "qemu_binary", qemu_caps_json(h));
	r = igp_host_libvirt(h, &v);
	json_object_object_add(o, "libvirt", version_json(r, v));
	json_object_object_add(o, "proxmox_ve", json_object_new_boolean(igp_host_is_proxmox(h)));
	kp = igp_host_package(h, "pve-manager");
	json_object_object_add(o, "pve_manager", json_str_or_null(kp ? kp->version : NULL));
	if (igp_host_dkms(h, &dk, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_new_object();
		json_object_object_add(m, "name", json_object_new_string(dk[i].name));
		json_object_object_add(m, "version", json_str_or_null(dk[i].version));
		json_object_object_add(m, "kernels", json_strv(dk[i].kernels));
		json_object_array_add(mods, m);
	}
	json_object_object_add(o, "dkms", mods);
	r = write_text(c, "versions.json",
		       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return r;
}

static int kernel_log(const struct report_ctx *c)
{
	_cleanup_strbuf_ struct strbuf b = {0};
	const char *src = NULL, *log = igp_host_dmesg(c->host, &src);

	report_step("taking the kernel log's i915, xe, vfio and DMAR lines (%s)", src ?: "none");
	strbuf_printf(&b, "# The kernel log's lines of i915, xe, vfio and DMAR; from %s\n", src ?: "nowhere");
	if (log && igp_report_dmesg_filter(log, &b) < 0)
		return log_error_errno(-ENOMEM, "Failed to read the kernel log");
	return write_text(c, "dmesg.txt", strbuf_str(&b));
}

static int vms(const struct report_ctx *c)
{
	_cleanup_strbuf_ struct strbuf b = {0};
	int r;

	report_step("listing the running VMs' command lines");
	strbuf_puts(&b, "# The running QEMU processes (PID: command line)\n");
	if ((r = igp_report_qemu_processes(&b)) < 0)
		return log_error_errno(r, "Failed to list the processes");
	return write_text(c, "vms.txt", strbuf_str(&b));
}

/* `dkms status` on the host when dkms is there; under --root (or without
 * dkms) what the model reads of /var/lib/dkms. */
static int dkms(const struct report_ctx *c)
{
	_cleanup_strbuf_ struct strbuf b = {0};
	_cleanup_free_ char *out = NULL;
	const char *bin = access(IGP_SBIN_DKMS, X_OK) == 0 ? IGP_SBIN_DKMS : IGP_BIN_DKMS;
	char *argv[] = {(char *)bin, "status", NULL};
	const struct igp_dkms_module *dk = NULL;
	size_t n = 0;

	if (igp_root_is_host() && igp_spawn_output(argv, 1 << 20, &out) >= 0) {
		report_step("running %s status", bin);
		strbuf_printf(&b, "# %s status\n%s", bin, out);
		return write_text(c, "dkms.txt", strbuf_str(&b));
	}
	report_step("reading DKMS's modules from %s (dkms is not run%s)", IGP_VAR_LIB_DKMS,
		    igp_root_is_host() ? "" : " under --root");
	strbuf_printf(&b, "# igpuctl's reading of %s (not `dkms status`): NAME/VERSION: kernels built for\n",
		      IGP_VAR_LIB_DKMS);
	if (igp_host_dkms(c->host, &dk, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(&b, "%s/%s:", dk[i].name, dk[i].version ?: "?");
		for (char **k = dk[i].kernels; k && *k; k++)
			strbuf_printf(&b, " %s", *k);
		strbuf_putc(&b, '\n');
	}
	return write_text(c, "dkms.txt", strbuf_str(&b));
}

int report_collect(struct report_ctx *c)
{
	char *status[] = {"status", "-J", NULL}, *check[] = {"check", "-J", NULL},
	     *iommu[] = {"iommu", "--all", "-J", NULL};

	if (capture(c) < 0 || run_self(c, "status.json", status) < 0 ||
	    run_self(c, "check.json", check) < 0 || run_self(c, "iommu.json", iommu) < 0 || versions(c) < 0 ||
	    kernel_log(c) < 0 || vms(c) < 0 || dkms(c) < 0 || report_summary(c) < 0)
		return EXIT_FAIL;
	return CMD_GO_ON;
}

/* tar the staged tree into a new file beside the output, then rename it
 * into place unless something took the name meanwhile. */
int report_pack(struct report_ctx *c)
{
	_cleanup_free_ char *tmp = c->to_stdout ? NULL : strdupf("%s.tar.gz", c->stage);
	char *argv[] = {IGP_BIN_TAR, "--force-local", "-C", c->stage, "-czf", tmp ?: "-", c->name, NULL};
	_cleanup_close_ int fd = -1;
	int st, r;

	report_step("redacting MAC, IP addresses, serial numbers%s",
		    c->keep_hostname ? "" : " and the host's name");
	if ((r = igp_report_redact_tree(&c->red, c->top)) < 0)
		return log_error_errno(r, "Failed to redact the bundle");
	report_step("packing %s", c->to_stdout ? "to stdout" : c->output);
	if (!c->to_stdout && !tmp)
		return log_error_errno(-ENOMEM, "Failed to pack the bundle");
	if ((r = igp_spawn_wait(argv, STDOUT_FILENO, -1, NULL, &st)) < 0 || st != 0) {
		if (tmp)
			unlink(tmp);
		return r < 0 ? log_error_errno(r, "Failed to run %s", IGP_BIN_TAR)
			     : log_error("tar failed (exit %d)", st);
	}
	if (c->to_stdout)
		return EXIT_OK;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0 ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, c->output, RENAME_NOREPLACE) < 0) {
		r = -errno;
		unlink(tmp);
		return log_error_errno(r, "Failed to write %s", c->output);
	}
	printf("%s\n", c->output);
	return EXIT_OK;
}
