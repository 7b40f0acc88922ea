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
 * A libvirt connection (uri NULL: libvirt's default).  One connection serves
 * the read and the define: libvirt's test driver keeps a separate state per
 * connection.  -ENOTSUP without libvirt support; on failure *ret_why holds
 * libvirt's message (caller frees).
 */
struct igp_libvirt_conn;
int igp_libvirt_open(const char *uri, struct igp_libvirt_conn **ret, char **ret_why);
void igp_libvirt_close(struct igp_libvirt_conn *c);
static inline void igp_libvirt_closep(struct igp_libvirt_conn **c)
{
	igp_libvirt_close(*c);
}
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
/* Undefine a domain (its NVRAM and TPM state are kept); -ENOENT when there is none. */
int igp_libvirt_domain_undefine(struct igp_libvirt_conn *c, const char *name, char **ret_why);

#endif
