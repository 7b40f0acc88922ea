/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/paths.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "model/firmware.h"
#include "model/versions.h"

struct ovmf_layout {
	const char *pkg; /* the package that ships the files */
	const char *dir, *code, *vars;
};

/*
 * The 4 MiB images first: edk2 moved to a 4 MiB flash layout for larger
 * variable stores, and distributions ship it beside (Debian 12, Ubuntu
 * 22.04) or instead of (Debian 13) the 2 MiB one.  Secure Boot builds
 * (OVMF_CODE*.secboot.fd, *.ms.fd) are left out on purpose.
 */
static const struct ovmf_layout layouts[] = {
    /* Debian's and Ubuntu's ovmf package (debian/ovmf.install). */
    {"ovmf", IGP_USR_SHARE_OVMF, "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"},
    {"ovmf", IGP_USR_SHARE_OVMF, "OVMF_CODE.fd", "OVMF_VARS.fd"},
    /* Fedora's edk2-ovmf. */
    {"edk2-ovmf", IGP_USR_SHARE_EDK2_OVMF, "OVMF_CODE.fd", "OVMF_VARS.fd"},
    /* Arch's edk2-ovmf. */
    {"edk2-ovmf", IGP_USR_SHARE_EDK2_X64, "OVMF_CODE.4m.fd", "OVMF_VARS.4m.fd"},
    /* Proxmox VE's pve-edk2-firmware (qemu-server's OVMF_CODE.fd/OVMF_VARS.fd pair). */
    {"pve-edk2-firmware", IGP_USR_SHARE_PVE_EDK2, "OVMF_CODE.fd", "OVMF_VARS.fd"},
};

void igp_ovmf_done(struct igp_ovmf *o)
{
	free(o->code);
	free(o->vars);
	free(o->source);
	*o = (struct igp_ovmf){0};
}

int igp_host_ovmf(const struct igp_host *h, struct igp_ovmf *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(layouts); i++) {
		const struct ovmf_layout *l = &layouts[i];
		const struct igp_pkg *p;
		struct igp_ovmf o = {0};

		if (!igp_existsf("%s/%s", l->dir, l->code) || !igp_existsf("%s/%s", l->dir, l->vars))
			continue;
		p = igp_host_package(h, l->pkg);
		o.code = strdupf("%s/%s", l->dir, l->code);
		o.vars = strdupf("%s/%s", l->dir, l->vars);
		o.source = p ? strdupf("package %s %s", p->name, p->version) : strdup("the files");
		if (!o.code || !o.vars || !o.source) {
			igp_ovmf_done(&o);
			return -ENOMEM;
		}
		*ret = o;
		return 0;
	}
	return -ENOENT;
}

char *igp_ovmf_searched(void)
{
	_cleanup_strbuf_ struct strbuf b = {0};

	for (size_t i = 0; i < ELEMENTSOF(layouts); i++)
		(void)strbuf_wordf(&b, ", ", "%s/%s", layouts[i].dir, layouts[i].code);
	return strbuf_steal(&b);
}
