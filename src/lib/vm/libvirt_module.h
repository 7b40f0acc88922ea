/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libvirt/libxml2 half of igpuctl lives in a module (igpuctl-libvirt.so)
 * that only `vm libvirt` loads: linking libvirt pulls in some 45 shared
 * libraries (gnutls, curl, krb5, ICU...), which would triple the start-up
 * time and the memory of every other command.  The module exports one
 * table; src/lib/vm/libvirt_load.c implements libvirt_xml.h by forwarding to it.
 */
#ifndef IGP_LIBVIRT_MODULE_H
#define IGP_LIBVIRT_MODULE_H

#include "vm/libvirt_xml.h"

#define IGP_LIBVIRT_MODULE_NAME "igpuctl-libvirt.so"
#define IGP_LIBVIRT_MODULE_SYMBOL "igp_libvirt_module"
/* Bumped whenever the table changes, so a stale installed module is refused. */
#define IGP_LIBVIRT_MODULE_ABI 4

struct igp_libvirt_ops {
	int abi;
	int (*parse)(const char *xml, struct _xmlDoc **ret);
	int (*format)(struct _xmlDoc *doc, char **ret);
	void (*doc_free)(struct _xmlDoc *doc);
	int (*edit)(struct _xmlDoc *doc, const struct igp_vm_device *d, const struct igp_vm_options *o,
		    char ***notes, char ***ret_aliases, char **ret_why);
	int (*fragment)(const struct igp_vm_device *d, const struct igp_vm_options *o, char **ret_xml,
			char ***notes);
	int (*open)(const char *uri, struct igp_libvirt_conn **ret, char **ret_why);
	void (*close)(struct igp_libvirt_conn *c);
	int (*domain_get)(struct igp_libvirt_conn *c, const char *name, char **ret_xml, bool *ret_active,
			  char **ret_why);
	int (*domain_define)(struct igp_libvirt_conn *c, const char *xml, char *const *want_aliases,
			     char **ret_why);
	int (*domain_undefine)(struct igp_libvirt_conn *c, const char *name, char **ret_why);
	int (*uri)(struct igp_libvirt_conn *c, char **ret);
	/* ABI 3: the facts of a domain XML (libvirt_xml.h); ABI 4 added the
	 * machine, the video models, guest addresses and the ROM BAR to them. */
	int (*domain_read)(const char *xml, struct igp_libvirt_domain **ret);
	/* ABI 4: the connection's libvirt version; igp_vm_options grew the
	 * libvirt version the qemu namespace form rests on. */
	int (*lib_version)(struct igp_libvirt_conn *c, char **ret);
};

/*
 * Why the module could not be loaded (dlopen's message and where it looked),
 * or NULL when it was.  Valid until the next call.
 */
const char *igp_libvirt_module_error(void);

#endif
