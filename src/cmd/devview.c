/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/strbuf.h"
#include "devview.h"
#include "output.h"

const char *support_word(enum igp_support s)
{
	switch (s) {
	case IGP_SUPPORT_YES:
		return "yes";
	case IGP_SUPPORT_DKMS:
		return "yes, out-of-tree";
	default:
		return "no";
	}
}

char *methods_joined(const struct igp_gpu_methods *m, const char *sep)
{
	char buf[64] = "";

	for (int i = 0; i < _IGP_METHOD_MAX; i++) {
		if (m->m[i].support == IGP_SUPPORT_NO)
			continue;
		if (*buf)
			strcat(buf, sep);
		strcat(buf, igp_method_name((enum igp_method)i));
	}
	return strdup(buf);
}

const char *platform_name(const struct igp_pci_dev *d)
{
	if (d->platform)
		return d->platform->name;
	if (igp_pci_dev_is_intel_igpu(d) && !d->physfn)
		return "unknown";
	return NULL;
}

char *vf_label(const struct igp_pci_dev *d)
{
	char n[16] = "";

	if (!d->physfn)
		return NULL;
	if (d->vf_index > 0)
		snprintf(n, sizeof(n), " %d", d->vf_index);
	return strdupf("Virtual function%s of %s", n, d->physfn);
}

char *device_label(const struct igp_pci_dev *d)
{
	/* A VF reports its PF's names (or none): say what it is instead. */
	if (d->physfn) {
		_cleanup_free_ char *vf = vf_label(d);
		if (!vf)
			return NULL;
		return strdupf("%s%s%s%s", vf, d->platform ? " (" : "", d->platform ? d->platform->name : "",
			       d->platform ? ")" : "");
	}
	if (d->vendor_name && d->device_name)
		return strdupf("%s %s", d->vendor_name, d->device_name);
	if (d->vendor_name)
		return strdupf("%s device %04x", d->vendor_name, d->device);
	return strdupf("Device %04x:%04x", d->vendor, d->device);
}

static const char *method_title(enum igp_method m)
{
	switch (m) {
	case IGP_METHOD_GVTG:
		return "GVT-g";
	case IGP_METHOD_SRIOV:
		return "SR-IOV";
	default:
		return "full passthrough";
	}
}

char *recommendation_text(const struct igp_pci_dev *d, const struct igp_gpu_methods *m)
{
	const char *first = method_title(m->recommended);

	if (d->physfn)
		return strdupf("an SR-IOV virtual function of %s: pass it to a VM with full passthrough",
			       d->physfn);
	if (m->recommended == IGP_METHOD_GVTG) {
		if (m->gvtg_max_vgpus > 0)
			return strdupf("GVT-g possible (up to %d vGPUs once enabled, with the %ld MiB "
				       "aperture), or full passthrough",
				       m->gvtg_max_vgpus, m->aperture_mb);
		if (m->gvtg_max_vgpus == 0)
			return strdupf("GVT-g possible, but the %ld MiB BIOS aperture leaves no room for a "
				       "vGPU (raise it in the firmware); or full passthrough",
				       m->aperture_mb);
		return strdup("GVT-g possible, or full passthrough");
	}
	if (m->recommended == IGP_METHOD_SRIOV)
		return strdupf("SR-IOV possible (up to %d virtual functions), or full passthrough",
			       d->sriov_totalvfs > 0 ? d->sriov_totalvfs : 7);
	return strdupf("%s", first);
}

char *isolation_text(const struct igp_isolation_report *r)
{
	_cleanup_strbuf_ struct strbuf b = {};

	switch (r->verdict) {
	case IGP_ISO_NO_IOMMU:
		strbuf_puts(&b, "no IOMMU group");
		break;
	case IGP_ISO_ISOLATED:
		strbuf_puts(&b, "isolated");
		break;
	case IGP_ISO_SHARED:
		strbuf_puts(&b, "shared with");
		break;
	case IGP_ISO_UNSAFE:
		strbuf_puts(&b, "UNSAFE: shared with");
		break;
	}
	if (r->verdict == IGP_ISO_SHARED || r->verdict == IGP_ISO_UNSAFE) {
		bool first = true;
		for (size_t i = 0; i < r->n_peers; i++) {
			const struct igp_peer *p = &r->peers[i];
			if (p->kind == IGP_PEER_BRIDGE || p->kind == IGP_PEER_FUNCTION)
				continue;
			strbuf_printf(&b, "%s %s", first ? "" : ",", p->dev->address);
			if (p->dev->role_detail)
				strbuf_printf(&b, " (%s)", p->dev->role_detail);
			first = false;
		}
	}
	return strbuf_steal(&b);
}

struct json_object *peers_json(const struct igp_isolation_report *r)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->n_peers; i++) {
		const struct igp_pci_dev *d = r->peers[i].dev;
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "address", json_object_new_string(d->address));
		json_object_object_add(o, "kind",
				       json_object_new_string(igp_peer_kind_name(r->peers[i].kind)));
		json_object_object_add(o, "class", json_object_new_string(igp_pci_class_name(d->class)));
		json_object_object_add(o, "driver", json_str_or_null(d->driver));
		json_object_object_add(o, "host_use", json_str_or_null(d->role_detail));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *pci_dev_json_new(const struct igp_pci_dev *d)
{
	struct json_object *o = json_object_new_object();
	char cls[8];

	snprintf(cls, sizeof(cls), "%06x", d->class);
	json_object_object_add(o, "address", json_object_new_string(d->address));
	json_object_object_add(o, "vendor", json_hex4(d->vendor));
	json_object_object_add(o, "device", json_hex4(d->device));
	json_object_object_add(o, "class", json_object_new_string(cls));
	return o;
}

struct json_object *gpu_json(const struct igp_host *h, const struct igp_pci_dev *d,
			     const struct igp_gpu_methods *m, const struct igp_isolation_report *iso)
{
	struct json_object *o = pci_dev_json_new(d), *methods = json_object_new_array();
	_cleanup_free_ char *rec = recommendation_text(d, m);

	json_object_object_add(o, "vendor_name", json_str_or_null(d->vendor_name));
	json_object_object_add(o, "device_name", json_str_or_null(d->device_name));
	json_object_object_add(o, "subsystem_vendor", json_hex4(d->subsys_vendor));
	json_object_object_add(o, "subsystem_device", json_hex4(d->subsys_device));
	json_object_object_add(o, "subsystem_name", json_str_or_null(d->subsys_name));
	json_object_object_add(o, "driver", json_str_or_null(d->driver));
	json_object_object_add(o, "iommu_group", json_int_or_null(d->iommu_group, d->iommu_group >= 0));
	json_object_object_add(o, "isolation", json_object_new_string(igp_isolation_name(iso->verdict)));
	json_object_object_add(o, "platform", json_str_or_null(platform_name(d)));
	json_object_object_add(o, "generation", json_str_or_null(d->platform ? d->platform->gen : NULL));
	for (int i = 0; i < _IGP_METHOD_MAX; i++)
		if (m->m[i].support != IGP_SUPPORT_NO)
			json_object_array_add(methods,
					      json_object_new_string(igp_method_name((enum igp_method)i)));
	json_object_object_add(o, "methods", methods);
	json_object_object_add(o, "boot_vga",
			       d->boot_vga < 0 ? NULL : json_object_new_boolean(d->boot_vga == 1));
	json_object_object_add(o, "render_node", json_str_or_null(d->render_node));
	json_object_object_add(o, "recommended",
			       m->has_recommendation ? json_object_new_string(igp_method_name(m->recommended))
						     : NULL);
	json_object_object_add(o, "recommendation", json_str_or_null(rec));
	json_object_object_add(o, "pf", json_str_or_null(d->physfn));
	json_object_object_add(o, "vf", json_int_or_null(d->vf_index, d->physfn && d->vf_index > 0));
	(void)h;
	return o;
}

struct json_object *findings_json(const struct igp_check_report *r)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->n_checks; i++) {
		const struct igp_check *k = &r->checks[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(k->id));
		json_object_object_add(o, "status", json_object_new_string(igp_check_status_name(k->status)));
		json_object_object_add(o, "message", json_str_or_null(k->message));
		json_object_object_add(o, "remedy", json_str_or_null(k->remedy));
		json_object_array_add(a, o);
	}
	return a;
}

void findings_print(FILE *f, const struct igp_check_report *r, int indent)
{
	for (size_t i = 0; i < r->n_checks; i++) {
		const struct igp_check *k = &r->checks[i];
		fprintf(f, "%*s- %s [%s, %s]\n", indent, "", k->message, k->id,
			igp_check_status_name(k->status));
		if (k->remedy)
			fprintf(f, "%*s  %s\n", indent, "", k->remedy);
	}
}

void va_print(const struct igp_va_info *va, const char *indent, int width)
{
	switch (va->status) {
	case IGP_VA_NOT_PROBED:
		return;
	case IGP_VA_NOT_INSTALLED:
		printf("%s%-*s libva not installed (install vainfo and a VA driver, e.g. "
		       "intel-media-va-driver, to check)\n",
		       indent, width, "VA-API:");
		return;
	case IGP_VA_FAILED:
		printf("%s%-*s no VA driver works on this GPU (%s); Intel needs intel-media-va-driver "
		       "(iHD) or i965-va-driver\n",
		       indent, width, "VA-API:", va->error ? va->error : "vaInitialize failed");
		return;
	case IGP_VA_OK:
		printf("%s%-*s %s\n", indent, width, "VA-API:", va->driver ? va->driver : "initialized");
		if (va->n_profiles == 0)
			printf("%s%-*s none\n", indent, width, "Profiles:");
		for (size_t i = 0; i < va->n_profiles; i++) {
			const struct igp_va_profile *p = &va->profiles[i];
			printf("%s%-*s %s%s%s%s%s\n", indent, width, i == 0 ? "Profiles:" : "", p->name,
			       p->decode || p->encode || p->vpp ? ":" : "", p->decode ? " decode" : "",
			       p->encode ? " encode" : "", p->vpp ? " vpp" : "");
		}
		return;
	}
}

struct json_object *va_json(const struct igp_va_info *va)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "status", json_object_new_string(igp_va_status_name(va->status)));
	json_object_object_add(o, "driver", json_str_or_null(va->driver));
	json_object_object_add(o, "error", json_str_or_null(va->error));
	for (size_t i = 0; i < va->n_profiles; i++) {
		struct json_object *p = json_object_new_object(), *e = json_object_new_array();
		if (va->profiles[i].decode)
			json_object_array_add(e, json_object_new_string("decode"));
		if (va->profiles[i].encode)
			json_object_array_add(e, json_object_new_string("encode"));
		if (va->profiles[i].vpp)
			json_object_array_add(e, json_object_new_string("vpp"));
		json_object_object_add(p, "profile", json_object_new_string(va->profiles[i].name));
		json_object_object_add(p, "entrypoints", e);
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "profiles", a);
	return o;
}
