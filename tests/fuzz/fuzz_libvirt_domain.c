/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt domain XML (libvirt_xml.h), the one reader of it: the facts of
 * any input (every <hostdev> gets the id QEMU's device will have), and the
 * edit of vm libvirt --xml on it, with the display variant and the device
 * kind from the first byte.  An edited domain reads back: the new device is
 * there under its alias, a display='on' vGPU has a <graphics> beside it
 * (libvirt refuses it otherwise), and the edit does not change whether the
 * guest boots UEFI.
 */
#include "../lib/vm-devices.h"
#include "fuzz.h"
#include "vm/libvirt_xml.h"
#include "base/util.h"

/* Facts of the XML, or NULL when it is no domain. */
static struct igp_libvirt_domain *facts(const char *xml)
{
	struct igp_libvirt_domain *d = NULL;
	int r = igp_libvirt_domain_read(xml, &d);

	FZ_OOM(r != -ENOMEM);
	if (r < 0) {
		FZ_ASSERT(r == -EINVAL, "domain_read: %d", r);
		return NULL;
	}
	for (size_t i = 0; i < d->n_hostdevs; i++)
		FZ_ASSERT(d->hostdevs[i].eff_alias && *d->hostdevs[i].eff_alias, "hostdev %zu has no id", i);
	return d;
}

static bool has_alias(const struct igp_libvirt_domain *d, const char *alias)
{
	for (size_t i = 0; i < d->n_hostdevs; i++)
		if (streq_ptr(d->hostdevs[i].alias, alias))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct igp_vm_device *devs[] = {&vmdev_igd, &vmdev_dgpu, &vmdev_vf, &vmdev_mdev};
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	_cleanup_strv_free_ char **notes = NULL, **aliases = NULL;
	_cleanup_free_ char *xml = NULL, *after = NULL, *why = NULL;
	struct igp_libvirt_domain *before = NULL, *back = NULL;
	const struct igp_vm_device *dev;
	struct _xmlDoc *doc = NULL;
	uint8_t b = size ? data[0] : 0;
	int r;

	dev = devs[b & 3];
	o.display = (enum igp_vm_display)((b >> 2) % _IGP_DISPLAY_MAX);
	o.qemu_commandline = (b >> 5) & 1;
	xml = size ? fz_cstring(data + 1, size - 1) : strdup("");
	FZ_OOM(xml);
	before = facts(xml);
	if (!before || igp_vm_check(dev, &o, IGP_VM_LIBVIRT, &why) < 0)
		goto out;
	FZ_OOM((notes = calloc(1, sizeof(char *))));
	r = igp_libvirt_parse(xml, &doc);
	FZ_ASSERT(r == 0, "a domain the facts reader read does not parse");
	r = igp_libvirt_edit(doc, dev, &o, &notes, &aliases, &why);
	FZ_OOM(r != -ENOMEM);
	if (r < 0) {
		FZ_ASSERT(r == -EEXIST || r == -EINVAL, "edit: %d", r);
		goto out;
	}
	FZ_OOM(igp_libvirt_format(doc, &after) == 0);
	back = facts(after);
	FZ_ASSERT(back, "the edited domain does not read back: [%s]", after);
	for (size_t i = 0; aliases[i]; i++)
		FZ_ASSERT(has_alias(back, aliases[i]), "no hostdev %s in [%s]", aliases[i], after);
	if (dev->kind == IGP_VM_MDEV && igp_vm_display_on(o.display))
		FZ_ASSERT(strv_length(back->graphics) > 0, "display='on' without a <graphics> in [%s]",
			  after);
	FZ_ASSERT(back->efi == before->efi, "UEFI changed by the edit");
out:
	igp_libvirt_doc_free(doc);
	igp_libvirt_domain_free(before);
	igp_libvirt_domain_free(back);
	return 0;
}
