/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt domain XML for a device (vmconf.h): the <hostdev> element(s) and
 * every other element the chosen display variant of the GVT-g guide needs
 * (<graphics>, <video>, and QEMU-specific properties in the qemu namespace).
 *
 * The same edit is applied to a whole domain (vm libvirt --domain / --xml)
 * and to an empty one, whose remains are printed as the fragment to merge.
 * With libvirt (HAVE_LIBVIRT), a domain can be read and redefined through
 * the C API.
 */
#ifndef IGP_LIBVIRT_XML_H
#define IGP_LIBVIRT_XML_H

#include <stdbool.h>

#include "base/util.h"
#include "vm/vmconf.h"

#define IGP_LIBVIRT_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

struct _xmlDoc;

/*
 * Parse domain XML (formatting whitespace dropped, so that serializing the
 * edited document indents new elements like the old ones).
 */
int igp_libvirt_parse(const char *xml, struct _xmlDoc **ret);
/* Serialize with two-space indentation, without the XML declaration. */
int igp_libvirt_format(struct _xmlDoc *doc, char **ret);
void igp_libvirt_doc_free(struct _xmlDoc *doc);

/*
 * Add the device to the domain in doc and make the display variant's
 * changes (replace <graphics>/<video>, qemu namespace properties).  Returns
 * 0, -EEXIST when the domain already has this device, -EINVAL when doc is no
 * domain; refusals carry a sentence in *ret_why (caller frees).  Advice is
 * appended to *notes.  The user aliases given to the new <hostdev>s
 * ("ua-igpuctl0") go to *ret_aliases when it is not NULL.  Call
 * igp_vm_check() first.
 */
int igp_libvirt_edit(struct _xmlDoc *doc, const struct igp_vm_device *d, const struct igp_vm_options *o,
		     char ***notes, char ***ret_aliases, char **ret_why);

/*
 * The partial domain that holds only what to add, with comments on what to
 * replace: the output of `vm libvirt DEVICE` without --domain.
 */
int igp_libvirt_fragment(const struct igp_vm_device *d, const struct igp_vm_options *o, char **ret_xml,
			 char ***notes);

/*
 * What a domain definition says, as plain facts for the checks and the host
 * model (read by libxml2 in the module: comments are no elements, and
 * elements are told apart by namespace).
 */
struct igp_libvirt_hostdev {
	char *type;	 /* "pci", "mdev", ... (NULL when absent) */
	char *managed;	 /* "yes", "no" or NULL */
	char *display;	 /* mdev: "on", "off" or NULL */
	char *ramfb;	 /* mdev: "on", "off" or NULL */
	char *alias;	 /* <alias name='...'/>, or NULL */
	char *eff_alias; /* the id QEMU's device gets: the alias, else libvirt's "hostdevN" */
	bool has_addr;	 /* type pci: the source address */
	struct igp_pci_addr addr;
	char *uuid; /* type mdev: the source UUID */
	bool rom;   /* has a <rom> element */
	char *rom_file;
	char *rom_bar;	     /* <rom bar='on|off'/>, or NULL */
	bool has_guest_addr; /* <address type='pci' .../>: where the guest sees it */
	struct igp_pci_addr guest_addr;
};

/* One <qemu:property> of a <qemu:override><qemu:device alias='...'>'s frontend. */
struct igp_libvirt_qemu_prop {
	char *alias, *name, *type, *value;
};

struct igp_libvirt_domain {
	char *name;
	/* <os firmware='efi'>, or a <loader> that is OVMF (names OVMF or edk2, or is type='pflash'). */
	bool efi;
	char *machine; /* <os><type machine='...'>, or NULL */
	char **videos; /* the model type of every <video>, in order ("vga", "none") */
	struct igp_libvirt_hostdev *hostdevs;
	size_t n_hostdevs;
	char **graphics;    /* the type of every <graphics> */
	char **rendernodes; /* every <graphics><gl rendernode='...'/> */
	struct igp_libvirt_qemu_prop *overrides;
	size_t n_overrides;
	char **qemu_args; /* <qemu:commandline><qemu:arg value='...'/>, in order */
};

/* Read the facts of a domain XML; -EINVAL when it does not parse or is no <domain>. */
int igp_libvirt_domain_read(const char *xml, struct igp_libvirt_domain **ret);
void igp_libvirt_domain_free(struct igp_libvirt_domain *d);
/*
 * The value the domain gives QEMU property NAME of the device with id
 * ALIAS (borrowed), or NULL: from a <qemu:override> (a bool reads "true"),
 * else from "-set device.ALIAS.NAME=VALUE" in <qemu:commandline>, and then
 * *ret_cmdline is true (libvirt 8.2 and newer pass -device as JSON, which
 * -set does not reach).  The last one given wins, as in QEMU.
 */
const char *igp_libvirt_domain_prop(const struct igp_libvirt_domain *d, const char *alias, const char *name,
				    bool *ret_cmdline);

/*
 * Does libvirt VERSION ("9.0.0") take <qemu:override>?  It came in 8.2.0
 * (libvirt NEWS.rst, v8.2.0: "qemu: Allow overrides of device properties
 * via the qemu namespace", in place of -set, which no longer reaches
 * devices that libvirt passes to QEMU as JSON).
 */
bool igp_libvirt_has_override(const char *version);

/*
 * A libvirt connection (uri NULL: libvirt's default).  One connection serves
 * the read and the define: libvirt's test driver keeps a separate state per
 * connection.  -ENOTSUP without libvirt support; on failure *ret_why holds
 * libvirt's message (caller frees).
 */
struct igp_libvirt_conn;
int igp_libvirt_open(const char *uri, struct igp_libvirt_conn **ret, char **ret_why);
void igp_libvirt_close(struct igp_libvirt_conn *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct igp_libvirt_conn *, igp_libvirt_close);
/* The connection's URI as libvirt names it ("qemu:///system" for the
 * default), for a journal that must reach the same libvirt again. */
int igp_libvirt_uri(struct igp_libvirt_conn *c, char **ret);
/*
 * Read a domain's persistent definition (with secrets, as virsh edit does,
 * so that redefining keeps graphics passwords), and whether it runs.
 * -ENOENT only when there is no such domain.
 */
int igp_libvirt_domain_get(struct igp_libvirt_conn *c, const char *name, char **ret_xml, bool *ret_active,
			   char **ret_why);
/*
 * Define xml (validated against libvirt's schema), then read it back and
 * check that every <hostdev> alias in want_aliases survived.
 */
int igp_libvirt_domain_define(struct igp_libvirt_conn *c, const char *xml, char *const *want_aliases,
			      char **ret_why);
/* The version of libvirt that serves the connection (virConnectGetLibVersion():
 * the daemon's on a remote or daemon connection), "9.0.0"; caller frees. */
int igp_libvirt_lib_version(struct igp_libvirt_conn *c, char **ret);
/* Undefine a domain (its NVRAM and TPM state are kept); -ENOENT when there is none. */
int igp_libvirt_domain_undefine(struct igp_libvirt_conn *c, const char *name, char **ret_why);

#endif
