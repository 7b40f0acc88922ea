/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/util.h"
#include "model/bootinfo.h"
#include "model/host_cache.h"

void igp_bootinfo_cache_done(struct igp_host_cache *c)
{
	if (c->boot_ok)
		igp_bootloader_done(&c->boot);
	if (c->initramfs_ok)
		igp_initramfs_done(&c->initramfs);
	free(c->initramfs_cmd);
}

const struct igp_bootloader *igp_host_bootloader(const struct igp_host *h)
{
	struct igp_host_cache *c = h->cache;

	if (!c)
		return NULL;
	if (!c->boot_done) {
		c->boot_done = true;
		c->boot_ok = igp_bootloader_detect(NULL, &c->boot) >= 0;
	}
	return c->boot_ok ? &c->boot : NULL;
}

const struct igp_initramfs *igp_host_initramfs(const struct igp_host *h)
{
	struct igp_host_cache *c = h->cache;

	if (!c)
		return NULL;
	if (!c->initramfs_done) {
		c->initramfs_done = true;
		c->initramfs_ok = igp_initramfs_detect(&c->initramfs) >= 0;
	}
	return c->initramfs_ok ? &c->initramfs : NULL;
}

const char *igp_host_initramfs_command(const struct igp_host *h)
{
	const struct igp_initramfs *ir = igp_host_initramfs(h);
	_cleanup_free_ char *ids = NULL;
	struct igp_host_cache *c = h->cache;

	if (c && c->initramfs_cmd)
		return c->initramfs_cmd;
	if (c && ir && ir->argv) {
		for (char **a = ir->argv; *a; a++)
			if (strextendf(&c->initramfs_cmd, "%s%s", a == ir->argv ? "" : " ", *a) < 0) {
				free(c->initramfs_cmd);
				c->initramfs_cmd = NULL;
				break;
			}
		if (c->initramfs_cmd)
			return c->initramfs_cmd;
	}
	/* No initramfs tool's configuration in the tree: name the
	 * distribution's own. */
	if (igp_os_ids(&ids) >= 0 && (igp_os_is(ids, "fedora") || igp_os_is(ids, "rhel")))
		return "dracut --regenerate-all --force";
	if (ids && igp_os_is(ids, "arch"))
		return "mkinitcpio -P";
	return "update-initramfs -u -k all";
}
