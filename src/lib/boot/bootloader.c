/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "boot/bootloader.h"
#include "boot/bls.h"
#include "boot/grub.h"
#include "boot/sdboot.h"
#include "modules/initramfs.h"
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

char *igp_os_release_value(const char *key)
{
	_cleanup_free_ char *text = NULL;

	if (igp_read_file(IGP_ETC_OS_RELEASE, &text, NULL) < 0)
		return NULL;
	return osrel_value(text, key);
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

/* The Linux loader entries (host paths), in the order of their names: of
 * /boot/loader/entries, and with ESPS of the ESPs' too (systemd-boot reads
 * those; GRUB's blscfg reads /boot/loader/entries only). */
static int loader_entries(bool esps, char ***ret)
{
	static const char *const dirs[] = {IGP_BOOT_LOADER_ENTRIES, IGP_EFI_LOADER_ENTRIES,
					   IGP_BOOT_EFI_LOADER_ENTRIES};
	_cleanup_strv_free_ char **out = NULL;
	int r;

	out = calloc(1, sizeof(char *));
	if (!out)
		return -ENOMEM;
	for (size_t d = 0; d < (esps ? ELEMENTSOF(dirs) : 1); d++) {
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

/* The loaders in the order of evidence (bootloader.h). */
const struct igp_boot_ops *const igp_boot_loaders[] = {
    &igp_pve_sdboot_ops,     &igp_grub_pve_ops,	   &igp_kernelstub_ops,
    &igp_grub_debian_ops,    &igp_grub_fedora_ops, &igp_grub_generic_ops,
    &igp_uki_mkinitcpio_ops, &igp_sdboot_ops,	   NULL,
};

const struct igp_boot_ops *igp_boot_loader_find(const char *id)
{
	for (size_t i = 0; igp_boot_loaders[i]; i++)
		if (streq(igp_boot_loaders[i]->id, id))
			return igp_boot_loaders[i];
	return NULL;
}

/* Was the loader of OPS's id chosen with --bootloader (FORCED)? */
static bool forced_is(const struct igp_boot_ops *forced, const struct igp_boot_ops *ops)
{
	return forced && streq(forced->id, ops->id);
}

/* B is OPS, for the reason WHY (taken over; NULL: -ENOMEM). */
static int fill(struct igp_bootloader *b, const struct igp_boot_ops *ops, char *why)
{
	b->ops = ops;
	b->reason = why;
	b->name = strdup(ops->name);
	for (const char *const *a = ops->refresh; a && *a; a++)
		if (strv_push(&b->refresh, *a) < 0)
			return -ENOMEM;
	return b->name && b->reason ? 0 : -ENOMEM;
}

/*
 * GRUB with BLS (Fedora, RHEL): grub.cfg's blscfg reads the loader entries
 * of /boot/loader/entries, each with its own options line, which
 * grub2-mkconfig no longer rewrites (Fedora 39, RHEL 9.3).  In use with
 * GRUB_ENABLE_BLSCFG=true, or Linux entries there beside a GRUB that can
 * read them (Debian's cannot): then B->entries lists them (maybe none) and
 * *WHY says so.
 */
static int grub_bls(struct igp_bootloader *b, const struct igp_boot_ops *ops, char **why)
{
	_cleanup_strv_free_ char **entries = NULL;
	_cleanup_free_ char *blscfg = NULL;
	struct igp_grub g;
	bool on = false;
	int r = loader_entries(false, &entries);

	if (r < 0)
		return r;
	if (igp_grub_load(&g) >= 0) {
		r = igp_grub_value(&g, "GRUB_ENABLE_BLSCFG", &blscfg, NULL);
		igp_grub_done(&g);
		if (r < 0)
			return r;
		on = blscfg && streq(blscfg, "true");
	}
	if (!on && (!entries[0] || ops == &igp_grub_debian_ops))
		return 0;
	r = !entries[0]
		? strextendf(why, "; GRUB_ENABLE_BLSCFG=true, but %s has no Linux entry",
			     IGP_BOOT_LOADER_ENTRIES)
		: strextendf(why, "; GRUB reads the loader entries of %s (%s)", IGP_BOOT_LOADER_ENTRIES,
			     on ? "GRUB_ENABLE_BLSCFG=true" : "Linux entries exist");
	if (r < 0)
		return -ENOMEM;
	if (entries[0] && igp_grub_load(&g) >= 0) {
		r = igp_grub_bls_default(&g, entries, &b->default_entry, &b->default_why);
		igp_grub_done(&g);
		if (r < 0)
			return r;
		b->default_linux = true;
	}
	b->entries = TAKE_PTR(entries);
	return 0;
}

static int detect_grub(struct igp_bootloader *b, const char *ids, bool forced)
{
	_cleanup_free_ char *why = NULL;
	const struct igp_boot_ops *ops;
	int r;

	if (igp_os_is(ids, "debian") || igp_os_is(ids, "ubuntu")) {
		ops = &igp_grub_debian_ops;
		why = strdupf("%s exists and %s names a Debian-family system (%s)", IGP_ETC_DEFAULT_GRUB,
			      IGP_ETC_OS_RELEASE, ids);
	} else if (igp_os_is(ids, "fedora") || igp_os_is(ids, "rhel") || igp_os_is(ids, "centos") ||
		   igp_is_dir(IGP_BOOT_GRUB2)) {
		ops = &igp_grub_fedora_ops;
		why = strdupf("%s exists and %s", IGP_ETC_DEFAULT_GRUB,
			      *ids ? "os-release names a Fedora-family system"
				   : IGP_BOOT_GRUB2 " exists (Fedora-family layout)");
	} else {
		ops = &igp_grub_generic_ops;
		why = strdupf("%s exists (%s)", IGP_ETC_DEFAULT_GRUB, *ids ? ids : "distribution unknown");
	}
	if (!why)
		return -ENOMEM;
	r = grub_bls(b, ops, &why);
	if (r < 0)
		return r;
	if (forced)
		return fill(b, ops, strdupf("chosen with --bootloader; %s", why));
	return fill(b, ops, TAKE_PTR(why));
}

/* proxmox-boot-tool manages the ESPs: systemd-boot with /etc/kernel/cmdline,
 * else GRUB on them. */
static int detect_pve(struct igp_bootloader *b, bool forced)
{
	if (forced)
		return fill(b, &igp_pve_sdboot_ops, strdup("chosen with --bootloader"));
	if (b->kernel_cmdline)
		return fill(
		    b, &igp_pve_sdboot_ops,
		    strdupf("%s and %s exist: proxmox-boot-tool syncs the ESPs and systemd-boot reads "
			    "the command line from %s (editing GRUB here would change nothing)",
			    IGP_ETC_PROXMOX_BOOT_UUIDS, IGP_ETC_KERNEL_CMDLINE, IGP_ETC_KERNEL_CMDLINE));
	return fill(b, &igp_grub_pve_ops,
		    strdup(IGP_ETC_PROXMOX_BOOT_UUIDS
			   " exists without " IGP_ETC_KERNEL_CMDLINE
			   ": proxmox-boot-tool keeps GRUB on the ESPs (legacy BIOS boot), "
			   "configured by " IGP_ETC_DEFAULT_GRUB));
}

static int detect_kernelstub(struct igp_bootloader *b, bool forced)
{
	return fill(b, &igp_kernelstub_ops,
		    forced
			? strdup("chosen with --bootloader")
			: strdupf("%s exists: kernelstub writes the boot entry and keeps the kernel options",
				  IGP_ETC_KERNELSTUB_CONFIG));
}

/* Unified kernel images without loader entries, built by mkinitcpio. */
static int detect_uki(struct igp_bootloader *b, bool forced)
{
	return fill(b, &igp_uki_mkinitcpio_ops,
		    forced ? strdup("chosen with --bootloader")
			   : strdupf("unified kernel images exist in EFI/Linux without loader entries, and a "
				     "preset in %s builds them (default_uki=)",
				     IGP_ETC_MKINITCPIO_D));
}

/* The entry systemd-boot starts next into B. */
static int default_entry(struct igp_bootloader *b)
{
	struct igp_sdboot_default d;
	int r = igp_sdboot_default_entry(&d);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	b->default_entry = TAKE_PTR(d.path);
	b->default_why = TAKE_PTR(d.why);
	b->default_linux = d.is_linux;
	igp_sdboot_default_done(&d);
	return 0;
}

/* systemd-boot when its entries, /etc/kernel/cmdline or loader.conf exist
 * (or FORCED), else no loader. */
static int detect_sdboot(struct igp_bootloader *b, bool forced)
{
	_cleanup_strv_free_ char **entries = NULL;
	bool cmdline = b->kernel_cmdline;
	size_t n;
	int r = loader_entries(true, &entries);

	if (r < 0)
		return r;
	n = strv_length(entries);
	if (!forced && !cmdline && n == 0 && !has_sdboot_conf()) {
		b->name = strdup("unknown");
		b->reason =
		    strdupf("none of %s, %s, %s, loader entries or %s exists", IGP_ETC_PROXMOX_BOOT_UUIDS,
			    IGP_ETC_KERNELSTUB_CONFIG, IGP_ETC_DEFAULT_GRUB, IGP_ETC_KERNEL_CMDLINE);
		return b->name && b->reason ? 0 : -ENOMEM;
	}
	b->entries = TAKE_PTR(entries);
	r = default_entry(b);
	if (r < 0)
		return r;
	if (!forced && n == 0 && igp_sdboot_has_ukis() && igp_mkinitcpio_builds_ukis())
		return detect_uki(b, false);
	return fill(b, &igp_sdboot_ops,
		    forced ? strdup("chosen with --bootloader")
			   : strdupf("%s%s%s", n ? "loader entries exist" : "", n && cmdline ? " and " : "",
				     cmdline ? IGP_ETC_KERNEL_CMDLINE " exists (kernel-install)"
				     : n     ? ""
					     : "loader.conf exists"));
}

int igp_bootloader_detect(const char *force, struct igp_bootloader *ret)
{
	struct igp_bootloader b = {0};
	const struct igp_boot_ops *forced = NULL;
	_cleanup_free_ char *ids = NULL;
	int r;

	if (force && !(forced = igp_boot_loader_find(force)))
		return -EINVAL;
	r = igp_os_ids(&ids);
	if (r < 0)
		return r;
	b.kernel_cmdline = igp_exists(IGP_ETC_KERNEL_CMDLINE);

	if (forced ? forced_is(forced, &igp_pve_sdboot_ops) : igp_exists(IGP_ETC_PROXMOX_BOOT_UUIDS))
		r = detect_pve(&b, forced != NULL);
	else if (forced ? forced_is(forced, &igp_kernelstub_ops) : igp_exists(IGP_ETC_KERNELSTUB_CONFIG))
		r = detect_kernelstub(&b, forced != NULL);
	else if (forced && forced_is(forced, &igp_uki_mkinitcpio_ops))
		r = detect_uki(&b, true);
	else if (forced ? forced_is(forced, &igp_grub_debian_ops)
			: igp_exists(IGP_ETC_DEFAULT_GRUB) && (has_grub_cfg() || !has_sdboot_conf()))
		r = detect_grub(&b, ids, forced != NULL);
	else
		r = detect_sdboot(&b, forced != NULL);
	if (r < 0) {
		igp_bootloader_done(&b);
		return r;
	}
	*ret = b;
	return 0;
}

enum igp_ksyntax igp_bootloader_syntax(const struct igp_bootloader *b)
{
	return b->ops ? b->ops->syntax : IGP_KSYNTAX_PLAIN;
}

void igp_boot_config_done(struct igp_boot_config *c)
{
	strv_free(c->configured);
	free(c->where);
	free(c->entry);
	strv_free(c->generated);
	strv_free(c->places);
	*c = (struct igp_boot_config){0};
}

void igp_bootloader_done(struct igp_bootloader *b)
{
	free(b->name);
	free(b->reason);
	strv_free(b->refresh);
	strv_free(b->entries);
	free(b->default_entry);
	free(b->default_why);
	*b = (struct igp_bootloader){0};
}
