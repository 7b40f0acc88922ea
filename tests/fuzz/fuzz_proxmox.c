/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Proxmox VE VM configurations, /etc/pve/qemu-server/VMID.conf
 * (igp_pve_conf_plan()), read as a C string as igpuctl reads them.  For
 * each request `igpuctl vm proxmox` can make:
 *   - a refusal is one of the documented ones, with its reason;
 *   - an edit adds exactly the planned "hostpciN: value" line to the
 *     current configuration, keeps every other line of it in order (only
 *     machine: and vga: may be replaced, and args: may grow by x-igd-*
 *     options), and leaves the snapshot and
 *     [PENDING] sections byte for byte;
 *   - planning the same device again on the result refuses it as attached
 *     already (-EEXIST); a vGPU may take another slot instead.
 */
#include "../lib/vm-devices.h"
#include "fuzz.h"
#include "base/util.h"
#include "vm/proxmox.h"
#include "vm/pveconf.h"

struct req {
	const char *name;
	const struct igp_vm_device *dev;
	struct igp_vm_options opts;
	const char *mapping, *mdev_type;
	int pcie;
};

static const struct req reqs[] = {
    {"igd-upt", &vmdev_igd, IGP_VM_OPTIONS_INIT, NULL, NULL, -1},
    {"igd-legacy",
     &vmdev_igd,
     {.machine = IGP_MACHINE_I440FX,
      .igd_mode = IGP_IGD_LEGACY,
      .x_vga = -1,
      .rombar = -1,
      .romfile = "igd.rom"},
     NULL,
     NULL,
     -1},
    {"dgpu-q35-xvga",
     &vmdev_dgpu,
     {.machine = IGP_MACHINE_Q35, .x_vga = 1, .rombar = -1, .romfile = "vbios.rom", .uefi = true},
     NULL,
     NULL,
     -1},
    {"dgpu-mapping", &vmdev_dgpu, IGP_VM_OPTIONS_INIT, "gpu1", NULL, -1},
    {"igd-vgpu", &vmdev_igd, IGP_VM_OPTIONS_INIT, NULL, "i915-GVTg_V5_4", -1},
    {"vf-pcie-nodisplay",
     &vmdev_vf,
     {.display = IGP_DISPLAY_NONE, .machine = IGP_MACHINE_Q35, .x_vga = -1, .rombar = 0},
     NULL,
     NULL,
     1},
};

struct lines {
	char **v;
	size_t n, top; /* top: the first section line ("[snap]", "[PENDING]") */
};

static void split(const char *text, struct lines *ret)
{
	/* Not strv_split(): empty lines are lines too. */
	*ret = (struct lines){0};
	ret->v = calloc(1, sizeof(char *));
	FZ_OOM(ret->v);
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		FZ_OOM(strv_consume(&ret->v, strndup(p, n)) == 0);
		p += n + (p[n] == '\n');
	}
	ret->n = strv_length(ret->v);
	/* The current configuration ends at the first section header, as
	 * qemu-server reads one (pveconf.h). */
	for (ret->top = 0; ret->top < ret->n && !igp_pve_line_section(ret->v[ret->top], NULL, 0); ret->top++)
		;
}

/* "machine: q35" has the key "machine" (qemu-server's line grammar, pveconf.h). */
static bool has_key(const char *line, const char *key)
{
	char k[64];
	return igp_pve_line_kv(line, false, k, sizeof(k)) && streq(k, key);
}

/* LINE of the old configuration is NOW of the new one: the same, or for
 * "args:" the same words followed by "-set device.hostpciN.x-igd-NAME=VALUE"
 * options (proxmox.c, conf_igd_args()). */
static bool kept(const char *line, const char *now)
{
	char k[64], k2[64];
	const char *was, *v;

	if (streq(line, now))
		return true;
	if (!has_key(line, "args") || !has_key(now, "args"))
		return false;
	was = igp_pve_line_kv(line, false, k, sizeof(k));
	v = igp_pve_line_kv(now, false, k2, sizeof(k2));
	if (!startswith(v, was) || (*was && v[strlen(was)] != ' '))
		return false;
	for (const char *p = v + strlen(was); *p;) {
		size_t n;
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n && !(n == 4 && startswith(p, "-set")) &&
		    !(startswith(p, "device.hostpci") && memmem(p, n, ".x-igd-", 7)))
			return false;
		p += n;
	}
	return true;
}

static void check_edit(const struct req *q, const char *old, const struct igp_pve_plan *p)
{
	struct lines a, b;
	_cleanup_free_ char *want = NULL;
	size_t j = 0, hits = 0;
	int idx = -1;

	FZ_ASSERT(p->key && p->value && p->new_text, "%s: incomplete plan", q->name);
	FZ_ASSERT(sscanf(p->key, "hostpci%d", &idx) == 1 && idx >= 0 && idx < IGP_PVE_MAX_HOSTPCI, "key %s",
		  p->key);
	FZ_ASSERT(*p->value && !strpbrk(p->value, "\n\r"), "value [%s]", p->value);
	split(old, &a);
	split(p->new_text, &b);
	/* Sections: byte for byte. */
	FZ_ASSERT(a.n - a.top == b.n - b.top, "%s: sections lost or gained lines", q->name);
	for (size_t i = 0; i < a.n - a.top; i++)
		FZ_ASSERT(streq(a.v[a.top + i], b.v[b.top + i]), "%s: section line [%s] became [%s]", q->name,
			  a.v[a.top + i], b.v[b.top + i]);
	/* The current configuration: the new line once, the others in order. */
	FZ_OOM(want = strdupf("%s: %s", p->key, p->value));
	for (size_t i = 0; i < b.top; i++)
		hits += streq(b.v[i], want);
	FZ_ASSERT(hits == 1, "%s: \"%s\" is there %zu times in \"%s\"", q->name, want, hits, p->new_text);
	for (size_t i = 0; i < a.top; i++) {
		if (has_key(a.v[i], "machine") || has_key(a.v[i], "vga"))
			continue;
		while (j < b.top && !kept(a.v[i], b.v[j]))
			j++;
		FZ_ASSERT(j < b.top, "%s: line [%s] lost: \"%s\" -> \"%s\"", q->name, a.v[i], old,
			  p->new_text);
		j++;
	}
	/* The end of the file keeps its newline, or its lack of one. */
	if (*old && b.top == b.n)
		FZ_ASSERT((old[strlen(old) - 1] == '\n') == (p->new_text[strlen(p->new_text) - 1] == '\n'),
			  "%s: final newline changed", q->name);
	strv_free(a.v);
	strv_free(b.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	struct lines l;
	bool locked = false;

	split(text, &l);
	for (size_t i = 0; i < l.top; i++)
		locked |= has_key(l.v[i], "lock");
	strv_free(l.v);

	for (size_t k = 0; k < ELEMENTSOF(reqs); k++) {
		const struct req *q = &reqs[k];
		struct igp_pve_request rq = {.dev = q->dev,
					     .opts = &q->opts,
					     .mapping = q->mapping,
					     .mdev_type = q->mdev_type,
					     .pcie = q->pcie,
					     .vmid = 100};
		struct igp_pve_plan p = {0}, p2 = {0};
		_cleanup_free_ char *why = NULL, *why2 = NULL;
		int r;

		r = igp_pve_conf_plan(text, &rq, &p, &why);
		if (r < 0) {
			FZ_ASSERT(r == -EEXIST || r == -ENOSPC || r == -EBUSY || r == -EINVAL, "%s: %d",
				  q->name, r);
			FZ_ASSERT(why && *why, "%s: refused (%d) without a reason", q->name, r);
			FZ_ASSERT(locked == (r == -EBUSY), "%s: locked %d, refused with %d", q->name, locked,
				  r);
			continue;
		}
		FZ_ASSERT(!locked, "%s: a locked VM was edited", q->name);
		check_edit(q, text, &p);

		/* Again on the result. */
		r = igp_pve_conf_plan(p.new_text, &rq, &p2, &why2);
		if (q->mdev_type)
			FZ_ASSERT((r == 0 && !streq(p2.key, p.key)) || r == -ENOSPC, "%s: again: %d", q->name,
				  r);
		else
			FZ_ASSERT(r == -EEXIST, "%s: planned twice (%d): \"%s\"", q->name, r, p.new_text);
		igp_pve_plan_done(&p);
		igp_pve_plan_done(&p2);
	}
	return 0;
}
