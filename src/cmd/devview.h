/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How devices and their verdicts are worded, shared by list, status and show. */
#ifndef IGP_DEVVIEW_H
#define IGP_DEVVIEW_H

#include <json-c/json.h>
#include <stdio.h>

#include "checks/checks.h"
#include "model/host.h"
#include "model/isolation.h"
#include "model/methods.h"
#include "model/vaapi.h"

/* "yes", "no", "with i915-sriov-dkms or xe" */
const char *support_word(enum igp_support s);
/* Names of the supported methods joined by sep ("full,gvt-g"); caller frees. */
char *methods_joined(const struct igp_gpu_methods *m, const char *sep);
/* "Coffee Lake" / "unknown" for an unknown Intel iGPU ID / NULL otherwise. */
const char *platform_name(const struct igp_pci_dev *d);
/* An SR-IOV VF: "Virtual function 2 of 0000:00:02.0" (its number left out when
 * unknown); NULL for any other device or on ENOMEM.  Caller frees. */
char *vf_label(const struct igp_pci_dev *d);
/* "Intel Corporation CoffeeLake-S GT2 [UHD Graphics 630]", or the IDs; an SR-IOV VF
 * vf_label() and its platform, "Virtual function 2 of 0000:00:02.0 (Alder Lake-N)".
 * Caller frees. */
char *device_label(const struct igp_pci_dev *d);
/* One sentence: "GVT-g possible (up to 2 vGPUs once enabled), or full passthrough". */
char *recommendation_text(const struct igp_pci_dev *d, const struct igp_gpu_methods *m);
/* The isolation verdict as a short phrase with the peers that decide it. */
char *isolation_text(const struct igp_isolation_report *r);
/* Peers of an isolation report as a JSON array. */
struct json_object *peers_json(const struct igp_isolation_report *r);
/* A new JSON object that starts with the device's "address", "vendor",
 * "device" and "class", the keys every device object leads with. */
struct json_object *pci_dev_json_new(const struct igp_pci_dev *d);
/* The `list` object of one GPU (cli.md keys plus extras; an SR-IOV VF's "pf" and
 * "vf", null on other GPUs). */
struct json_object *gpu_json(const struct igp_host *h, const struct igp_pci_dev *d,
			     const struct igp_gpu_methods *m, const struct igp_isolation_report *iso);

/* Findings (checks.h) as `missing_checks`: [{"id", "status", "message", "remedy"}]. */
struct json_object *findings_json(const struct igp_check_report *r);
/*
 * Findings as indented text lines, each "- MESSAGE [ID, STATUS]" with its
 * remedy on the next line, INDENT blanks in; to `f`.
 */
void findings_print(FILE *f, const struct igp_check_report *r, int indent);

/*
 * What libva said, as lines "INDENT" + a label padded to WIDTH + the value:
 * "VA-API:" (the driver, or why none works) and "Profiles:" one per
 * profile with its entry points.  Nothing when it was not asked.
 */
void va_print(const struct igp_va_info *va, const char *indent, int width);
/* The same as {"status", "driver", "error", "profiles": [{"profile", "entrypoints"}]}. */
struct json_object *va_json(const struct igp_va_info *va);

#endif
