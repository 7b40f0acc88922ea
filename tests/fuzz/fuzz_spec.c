/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strings users type and igpuctl checks before anything else happens
 * (docs/hacking.md: bad input is refused before anything is touched): PCI
 * addresses, methods, displays, machines, on/off, UUIDs, Proxmox VMIDs,
 * mapping IDs and mdev types, kernel parameters, host paths.  Each line of
 * the input is one such string.  Asserts the parser/printer round trips
 * and that what the validators accept is safe where it goes:
 *   - an address parses to what igp_pci_addr_format() prints, which parses
 *     back to the same address; the strict form only takes full addresses;
 *   - method, display and machine names parse back to themselves;
 *   - a VMID prints back as the same digits;
 *   - a valid kernel parameter added to a command line is one token of it
 *     (kline) and one of the GRUB variable (shellvar) after sh quoting;
 *   - a valid mapping ID or mdev type cannot break a Proxmox property
 *     string ("mapping=ID,pcie=1");
 *   - igp_path_normalize() gives an absolute path without ".", ".." or
 *     "//", and is idempotent;
 *   - igp_qemu_escape() unescapes (",," -> ",") to the original.
 */
#include "boot/cmdline.h"
#include "fuzz.h"
#include "boot/grub.h"
#include "base/paths.h"
#include "model/pci.h"
#include "model/platform.h"
#include "vm/proxmox.h"
#include "vm/qemu_args.h"
#include "boot/shellvar.h"
#include "base/util.h"
#include "vm/vmconf.h"

static void pci_addr(const char *s)
{
	struct igp_pci_addr a, b, c;
	char buf[IGP_PCI_ADDR_MAX];
	bool full;
	int n = igp_pci_addr_parse_loose(s, &a, &full);

	if (igp_pci_addr_parse(s, &c) == 0)
		FZ_ASSERT(n == 3 && full && !igp_pci_addr_cmp(&a, &c), "strict and loose disagree on \"%s\"",
			  s);
	if (n < 0)
		return;
	FZ_ASSERT(n >= 1 && n <= 3 && full == (n == 3), "\"%s\": %d fields", s, n);
	igp_pci_addr_format(&a, buf);
	FZ_ASSERT(igp_pci_addr_parse(buf, &b) == 0 && !igp_pci_addr_cmp(&a, &b), "\"%s\" -> \"%s\"", s, buf);
	FZ_ASSERT(a.slot < 0x20 && a.func < 8 && a.domain <= 0xfffff, "\"%s\" out of range", s);
}

static void names(const char *s)
{
	enum igp_method m;
	int d;
	enum igp_vm_machine mc, mc2;
	int onoff = igp_parse_onoff(s);

	if (igp_method_parse(s, &m) == 0)
		FZ_ASSERT(igp_method_name(m) && igp_method_parse(igp_method_name(m), &m) == 0,
			  "method \"%s\"", s);
	if ((d = igp_vm_display_from_name(s)) >= 0)
		FZ_ASSERT(streq(igp_vm_display_name(d), s), "display \"%s\"", s);
	if (igp_vm_machine_parse(s, &mc) == 0)
		FZ_ASSERT(igp_vm_machine_name(mc) &&
			      igp_vm_machine_parse(igp_vm_machine_name(mc), &mc2) == 0 && mc == mc2,
			  "machine \"%s\"", s);
	FZ_ASSERT(onoff == -EINVAL || onoff == 0 || onoff == 1, "onoff");
}

static void pve(const char *s)
{
	unsigned long vmid;
	char buf[32];

	if (igp_pve_vmid_parse(s, &vmid) == 0) {
		snprintf(buf, sizeof(buf), "%lu", vmid);
		FZ_ASSERT(streq(buf, s) && vmid >= 100 && vmid <= 999999999, "VMID \"%s\" is %lu", s, vmid);
	}
	/* Property strings are "k=v,k=v": a value must not end its property. */
	if (igp_pve_id_valid(s))
		FZ_ASSERT(!strpbrk(s, ",=;: \t\n/") && *s, "mapping ID \"%s\"", s);
	if (igp_pve_mdev_type_valid(s))
		FZ_ASSERT(!strpbrk(s, ",=;: \t\n/") && *s, "mdev type \"%s\"", s);
}

/* A parameter --param accepts lands as one token, in each container. */
static void kparam(const char *s)
{
	static char *const vars[] = {"GRUB_CMDLINE_LINUX_DEFAULT", NULL};
	struct igp_kop add = {.kind = IGP_KOP_ADD, .token = (char *)s, .index = -1};
	_cleanup_free_ char *line = NULL;
	_cleanup_strv_free_ char **texts = NULL;
	struct igp_kline l;
	struct igp_shdoc d = {0}, d2 = {0};
	struct igp_shtok *t = NULL;
	size_t n = 0;
	static const char grub[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";

	size_t at;

	/* GRUB's rules are the strictest: what passes them passes every loader's. */
	if (igp_kparam_check(s, IGP_KSYNTAX_GRUB, &at) != 0)
		return;
	FZ_ASSERT(igp_kline_apply("root=x\n", 7, &add, 1, &line) == 0, "kline apply");
	FZ_ASSERT(igp_kline_parse(line, strlen(line), &l) == 0 && l.n == 2 && streq(l.toks[1].text, s),
		  "[%s] is not one token of \"%s\"", s, line);
	igp_kline_done(&l);
	FZ_OOM(igp_shdoc_add(&d, "/etc/default/grub", grub, strlen(grub)) == 0);
	FZ_ASSERT(igp_shdoc_apply(&d, vars, vars[0], false, &add, 1, NULL, &texts, NULL) == 0, "shdoc apply");
	FZ_OOM(igp_shdoc_add(&d2, "/etc/default/grub", texts[0], strlen(texts[0])) == 0);
	FZ_ASSERT(igp_shdoc_tokens(&d2, vars, &t, &n) == 0 && n == 2 && streq(t[1].text, s),
		  "[%s] is not one token of %s", s, texts[0]);
	igp_shtoks_free(t, n);
	igp_shdoc_done(&d);
	igp_shdoc_done(&d2);
}

static void path(const char *s)
{
	_cleanup_free_ char *p = igp_path_normalize(s), *p2 = NULL;

	FZ_OOM(p);
	FZ_ASSERT(p[0] == '/' && !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../") &&
		      !endswith(p, "/.") && !endswith(p, "/..") && (streq(p, "/") || !endswith(p, "/")),
		  "\"%s\" normalized to \"%s\"", s, p);
	p2 = igp_path_normalize(p);
	FZ_ASSERT(p2 && streq(p, p2), "normalizing \"%s\" again gives \"%s\"", p, p2 ? p2 : "");
}

static void qemu_escape(const char *s)
{
	_cleanup_free_ char *e = igp_qemu_escape(s), *u = NULL;
	char *o;

	FZ_OOM(e);
	FZ_OOM(u = malloc(strlen(e) + 1));
	o = u;
	for (const char *c = e; *c; c++) {
		FZ_ASSERT(*c != ',' || c[1] == ',', "single comma in \"%s\"", e);
		*o++ = *c;
		c += *c == ',';
	}
	*o = '\0';
	FZ_ASSERT(streq(u, s), "\"%s\" escaped to \"%s\"", s, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);

	for (char *l = text; l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		pci_addr(l);
		names(l);
		pve(l);
		kparam(l);
		path(l);
		qemu_escape(l);
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}
