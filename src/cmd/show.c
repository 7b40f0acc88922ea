/* SPDX-License-Identifier: GPL-2.0-or-later */
/* igpuctl show ADDR: everything igpuctl knows about one PCI device. */
#include <fcntl.h>
#include <getopt.h>

#include "base/paths.h"
#include "cmd.h"
#include "devview.h"
#include "model/igd.h"
#include "model/versions.h"
#include "output.h"

static int help(void)
{
	printf("Usage: igpuctl show ADDR [-J]\n\n"
	       "Everything known about one PCI device. ADDR is 0000:00:02.0, 00:02.0 or 2.0\n"
	       "(short forms only where unambiguous).  A device with a render node also shows\n"
	       "its VA-API profiles when libva is installed (not under --root).\n");
	return EXIT_OK;
}

static struct json_object *show_json(const struct igp_host *h, const struct igp_pci_dev *d,
				     const struct igp_isolation_report *iso)
{
	struct json_object *o = pci_dev_json_new(d), *bars = json_object_new_array(), *iommu;

	json_object_object_add(o, "class_name", json_object_new_string(igp_pci_class_name(d->class)));
	json_object_object_add(o, "vendor_name", json_str_or_null(d->vendor_name));
	json_object_object_add(o, "device_name", json_str_or_null(d->device_name));
	json_object_object_add(o, "subsystem_vendor", json_hex4(d->subsys_vendor));
	json_object_object_add(o, "subsystem_device", json_hex4(d->subsys_device));
	json_object_object_add(o, "subsystem_name", json_str_or_null(d->subsys_name));
	json_object_object_add(o, "revision", json_int_or_null(d->revision, d->revision >= 0));
	json_object_object_add(o, "driver", json_str_or_null(d->driver));
	json_object_object_add(o, "driver_override", json_str_or_null(d->driver_override));
	json_object_object_add(o, "sysfs_path", json_str_or_null(d->sysfs_path));
	json_object_object_add(o, "boot_vga",
			       d->boot_vga < 0 ? NULL : json_object_new_boolean(d->boot_vga == 1));
	json_object_object_add(o, "card_node", json_str_or_null(d->card_node));
	json_object_object_add(o, "render_node", json_str_or_null(d->render_node));
	json_object_object_add(o, "physfn", json_str_or_null(d->physfn));
	json_object_object_add(o, "vf_index", json_int_or_null(d->vf_index, d->physfn && d->vf_index > 0));
	json_object_object_add(o, "sriov_totalvfs",
			       json_int_or_null(d->sriov_totalvfs, d->sriov_totalvfs >= 0));
	json_object_object_add(o, "sriov_numvfs", json_int_or_null(d->sriov_numvfs, d->sriov_numvfs >= 0));
	json_object_object_add(o, "mdev_parent", json_object_new_boolean(d->mdev_parent));
	json_object_object_add(o, "host_use", json_str_or_null(d->role_detail));
	for (int i = 0; i < 6; i++)
		json_object_array_add(bars, json_object_new_int64((int64_t)d->bar_size[i]));
	json_object_object_add(o, "bar_sizes", bars);
	iommu = json_object_new_object();
	json_object_object_add(iommu, "group", json_int_or_null(d->iommu_group, d->iommu_group >= 0));
	json_object_object_add(iommu, "isolation", json_object_new_string(igp_isolation_name(iso->verdict)));
	json_object_object_add(iommu, "peers", peers_json(iso));
	json_object_object_add(o, "iommu", iommu);
	(void)h;
	return o;
}

static void kv(const char *k, const char *v)
{
	printf("%-16s %s\n", k, v ? v : "-");
}

/*
 * What libva says about the device's render node.  Only on the real host
 * (under --root the node would be a device of this machine); -v says why
 * not.  0, or -ENOMEM.
 */
static int show_va(const struct igp_pci_dev *d, struct igp_va_info *va)
{
	int fd, r;

	*va = (struct igp_va_info){.status = IGP_VA_NOT_PROBED};
	if (!d->render_node)
		return 0;
	if (!igp_root_is_host()) {
		log_debug("VA-API: not probed under --root (libva would open this machine's GPU)");
		return 0;
	}
	fd = igp_open(d->render_node, O_RDWR, 0);
	if (fd < 0) {
		log_debug("VA-API: not probed: %s does not open: %s", d->render_node, strerror(-fd));
		return 0;
	}
	r = igp_va_probe(fd, va);
	close(fd);
	if (va->status == IGP_VA_NOT_INSTALLED)
		log_debug("VA-API: not probed: libva is not installed");
	return r;
}

static void show_text(const struct igp_pci_dev *d, const struct igp_isolation_report *iso,
		      const struct igp_va_info *va)
{
	_cleanup_free_ char *label = device_label(d), *isotext = isolation_text(iso);
	char buf[128];

	kv("Address:", d->address);
	kv("Device:", label);
	snprintf(buf, sizeof(buf), "%s [%06x]", igp_pci_class_name(d->class), d->class);
	kv("Class:", buf);
	snprintf(buf, sizeof(buf), "%04x:%04x", d->vendor, d->device);
	kv("IDs:", buf);
	snprintf(buf, sizeof(buf), "%04x:%04x%s%s", d->subsys_vendor, d->subsys_device,
		 d->subsys_name ? " " : "", d->subsys_name ? d->subsys_name : "");
	kv("Subsystem:", buf);
	if (d->revision >= 0) {
		snprintf(buf, sizeof(buf), "%02x", d->revision);
		kv("Revision:", buf);
	}
	kv("Driver:", d->driver ? d->driver : "none");
	if (d->driver_override)
		kv("Driver override:", d->driver_override);
	kv("Sysfs path:", d->sysfs_path);
	if (d->iommu_group >= 0) {
		snprintf(buf, sizeof(buf), "%d", d->iommu_group);
		kv("IOMMU group:", buf);
	} else {
		kv("IOMMU group:", "none");
	}
	kv("Isolation:", isotext);
	for (size_t i = 0; i < iso->n_peers; i++) {
		const struct igp_pci_dev *p = iso->peers[i].dev;
		printf("  %-14s %s %s (%s)%s%s\n", igp_peer_kind_name(iso->peers[i].kind), p->address,
		       igp_pci_class_name(p->class), p->driver ? p->driver : "no driver",
		       p->role_detail ? " host: " : "", p->role_detail ? p->role_detail : "");
	}
	if (d->role_detail)
		kv("Host use:", d->role_detail);
	if (d->boot_vga >= 0)
		kv("Boot VGA:", d->boot_vga ? "yes" : "no");
	if (d->card_node || d->render_node) {
		snprintf(buf, sizeof(buf), "%s%s%s", d->card_node ? d->card_node : "",
			 d->card_node && d->render_node ? " " : "", d->render_node ? d->render_node : "");
		kv("DRM nodes:", buf);
	}
	/* libva missing is no news about the device: -v says it. */
	if (va->status != IGP_VA_NOT_INSTALLED)
		va_print(va, "", 16);
	if (d->physfn)
		kv("SR-IOV PF:", d->physfn);
	if (d->sriov_totalvfs >= 0) {
		snprintf(buf, sizeof(buf), "%d of %d enabled", d->sriov_numvfs, d->sriov_totalvfs);
		kv("SR-IOV VFs:", buf);
	}
	if (d->mdev_parent)
		kv("Mediated types:", "yes ('igpuctl vgpu types')");
	for (int i = 0; i < 6; i++) {
		if (!d->bar_size[i])
			continue;
		snprintf(buf, sizeof(buf), "Region %d:", i);
		if (d->bar_size[i] >= (1u << 20))
			printf("%-16s %llu MiB\n", buf, (unsigned long long)(d->bar_size[i] >> 20));
		else
			printf("%-16s %llu KiB\n", buf, (unsigned long long)(d->bar_size[i] >> 10));
	}
}

/*
 * A small stolen memory: guests of the iGPU see part of the screen black.
 * QEMU's x-igd-gms sets the guest's amount instead; QEMU 9.2 ignored it
 * (hw/vfio/igd.c kept the host's DSM), 10.0 honours it again.
 */
static void stolen_warning(const struct igp_host *h, int mib)
{
	const struct igp_version *q;
	bool ignored = igp_host_qemu(h, &q) >= 0 && q->version && version_compare(q->version, "9.2") >= 0 &&
		       version_compare(q->version, "10.0") < 0;

	if (mib < 0 || mib >= IGP_IGD_STOLEN_LOW_MIB)
		return;
	fprintf(stderr,
		"Warning: the iGPU has %d MiB of stolen memory: a guest shows half the screen black at high "
		"resolutions. Raise DVMT Pre-Allocated to %d MiB or more in the firmware setup%s.\n",
		mib, IGP_IGD_STOLEN_LOW_MIB,
		ignored ? " (QEMU 9.2, installed here, ignores x-igd-gms)"
			: ", or give the guest more with QEMU's x-igd-gms where the QEMU honours it");
}

static void print_json(const struct igp_host *h, const struct igp_pci_dev *d,
		       const struct igp_isolation_report *iso, const struct igp_gpu_methods *m,
		       const struct igp_va_info *va, int stolen)
{
	struct json_object *o = show_json(h, d, iso);

	json_object_object_add(o, "stolen_memory_mib", json_int_or_null(stolen, stolen >= 0));
	json_object_object_add(o, "va", va->status == IGP_VA_NOT_PROBED ? NULL : va_json(va));
	if (m) {
		static const char *const keys[] = {"platform", "generation", "methods", "recommended",
						   "recommendation"};
		struct json_object *g = gpu_json(h, d, m, iso);
		for (size_t i = 0; i < ELEMENTSOF(keys); i++)
			json_object_object_add(o, keys[i],
					       json_object_get(json_object_object_get(g, keys[i])));
		json_object_put(g);
	}
	json_print(o);
}

static void print_text(const struct igp_pci_dev *d, const struct igp_isolation_report *iso,
		       const struct igp_gpu_methods *m, const struct igp_va_info *va, int stolen)
{
	show_text(d, iso, va);
	if (m) {
		_cleanup_free_ char *rec = recommendation_text(d, m);
		const char *plat = platform_name(d);
		if (plat)
			printf("%-16s %s%s%s\n", "Platform:", plat, d->platform ? ", Gen " : "",
			       d->platform ? d->platform->gen : "");
		for (int i = 0; i < _IGP_METHOD_MAX; i++)
			printf("%-16s %s: %s\n", i == 0 ? "Methods:" : "",
			       igp_method_name((enum igp_method)i), m->m[i].reason);
		kv("Recommended:", rec);
	}
	if (stolen >= 0)
		printf("%-16s %d MiB\n", "Stolen memory:", stolen);
}

const struct option cmd_opts_show[] = {{"help", no_argument, NULL, 'h'}, {}};

int cmd_show(int argc, char *argv[])
{
	_cleanup_host_ struct igp_host *h = NULL;
	struct igp_isolation_report iso;
	struct igp_pci_dev *d;
	struct igp_gpu_methods m;
	struct igp_va_info va;
	int c, r, stolen;

	while ((c = getopt_long(argc, argv, ":h", cmd_opts_show, NULL)) >= 0) {
		if (c == 'h')
			return help();
		return log_usage_option("show", c, argc, argv, cmd_opts_show);
	}
	if (optind + 1 != argc)
		return log_usage("show", "expected one PCI address");
	{
		struct igp_pci_addr a;
		if (igp_pci_addr_parse_loose(argv[optind], &a, NULL) < 0)
			return log_usage("show",
					 "'%s' is not a PCI address (expected 0000:00:02.0, 00:02.0 or 2.0)",
					 argv[optind]);
	}
	h = load_host_or_complain();
	if (!h)
		return EXIT_FAIL;
	r = igp_host_find(h, argv[optind], &d);
	if (r == -ENODEV)
		return log_error("No PCI device %s on this host ('igpuctl list' shows the GPUs).",
				 argv[optind]);
	if (r == -EADDRNOTAVAIL)
		return log_error("%s is ambiguous: several PCI domains have it; give the full address.",
				 argv[optind]);
	if (r < 0)
		return log_error_errno(r, "Failed to look up %s", argv[optind]);
	r = igp_pci_dev_read_details(d);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", d->sysfs_path);
	r = igp_isolation_judge(h, d, &iso);
	if (r < 0)
		return log_error_errno(r, "Failed to judge the IOMMU group of %s", d->address);

	r = show_va(d, &va);
	if (r < 0) {
		igp_isolation_report_done(&iso);
		return log_error_errno(r, "Failed to ask libva about %s", d->render_node);
	}
	if (igp_pci_dev_is_gpu(d)) {
		r = igp_gpu_methods_eval(d, &m);
		if (r < 0) {
			igp_va_info_done(&va);
			igp_isolation_report_done(&iso);
			return log_error_errno(r, "Failed to evaluate %s", d->address);
		}
	}
	stolen = igp_igd_stolen_mib(d);
	if (arg_g.json)
		print_json(h, d, &iso, igp_pci_dev_is_gpu(d) ? &m : NULL, &va, stolen);
	else
		print_text(d, &iso, igp_pci_dev_is_gpu(d) ? &m : NULL, &va, stolen);
	stolen_warning(h, stolen);
	igp_va_info_done(&va);
	if (igp_pci_dev_is_gpu(d))
		igp_gpu_methods_done(&m);
	igp_isolation_report_done(&iso);
	return EXIT_OK;
}
