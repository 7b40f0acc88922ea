/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to guest.c and guest_ct.c: the VM and the container halves of
 * igp_guest_inspect(). */
#ifndef IGP_GUEST_INT_H
#define IGP_GUEST_INT_H

#include "base/util.h"
#include "vm/guest.h"

/* Replace *dst by the formatted text: 0, or -ENOMEM. */
int guest_setf(char **dst, const char *fmt, ...) _printf_(2, 3);

/* The container half: r->container is set, r is otherwise empty. only
 * (may be NULL) is a device of the host model. */
int guest_inspect_container(const struct igp_host *h, const struct igp_pci_dev *only, bool probe_va,
			    struct igp_guest_report *r);
void guest_nodes_done(struct igp_guest_report *r);

#endif
