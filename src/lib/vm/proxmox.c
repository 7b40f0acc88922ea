/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>

#include "base/paths.h"
#include "base/util.h"
#include "vm/proxmox.h"
#include "vm/pveconf.h"

int igp_pve_vmid_parse(const char *s, unsigned long *ret)
{
	long v;

	/* pve-vmid: 100 to 999999999, plain digits (no sign, no spaces). */
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c))
			return -EINVAL;
	if (!*s || *s == '0' || parse_long(s, 100, 999999999, &v) < 0)
		return -EINVAL;
	*ret = (unsigned long)v;
	return 0;
}

char *igp_pve_conf_path(unsigned long vmid)
{
	return strdupf("%s/%lu.conf", IGP_ETC_PVE_QEMU_SERVER, vmid);
}

int igp_pve_vm_running(unsigned long vmid, long *ret_pid)
{
	long pid;
	int r;

	r = igp_read_longf(&pid, IGP_RUN_QEMU_SERVER "/%lu.pid", vmid);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (pid <= 0)
		return 0;
	/* A stale pid file (crash, reboot) does not make a VM run. */
	if (!igp_is_dirf(IGP_PROC "/%ld", pid))
		return 0;
	if (ret_pid)
		*ret_pid = pid;
	return 1;
}

int igp_pve_node_name(char **ret)
{
	_cleanup_free_ char *s = NULL;
	size_t n;

	/* pmxcfs links /etc/pve/local to nodes/<this node>. */
	if (igp_readlink_basename(IGP_ETC_PVE_LOCAL, &s) >= 0 && *s && !streq(s, "local")) {
		*ret = TAKE_PTR(s);
		return 0;
	}
	free(s);
	s = NULL;
	if (igp_read_attr(IGP_ETC_HOSTNAME, &s) < 0 || !*s)
		return -ENOENT;
	/* PVE::INotify::nodename(): the host name up to the first dot. */
	n = strcspn(s, ".");
	s[n] = '\0';
	*ret = TAKE_PTR(s);
	return 0;
}

bool igp_pve_id_valid(const char *s)
{
	/* pve-configid: a letter, then letters, digits, '-' and '_'. */
	if (!isalpha((unsigned char)s[0]))
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	return strlen(s) <= 64;
}

bool igp_pve_mdev_type_valid(const char *s)
{
	/* qemu-server's pattern for mdev= is [^/\.:]+; a comma would end the
	 * property, and the kernel's type names (i915-GVTg_V5_4, nvidia-63,
	 * mtty-1, vfio_ap-passthrough) are letters, digits, '-' and '_': so
	 * no control character, stray byte or 100 KB name gets that far. */
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

void igp_pve_plan_done(struct igp_pve_plan *p)
{
	free(p->key);
	free(p->value);
	free(p->new_text);
	strv_free(p->notes);
	*p = (struct igp_pve_plan){0};
}

/* ---- line model ---- */

struct lines {
	char **v;
	size_t n;
	bool trailing_nl; /* the text ended with a newline */
};

static void lines_done(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int lines_split(const char *text, struct lines *ret)
{
	struct lines l = {0};
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char **nv = realloc(l.v, (l.n + 1) * sizeof(char *));
		if (!nv) {
			lines_done(&l);
			return -ENOMEM;
		}
		l.v = nv;
		l.v[l.n] = strndup(p, n);
		if (!l.v[l.n]) {
			lines_done(&l);
			return -ENOMEM;
		}
		l.n++;
		p += n;
		l.trailing_nl = *p == '\n';
		if (*p)
			p++;
	}
	if (l.n == 0)
		l.trailing_nl = true;
	*ret = l;
	return 0;
}

static int lines_insert(struct lines *l, size_t at, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(l->v, (l->n + 1) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	l->v = nv;
	memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof(char *));
	l->v[at] = s;
	l->n++;
	return 0;
}

static int lines_replace(struct lines *l, size_t at, char *s)
{
	if (!s)
		return -ENOMEM;
	free(l->v[at]);
	l->v[at] = s;
	return 0;
}

static char *lines_join(const struct lines *l)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);
		memcpy(p, l->v[i], n);
		p += n;
		if (i + 1 < l->n || l->trailing_nl)
			*p++ = '\n';
	}
	*p = '\0';
	return out;
}

/* The next section header after line start (SIZE_MAX: from the first line). */
static size_t section_end(const struct lines *l, size_t start)
{
	for (size_t i = start == SIZE_MAX ? 0 : start + 1; i < l->n; i++)
		if (igp_pve_line_section(l->v[i], NULL, 0))
			return i;
	return l->n;
}

/* "key: value" lines as the reader takes them (pveconf.h): the value, and
 * the key in buf, or NULL for comments, blank lines and section headers. */
static const char *line_kv(const char *line, char *buf, size_t size)
{
	return igp_pve_line_kv(line, false, buf, size);
}

/* The current configuration ends where the first section ("[snap]",
 * "[PENDING]", "[special:cloudinit]") starts. */
static size_t top_end(const struct lines *l)
{
	return section_end(l, SIZE_MAX);
}

static ssize_t find_key(const struct lines *l, size_t from, size_t to, const char *key)
{
	char k[64];

	for (size_t i = from; i < to; i++) {
		const char *v = line_kv(l->v[i], k, sizeof(k));
		if (v && streq(k, key))
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t pending_start(const struct lines *l)
{
	char name[16];

	for (size_t i = 0; i < l->n; i++)
		if (igp_pve_line_section(l->v[i], name, sizeof(name)) && strcasecmp(name, "PENDING") == 0)
			return (ssize_t)i;
	return -1;
}

/*
 * Set key in the current configuration: replace its line, or insert it in
 * key order as qemu-server writes the file (Perl's `sort keys`).
 */
static int set_key(struct lines *l, const char *key, const char *value)
{
	size_t end = top_end(l), at = SIZE_MAX, last_key = SIZE_MAX, first_content = 0;
	ssize_t have = find_key(l, 0, end, key);
	char k[64];

	if (have >= 0)
		return lines_replace(l, (size_t)have, strdupf("%s: %s", key, value));
	/* The description is stored as leading '#' comments. */
	while (first_content < end && l->v[first_content][0] == '#')
		first_content++;
	for (size_t i = first_content; i < end; i++) {
		if (!line_kv(l->v[i], k, sizeof(k)))
			continue;
		if (at == SIZE_MAX && strcmp(k, key) > 0)
			at = i;
		last_key = i;
	}
	if (at == SIZE_MAX)
		at = last_key != SIZE_MAX ? last_key + 1 : first_content;
	return lines_insert(l, at, strdupf("%s: %s", key, value));
}

/* ---- hostpci values ---- */

static bool pci_id_matches(const char *id, const struct igp_vm_device *d)
{
	struct igp_pci_addr a;
	bool slot;

	if (igp_pve_pci_id_parse(id, &a, &slot) < 0)
		return false;
	for (size_t i = 0; i < d->n_funcs; i++) {
		const struct igp_pci_addr *f = &d->funcs[i].addr;
		if (a.domain == f->domain && igp_pci_addr_same_slot(&a, f) && (slot || a.func == f->func))
			return true;
	}
	return false;
}

/* Does an existing hostpci value pass (part of) this device?  *ret_mdev
 * tells whether that entry is itself a vGPU. */
static bool hostpci_refers(const char *value, const struct igp_vm_device *d, const char *mapping,
			   bool *ret_mdev)
{
	struct igp_pve_hostpci h;
	bool hit = false;

	*ret_mdev = false;
	if (igp_pve_hostpci_parse(value, &h) < 0)
		return false;
	*ret_mdev = h.mdev != NULL;
	hit = mapping && streq_ptr(h.mapping, mapping);
	for (size_t j = 0; h.hosts && h.hosts[j]; j++)
		hit = hit || pci_id_matches(h.hosts[j], d);
	igp_pve_hostpci_done(&h);
	return hit;
}

static char *slot_form(const struct igp_vm_func *f)
{
	return strdupf("%04x:%02x:%02x", f->addr.domain, f->addr.bus, f->addr.slot);
}

static char *hostpci_value(const struct igp_pve_request *rq, bool pcie)
{
	const struct igp_vm_device *d = rq->dev;
	const struct igp_vm_options *o = rq->opts;
	_cleanup_free_ char *head = NULL;

	/* Field order as the GUI's PCI edit panel submits them. */
	if (rq->mapping)
		head = strdupf("mapping=%s", rq->mapping);
	else if (rq->mdev_type || !d->all_functions || o->igd_mode == IGP_IGD_LEGACY)
		/* qemu-server wants legacy-igd on exactly 00:02.0. */
		head = strdup(d->funcs[0].address);
	else
		/* "All Functions": the address without the function. */
		head = slot_form(&d->funcs[0]);
	if (!head)
		return NULL;
	return strdupf("%s%s%s%s%s%s%s%s%s", head, rq->mdev_type ? ",mdev=" : "",
		       rq->mdev_type ? rq->mdev_type : "", o->x_vga == 1 ? ",x-vga=1" : "",
		       o->rombar == 0 ? ",rombar=0" : "", o->romfile ? ",romfile=" : "",
		       o->romfile ? o->romfile : "", pcie ? ",pcie=1" : "",
		       o->igd_mode == IGP_IGD_LEGACY ? ",legacy-igd=1" : "");
}

static int refusef(char **ret_why, int err, const char *fmt, ...) _printf_(3, 4);
static int refusef(char **ret_why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*ret_why = strdupvf(fmt, ap);
	va_end(ap);
	return err;
}

int igp_pve_conf_plan(const char *old_text, const struct igp_pve_request *rq, struct igp_pve_plan *ret,
		      char **ret_why)
{
	const struct igp_vm_device *d = rq->dev;
	struct igp_vm_options o = *rq->opts;
	struct igp_pve_plan plan = {0};
	struct lines l = {0};
	enum igp_vm_machine vm_machine = IGP_MACHINE_I440FX, machine;
	ssize_t i_machine, i_bios, i_vga, i_lock, pend;
	size_t end, pend_end = 0;
	char k[64];
	int index = -1, r;
	bool q35, pcie;

	r = lines_split(old_text, &l);
	if (r < 0)
		return r;
	end = top_end(&l);
	pend = pending_start(&l);
	if (pend >= 0)
		pend_end = section_end(&l, (size_t)pend);

	i_lock = find_key(&l, 0, end, "lock");
	if (i_lock >= 0) {
		r = refusef(ret_why, -EBUSY,
			    "VM %lu is locked (%s): wait for that task to finish, or clear a "
			    "stale lock with qm unlock %lu",
			    rq->vmid, l.v[i_lock], rq->vmid);
		goto out;
	}
	i_machine = find_key(&l, 0, end, "machine");
	/* No machine line means qemu-server's default, i440fx. */
	if (i_machine >= 0 && igp_vm_machine_parse(line_kv(l.v[i_machine], k, sizeof(k)), &vm_machine) < 0)
		vm_machine = IGP_MACHINE_UNSET; /* another architecture's machine */
	machine = o.machine != IGP_MACHINE_UNSET ? o.machine : vm_machine;
	q35 = machine == IGP_MACHINE_Q35;
	i_bios = find_key(&l, 0, end, "bios");
	o.uefi = o.uefi || (i_bios >= 0 && streq(line_kv(l.v[i_bios], k, sizeof(k)), "ovmf"));
	o.machine = machine;

	if (rq->pcie == 1 && !q35) {
		r = refusef(ret_why, -EINVAL, "pcie=1 needs the q35 machine: add --machine q35");
		goto out;
	}
	if (o.igd_mode == IGP_IGD_LEGACY && machine != IGP_MACHINE_I440FX) {
		r = refusef(ret_why, -EINVAL,
			    "legacy-igd=1 needs the i440fx machine and VM %lu uses q35: add "
			    "--machine pc to switch it",
			    rq->vmid);
		goto out;
	}
	pcie = rq->pcie == 1 || (rq->pcie == -1 && q35 && o.igd_mode != IGP_IGD_LEGACY);

	/* Refuse a device that is already there; find the first free slot,
	 * free in the pending changes too. */
	for (int i = 0; i < IGP_PVE_MAX_HOSTPCI; i++) {
		char key[16];
		ssize_t at;
		snprintf(key, sizeof(key), "hostpci%d", i);
		at = find_key(&l, 0, end, key);
		if (at >= 0) {
			bool is_mdev;
			const char *v = line_kv(l.v[at], k, sizeof(k));
			/* Several vGPUs of one parent may go to one VM; the parent
			 * itself and a vGPU of it may not. */
			if (hostpci_refers(v, d, rq->mapping, &is_mdev) && !(rq->mdev_type && is_mdev)) {
				r = refusef(ret_why, -EEXIST, "VM %lu already has this device: %s", rq->vmid,
					    l.v[at]);
				goto out;
			}
			continue;
		}
		if (pend >= 0 && find_key(&l, (size_t)pend, pend_end, key) >= 0)
			continue;
		if (index < 0)
			index = i;
	}
	if (index < 0) {
		r = refusef(ret_why, -ENOSPC, "VM %lu uses all %d hostpci slots", rq->vmid,
			    IGP_PVE_MAX_HOSTPCI);
		goto out;
	}

	plan.key = strdupf("hostpci%d", index);
	plan.value = hostpci_value(rq, pcie);
	plan.notes = calloc(1, sizeof(char *));
	if (!plan.key || !plan.value || !plan.notes) {
		r = -ENOMEM;
		goto out;
	}

	/* Machine first: set_key() inserts in key order either way. */
	if (o.machine != vm_machine || (rq->opts->machine != IGP_MACHINE_UNSET && i_machine < 0)) {
		if ((r = set_key(&l, "machine", igp_vm_machine_name(machine))) < 0)
			goto out;
		if (o.machine != vm_machine &&
		    (r = strv_pushf(&plan.notes,
				    "The machine type changes to %s: a Windows "
				    "guest re-detects its devices once.",
				    machine == IGP_MACHINE_Q35 ? "q35" : "i440fx")) < 0)
			goto out;
	}
	i_vga = find_key(&l, 0, top_end(&l), "vga");
	if (o.display == IGP_DISPLAY_NONE || o.igd_mode == IGP_IGD_LEGACY) {
		if (i_vga < 0 || !streq(line_kv(l.v[i_vga], k, sizeof(k)), "none"))
			if ((r = set_key(&l, "vga", "none")) < 0)
				goto out;
	}
	if ((r = set_key(&l, plan.key, plan.value)) < 0)
		goto out;

	{
		/* With mdev= the VM gets a vGPU of the device, not the device:
		 * what the host lacks for passing the device itself does not
		 * apply. */
		struct igp_vm_device as_mdev = *d;
		if (rq->mdev_type)
			as_mdev.kind = IGP_VM_MDEV;
		r = igp_vm_common_notes(&as_mdev, &o, IGP_VM_PROXMOX, rq->mdev_type ? NULL : rq->host_notes,
					&plan.notes);
	}
	if (r < 0)
		goto out;
	if (!q35 && rq->pcie == -1 && o.igd_mode == IGP_IGD_UPT) {
		r = strv_pushf(&plan.notes,
			       "VM %lu uses the i440fx machine, so the device goes on plain PCI; the guide "
			       "recommends q35 with PCI-Express: add --machine q35 for pcie=1.",
			       rq->vmid);
		if (r < 0)
			goto out;
	}
	if (o.igd_mode == IGP_IGD_LEGACY && o.display != IGP_DISPLAY_NONE) {
		r = strv_pushf(&plan.notes,
			       "legacy-igd=1 needs vga: none, so the VM loses its emulated console.");
		if (r < 0)
			goto out;
	}
	if (o.x_vga == 1 && o.uefi) {
		r = strv_pushf(&plan.notes,
			       "VM %lu boots OVMF: qemu-server leaves x-vga=on out for OVMF guests; the "
			       "GPU is still the primary display.",
			       rq->vmid);
		if (r < 0)
			goto out;
	}
	if (rq->mdev_type) {
		/* PVE::SysFSTools::generate_mdev_uuid(): index, then VMID. */
		r = strv_pushf(&plan.notes,
			       "Proxmox VE creates the vGPU (type %s, UUID %08d-0000-0000-0000-%012lu) when "
			       "the VM starts and removes it when it stops.",
			       rq->mdev_type, index, rq->vmid);
		if (r >= 0 && d->kind == IGP_VM_MDEV)
			r = strv_pushf(
			    &plan.notes,
			    "The active vGPU %s is not used by Proxmox VE: remove it (igpuctl vgpu "
			    "remove %s) if it was made for this VM, to free its share of the GPU.",
			    d->uuid, d->uuid);
		if (r < 0)
			goto out;
	}
	pend = pending_start(&l); /* the edits above moved it */
	if (pend >= 0) {
		static const char *const watched[] = {"machine", "vga", "bios"};
		for (size_t i = 0; i < ELEMENTSOF(watched); i++) {
			ssize_t at = find_key(&l, (size_t)pend, section_end(&l, (size_t)pend), watched[i]);
			if (at < 0)
				continue;
			r = strv_pushf(&plan.notes,
				       "[PENDING] also changes %s (%s): the pending value applies at the "
				       "next start.",
				       watched[i], l.v[at]);
			if (r < 0)
				goto out;
		}
	}

	plan.new_text = lines_join(&l);
	if (!plan.new_text) {
		r = -ENOMEM;
		goto out;
	}
	*ret = plan;
	plan = (struct igp_pve_plan){0};
	r = 0;
out:
	igp_pve_plan_done(&plan);
	lines_done(&l);
	return r;
}

/* ---- /etc/pve/mapping/pci.cfg ---- */

/* The line that starts section NAME of pci.cfg (pveconf.h's grammar). */
static ssize_t mapping_section(const struct lines *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *s = igp_pve_cfg_header(l->v[i]);
		if (s && strlen(name) == strcspn(s, " \t") && strncmp(s, name, strlen(name)) == 0)
			return (ssize_t)i;
	}
	return -1;
}

int igp_pve_mapping_plan(const char *old_text, const char *name, const char *node,
			 const struct igp_vm_device *d, bool mdev, char **ret_new_text, char **ret_why)
{
	const struct igp_vm_func *f = &d->funcs[0];
	_cleanup_free_ char *path = NULL, *map = NULL, *group = NULL;
	struct lines l = {0};
	ssize_t sec;
	size_t end, last_prop;
	bool have_mdev = false, changed = false;
	int r;

	/* "If the function is omitted, the whole device is mapped. In that
	 * case use the attributes of the first device." (PVE::Mapping::PCI) */
	path = d->n_funcs > 1 && !mdev ? slot_form(f) : strdup(f->address);
	group = f->iommu_group >= 0 ? strdupf(",iommugroup=%d", f->iommu_group) : strdup("");
	if (!path || !group)
		return -ENOMEM;
	map = strdupf("\tmap node=%s,path=%s,id=%04x:%04x%s,subsystem-id=%04x:%04x", node, path, f->vendor,
		      f->device, group, f->subsys_vendor, f->subsys_device);
	if (!map)
		return -ENOMEM;

	r = lines_split(old_text ? old_text : "", &l);
	if (r < 0)
		return r;
	sec = mapping_section(&l, name);
	if (sec < 0) {
		if (l.n > 0 && *l.v[l.n - 1])
			if ((r = lines_insert(&l, l.n, strdup(""))) < 0)
				goto out;
		if ((r = lines_insert(&l, l.n, strdup(name))) < 0 ||
		    (r = lines_insert(&l, l.n, TAKE_PTR(map))) < 0)
			goto out;
		if (mdev && (r = lines_insert(&l, l.n, strdup("\tmdev 1"))) < 0)
			goto out;
		l.trailing_nl = true;
		changed = true;
	} else {
		size_t last_map = SIZE_MAX;
		end = (size_t)sec + 1;
		/* SectionConfig skips comment lines inside a section: only a
		 * blank line (or the next ID) ends it. */
		while (end < l.n && *l.v[end] && (isspace((unsigned char)*l.v[end]) || *l.v[end] == '#'))
			end++;
		last_prop = end - 1;
		for (size_t i = (size_t)sec + 1; i < end; i++) {
			_cleanup_free_ char *map_node = NULL, *map_path = NULL;
			const char *v;
			if ((v = igp_pve_cfg_prop(l.v[i], "mdev")))
				have_mdev = streq(v, "1");
			if (!(v = igp_pve_cfg_prop(l.v[i], "map")))
				continue;
			last_map = i;
			if (igp_pve_prop_get(v, "node", NULL, &map_node) < 0 || !streq(map_node, node))
				continue;
			if (igp_pve_prop_get(v, "path", NULL, &map_path) >= 0 && strstr(map_path, path)) {
				/* This node is mapped to this device already. */
				free(map);
				map = NULL;
				continue;
			}
			r = refusef(ret_why, -EEXIST,
				    "mapping %s already maps node %s to %s: pick another name", name, node,
				    map_path ? map_path : "another device");
			goto out;
		}
		if (map) {
			size_t at = last_map != SIZE_MAX ? last_map + 1 : last_prop + 1;
			if ((r = lines_insert(&l, at, TAKE_PTR(map))) < 0)
				goto out;
			last_prop++;
			changed = true;
		}
		if (mdev && !have_mdev) {
			ssize_t at = -1;
			for (size_t i = (size_t)sec + 1; i <= last_prop; i++)
				if (igp_pve_cfg_prop(l.v[i], "mdev"))
					at = (ssize_t)i;
			if (at >= 0)
				r = lines_replace(&l, (size_t)at, strdup("\tmdev 1"));
			else
				r = lines_insert(&l, last_prop + 1, strdup("\tmdev 1"));
			if (r < 0)
				goto out;
			changed = true;
		}
	}
	*ret_new_text = changed ? lines_join(&l) : NULL;
	r = changed && !*ret_new_text ? -ENOMEM : 0;
out:
	lines_done(&l);
	return r;
}
