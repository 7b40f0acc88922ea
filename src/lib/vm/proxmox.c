/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <limits.h>

#include "base/paths.h"
#include "change/plan.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "vm/igd.h"
#include "model/versions.h"
#include "vm/optionrom.h"
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

/* What igp_pve_conf_plan()'s steps share: the file as lines, edited in
 * place, and the plan they fill in. */
struct conf_edit {
	const struct igp_pve_request *rq;
	struct igp_vm_options o;	/* the request's, with the VM's machine and firmware */
	struct lines l;			/* VMID.conf */
	enum igp_vm_machine vm_machine; /* the machine the VM has now */
	bool has_machine;		/* the file has a machine: line */
	bool q35, pcie;
	int index; /* the N of the new hostpciN */
	struct igp_pve_plan plan;
	char **ret_why;
};

/* Refuse a locked VM; take the machine and firmware the VM will have. */
static int conf_machine(struct conf_edit *c)
{
	size_t end = top_end(&c->l);
	ssize_t i_lock, i_machine, i_bios;
	char k[64];

	i_lock = find_key(&c->l, 0, end, "lock");
	if (i_lock >= 0)
		return igp_refuse(c->ret_why, -EBUSY,
				  "VM %lu is locked (%s): wait for that task to finish, or clear a "
				  "stale lock with qm unlock %lu",
				  c->rq->vmid, c->l.v[i_lock], c->rq->vmid);
	i_machine = find_key(&c->l, 0, end, "machine");
	c->has_machine = i_machine >= 0;
	/* No machine line means qemu-server's default, i440fx. */
	c->vm_machine = IGP_MACHINE_I440FX;
	if (i_machine >= 0 &&
	    igp_vm_machine_parse(line_kv(c->l.v[i_machine], k, sizeof(k)), &c->vm_machine) < 0)
		c->vm_machine = IGP_MACHINE_UNSET; /* another architecture's machine */
	if (c->o.machine == IGP_MACHINE_UNSET)
		c->o.machine = c->vm_machine;
	c->q35 = c->o.machine == IGP_MACHINE_Q35;
	i_bios = find_key(&c->l, 0, end, "bios");
	c->o.uefi = c->o.uefi || (i_bios >= 0 && streq(line_kv(c->l.v[i_bios], k, sizeof(k)), "ovmf"));
	return 0;
}

/* Refuse what the machine does not take; decide pcie=. */
static int conf_pcie(struct conf_edit *c)
{
	const struct igp_pve_request *rq = c->rq;

	if (rq->pcie == 1 && !c->q35)
		return igp_refuse(c->ret_why, -EINVAL, "pcie=1 needs the q35 machine: add --machine q35");
	if (c->o.igd_mode == IGP_IGD_LEGACY && c->o.machine != IGP_MACHINE_I440FX)
		return igp_refuse(c->ret_why, -EINVAL,
				  "legacy-igd=1 needs the i440fx machine and VM %lu uses q35: add "
				  "--machine pc to switch it",
				  rq->vmid);
	c->pcie = rq->pcie == 1 || (rq->pcie == -1 && c->q35 && c->o.igd_mode != IGP_IGD_LEGACY);
	return 0;
}

/* Refuse a device that is already there; find the first free slot, free in
 * the pending changes too. */
static int conf_slot(struct conf_edit *c)
{
	const struct lines *l = &c->l;
	size_t end = top_end(l), pend_end = 0;
	ssize_t pend = pending_start(l);
	char k[64];

	if (pend >= 0)
		pend_end = section_end(l, (size_t)pend);
	c->index = -1;
	for (int i = 0; i < IGP_PVE_MAX_HOSTPCI; i++) {
		char key[16];
		ssize_t at;
		snprintf(key, sizeof(key), "hostpci%d", i);
		at = find_key(l, 0, end, key);
		if (at >= 0) {
			bool is_mdev;
			const char *v = line_kv(l->v[at], k, sizeof(k));
			/* Several vGPUs of one parent may go to one VM; the parent
			 * itself and a vGPU of it may not. */
			if (hostpci_refers(v, c->rq->dev, c->rq->mapping, &is_mdev) &&
			    !(c->rq->mdev_type && is_mdev))
				return igp_refuse(c->ret_why, -EEXIST, "VM %lu already has this device: %s",
						  c->rq->vmid, l->v[at]);
			continue;
		}
		if (pend >= 0 && find_key(l, (size_t)pend, pend_end, key) >= 0)
			continue;
		if (c->index < 0)
			c->index = i;
	}
	if (c->index < 0)
		return igp_refuse(c->ret_why, -ENOSPC, "VM %lu uses all %d hostpci slots", c->rq->vmid,
				  IGP_PVE_MAX_HOSTPCI);
	return 0;
}

/* Set machine: and vga: as the device needs them, and the hostpciN line. */
static int conf_set_lines(struct conf_edit *c)
{
	const struct igp_vm_options *o = &c->o;
	ssize_t i_vga;
	char k[64];
	int r;

	c->plan.key = strdupf("hostpci%d", c->index);
	c->plan.value = hostpci_value(c->rq, c->pcie);
	c->plan.notes = calloc(1, sizeof(char *));
	if (!c->plan.key || !c->plan.value || !c->plan.notes)
		return -ENOMEM;
	/* Machine first: set_key() inserts in key order either way. */
	if (o->machine != c->vm_machine || (c->rq->opts->machine != IGP_MACHINE_UNSET && !c->has_machine)) {
		if ((r = set_key(&c->l, "machine", igp_vm_machine_name(o->machine))) < 0)
			return r;
		if (o->machine != c->vm_machine &&
		    (r = strv_pushf(&c->plan.notes,
				    "The machine type changes to %s: a Windows "
				    "guest re-detects its devices once.",
				    o->machine == IGP_MACHINE_Q35 ? "q35" : "i440fx")) < 0)
			return r;
	}
	i_vga = find_key(&c->l, 0, top_end(&c->l), "vga");
	if (o->display == IGP_DISPLAY_NONE || o->igd_mode == IGP_IGD_LEGACY) {
		if (i_vga < 0 || !streq(line_kv(c->l.v[i_vga], k, sizeof(k)), "none"))
			if ((r = set_key(&c->l, "vga", "none")) < 0)
				return r;
	}
	return set_key(&c->l, c->plan.key, c->plan.value);
}

/*
 * qemu-server has no keys for the x-igd-* properties: they go in "args: -set
 * device.hostpciN.PROP=VALUE" (qemu-server names the device hostpciN),
 * after what the line holds already, and only those this QEMU has
 * (vm/igd.h decides).  A vGPU Proxmox VE creates (mdev=) has no display
 * here, so nothing.
 */
/* Does ARGS hold the words of SET as whole words ("=on" is not "=on2")? */
static bool args_has(const char *args, const char *set)
{
	size_t n = strlen(set);

	for (const char *p = strstr(args, set); p; p = strstr(p + 1, set))
		if ((p == args || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static int conf_igd_args(struct conf_edit *c)
{
	_cleanup_free_ char *old = NULL;
	_cleanup_free_ char *why = NULL, *args = NULL;
	struct igp_igd_plan plan;
	ssize_t i_args;
	char k[64];
	int r;

	if (c->rq->mdev_type)
		return 0;
	r = igp_igd_plan(c->rq->dev, &c->o, &plan, NULL, &why);
	if (r == -ENOTSUP)
		return igp_refuse(c->ret_why, r, "%s", why);
	if (r < 0 || plan.n_props == 0)
		return r;
	i_args = find_key(&c->l, 0, top_end(&c->l), "args");
	args = strdup(i_args >= 0 ? line_kv(c->l.v[i_args], k, sizeof(k)) : "");
	old = args ? strdup(args) : NULL;
	if (!old)
		return -ENOMEM;
	for (size_t i = 0; i < plan.n_props; i++) {
		_cleanup_free_ char *set =
		    strdupf("-set device.%s.%s=%s", c->plan.key, plan.props[i].name, plan.props[i].value);
		if (!set)
			return -ENOMEM;
		if (args_has(args, set))
			continue;
		if ((r = strextendf(&args, "%s%s", *args ? " " : "", set)) < 0)
			return r;
	}
	/* An args line that keeps its value keeps its bytes. */
	r = streq(args, old) ? 0 : set_key(&c->l, "args", args);
	if (r >= 0 && c->rq->qemu_server && version_compare(c->rq->qemu_server, "9.2.6") >= 0)
		/* qemu-server 9.2.6: "args" (like "romfile") may be set by root@pam only. */
		r = strv_pushf(
		    &c->plan.notes,
		    "qemu-server %s lets only root@pam set args: apply this as root, not with an API "
		    "token or another user.",
		    c->rq->qemu_server);
	return r;
}

/* A Windows guest with a VF needs the host CPU model (the VF notes of
 * igp_vm_common_notes()): say when this VM has another one.  "cpu:" is
 * "[cputype=]TYPE[,...]" (PVE/QemuServer/CPUConfig.pm); without the line
 * qemu-server uses its default model, which is not host. */
static int conf_vf_cpu_note(struct conf_edit *c)
{
	ssize_t at = find_key(&c->l, 0, top_end(&c->l), "cpu");
	char k[64];
	const char *v = at >= 0 ? line_kv(c->l.v[at], k, sizeof(k)) : NULL;

	if (v && (streq(v, "host") || startswith(v, "host,") || strstr(v, "cputype=host")))
		return 0;
	return strv_pushf(&c->plan.notes,
			  "VM %lu has %s%s: a Windows guest with the VF needs cpu: host (qm set %lu --cpu "
			  "host).",
			  c->rq->vmid, v ? "cpu: " : "no cpu: line (qemu-server's default CPU model)",
			  v ? v : "", c->rq->vmid);
}

/* The notes on the device in this VM: the host's, the machine's, the display's. */
static int conf_device_notes(struct conf_edit *c)
{
	const struct igp_pve_request *rq = c->rq;
	const struct igp_vm_options *o = &c->o;
	/* With mdev= the VM gets a vGPU of the device, not the device: what
	 * the host lacks for passing the device itself does not apply. */
	struct igp_vm_device as_mdev = *rq->dev;
	int r;

	if (rq->mdev_type)
		as_mdev.kind = IGP_VM_MDEV;
	r = igp_vm_common_notes(&as_mdev, o, IGP_VM_PROXMOX, rq->mdev_type ? NULL : rq->host_notes,
				&c->plan.notes);
	if (r >= 0 && !c->q35 && rq->pcie == -1 && o->igd_mode == IGP_IGD_UPT)
		r = strv_pushf(&c->plan.notes,
			       "VM %lu uses the i440fx machine, so the device goes on plain PCI; the guide "
			       "recommends q35 with PCI-Express: add --machine q35 for pcie=1.",
			       rq->vmid);
	if (r >= 0 && o->igd_mode == IGP_IGD_LEGACY && o->display != IGP_DISPLAY_NONE)
		r = strv_pushf(&c->plan.notes,
			       "legacy-igd=1 needs vga: none, so the VM loses its emulated console.");
	if (r >= 0 && o->x_vga == 1 && o->uefi)
		r = strv_pushf(&c->plan.notes,
			       "VM %lu boots OVMF: qemu-server leaves x-vga=on out for OVMF guests; the "
			       "GPU is still the primary display.",
			       rq->vmid);
	if (r >= 0 && rq->dev->vf)
		r = conf_vf_cpu_note(c);
	return r;
}

/* Is the installed qemu-server at least version min?  false when unknown. */
static bool qemu_server_at_least(const struct igp_host *h, const char *min)
{
	const struct igp_pkg *p = igp_host_package(h, "qemu-server");
	_cleanup_free_ char *v = NULL;

	return p && p->version && igp_pkg_upstream_version(p->version, &v) >= 0 &&
	       version_compare(v, min) >= 0;
}

/* The ROM file must be in /usr/share/kvm, a ROM of the device's vendor and,
 * for bios: ovmf, hold an EFI image (vm/optionrom.h). */
static int conf_romfile(struct conf_edit *c)
{
	const struct igp_pve_request *rq = c->rq;
	_cleanup_free_ char *path = NULL, *why = NULL;
	int r;

	if (!rq->host || !c->o.romfile)
		return 0;
	/* qemu-server's print_hostpci_devices(): romfile= is taken relative
	 * to /usr/share/kvm/ (PVE/QemuServer/PCI.pm). */
	path = strdupf("%s/%s", IGP_USR_SHARE_KVM, c->o.romfile);
	if (!path)
		return -ENOMEM;
	r = igp_vm_romfile_check(rq->dev, path, c->o.romfile, c->o.uefi, &why);
	if (r == -ENOENT)
		return igp_refuse(c->ret_why, -EINVAL,
				  "There is no %s: Proxmox VE loads romfile=%s from %s, copy the ROM there "
				  "first",
				  path, c->o.romfile, IGP_USR_SHARE_KVM);
	if (r < 0 && why)
		return igp_refuse(c->ret_why, -EINVAL, "%s", why);
	if (r < 0)
		return r;
	/* qemu-server 9.2.6 (PVE/API2/Qemu.pm): only root@pam may set
	 * romfile and args. */
	if (qemu_server_at_least(rq->host, "9.2.6"))
		return strv_pushf(&c->plan.notes,
				  "qemu-server 9.2.6 and later let only root@pam set romfile=: apply this as "
				  "root (not as another administrator or through an API token).");
	return 0;
}

/*
 * The guest's physical address bits when the CPU's exceed the IOMMU's
 * (igp_vm_phys_bits()): cpu: gets guest-phys-bits=N (qemu-server 9.0.18,
 * PVE/QemuServer/CPUConfig.pm), the VM's CPU type kept, "host" without one.
 */
static int conf_phys_bits(struct conf_edit *c)
{
	const struct igp_vm_options *o = &c->o;
	_cleanup_free_ char *value = NULL, *note = NULL;
	ssize_t at;
	char k[64];

	if (!o->phys_bits_limit)
		return 0;
	if (!c->rq->host || !qemu_server_at_least(c->rq->host, "9.0.18"))
		return strv_pushf(&c->plan.notes,
				  "The CPU has %u physical address bits, the IOMMU maps %u: an OVMF guest "
				  "fails with vfio_container_dma_map(...) = -22. qemu-server 9.0.18 or later "
				  "can limit the guest (cpu: host,guest-phys-bits=%u); update Proxmox VE.",
				  o->phys_bits_cpu, o->phys_bits_limit, o->phys_bits_limit);
	at = find_key(&c->l, 0, top_end(&c->l), "cpu");
	if (at >= 0) {
		const char *v = line_kv(c->l.v[at], k, sizeof(k));
		if (strstr(v, "guest-phys-bits="))
			return strv_pushf(&c->plan.notes,
					  "The IOMMU maps %u physical address bits: check that cpu: (%s) "
					  "gives the guest no more than that.",
					  o->phys_bits_limit, v);
		value = strdupf("%s,guest-phys-bits=%u", v, o->phys_bits_limit);
	} else
		value = strdupf("host,guest-phys-bits=%u", o->phys_bits_limit);
	if (!value)
		return -ENOMEM;
	note = igp_vm_phys_bits_note(o, "cpu: guest-phys-bits");
	if (!note || strv_consume(&c->plan.notes, TAKE_PTR(note)) < 0)
		return -ENOMEM;
	return set_key(&c->l, "cpu", value);
}

/* The notes on the vGPU Proxmox VE creates for mdev=. */
static int conf_mdev_notes(struct conf_edit *c)
{
	const struct igp_pve_request *rq = c->rq;
	int r;

	if (!rq->mdev_type)
		return 0;
	/* PVE::SysFSTools::generate_mdev_uuid(): index, then VMID. */
	r = strv_pushf(&c->plan.notes,
		       "Proxmox VE creates the vGPU (type %s, UUID %08d-0000-0000-0000-%012lu) when "
		       "the VM starts and removes it when it stops.",
		       rq->mdev_type, c->index, rq->vmid);
	if (r >= 0 && rq->dev->kind == IGP_VM_MDEV)
		r = strv_pushf(&c->plan.notes,
			       "The active vGPU %s is not used by Proxmox VE: remove it (igpuctl vgpu "
			       "remove %s) if it was made for this VM, to free its share of the GPU.",
			       rq->dev->uuid, rq->dev->uuid);
	return r;
}

/* A note for each key the [PENDING] section changes too. */
static int conf_pending_notes(struct conf_edit *c)
{
	static const char *const watched[] = {"machine", "vga", "bios"};
	ssize_t pend = pending_start(&c->l); /* after the edits, which moved it */
	int r;

	if (pend < 0)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(watched); i++) {
		ssize_t at = find_key(&c->l, (size_t)pend, section_end(&c->l, (size_t)pend), watched[i]);
		if (at < 0)
			continue;
		r = strv_pushf(&c->plan.notes,
			       "[PENDING] also changes %s (%s): the pending value applies at the "
			       "next start.",
			       watched[i], c->l.v[at]);
		if (r < 0)
			return r;
	}
	return 0;
}

int igp_pve_conf_plan(const char *old_text, const struct igp_pve_request *rq, struct igp_pve_plan *ret,
		      char **ret_why)
{
	static int (*const steps[])(struct conf_edit *) = {
	    conf_machine,	/* refuse a lock; the machine and firmware */
	    conf_pcie,		/* what the machine refuses; pcie= */
	    conf_slot,		/* refuse the device twice; the free hostpciN */
	    conf_set_lines,	/* machine:, vga:, hostpciN: */
	    conf_igd_args,	/* args: -set for the x-igd-* properties */
	    conf_device_notes,	/* the notes, */
	    conf_romfile,	/* the ROM file, */
	    conf_phys_bits,	/* the address width, */
	    conf_mdev_notes,	/* for a vGPU, */
	    conf_pending_notes, /* and for [PENDING] */
	};
	struct conf_edit c = {.rq = rq, .o = *rq->opts, .ret_why = ret_why};
	int r;

	r = lines_split(old_text, &c.l);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(steps); i++)
		r = steps[i](&c);
	if (r >= 0 && !(c.plan.new_text = lines_join(&c.l)))
		r = -ENOMEM;
	if (r >= 0) {
		*ret = TAKE_STRUCT(c.plan);
		r = 0;
	}
	igp_pve_plan_done(&c.plan);
	lines_done(&c.l);
	return r;
}

/* ---- /etc/pve/mapping/pci.cfg ---- */

/* One "key=value" of a map entry as w wants it; "" for a key w leaves out. */
static char *map_part(const char *key, const struct igp_pve_map_want *w)
{
	/* Lowercase hex: assert_valid() compares the strings as they are, and
	 * reads the host's IDs from sysfs, which prints them in lowercase. */
	if (streq(key, "id"))
		return strdupf("id=%04x:%04x", w->vendor, w->device);
	if (streq(key, "iommugroup"))
		return w->iommu_group >= 0 ? strdupf("iommugroup=%d", w->iommu_group) : strdup("");
	if (streq(key, "subsystem-id"))
		return strdupf("subsystem-id=%04x:%04x", w->subsys_vendor, w->subsys_device);
	return NULL;
}

char *igp_pve_map_value(const char *value, const struct igp_pve_map_want *w)
{
	static const char *const checked[] = {"id", "iommugroup", "subsystem-id"};
	_cleanup_strbuf_ struct strbuf b = {};
	bool seen[ELEMENTSOF(checked)] = {};

	if (!value) {
		strbuf_printf(&b, "node=%s,path=%s", w->node, w->path);
		value = "";
	}
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ","), k;
		_cleanup_free_ char *part = NULL;

		for (k = 0; k < ELEMENTSOF(checked); k++)
			if (strlen(checked[k]) < len && strncmp(p, checked[k], strlen(checked[k])) == 0 &&
			    p[strlen(checked[k])] == '=')
				break;
		if (k < ELEMENTSOF(checked)) {
			part = seen[k] ? strdup("") : map_part(checked[k], w);
			seen[k] = true;
		} else
			part = strndup(p, len);
		if (!part)
			return NULL;
		if (*part)
			strbuf_word(&b, ",", part);
		p += len;
		if (*p)
			p++;
	}
	for (size_t k = 0; k < ELEMENTSOF(checked); k++) {
		_cleanup_free_ char *part = seen[k] ? strdup("") : map_part(checked[k], w);
		if (!part)
			return NULL;
		if (*part)
			strbuf_word(&b, ",", part);
	}
	return strbuf_steal(&b);
}

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

/* What igp_pve_mapping_plan()'s steps share: pci.cfg as lines, edited in place. */
struct mapping_edit {
	struct lines l;
	const char *name, *node;
	struct igp_pve_map_want want; /* this node's entry for the device */
	struct igp_pci_addr addr;     /* the device as the entry names it */
	bool slot;		      /* ... the whole device */
	bool mdev;		      /* "mdev 1": the device offers vGPUs */
	bool changed;
	char **ret_why;
};

/* Does one path= of an entry (';' separates alternatives) name the device? */
static bool map_path_names(const struct mapping_edit *m, const char *paths)
{
	_cleanup_strv_free_ char **v = NULL;

	if (strv_split(paths, ";", &v) < 0)
		return false;
	for (size_t i = 0; v[i]; i++) {
		struct igp_pci_addr a;
		bool slot;
		if (igp_pve_pci_id_parse(v[i], &a, &slot) < 0)
			continue;
		/* A whole device and one of its functions name the same device. */
		if (a.domain == m->addr.domain && igp_pci_addr_same_slot(&a, &m->addr) &&
		    (slot || m->slot || a.func == m->addr.func))
			return true;
	}
	return false;
}

/* A new section at the end of the file, after a blank line. */
static int mapping_add_section(struct mapping_edit *m)
{
	struct lines *l = &m->l;
	char *value = igp_pve_map_value(NULL, &m->want);
	int r = 0;

	if (!value)
		return -ENOMEM;
	if (l->n > 0 && *l->v[l->n - 1])
		r = lines_insert(l, l->n, strdup(""));
	if (r >= 0)
		r = lines_insert(l, l->n, strdup(m->name));
	if (r >= 0)
		r = lines_insert(l, l->n, strdupf("\tmap %s", value));
	if (r >= 0 && m->mdev)
		r = lines_insert(l, l->n, strdup("\tmdev 1"));
	free(value);
	if (r < 0)
		return r;
	l->trailing_nl = true;
	m->changed = true;
	return 0;
}

/* The line after the last property of the section that starts at sec. */
static size_t mapping_section_end(const struct lines *l, size_t sec)
{
	size_t end = sec + 1;

	/* SectionConfig skips comment lines inside a section: only a blank
	 * line (or the next ID) ends it. */
	while (end < l->n && *l->v[end] && (isspace((unsigned char)*l->v[end]) || *l->v[end] == '#'))
		end++;
	return end;
}

/* Correct this node's entry at line i, which names the device: its id=,
 * iommugroup= and subsystem-id= as the host has them now. */
static int mapping_fix_entry(struct mapping_edit *m, size_t i, const char *value)
{
	_cleanup_free_ char *fixed = igp_pve_map_value(value, &m->want);
	size_t indent = strspn(m->l.v[i], " \t");

	if (!fixed)
		return -ENOMEM;
	if (streq(fixed, value))
		return 0;
	m->changed = true;
	return lines_replace(&m->l, i, strdupf("%.*smap %s", (int)indent, m->l.v[i], fixed));
}

/* Read the section's map lines: refuse this node mapped to another device
 * only, correct its entries for this one; *ret_mapped when there is one. */
static int mapping_scan(struct mapping_edit *m, size_t sec, size_t end, size_t *ret_last_map,
			bool *ret_mapped)
{
	_cleanup_free_ char *other = NULL;
	int r;

	*ret_last_map = SIZE_MAX;
	*ret_mapped = false;
	for (size_t i = sec + 1; i < end; i++) {
		_cleanup_free_ char *map_node = NULL, *map_path = NULL, *value = NULL;
		const char *v = igp_pve_cfg_prop(m->l.v[i], "map");
		if (!v)
			continue;
		*ret_last_map = i;
		if (!(value = strdup(v)))
			return -ENOMEM;
		strstrip_trailing(value);
		if (igp_pve_prop_get(value, "node", NULL, &map_node) < 0 || !streq(map_node, m->node))
			continue;
		if (igp_pve_prop_get(value, "path", NULL, &map_path) >= 0 && map_path_names(m, map_path)) {
			*ret_mapped = true;
			if ((r = mapping_fix_entry(m, i, value)) < 0)
				return r;
		} else if (!other)
			other = map_path ? TAKE_PTR(map_path) : strdup("another device");
	}
	if (other && !*ret_mapped)
		return igp_refuse(m->ret_why, -EEXIST,
				  "mapping %s already maps node %s to %s: pick another name", m->name,
				  m->node, other);
	return 0;
}

/* The section's "mdev" as the device needs it: the last mdev line set,
 * or "mdev 1" added after the last property. */
static int mapping_set_mdev(struct mapping_edit *m, size_t sec, size_t last_prop)
{
	struct lines *l = &m->l;
	ssize_t at = -1;
	int have = 0;

	for (size_t i = sec + 1; i <= last_prop; i++) {
		_cleanup_free_ char *v = NULL;
		const char *p = igp_pve_cfg_prop(l->v[i], "mdev");
		if (!p)
			continue;
		if (!(v = strdup(p)))
			return -ENOMEM;
		at = (ssize_t)i;
		have = igp_pve_boolean(strstrip_trailing(v)) == 1;
	}
	/* assert_valid() reads a missing or unparsable mdev as 0. */
	if (have == m->mdev)
		return 0;
	m->changed = true;
	if (at >= 0)
		return lines_replace(l, (size_t)at, strdupf("\tmdev %d", m->mdev));
	return lines_insert(l, last_prop + 1, strdup("\tmdev 1"));
}

/* Extend or correct the section at sec: this node's map entry, "mdev". */
static int mapping_extend(struct mapping_edit *m, size_t sec)
{
	size_t last_prop = mapping_section_end(&m->l, sec) - 1, last_map;
	bool mapped;
	int r;

	r = mapping_scan(m, sec, last_prop + 1, &last_map, &mapped);
	if (r < 0)
		return r;
	if (!mapped) {
		_cleanup_free_ char *value = igp_pve_map_value(NULL, &m->want);
		size_t at = last_map != SIZE_MAX ? last_map + 1 : last_prop + 1;
		if (!value)
			return -ENOMEM;
		if ((r = lines_insert(&m->l, at, strdupf("\tmap %s", value))) < 0)
			return r;
		last_prop++;
		m->changed = true;
	}
	return mapping_set_mdev(m, sec, last_prop);
}

int igp_pve_mapping_plan(const char *old_text, const char *name, const char *node,
			 const struct igp_vm_device *d, bool offers_mdev, char **ret_new_text, char **ret_why)
{
	const struct igp_vm_func *f = &d->funcs[0];
	_cleanup_free_ char *path = NULL;
	struct mapping_edit m = {.name = name, .node = node, .mdev = offers_mdev, .ret_why = ret_why};
	ssize_t sec;
	int r;

	/* "If the function is omitted, the whole device is mapped. In that
	 * case use the attributes of the first device." (PVE::Mapping::PCI) */
	m.slot = d->n_funcs > 1;
	path = m.slot ? slot_form(f) : strdup(f->address);
	if (!path)
		return -ENOMEM;
	m.addr = f->addr;
	m.want = (struct igp_pve_map_want){.node = node,
					   .path = path,
					   .vendor = f->vendor,
					   .device = f->device,
					   .subsys_vendor = f->subsys_vendor,
					   .subsys_device = f->subsys_device,
					   .iommu_group = f->iommu_group};

	r = lines_split(old_text ? old_text : "", &m.l);
	if (r >= 0) {
		sec = mapping_section(&m.l, name);
		r = sec < 0 ? mapping_add_section(&m) : mapping_extend(&m, (size_t)sec);
	}
	if (r >= 0) {
		*ret_new_text = m.changed ? lines_join(&m.l) : NULL;
		r = m.changed && !*ret_new_text ? -ENOMEM : 0;
	}
	lines_done(&m.l);
	return r;
}

/* The lines of NEW that OLD does not have (each line of OLD pairs with one). */
static int added_lines(const char *old, const char *new, char ***ret)
{
	_cleanup_strv_free_ char **o = NULL, **n = NULL, **added = NULL;
	_cleanup_free_ bool *used = NULL;
	int r;

	r = strv_split(old ? old : "", "\n", &o);
	if (r >= 0)
		r = strv_split(new ? new : "", "\n", &n);
	if (r >= 0 && !(used = calloc(strv_length(o) + 1, sizeof(bool))))
		r = -ENOMEM;
	for (size_t i = 0; r >= 0 && n[i]; i++) {
		size_t k = 0;
		while (o[k] && (used[k] || !streq(o[k], n[i])))
			k++;
		if (o[k])
			used[k] = true;
		else
			r = strv_push(&added, n[i]);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(added);
	return 0;
}

/*
 * A Proxmox file edit, undone by a byte-exact restore only (IGP_UNDO_NONE);
 * the lines igpuctl added are kept for revert's message.  Taking them out
 * of a file changed since (IGP_UNDO_LINES) is not safe here: qm snapshot
 * copies the configuration, hostpciN line and all, into a [snapshot]
 * section after it, and the line undo takes the *last* equal line, the
 * snapshot's, leaving the VM's own; a replaced machine: or vga: line would
 * not come back either; and pci.cfg's "mdev 1" lines are not unique.  So
 * revert leaves a changed file to the user and names the lines to remove
 * (qm set VMID --delete hostpciN).  New files get pmxcfs's mode, 0640.
 */
int igp_pve_plan_file(struct igp_plan *p, const char *path, const char *old, const char *new, const char *why)
{
	struct igp_undo u = {.kind = IGP_UNDO_NONE};
	char *b = old ? strdup(old) : NULL, *a = new ? strdup(new) : NULL;
	int r = added_lines(old, new, &u.lines);

	if (r >= 0 && ((old && !b) || (new && !a)))
		r = -ENOMEM;
	if (r < 0) {
		free(b);
		free(a);
		igp_undo_done(&u);
		return r;
	}
	return igp_plan_add_file(p, path, b, a, 0640, &u, 0, why);
}
