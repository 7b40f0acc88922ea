/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "config.h"
#include "vm/igd.h"
#include "vm/libvirt_module.h"
#include "base/util.h"

#if HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#endif

#define X(s) ((const xmlChar *)(s))

int igp_libvirt_parse(const char *xml, xmlDocPtr *ret)
{
	xmlDocPtr doc;

	doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
			    XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	*ret = doc;
	return 0;
}

void igp_libvirt_doc_free(xmlDocPtr doc)
{
	if (doc)
		xmlFreeDoc(doc);
}

int igp_libvirt_format(xmlDocPtr doc, char **ret)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr ctx;
	char *s;

	if (!buf)
		return -ENOMEM;
	ctx = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	if (!ctx) {
		xmlBufferFree(buf);
		return -ENOMEM;
	}
	if (xmlSaveDoc(ctx, doc) < 0) {
		xmlSaveClose(ctx);
		xmlBufferFree(buf);
		return -EIO;
	}
	xmlSaveClose(ctx);
	s = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !n->ns && xmlStrEqual(n->name, X(name));
}

static bool is_qemu_elem(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	       xmlStrEqual(n->ns->href, X(IGP_LIBVIRT_QEMU_NS)) && xmlStrEqual(n->name, X(name));
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

static bool attr_eq(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = xmlGetProp(n, X(name));
	bool eq = v && xmlStrEqual(v, X(value));
	xmlFree(v);
	return eq;
}

static long attr_num(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, X(name));
	long r = -1;
	char *end;

	if (v) {
		/* libvirt writes "0x02" but accepts decimal too. */
		errno = 0;
		r = strtol((const char *)v, &end, 0);
		if (errno || *end)
			r = -1;
	}
	xmlFree(v);
	return r;
}

static int setpropf(xmlNodePtr n, const char *name, const char *fmt, ...) _printf_(3, 4);
static int setpropf(xmlNodePtr n, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v = NULL;
	int r;

	va_start(ap, fmt);
	v = strdupvf(fmt, ap);
	va_end(ap);
	if (!v)
		return -ENOMEM;
	r = xmlSetProp(n, X(name), X(v)) ? 0 : -ENOMEM;
	free(v);
	return r;
}

static xmlNodePtr new_elem(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, X(name), NULL);
}

/* Is this <hostdev> one of the device's functions (or its mdev)? */
static bool hostdev_matches(xmlNodePtr h, const struct igp_vm_device *d, const char **ret_what)
{
	xmlNodePtr src = child(h, "source"), a = src ? child(src, "address") : NULL;

	if (!a)
		return false;
	if (d->kind == IGP_VM_MDEV) {
		if (attr_eq(h, "type", "mdev") && attr_eq(a, "uuid", d->uuid)) {
			*ret_what = d->uuid;
			return true;
		}
		return false;
	}
	if (!attr_eq(h, "type", "pci"))
		return false;
	for (size_t i = 0; i < d->n_funcs; i++) {
		const struct igp_pci_addr *p = &d->funcs[i].addr;
		if (attr_num(a, "domain") == (long)p->domain && attr_num(a, "bus") == p->bus &&
		    attr_num(a, "slot") == p->slot && attr_num(a, "function") == p->func) {
			*ret_what = d->funcs[i].address;
			return true;
		}
	}
	return false;
}

static bool alias_used(xmlNodePtr n, const char *alias)
{
	for (; n; n = n->next) {
		if (is_elem(n, "alias") && attr_eq(n, "name", alias))
			return true;
		if (n->children && alias_used(n->children, alias))
			return true;
	}
	return false;
}

static char *next_alias(xmlDocPtr doc, unsigned *counter)
{
	for (;; (*counter)++) {
		char *a = strdupf("ua-igpuctl%u", *counter);
		if (!a || !alias_used(doc->children, a)) {
			(*counter)++;
			return a;
		}
		free(a);
	}
}

/* Where new devices go: after the last <hostdev>, else after the last
 * <video> (libvirt's own order puts hostdevs there), else at the end. */
static xmlNodePtr insert_point(xmlNodePtr devices)
{
	xmlNodePtr last_hostdev = NULL, last_video = NULL;

	for (xmlNodePtr c = devices->children; c; c = c->next) {
		if (is_elem(c, "hostdev"))
			last_hostdev = c;
		else if (is_elem(c, "video"))
			last_video = c;
	}
	return last_hostdev ? last_hostdev : last_video;
}

static xmlNodePtr place(xmlNodePtr devices, xmlNodePtr *after, xmlNodePtr n)
{
	if (*after)
		xmlAddNextSibling(*after, n);
	else
		xmlAddChild(devices, n);
	*after = n;
	return n;
}

static int build_pci_hostdev(xmlNodePtr h, const struct igp_vm_device *d, size_t i,
			     const struct igp_vm_options *o, const char *alias)
{
	const struct igp_vm_func *f = &d->funcs[i];
	xmlNodePtr src, a, al;
	int r;

	if (!xmlSetProp(h, X("mode"), X("subsystem")) || !xmlSetProp(h, X("type"), X("pci")) ||
	    !xmlSetProp(h, X("managed"), X("yes")))
		return -ENOMEM;
	src = new_elem(h, "source");
	a = src ? new_elem(src, "address") : NULL;
	if (!a)
		return -ENOMEM;
	if ((r = setpropf(a, "domain", "0x%04x", f->addr.domain)) < 0 ||
	    (r = setpropf(a, "bus", "0x%02x", f->addr.bus)) < 0 ||
	    (r = setpropf(a, "slot", "0x%02x", f->addr.slot)) < 0 ||
	    (r = setpropf(a, "function", "0x%x", f->addr.func)) < 0)
		return r;
	if (i == 0) {
		/* The Proxmox guide's "ROM-Bar": on unless asked otherwise. */
		xmlNodePtr rom = new_elem(h, "rom");
		if (!rom || !xmlSetProp(rom, X("bar"), X(o->rombar == 0 ? "off" : "on")))
			return -ENOMEM;
		if (o->romfile && !xmlSetProp(rom, X("file"), X(o->romfile)))
			return -ENOMEM;
	}
	al = new_elem(h, "alias");
	if (!al || !xmlSetProp(al, X("name"), X(alias)))
		return -ENOMEM;
	if (o->igd_mode == IGP_IGD_LEGACY) {
		/* docs/igd-assign.txt: legacy mode needs guest address 00:02.0. */
		xmlNodePtr ga = new_elem(h, "address");
		if (!ga || !xmlSetProp(ga, X("type"), X("pci")) ||
		    !xmlSetProp(ga, X("domain"), X("0x0000")) || !xmlSetProp(ga, X("bus"), X("0x00")) ||
		    !xmlSetProp(ga, X("slot"), X("0x02")) || !xmlSetProp(ga, X("function"), X("0x0")))
			return -ENOMEM;
	}
	return 0;
}

static int build_mdev_hostdev(xmlNodePtr h, const struct igp_vm_device *d, const struct igp_vm_options *o,
			      const char *alias)
{
	bool on = igp_vm_display_on(o->display);
	xmlNodePtr src, a, al;

	/* The GVT-g guide's element; ramfb='on' is libvirt's own switch to the
	 * vfio-pci-nohotplug device with ramfb=on (libvirt >= 5.10). */
	if (!xmlSetProp(h, X("mode"), X("subsystem")) || !xmlSetProp(h, X("type"), X("mdev")) ||
	    !xmlSetProp(h, X("managed"), X("no")) || !xmlSetProp(h, X("model"), X("vfio-pci")) ||
	    !xmlSetProp(h, X("display"), X(on ? "on" : "off")))
		return -ENOMEM;
	if (o->display == IGP_DISPLAY_RAMFB && !xmlSetProp(h, X("ramfb"), X("on")))
		return -ENOMEM;
	src = new_elem(h, "source");
	a = src ? new_elem(src, "address") : NULL;
	if (!a || !xmlSetProp(a, X("uuid"), X(d->uuid)))
		return -ENOMEM;
	al = new_elem(h, "alias");
	if (!al || !xmlSetProp(al, X("name"), X(alias)))
		return -ENOMEM;
	return 0;
}

struct prop {
	const char *name, *type, *value, *cmdline; /* cmdline: "x-igd-opregion=on" */
};

static int add_qemu_props(xmlDocPtr doc, xmlNodePtr root, const char *alias, const struct prop *props,
			  size_t n, bool cmdline)
{
	xmlNsPtr ns = xmlSearchNsByHref(doc, root, X(IGP_LIBVIRT_QEMU_NS));
	xmlNodePtr holder = NULL;

	if (!ns) {
		ns = xmlNewNs(root, X(IGP_LIBVIRT_QEMU_NS), X("qemu"));
		if (!ns)
			return -ENOMEM;
	}
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (is_qemu_elem(c, cmdline ? "commandline" : "override")) {
			holder = c;
			break;
		}
	if (!holder) {
		holder = xmlNewChild(root, ns, X(cmdline ? "commandline" : "override"), NULL);
		if (!holder)
			return -ENOMEM;
	}
	if (cmdline) {
		/* -set reaches a device by its id, which libvirt sets to the alias. */
		for (size_t i = 0; i < n; i++) {
			xmlNodePtr a1 = xmlNewChild(holder, ns, X("arg"), NULL);
			xmlNodePtr a2 = xmlNewChild(holder, ns, X("arg"), NULL);
			if (!a1 || !a2 || !xmlSetProp(a1, X("value"), X("-set")) ||
			    setpropf(a2, "value", "device.%s.%s", alias, props[i].cmdline) < 0)
				return -ENOMEM;
		}
		return 0;
	}
	{
		xmlNodePtr dev = xmlNewChild(holder, ns, X("device"), NULL);
		xmlNodePtr fe = dev ? xmlNewChild(dev, ns, X("frontend"), NULL) : NULL;
		if (!fe || !xmlSetProp(dev, X("alias"), X(alias)))
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			xmlNodePtr p = xmlNewChild(fe, ns, X("property"), NULL);
			if (!p || !xmlSetProp(p, X("name"), X(props[i].name)) ||
			    !xmlSetProp(p, X("type"), X(props[i].type)) ||
			    !xmlSetProp(p, X("value"), X(props[i].value)))
				return -ENOMEM;
		}
	}
	return 0;
}

static bool replaces_display(const struct igp_vm_options *o)
{
	return o->display == IGP_DISPLAY_SPICE_EGL || o->display == IGP_DISPLAY_EGL_HEADLESS ||
	       o->display == IGP_DISPLAY_VNC || o->display == IGP_DISPLAY_NONE ||
	       o->igd_mode == IGP_IGD_LEGACY;
}

static int gl_rendernode(xmlNodePtr g, const struct igp_vm_device *d, bool enable)
{
	_cleanup_free_ char *rn = igp_vm_rendernode(d);
	xmlNodePtr gl = new_elem(g, "gl");

	if (!rn || !gl)
		return -ENOMEM;
	if (enable && !xmlSetProp(gl, X("enable"), X("yes")))
		return -ENOMEM;
	return xmlSetProp(gl, X("rendernode"), X(rn)) ? 0 : -ENOMEM;
}

/* The GVT-g guide's SPICE with Mesa EGL: a local SPICE display (no network
 * listener) that renders with OpenGL on the vGPU's render node. */
static int add_spice_gl(xmlNodePtr devices, xmlNodePtr *after, const struct igp_vm_device *d)
{
	xmlNodePtr g = place(devices, after, xmlNewNode(NULL, X("graphics"))), l;

	if (!g || !xmlSetProp(g, X("type"), X("spice")))
		return -ENOMEM;
	l = new_elem(g, "listen");
	if (!l || !xmlSetProp(l, X("type"), X("none")))
		return -ENOMEM;
	return gl_rendernode(g, d, true);
}

/* The GVT-g guide's "Display vGPU output" elements; they go where the
 * removed <graphics> and <video> were (libvirt sorts devices anyway). */
static int add_display(xmlNodePtr devices, xmlNodePtr *after, const struct igp_vm_device *d,
		       const struct igp_vm_options *o, bool have_server)
{
	xmlNodePtr g, l, v, m;
	int r;

	switch (o->display) {
	case IGP_DISPLAY_SPICE_EGL:
		if ((r = add_spice_gl(devices, after, d)) < 0)
			return r;
		break;
	case IGP_DISPLAY_EGL_HEADLESS:
	case IGP_DISPLAY_VNC:
		/* SPICE's own GL path fails with NVIDIA's EGL (spice-gtk #100):
		 * egl-headless renders, SPICE or VNC only carries the picture. */
		if (!have_server) {
			g = place(devices, after, xmlNewNode(NULL, X("graphics")));
			if (!g ||
			    !xmlSetProp(g, X("type"), X(o->display == IGP_DISPLAY_VNC ? "vnc" : "spice")) ||
			    !xmlSetProp(g, X("autoport"), X("yes")))
				return -ENOMEM;
			l = new_elem(g, "listen");
			if (!l || !xmlSetProp(l, X("type"), X("address")))
				return -ENOMEM;
		}
		g = place(devices, after, xmlNewNode(NULL, X("graphics")));
		if (!g || !xmlSetProp(g, X("type"), X("egl-headless")))
			return -ENOMEM;
		if ((r = gl_rendernode(g, d, false)) < 0)
			return r;
		break;
	default:
		break;
	}
	v = place(devices, after, xmlNewNode(NULL, X("video")));
	m = v ? new_elem(v, "model") : NULL;
	if (!m || !xmlSetProp(m, X("type"), X("none")))
		return -ENOMEM;
	return 0;
}

/* Refuse a domain that has the device (one of its functions) already; tell
 * whether it has a <graphics>. */
static int check_devices(xmlNodePtr devices, const struct igp_vm_device *d, bool *ret_had_graphics,
			 char **ret_why)
{
	*ret_had_graphics = false;
	for (xmlNodePtr c = devices->children; c; c = c->next) {
		const char *what;
		if (is_elem(c, "hostdev") && hostdev_matches(c, d, &what))
			return igp_refuse(ret_why, -EEXIST, "the domain already has %s", what);
		if (is_elem(c, "graphics"))
			*ret_had_graphics = true;
	}
	return 0;
}

/* Take every <graphics> and <video> out: an empty comment marks where the
 * first was (*ret_mark, NULL when there was none), and the first <graphics>
 * of type keep_type is kept, unlinked, in *ret_kept. */
static int remove_displays(xmlNodePtr devices, const char *keep_type, xmlNodePtr *ret_mark,
			   xmlNodePtr *ret_kept)
{
	xmlNodePtr mark = NULL, kept = NULL, c, next;

	for (c = devices->children; c; c = next) {
		next = c->next;
		if (!is_elem(c, "graphics") && !is_elem(c, "video"))
			continue;
		if (!mark) {
			mark = xmlNewComment(X(""));
			if (!mark || !xmlAddPrevSibling(c, mark))
				return -ENOMEM;
		}
		if (keep_type && !kept && is_elem(c, "graphics") && attr_eq(c, "type", keep_type)) {
			kept = c;
			xmlUnlinkNode(c);
			continue;
		}
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	*ret_mark = mark;
	*ret_kept = kept;
	return 0;
}

/* The display elements the options ask for, in place of the domain's own. */
static int replace_display(xmlNodePtr devices, const struct igp_vm_device *d, const struct igp_vm_options *o)
{
	/* The new display elements take the place of the first old one: a
	 * placeholder marks it while every <graphics>/<video> goes.  The
	 * SPICE/VNC server that egl-headless feeds is kept when the domain
	 * has one, with its port and password. */
	const char *keep_type = o->display == IGP_DISPLAY_EGL_HEADLESS ? "spice"
				: o->display == IGP_DISPLAY_VNC	       ? "vnc"
								       : NULL;
	xmlNodePtr mark, kept, after;
	int r;

	r = remove_displays(devices, keep_type, &mark, &kept);
	if (r < 0)
		return r;
	after = mark ? mark : insert_point(devices);
	if (kept)
		place(devices, &after, kept);
	r = add_display(devices, &after, d, o, kept != NULL);
	if (mark) {
		xmlUnlinkNode(mark);
		xmlFreeNode(mark);
	}
	return r;
}

/* A <hostdev> for each function (or the vGPU) after the last one, each
 * with a new alias, added to *aliases. */
static int add_hostdevs(xmlDocPtr doc, xmlNodePtr devices, const struct igp_vm_device *d,
			const struct igp_vm_options *o, char ***aliases)
{
	xmlNodePtr after = insert_point(devices);
	unsigned counter = 0;
	int r;

	for (size_t i = 0; i < (d->kind == IGP_VM_PCI ? d->n_funcs : 1); i++) {
		_cleanup_free_ char *alias = next_alias(doc, &counter);
		xmlNodePtr h;

		if (!alias)
			return -ENOMEM;
		h = xmlNewNode(NULL, X("hostdev"));
		if (!h)
			return -ENOMEM;
		place(devices, &after, h);
		r = d->kind == IGP_VM_PCI ? build_pci_hostdev(h, d, i, o, alias)
					  : build_mdev_hostdev(h, d, o, alias);
		if (r < 0)
			return r;
		r = strv_consume(aliases, TAKE_PTR(alias));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Which form the QEMU properties took and what that rests on: the user's
 * --qemu-commandline, or the libvirt version (libvirt NEWS.rst, v8.2.0:
 * <qemu:override> replaces -set, which JSON -device no longer reaches). */
static int qemu_form_note(const struct igp_vm_options *o, char ***notes)
{
	if (!o->qemu_form_auto)
		return strv_push(
		    notes, o->qemu_commandline
			       ? "<qemu:commandline> -set only reaches devices on libvirt older than 8.2; "
				 "newer libvirt needs <qemu:override> (leave out --qemu-commandline)."
			       : "<qemu:override> needs libvirt 8.2 or newer; for older libvirt use "
				 "--qemu-commandline.");
	if (!o->libvirt_basis)
		return strv_push(notes,
				 "The libvirt version was not found (no installed libvirt package names it): "
				 "the QEMU properties go in <qemu:override>, which needs libvirt 8.2 or "
				 "newer; for older libvirt use --qemu-commandline.");
	if (o->qemu_commandline)
		return strv_pushf(
		    notes,
		    "The QEMU properties go in <qemu:commandline> as -set device.ALIAS.NAME=VALUE: "
		    "<qemu:override> needs libvirt 8.2 or newer, and this is %s.",
		    o->libvirt_basis);
	return strv_pushf(
	    notes,
	    "The QEMU properties go in <qemu:override>, which needs libvirt 8.2 or newer: this is "
	    "%s.",
	    o->libvirt_basis);
}

/* QEMU properties libvirt has no element for, set on the device with this
 * alias, and the note on the libvirt versions their form needs. */
static int add_device_props(xmlDocPtr doc, xmlNodePtr root, const struct igp_vm_device *d,
			    const struct igp_vm_options *o, const char *alias, char ***notes)
{
	_cleanup_free_ char *romset = NULL, *why = NULL;
	char igdset[IGP_IGD_MAX_PROPS][64];
	struct prop props[IGP_IGD_MAX_PROPS + 2];
	struct igp_igd_plan plan;
	size_t n_props = 0;
	int r;

	/* The x-igd-* properties this QEMU needs (vm/igd.h). */
	r = igp_igd_plan(d, o, &plan, NULL, &why);
	if (r < 0 && r != -ENOTSUP)
		return r;
	for (size_t i = 0; r >= 0 && i < plan.n_props; i++) {
		const struct igp_igd_prop *p = &plan.props[i];
		snprintf(igdset[i], sizeof(igdset[i]), "%s=%s", p->name, p->value);
		props[n_props++] = (struct prop){
		    p->name, p->type,
		    streq(p->type, "bool") ? (streq(p->value, "on") ? "true" : "false") : p->value,
		    igdset[i]};
	}
	if (d->kind == IGP_VM_PCI && o->x_vga == 1)
		props[n_props++] = (struct prop){"x-vga", "bool", "true", "x-vga=on"};
	if (d->kind == IGP_VM_MDEV && o->romfile) {
		/* The GVT-g guide's OVMF workaround: the ROM via a device property. */
		romset = strdupf("romfile=%s", o->romfile);
		if (!romset)
			return -ENOMEM;
		props[n_props++] = (struct prop){"romfile", "string", o->romfile, romset};
	}
	if (n_props == 0)
		return 0;
	r = add_qemu_props(doc, root, alias, props, n_props, o->qemu_commandline);
	if (r < 0)
		return r;
	return qemu_form_note(o, notes);
}

/*
 * A CPU wider than the IOMMU (igp_vm_phys_bits()): the guest CPU passes the
 * host's address width through, limited to the IOMMU's.  maxphysaddr sits in
 * <cpu> (cputypes.rng, guestcpu); mode='passthrough' needs the
 * host-passthrough CPU (src/qemu/qemu_validate.c) and becomes QEMU's
 * host-phys-bits=on, limit= its host-phys-bits-limit (libvirt 9.3).
 */
static int set_maxphysaddr(xmlNodePtr root, const struct igp_vm_options *o, char ***notes)
{
	xmlNodePtr cpu, m;
	char *how;
	int r;

	if (!o->phys_bits_limit)
		return 0;
	if (o->phys_bits_old_libvirt)
		return strv_consume(notes,
				    igp_vm_phys_bits_note(o, "libvirt 9.3 or later (<maxphysaddr "
							     "mode='passthrough' limit=.../> in <cpu>)"));
	cpu = child(root, "cpu");
	if (!cpu && !(cpu = new_elem(root, "cpu")))
		return -ENOMEM;
	if (!attr_eq(cpu, "mode", "host-passthrough")) {
		if (xmlHasProp(cpu, X("mode")) &&
		    (r = strv_push(notes, "The CPU mode changes to host-passthrough: maxphysaddr "
					  "mode='passthrough' needs it.")) < 0)
			return r;
		if (!xmlSetProp(cpu, X("mode"), X("host-passthrough")))
			return -ENOMEM;
	}
	m = child(cpu, "maxphysaddr");
	if (!m && !(m = new_elem(cpu, "maxphysaddr")))
		return -ENOMEM;
	xmlUnsetProp(m, X("bits"));
	if (!xmlSetProp(m, X("mode"), X("passthrough")) || setpropf(m, "limit", "%u", o->phys_bits_limit) < 0)
		return -ENOMEM;
	how = strdupf("<maxphysaddr mode='passthrough' limit='%u'/>", o->phys_bits_limit);
	if (!how)
		return -ENOMEM;
	r = strv_consume(notes, igp_vm_phys_bits_note(o, how));
	free(how);
	return r;
}

/*
 * display='on' and the domain's <graphics>: libvirt refuses a vfio-pci mdev
 * with display='on' in a domain without any <graphics> ("graphics device is
 * needed for attribute value 'display=on' in <hostdev>",
 * qemuValidateDomainMdevDefVFIOPCI() in src/qemu/qemu_validate.c).  The
 * variants that add their own graphics (spice-egl, egl-headless, vnc) meet
 * it; for dmabuf and ramfb a whole domain without one gets what spice-egl
 * adds (a local SPICE display with OpenGL on the vGPU's render node, the
 * libvirt side of QEMU's -display gtk,gl=on), and a fragment says so.
 */
static int display_needs_graphics(xmlNodePtr devices, const struct igp_vm_device *d,
				  const struct igp_vm_options *o, bool had_graphics, bool fragment,
				  char ***notes)
{
	xmlNodePtr after;
	int r;

	if ((o->display != IGP_DISPLAY_DMABUF && o->display != IGP_DISPLAY_RAMFB) || had_graphics)
		return 0;
	if (fragment)
		return strv_push(notes,
				 "libvirt refuses display='on' in a domain without a <graphics> element: the "
				 "domain needs one to show the picture (SPICE with <gl enable='yes'/>, or "
				 "egl-headless); --display spice-egl, egl-headless or vnc add one, and with "
				 "--xml or --domain a domain without one gets SPICE with OpenGL.");
	after = insert_point(devices);
	r = add_spice_gl(devices, &after, d);
	if (r < 0)
		return r;
	return strv_push(notes,
			 "The domain had no <graphics>, and libvirt refuses display='on' without one: "
			 "added SPICE with OpenGL on the vGPU's render node, as --display spice-egl does "
			 "(view it on this host with virt-viewer or virt-manager).");
}

static int edit_domain(xmlDocPtr doc, const struct igp_vm_device *d, const struct igp_vm_options *o,
		       char ***notes, char ***ret_aliases, char **ret_why, bool fragment)
{
	_cleanup_strv_free_ char **aliases = NULL;
	xmlNodePtr root = xmlDocGetRootElement(doc), devices;
	bool had_graphics;
	int r;

	if (!is_elem(root, "domain"))
		return igp_refuse(ret_why, -EINVAL, "the XML is not a libvirt <domain>");
	devices = child(root, "devices");
	if (!devices && !(devices = new_elem(root, "devices")))
		return -ENOMEM;
	r = check_devices(devices, d, &had_graphics, ret_why);
	if (r < 0)
		return r;
	aliases = calloc(1, sizeof(char *));
	if (!aliases)
		return -ENOMEM;

	if (replaces_display(o) && (r = replace_display(devices, d, o)) < 0)
		return r;
	r = display_needs_graphics(devices, d, o, had_graphics, fragment, notes);
	if (r >= 0)
		r = add_hostdevs(doc, devices, d, o, &aliases);
	if (r >= 0)
		r = add_device_props(doc, root, d, o, aliases[0], notes);
	if (r >= 0)
		r = set_maxphysaddr(root, o, notes);
	if (r < 0)
		return r;
	if (ret_aliases)
		*ret_aliases = TAKE_PTR(aliases);
	return 0;
}

int igp_libvirt_edit(xmlDocPtr doc, const struct igp_vm_device *d, const struct igp_vm_options *o,
		     char ***notes, char ***ret_aliases, char **ret_why)
{
	return edit_domain(doc, d, o, notes, ret_aliases, ret_why, false);
}

static int add_comment_before(xmlNodePtr n, const char *text)
{
	xmlNodePtr c = xmlNewComment(X(text));
	if (!c)
		return -ENOMEM;
	return xmlAddPrevSibling(n, c) ? 0 : -ENOMEM;
}

int igp_libvirt_fragment(const struct igp_vm_device *d, const struct igp_vm_options *o, char **ret_xml,
			 char ***notes)
{
	_cleanup_free_ char *why = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, devices;
	int r;

	r = igp_libvirt_parse("<domain type='kvm'><devices/></domain>", &doc);
	if (r < 0)
		return r;
	r = edit_domain(doc, d, o, notes, NULL, &why, true);
	if (r < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	devices = child(root, "devices");
	r = -ENOMEM;
	if (add_comment_before(root, " Merge into the domain definition (virsh edit NAME) ") < 0)
		goto out;
	if (child(root, "cpu") &&
	    add_comment_before(child(root, "cpu"),
			       " This replaces the <cpu> element (or add its "
			       "<maxphysaddr> to yours, with mode host-passthrough) ") < 0)
		goto out;
	if (replaces_display(o)) {
		for (xmlNodePtr c = devices->children; c; c = c->next)
			if (is_elem(c, "graphics") || is_elem(c, "video")) {
				if (add_comment_before(
					c, " These replace every <graphics> and <video> element ") < 0)
					goto out;
				break;
			}
	}
	r = igp_libvirt_format(doc, ret_xml);
out:
	xmlFreeDoc(doc);
	return r;
}

/* ---- reading a domain's facts ---- */

/* A copy of attribute NAME (malloc'ed, for the plain facts), or NULL. */
static char *attr_dup(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, X(name));
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static char *text_dup(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* A PCI address element of libvirt's: domain, bus, slot and function. */
static bool read_pci_addr(xmlNodePtr a, struct igp_pci_addr *ret)
{
	long d = attr_num(a, "domain"), b = attr_num(a, "bus"), s = attr_num(a, "slot"),
	     f = attr_num(a, "function");

	/* libvirt's defaults: domain 0 and function 0 may be left out. */
	if (!xmlHasProp(a, X("domain")))
		d = 0;
	if (!xmlHasProp(a, X("function")))
		f = 0;
	if (d < 0 || d > 0xffff || b < 0 || b > 0xff || s < 0 || s > 0x1f || f < 0 || f > 7)
		return false;
	*ret = (struct igp_pci_addr){(uint32_t)d, (uint8_t)b, (uint8_t)s, (uint8_t)f};
	return true;
}

static int read_hostdev(xmlNodePtr h, unsigned *unaliased, struct igp_libvirt_hostdev *ret)
{
	struct igp_libvirt_hostdev x = {0};
	xmlNodePtr src = child(h, "source"), a = src ? child(src, "address") : NULL, al = child(h, "alias"),
		   rom = child(h, "rom"), ga = child(h, "address");

	x.type = attr_dup(h, "type");
	x.managed = attr_dup(h, "managed");
	x.display = attr_dup(h, "display");
	x.ramfb = attr_dup(h, "ramfb");
	x.alias = al ? attr_dup(al, "name") : NULL;
	/* libvirt names a device without a user alias "hostdevN", counting
	 * up over the hostdevs (qemuAssignDeviceHostdevAlias()); QEMU's
	 * device id is the alias. */
	x.eff_alias = x.alias ? strdup(x.alias) : strdupf("hostdev%u", (*unaliased)++);
	if (a && streq_ptr(x.type, "pci"))
		x.has_addr = read_pci_addr(a, &x.addr);
	if (a && streq_ptr(x.type, "mdev"))
		x.uuid = attr_dup(a, "uuid");
	x.rom = rom != NULL;
	x.rom_file = rom ? attr_dup(rom, "file") : NULL;
	x.rom_bar = rom ? attr_dup(rom, "bar") : NULL;
	/* The guest side: <hostdev><address type='pci' .../> (the one in
	 * <source> is the host's). */
	if (ga && attr_eq(ga, "type", "pci"))
		x.has_guest_addr = read_pci_addr(ga, &x.guest_addr);
	*ret = x;
	return x.eff_alias ? 0 : -ENOMEM;
}

static int read_devices(xmlNodePtr devices, struct igp_libvirt_domain *d)
{
	unsigned unaliased = 0;
	int r;

	for (xmlNodePtr c = devices->children; c; c = c->next) {
		if (is_elem(c, "hostdev")) {
			struct igp_libvirt_hostdev *v =
			    realloc(d->hostdevs, (d->n_hostdevs + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			d->hostdevs = v;
			r = read_hostdev(c, &unaliased, &v[d->n_hostdevs]);
			d->n_hostdevs++;
			if (r < 0)
				return r;
		} else if (is_elem(c, "video")) {
			xmlNodePtr m = child(c, "model");
			_cleanup_free_ char *type = m ? attr_dup(m, "type") : NULL;
			/* libvirt's default model for QEMU is vga (qemuDomainDeviceVideoDefPostParse). */
			if ((r = strv_push(&d->videos, type ? type : "vga")) < 0)
				return r;
		} else if (is_elem(c, "graphics")) {
			_cleanup_free_ char *type = attr_dup(c, "type");
			if ((r = strv_push(&d->graphics, type ? type : "")) < 0)
				return r;
			for (xmlNodePtr g = c->children; g; g = g->next) {
				_cleanup_free_ char *rn = is_elem(g, "gl") ? attr_dup(g, "rendernode") : NULL;
				if (rn && (r = strv_consume(&d->rendernodes, TAKE_PTR(rn))) < 0)
					return r;
			}
		}
	}
	return 0;
}

/* <qemu:override><qemu:device alias><qemu:frontend><qemu:property .../> */
static int read_override(xmlNodePtr ov, struct igp_libvirt_domain *d)
{
	for (xmlNodePtr dev = ov->children; dev; dev = dev->next) {
		if (!is_qemu_elem(dev, "device"))
			continue;
		for (xmlNodePtr fe = dev->children; fe; fe = fe->next) {
			if (!is_qemu_elem(fe, "frontend"))
				continue;
			for (xmlNodePtr p = fe->children; p; p = p->next) {
				struct igp_libvirt_qemu_prop *v, *e;
				if (!is_qemu_elem(p, "property"))
					continue;
				v = realloc(d->overrides, (d->n_overrides + 1) * sizeof(*v));
				if (!v)
					return -ENOMEM;
				d->overrides = v;
				e = &v[d->n_overrides++];
				*e = (struct igp_libvirt_qemu_prop){attr_dup(dev, "alias"),
								    attr_dup(p, "name"), attr_dup(p, "type"),
								    attr_dup(p, "value")};
			}
		}
	}
	return 0;
}

static int read_qemu(xmlNodePtr root, struct igp_libvirt_domain *d)
{
	int r;

	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (is_qemu_elem(c, "override") && (r = read_override(c, d)) < 0)
			return r;
		if (!is_qemu_elem(c, "commandline"))
			continue;
		for (xmlNodePtr a = c->children; a; a = a->next) {
			_cleanup_free_ char *v = is_qemu_elem(a, "arg") ? attr_dup(a, "value") : NULL;
			if (v && (r = strv_consume(&d->qemu_args, TAKE_PTR(v))) < 0)
				return r;
		}
	}
	return 0;
}

/* UEFI: <os firmware='efi'> (libvirt's firmware autoselection), or a
 * <loader> that is OVMF: its path names OVMF or edk2 (OVMF is edk2's build
 * for QEMU: Debian's /usr/share/OVMF/OVMF_CODE_4M.fd, Fedora's
 * /usr/share/edk2/ovmf/OVMF_CODE.fd), or it is type='pflash', the flash
 * image that only UEFI firmware uses (SeaBIOS is a ROM, type='rom'). */
static bool read_efi(xmlNodePtr os)
{
	xmlNodePtr loader = os ? child(os, "loader") : NULL;
	_cleanup_free_ char *text = loader ? text_dup(loader) : NULL;

	if (os && attr_eq(os, "firmware", "efi"))
		return true;
	if (!loader)
		return false;
	return attr_eq(loader, "type", "pflash") ||
	       (text && (strcasestr(text, "ovmf") || strcasestr(text, "edk2")));
}

int igp_libvirt_domain_read(const char *xml, struct igp_libvirt_domain **ret)
{
	struct igp_libvirt_domain *d = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n, devices;
	int r;

	r = igp_libvirt_parse(xml, &doc);
	if (r < 0)
		return r;
	root = xmlDocGetRootElement(doc);
	r = -EINVAL;
	if (!is_elem(root, "domain"))
		goto out;
	r = -ENOMEM;
	d = calloc(1, sizeof(*d));
	if (!d)
		goto out;
	n = child(root, "name");
	if (n && !(d->name = text_dup(n)))
		goto out;
	d->efi = read_efi(child(root, "os"));
	n = child(root, "os");
	n = n ? child(n, "type") : NULL;
	if (n && xmlHasProp(n, X("machine")) && !(d->machine = attr_dup(n, "machine")))
		goto out;
	devices = child(root, "devices");
	if (devices && (r = read_devices(devices, d)) < 0)
		goto out;
	if ((r = read_qemu(root, d)) < 0)
		goto out;
	*ret = TAKE_PTR(d);
	r = 0;
out:
	igp_libvirt_domain_free(d);
	xmlFreeDoc(doc);
	return r;
}

#if HAVE_LIBVIRT
struct igp_libvirt_conn {
	virConnectPtr conn;
};

/* libvirt prints every error to stderr by default; we report it once. */
static void quiet_error(void *data _unused_, virErrorPtr err _unused_) {}

static char *last_error(const char *what)
{
	const char *m = virGetLastErrorMessage();
	return strdupf("%s: %s", what, m ? m : "unknown libvirt error");
}

int igp_libvirt_open(const char *uri, struct igp_libvirt_conn **ret, char **ret_why)
{
	struct igp_libvirt_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	virSetErrorFunc(NULL, quiet_error);
	c->conn = virConnectOpen(uri);
	if (!c->conn) {
		*ret_why = last_error(uri ? uri : "the default libvirt connection");
		free(c);
		return -ECONNREFUSED;
	}
	*ret = c;
	return 0;
}

void igp_libvirt_close(struct igp_libvirt_conn *c)
{
	if (!c)
		return;
	virConnectClose(c->conn);
	free(c);
}

int igp_libvirt_domain_get(struct igp_libvirt_conn *c, const char *name, char **ret_xml, bool *ret_active,
			   char **ret_why)
{
	virDomainPtr dom;
	char *xml;
	int active, r = 0;

	dom = virDomainLookupByName(c->conn, name);
	if (!dom) {
		r = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ? -ENOENT : -EIO;
		*ret_why = last_error(name);
		return r;
	}
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	active = virDomainIsActive(dom);
	if (!xml) {
		*ret_why = last_error(name);
		r = -EIO;
	} else {
		*ret_xml = xml;
		if (ret_active)
			*ret_active = active == 1;
	}
	virDomainFree(dom);
	return r;
}

int igp_libvirt_domain_define(struct igp_libvirt_conn *c, const char *xml, char *const *want_aliases,
			      char **ret_why)
{
	virDomainPtr dom;
	xmlDocPtr doc = NULL;
	char *back;
	int r = 0;

	dom = virDomainDefineXMLFlags(c->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!dom) {
		*ret_why = last_error("libvirt refused the definition");
		return -EINVAL;
	}
	/* Read it back: libvirt drops what it does not understand silently. */
	back = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
	if (!back) {
		*ret_why = last_error("reading the definition back");
		r = -EIO;
	} else if (igp_libvirt_parse(back, &doc) < 0) {
		*ret_why = strdup("libvirt returned XML that does not parse");
		r = -EIO;
	} else {
		for (size_t i = 0; want_aliases && want_aliases[i]; i++)
			if (!alias_used(doc->children, want_aliases[i])) {
				*ret_why =
				    strdupf("libvirt accepted the definition but dropped the <hostdev> %s",
					    want_aliases[i]);
				r = -EIO;
				break;
			}
	}
	if (doc)
		xmlFreeDoc(doc);
	free(back);
	virDomainFree(dom);
	return r;
}
#if LIBVIR_VERSION_NUMBER >= 8009000
#define UNDEFINE_KEEP (VIR_DOMAIN_UNDEFINE_KEEP_NVRAM | VIR_DOMAIN_UNDEFINE_KEEP_TPM)
#else
#define UNDEFINE_KEEP VIR_DOMAIN_UNDEFINE_KEEP_NVRAM
#endif

int igp_libvirt_domain_undefine(struct igp_libvirt_conn *c, const char *name, char **ret_why)
{
	virDomainPtr dom = virDomainLookupByName(c->conn, name);
	int r = 0;

	if (!dom) {
		r = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ? -ENOENT : -EIO;
		*ret_why = last_error(name);
		return r;
	}
	/* Keep what a definition put back later would need. */
	if (virDomainUndefineFlags(dom, UNDEFINE_KEEP) < 0) {
		*ret_why = last_error("libvirt refused to undefine it");
		r = -EIO;
	}
	virDomainFree(dom);
	return r;
}

int igp_libvirt_lib_version(struct igp_libvirt_conn *c, char **ret)
{
	unsigned long v;
	char *s;

	if (virConnectGetLibVersion(c->conn, &v) < 0)
		return -EIO;
	/* major * 1,000,000 + minor * 1,000 + release (libvirt-host.h) */
	s = strdupf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int igp_libvirt_uri(struct igp_libvirt_conn *c, char **ret)
{
	char *u = virConnectGetURI(c->conn);
	if (!u)
		return -EIO;
	*ret = u;
	return 0;
}
#else
int igp_libvirt_domain_undefine(struct igp_libvirt_conn *c _unused_, const char *name _unused_,
				char **ret_why)
{
	*ret_why = strdup("igpuctl was built without libvirt support");
	return -ENOTSUP;
}

int igp_libvirt_uri(struct igp_libvirt_conn *c _unused_, char **ret _unused_)
{
	return -ENOTSUP;
}

int igp_libvirt_lib_version(struct igp_libvirt_conn *c _unused_, char **ret _unused_)
{
	return -ENOTSUP;
}

int igp_libvirt_open(const char *uri _unused_, struct igp_libvirt_conn **ret _unused_, char **ret_why)
{
	*ret_why = strdup("igpuctl was built without libvirt support");
	return -ENOTSUP;
}

void igp_libvirt_close(struct igp_libvirt_conn *c _unused_) {}

int igp_libvirt_domain_get(struct igp_libvirt_conn *c _unused_, const char *name _unused_,
			   char **ret_xml _unused_, bool *ret_active _unused_, char **ret_why)
{
	*ret_why = strdup("igpuctl was built without libvirt support");
	return -ENOTSUP;
}

int igp_libvirt_domain_define(struct igp_libvirt_conn *c _unused_, const char *xml _unused_,
			      char *const *want_aliases _unused_, char **ret_why)
{
	*ret_why = strdup("igpuctl was built without libvirt support");
	return -ENOTSUP;
}
#endif

/* The module's one export (see libvirt_module.h); everything else is hidden. */
__attribute__((visibility("default"))) const struct igp_libvirt_ops igp_libvirt_module = {
    .abi = IGP_LIBVIRT_MODULE_ABI,
    .parse = igp_libvirt_parse,
    .format = igp_libvirt_format,
    .doc_free = igp_libvirt_doc_free,
    .edit = igp_libvirt_edit,
    .fragment = igp_libvirt_fragment,
    .open = igp_libvirt_open,
    .close = igp_libvirt_close,
    .domain_get = igp_libvirt_domain_get,
    .domain_define = igp_libvirt_domain_define,
    .domain_undefine = igp_libvirt_domain_undefine,
    .uri = igp_libvirt_uri,
    .domain_read = igp_libvirt_domain_read,
    .lib_version = igp_libvirt_lib_version,
};
