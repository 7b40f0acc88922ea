/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plain facts of a libvirt domain (libvirt_xml.h): freeing and asking
 * them needs no libxml2, so this is part of the library, and the module
 * (which reads them) links it too.
 */
#include "base/util.h"
#include "vm/libvirt_xml.h"

void igp_libvirt_domain_free(struct igp_libvirt_domain *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_hostdevs; i++) {
		struct igp_libvirt_hostdev *h = &d->hostdevs[i];
		free(h->type);
		free(h->managed);
		free(h->display);
		free(h->ramfb);
		free(h->alias);
		free(h->eff_alias);
		free(h->uuid);
		free(h->rom_file);
		free(h->rom_bar);
	}
	free(d->hostdevs);
	for (size_t i = 0; i < d->n_overrides; i++) {
		free(d->overrides[i].alias);
		free(d->overrides[i].name);
		free(d->overrides[i].type);
		free(d->overrides[i].value);
	}
	free(d->overrides);
	strv_free(d->graphics);
	strv_free(d->rendernodes);
	strv_free(d->qemu_args);
	strv_free(d->videos);
	free(d->machine);
	free(d->name);
	free(d);
}

bool igp_libvirt_has_override(const char *version)
{
	return version_compare(version, "8.2") >= 0;
}

const char *igp_libvirt_domain_prop(const struct igp_libvirt_domain *d, const char *alias, const char *name,
				    bool *ret_cmdline)
{
	const char *found = NULL;
	size_t al = strlen(alias), nl = strlen(name);

	for (size_t i = 0; i < d->n_overrides; i++)
		if (streq_ptr(d->overrides[i].alias, alias) && streq_ptr(d->overrides[i].name, name))
			found = d->overrides[i].value;
	if (found) {
		*ret_cmdline = false;
		return found;
	}
	/* QEMU's -set GROUP.ID.ARG=VALUE (qemu-options.hx), its value in the
	 * argument after "-set". */
	for (size_t i = 0; d->qemu_args && d->qemu_args[i]; i++) {
		const char *a = d->qemu_args[i], *v;
		if (!streq(a, "-set") || !d->qemu_args[i + 1])
			continue;
		v = d->qemu_args[i + 1];
		if (startswith(v, "device.") && strncmp(v + 7, alias, al) == 0 && v[7 + al] == '.' &&
		    strncmp(v + 8 + al, name, nl) == 0 && v[8 + al + nl] == '=')
			found = v + 9 + al + nl;
	}
	if (found)
		*ret_cmdline = true;
	return found;
}
