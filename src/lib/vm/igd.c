/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "base/util.h"
#include "model/platform.h"
#include "model/qemucaps.h"
#include "vm/igd.h"

double igp_igd_gen(const struct igp_vm_device *d)
{
	const struct igp_platform *p;

	if (!d->n_funcs || d->funcs[0].vendor != 0x8086)
		return 0;
	p = igp_platform_lookup(d->funcs[0].device);
	return p && p->gen ? strtod(p->gen, NULL) : 0;
}

/* Notes are optional: a renderer asks only for the properties. */
static int note(char ***notes, char *s)
{
	if (!notes) {
		free(s);
		return 0;
	}
	return strv_consume(notes, s);
}

static void add(struct igp_igd_plan *p, const char *name, const char *type, const char *value)
{
	if (p->n_props < IGP_IGD_MAX_PROPS)
		p->props[p->n_props++] = (struct igp_igd_prop){name, type, value};
}

/* Has the QEMU PROP on vfio-pci?  Unknown counts as yes: without a probe
 * or a version, the output is what it was before QEMU was asked. */
static bool has(const struct igp_vm_options *o, const char *prop)
{
	return igp_qemu_has_prop(o->qemu, IGP_QEMU_VFIO_PCI, prop) != 0;
}

static bool before(const struct igp_vm_options *o, const char *v)
{
	return igp_qemu_at_least(o->qemu, v) == 0;
}

static const char *gen_str(double gen, char *buf, size_t size)
{
	snprintf(buf, size, "%g", gen);
	return buf;
}

/* x-igd-opregion=on where the QEMU has it and it is not on already. */
static int opregion(const struct igp_vm_options *o, const char *qn, struct igp_igd_plan *ret, char ***notes)
{
	const char *def = igp_qemu_prop_default(o->qemu, IGP_QEMU_VFIO_PCI, "x-igd-opregion");

	if (!has(o, "x-igd-opregion"))
		return note(notes, strdupf("%s has no x-igd-opregion: the guest gets no OpRegion, so "
					   "its driver finds no outputs.",
					   qn));
	if (def && (streq(def, "true") || streq(def, "on")))
		return note(notes, strdupf("%s turns x-igd-opregion on by itself.", qn));
	add(ret, "x-igd-opregion", "bool", "on");
	if (!o->qemu || !o->qemu->version)
		return note(
		    notes, strdup("No QEMU was found to ask (no qemu-system-x86_64 and no package): "
				  "x-igd-opregion=on is set as QEMU before 10.1 needs it; --qemu PATH checks "
				  "the properties against the binary that runs the VM."));
	return note(notes, strdupf("%s: x-igd-opregion=on gives the guest the host's OpRegion (QEMU turns it "
				   "on by itself only from 10.1 on).",
				   qn));
}

/* The generation limits of QEMU's IGD quirks (UPT and legacy alike). */
static int gen_limits(const struct igp_qemu_caps *q, double gen, const char *qn, char **ret_why)
{
	char g[16];

	if (gen >= 11 && igp_qemu_at_least(q, "9.2") == 0)
		return igp_refuse(
		    ret_why, -ENOTSUP,
		    "Gen %s iGPUs need QEMU 9.2 or newer: %s takes them for Gen 8 and the guest "
		    "driver fails (hw/vfio/igd.c)",
		    gen_str(gen, g, sizeof(g)), qn);
	if (gen >= 12.5 && igp_qemu_at_least(q, "10.1") == 0)
		return igp_refuse(
		    ret_why, -ENOTSUP,
		    "Gen %s iGPUs need QEMU 10.1 or newer, the first without a generation limit for "
		    "UPT: %s does not know this generation",
		    gen_str(gen, g, sizeof(g)), qn);
	return 0;
}

int igp_igd_qemu_supports(const struct igp_qemu_caps *q, const struct igp_platform *p, char **ret_why)
{
	_cleanup_free_ char *qn = NULL;

	if (!p || !p->gen || !q || !q->version)
		return 0;
	qn = igp_qemu_caps_name(q);
	if (!qn)
		return -ENOMEM;
	return gen_limits(q, strtod(p->gen, NULL), qn, ret_why);
}

/*
 * Before 9.2, QEMU's legacy mode gives the guest no stolen memory unless
 * x-igd-gms asks for some: it clears GMS in the emulated GGC and takes
 * x-igd-gms (1 to 0x10, times 32 MiB) instead (hw/vfio/pci-quirks.c,
 * later igd.c, vfio_probe_igd_bar4_quirk(); 9.2 passes the host's GMS on).
 * Ask for what the host firmware set aside, up to the 512 MiB QEMU takes.
 */
#define QEMU_GMS_UNIT_MIB 32
#define QEMU_GMS_MAX 0x10

static int legacy_gms(int stolen_mib, const char *qn, struct igp_igd_plan *ret, char ***notes)
{
	int n;

	if (stolen_mib <= 0)
		return note(notes, strdupf("%s gives the guest no stolen memory in legacy mode unless "
					   "x-igd-gms is set: add x-igd-gms=N (N times 32 MiB, as the "
					   "host firmware's DVMT pre-allocation) if the guest driver "
					   "fails.",
					   qn));
	n = (stolen_mib + QEMU_GMS_UNIT_MIB - 1) / QEMU_GMS_UNIT_MIB;
	if (n > QEMU_GMS_MAX)
		n = QEMU_GMS_MAX;
	snprintf(ret->gms, sizeof(ret->gms), "%d", n);
	add(ret, "x-igd-gms", "unsigned", ret->gms);
	return note(notes, strdupf("%s gives the guest no stolen memory in legacy mode unless asked: "
				   "x-igd-gms=%d gives it %d MiB, as the host firmware sets aside %d MiB "
				   "(GGC).",
				   qn, n, n * QEMU_GMS_UNIT_MIB, stolen_mib));
}

/* Legacy mode with a BIOS (SeaBIOS) guest: the iGPU's VBIOS drives VGA. */
static int legacy_bios(const struct igp_vm_options *o, double gen, int stolen_mib, const char *qn,
		       struct igp_igd_plan *ret, char ***notes, char **ret_why)
{
	char g[16];

	if (gen > 9.5)
		return igp_refuse(
		    ret_why, -ENOTSUP,
		    "IGD legacy mode needs a Gen 6 to 9 iGPU (Sandy Bridge to Comet Lake): Intel "
		    "ships no legacy VBIOS for Gen %s%s; use UPT (leave out --legacy-igd), or an OVMF "
		    "guest with an EFI option ROM",
		    gen_str(gen, g, sizeof(g)),
		    igp_qemu_at_least(o->qemu, "10.1") == 1 ? ", and QEMU 10.1 refuses it" : "");
	if (!o->qemu)
		return 0;
	if (igp_qemu_has_prop(o->qemu, IGP_QEMU_VFIO_PCI, "x-igd-legacy-mode") == 1) {
		add(ret, "x-igd-legacy-mode", "string", "on");
		return note(notes, strdupf("%s: x-igd-legacy-mode=on makes QEMU check the legacy-mode "
					   "conditions when it starts instead of falling back to UPT.",
					   qn));
	}
	if (before(o, "9.2") && has(o, "x-igd-gms"))
		return legacy_gms(stolen_mib, qn, ret, notes);
	return 0;
}

/* The iGPU as the primary display of an OVMF guest at 00:02.0 on i440fx:
 * its EFI option ROM (GOP) needs the OpRegion and the LPC bridge's IDs
 * (docs/igd-assign.txt, conditions #1 to #4), not the VGA ranges. */
static int legacy_uefi(const struct igp_vm_options *o, double gen, const char *qn, struct igp_igd_plan *ret,
		       char ***notes, char **ret_why)
{
	char g[16];
	int r;

	if (igp_qemu_has_prop(o->qemu, IGP_QEMU_VFIO_PCI, "x-igd-lpc") == 1) {
		if (gen > 9.5 && igp_qemu_has_prop(o->qemu, IGP_QEMU_VFIO_PCI, "x-igd-legacy-mode") == 1)
			add(ret, "x-igd-legacy-mode", "string", "off");
		add(ret, "x-igd-lpc", "bool", "on");
		r = opregion(o, qn, ret, notes);
		if (r < 0)
			return r;
		return note(notes, strdupf("%s: the OVMF guest's option ROM needs the OpRegion and "
					   "the host's LPC bridge IDs (x-igd-lpc), which only i440fx "
					   "can take.",
					   qn));
	}
	if (gen > 9.5 && o->qemu && o->qemu->version)
		return igp_refuse(
		    ret_why, -ENOTSUP,
		    "The iGPU as an OVMF guest's primary display at 00:02.0 needs QEMU 10.0 or newer "
		    "(x-igd-lpc) for Gen %s: %s has only the legacy mode of Gen 6 to 9",
		    gen_str(gen, g, sizeof(g)), qn);
	return 0;
}

static int plan_pci(const struct igp_vm_device *d, const struct igp_vm_options *o, const char *qn,
		    struct igp_igd_plan *ret, char ***notes, char **ret_why)
{
	double gen = igp_igd_gen(d);
	char g[16];
	int r;

	r = gen_limits(o->qemu, gen, qn, ret_why);
	if (r < 0)
		return r;
	if (o->igd_mode == IGP_IGD_LEGACY) {
		if (o->qemu && igp_qemu_has_machine(o->qemu, "pc") == 0)
			return igp_refuse(ret_why, -ENOTSUP,
					  "IGD legacy mode needs the i440fx machine (pc), which %s lacks",
					  qn);
		return o->uefi ? legacy_uefi(o, gen, qn, ret, notes, ret_why)
			       : legacy_bios(o, gen, d->n_funcs ? d->funcs[0].stolen_mib : 0, qn, ret, notes,
					     ret_why);
	}
	r = opregion(o, qn, ret, notes);
	if (r >= 0 && gen >= 12.5)
		r = note(notes,
			 strdupf("Gen %s: QEMU has no stolen-memory (BDSM) quirk for Gen 12.5 and newer; the "
				 "guest gets the OpRegion only, which Linux's i915 and xe accept; a driver "
				 "that needs the stolen memory fails.",
				 gen_str(gen, g, sizeof(g))));
	return r;
}

static int plan_mdev(const struct igp_vm_options *o, const char *qn, struct igp_igd_plan *ret, char ***notes,
		     char **ret_why)
{
	if (!igp_vm_display_on(o->display))
		return 0;
	if (igp_qemu_has_prop(o->qemu, IGP_QEMU_VFIO_PCI, "display") == 0)
		return igp_refuse(ret_why, -ENOTSUP,
				  "the vGPU's display (display=on) needs QEMU 2.12 or newer: %s lacks it",
				  qn);
	if (o->display == IGP_DISPLAY_RAMFB &&
	    igp_qemu_has_prop(o->qemu, IGP_QEMU_VFIO_PCI_NOHOTPLUG, "ramfb") == 0)
		return igp_refuse(ret_why, -ENOTSUP,
				  "--display ramfb needs vfio-pci-nohotplug's ramfb, which %s lacks", qn);
	/* The DMA-BUF display needs the OpRegion for the guest driver to
	 * light up its virtual output. */
	return opregion(o, qn, ret, notes);
}

int igp_igd_plan(const struct igp_vm_device *d, const struct igp_vm_options *o, struct igp_igd_plan *ret,
		 char ***notes, char **ret_why)
{
	_cleanup_free_ char *qn = NULL;

	*ret = (struct igp_igd_plan){0};
	if (d->kind == IGP_VM_PCI && !d->igd)
		return 0;
	qn = o->qemu && o->qemu->version ? igp_qemu_caps_name(o->qemu) : strdup("this QEMU");
	if (!qn)
		return -ENOMEM;
	if (d->kind == IGP_VM_MDEV)
		return plan_mdev(o, qn, ret, notes, ret_why);
	return plan_pci(d, o, qn, ret, notes, ret_why);
}
