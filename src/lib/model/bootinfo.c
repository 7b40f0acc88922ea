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
	struct igp_host_cache *c = h->cache;

	if (c && ir && !c->initramfs_cmd)
		c->initramfs_cmd = igp_initramfs_command(ir);
	if (c && c->initramfs_cmd)
		return c->initramfs_cmd;
	/* Unknown (ENOMEM, a host not made by igp_host_load()): the most
	 * common tool's, by name. */
	return igp_initramfs_tools_ops.rebuild[0];
}
