/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "boot/bootloader.h"
#include "boot/bls.h"
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
