/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU probe (model/qemucaps.h) and the IGD decisions taken on it
 * (vm/igd.h): a probe as QEMU prints it, read and written back; a QEMU
 * known only by its version; and for each QEMU release whose IGD support
 * changed, what is emitted or refused for Gen 9, 12 and 12.70 iGPUs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/util.h"
#include "model/qemucaps.h"
#include "vm/igd.h"
#include "vm/qemu_args.h"

/* Debian 12's QEMU 7.2, shortened: the lines of each answer as printed. */
static const char probe72[] =
    "# igpuctl qemu probe 1\n"
    "path=/usr/bin/qemu-system-x86_64\n"
    "size=19283746\n"
    "mtime=1714000000\n"
    "== --version\n"
    "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n"
    "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n"
    "== -device vfio-pci,help\n"
    "vfio-pci options:\n"
    "  addr=<int32>           - Slot and optional function number, example: 06.0 or 06 (default: -1)\n"
    "  display=<OnOffAuto>    - on/off/auto (default: \"off\")\n"
    "  host=<str>             - Address (bus/device/function) of the host device, example: 04:10.0\n"
    "  rombar=<uint32>        -  (default: 1)\n"
    "  x-igd-gms=<uint32>     -  (default: 0)\n"
    "  x-igd-opregion=<bool>  - on/off (default: false)\n"
    "  x-vga=<bool>           - on/off (default: false)\n"
    "== -device vfio-pci-nohotplug,help\n"
    "vfio-pci-nohotplug options:\n"
    "  ramfb=<bool>           -  (default: false)\n"
    "  x-igd-opregion=<bool>  - on/off (default: false)\n"
    "== -machine help\n"
    "Supported machines are:\n"
    "microvm              microvm (i386)\n"
    "pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\n"
    "pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\n"
    "q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)\n"
    "pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)\n";

static void test_parse(void **state)
{
	struct igp_qemu_caps c, again;
	_cleanup_free_ char *text = NULL, *text2 = NULL;

	(void)state;
	assert_int_equal(igp_qemu_probe_parse(probe72, &c), 0);
	assert_true(c.probed);
	assert_string_equal(c.version, "7.2.19");
	assert_string_equal(c.path, "/usr/bin/qemu-system-x86_64");
	assert_int_equal(c.size, 19283746);
	assert_int_equal(c.mtime, 1714000000);
	assert_int_equal(c.n_props[IGP_QEMU_VFIO_PCI], 7);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-igd-opregion"), 1);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-igd-lpc"), 0);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI_NOHOTPLUG, "ramfb"), 1);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "ramfb"), 0);
	assert_string_equal(igp_qemu_prop_default(&c, IGP_QEMU_VFIO_PCI, "x-igd-opregion"), "false");
	assert_string_equal(igp_qemu_prop_default(&c, IGP_QEMU_VFIO_PCI, "display"), "\"off\"");
	assert_null(igp_qemu_prop_default(&c, IGP_QEMU_VFIO_PCI, "host"));
	assert_int_equal(igp_qemu_has_machine(&c, "q35"), 1);
	assert_int_equal(igp_qemu_has_machine(&c, "pc-i440fx-7.2"), 1);
	assert_int_equal(igp_qemu_has_machine(&c, "isapc"), 0);
	assert_int_equal(igp_qemu_at_least(&c, "7.2"), 1);
	assert_int_equal(igp_qemu_at_least(&c, "9.2"), 0);

	/* What is written to the cache reads back the same. */
	assert_int_equal(igp_qemu_probe_format(&c, &text), 0);
	assert_int_equal(igp_qemu_probe_parse(text, &again), 0);
	assert_string_equal(again.version, c.version);
	assert_int_equal(again.n_props[IGP_QEMU_VFIO_PCI], c.n_props[IGP_QEMU_VFIO_PCI]);
	assert_int_equal(again.n_props[IGP_QEMU_VFIO_PCI_NOHOTPLUG], 2);
	assert_int_equal(strv_length(again.machines), strv_length(c.machines));
	assert_int_equal(igp_qemu_probe_format(&again, &text2), 0);
	assert_string_equal(text, text2);
	igp_qemu_caps_done(&again);
	igp_qemu_caps_done(&c);
}

static void test_parse_bad(void **state)
{
	struct igp_qemu_caps c;

	(void)state;
	assert_int_equal(igp_qemu_probe_parse("", &c), -EINVAL);
	assert_int_equal(igp_qemu_probe_parse("# igpuctl qemu probe 1\npath=/x\n", &c), -EINVAL);
	assert_int_equal(igp_qemu_probe_parse("# igpuctl qemu probe 1\n== --version\nno version here\n", &c),
			 -EINVAL);
	/* A QEMU without VFIO: no properties at all. */
	assert_int_equal(igp_qemu_probe_parse("# igpuctl qemu probe 1\n== --version\nQEMU emulator version "
					      "8.2.2\n== -device vfio-pci,help\n",
					      &c),
			 0);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "host"), 0);
	igp_qemu_caps_done(&c);
}

/* A QEMU known by its version only: the IGD properties by first release. */
static void test_version_only(void **state)
{
	struct igp_qemu_caps c = {.version = (char *)"10.0.2"};

	(void)state;
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-igd-lpc"), 1);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-igd-legacy-mode"), 1);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-no-kvm-msi"), -ENODATA);
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI_NOHOTPLUG, "x-igd-opregion"), 1);
	assert_string_equal(igp_qemu_prop_default(&c, IGP_QEMU_VFIO_PCI, "x-igd-opregion"), "false");
	assert_int_equal(igp_qemu_has_machine(&c, "q35"), -ENODATA);
	c.version = (char *)"9.2.0";
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-igd-lpc"), 0);
	c.version = (char *)"10.1.0";
	assert_string_equal(igp_qemu_prop_default(&c, IGP_QEMU_VFIO_PCI, "x-igd-opregion"), "true");
	c.version = NULL;
	assert_int_equal(igp_qemu_has_prop(&c, IGP_QEMU_VFIO_PCI, "x-igd-lpc"), -ENODATA);
	assert_int_equal(igp_qemu_has_prop(NULL, IGP_QEMU_VFIO_PCI, "x-igd-lpc"), -ENODATA);
}

/* An iGPU at 00:02.0 of device id DEV. */
static struct igp_vm_device igpu(struct igp_vm_func *f, uint16_t dev)
{
	*f = (struct igp_vm_func){
	    .address = "0000:00:02.0", .vendor = 0x8086, .device = dev, .class = 0x030000};
	return (struct igp_vm_device){.kind = IGP_VM_PCI, .funcs = f, .n_funcs = 1, .igd = true};
}

/* The host iGPU's stolen memory in MiB for decide(), 0: unknown. */
static int stolen_mib;

/* The properties decided, "name=value,..."; or "refused: WHY". */
static char *decide(uint16_t dev, const char *qemu_version, enum igp_igd_mode mode, bool uefi)
{
	struct igp_qemu_caps c = {.version = (char *)qemu_version, .source = (char *)"test"};
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_vm_func f;
	struct igp_vm_device d = igpu(&f, dev);
	struct igp_igd_plan p;
	_cleanup_strv_free_ char **notes = NULL;
	char *why = NULL, *out = NULL;
	int r;

	f.stolen_mib = stolen_mib;
	o.qemu = qemu_version ? &c : NULL;
	o.igd_mode = mode;
	o.uefi = uefi;
	/* Callers that only want the verdict pass no notes (vm's last check). */
	r = igp_igd_plan(&d, &o, &p, NULL, &why);
	free(why);
	why = NULL;
	assert_int_equal(igp_igd_plan(&d, &o, &p, &notes, &why), r);
	if (r == -ENOTSUP) {
		out = strdupf("refused: %s", why);
		free(why);
		return out;
	}
	assert_int_equal(r, 0);
	out = strdup("");
	for (size_t i = 0; i < p.n_props; i++)
		assert_int_equal(strextendf(&out, "%s%s=%s", i ? "," : "", p.props[i].name, p.props[i].value),
				 0);
	return out;
}

#define CFL 0x3e92  /* Coffee Lake, Gen 9 */
#define ADLN 0x46d1 /* Alder Lake-N, Gen 12 */
#define MTL 0x7d55  /* Meteor Lake, Gen 12.70 */

static void expect(char *got, const char *want)
{
	if (want[0] == '~') {
		if (!strstr(got, want + 1))
			fail_msg("'%s' does not contain '%s'", got, want + 1);
	} else {
		assert_string_equal(got, want);
	}
	free(got);
}

static void test_igd_by_version(void **state)
{
	(void)state;
	/* UPT: the OpRegion where it is not on by default. */
	expect(decide(CFL, "7.2.19", IGP_IGD_UPT, false), "x-igd-opregion=on");
	expect(decide(CFL, "10.0.2", IGP_IGD_UPT, false), "x-igd-opregion=on");
	expect(decide(CFL, "10.1.0", IGP_IGD_UPT, false), "");
	expect(decide(CFL, NULL, IGP_IGD_UPT, false), "x-igd-opregion=on");
	/* Gen 11+ before 9.2, Gen 12.5+ before 10.1: refused, naming the version. */
	expect(decide(ADLN, "7.2.19", IGP_IGD_UPT, false), "~refused: Gen 12 iGPUs need QEMU 9.2 or newer");
	expect(decide(ADLN, "9.2.0", IGP_IGD_UPT, false), "x-igd-opregion=on");
	expect(decide(MTL, "10.0.2", IGP_IGD_UPT, false), "~need QEMU 10.1 or newer");
	expect(decide(MTL, "11.0.0", IGP_IGD_UPT, false), "");
	/* Legacy mode: Gen 6-9 only; forced and checked where QEMU can. */
	expect(decide(CFL, "7.2.19", IGP_IGD_LEGACY, false), "");
	expect(decide(CFL, "10.0.2", IGP_IGD_LEGACY, false), "x-igd-legacy-mode=on");
	expect(decide(ADLN, "10.1.0", IGP_IGD_LEGACY, false), "~refused: IGD legacy mode needs a Gen 6 to 9");
	/* An OVMF guest's primary display at 00:02.0: LPC IDs from 10.0 on. */
	expect(decide(ADLN, "10.0.2", IGP_IGD_LEGACY, true),
	       "x-igd-legacy-mode=off,x-igd-lpc=on,x-igd-opregion=on");
	expect(decide(ADLN, "11.0.0", IGP_IGD_LEGACY, true), "x-igd-legacy-mode=off,x-igd-lpc=on");
	expect(decide(ADLN, "9.2.0", IGP_IGD_LEGACY, true), "~needs QEMU 10.0 or newer (x-igd-lpc)");
	expect(decide(CFL, "10.1.0", IGP_IGD_LEGACY, true), "x-igd-lpc=on");
	/* Before 9.2 legacy mode gives no stolen memory unless x-igd-gms asks
	 * for the host's (32 MiB units, at most 0x10); 9.2 passes it on. */
	stolen_mib = 64;
	expect(decide(CFL, "7.2.19", IGP_IGD_LEGACY, false), "x-igd-gms=2");
	expect(decide(CFL, "9.2.0", IGP_IGD_LEGACY, false), "");
	expect(decide(CFL, "10.0.2", IGP_IGD_LEGACY, false), "x-igd-legacy-mode=on");
	expect(decide(CFL, "7.2.19", IGP_IGD_UPT, false), "x-igd-opregion=on");
	stolen_mib = 1024;
	expect(decide(CFL, "9.1.0", IGP_IGD_LEGACY, false), "x-igd-gms=16");
	stolen_mib = 4;
	expect(decide(CFL, "7.2.19", IGP_IGD_LEGACY, false), "x-igd-gms=1");
	stolen_mib = 0;
}

/* A vGPU's display: display and ramfb must exist, the OpRegion as for UPT. */
static void test_igd_mdev(void **state)
{
	struct igp_qemu_caps c;
	struct igp_vm_options o = IGP_VM_OPTIONS_INIT;
	struct igp_vm_func f = {.address = "0000:00:02.0", .vendor = 0x8086, .device = CFL};
	struct igp_vm_device d = {.kind = IGP_VM_MDEV, .funcs = &f, .n_funcs = 1, .igd = true};
	struct igp_igd_plan p;
	char *why = NULL;

	(void)state;
	assert_int_equal(igp_qemu_probe_parse(probe72, &c), 0);
	o.qemu = &c;
	assert_int_equal(igp_igd_plan(&d, &o, &p, NULL, &why), 0);
	assert_int_equal(p.n_props, 0); /* no display: nothing */
	o.display = IGP_DISPLAY_RAMFB;
	assert_int_equal(igp_igd_plan(&d, &o, &p, NULL, &why), 0);
	assert_int_equal(p.n_props, 1);
	assert_string_equal(p.props[0].name, "x-igd-opregion");
	igp_qemu_caps_done(&c);
	assert_int_equal(igp_qemu_probe_parse("# igpuctl qemu probe 1\n== --version\nQEMU emulator version "
					      "2.11.1\n== -device vfio-pci,help\n  host=<str>\n",
					      &c),
			 0);
	assert_int_equal(igp_igd_plan(&d, &o, &p, NULL, &why), -ENOTSUP);
	assert_non_null(strstr(why, "needs QEMU 2.12 or newer"));
	free(why);
	igp_qemu_caps_done(&c);
}

/* The last guard of vm qemu: nothing QEMU would exit on is printed. */
static void test_args_check(void **state)
{
	struct igp_qemu_caps c;
	char *why = NULL;
	char *ok[] = {(char *)"-machine", (char *)"q35", (char *)"-device",
		      (char *)"vfio-pci,host=0000:00:02.0,id=igpuctl0,bus=pcie.0,x-igd-opregion=on", NULL};
	char *lpc[] = {(char *)"-device", (char *)"vfio-pci,host=0000:00:02.0,x-igd-lpc=on", NULL};
	char *escaped[] = {(char *)"-device", (char *)"vfio-pci,host=a,,x-igd-lpc=on,rombar=0", NULL};
	char *machine[] = {(char *)"-machine", (char *)"isapc", NULL};
	char *other[] = {(char *)"-device", (char *)"pcie-root-port,id=p,chassis=1,x-foo=1", NULL};

	(void)state;
	assert_int_equal(igp_qemu_probe_parse(probe72, &c), 0);
	c.source = strdup("test");
	assert_int_equal(igp_qemu_args_check(&c, ok, &why), 0);
	assert_int_equal(igp_qemu_args_check(&c, lpc, &why), -ENOTSUP);
	assert_string_equal(why, "QEMU 7.2.19 (test) has no vfio-pci property x-igd-lpc");
	free(why);
	/* ",," keeps a comma inside host's value: no x-igd-lpc property. */
	assert_int_equal(igp_qemu_args_check(&c, escaped, &why), 0);
	assert_int_equal(igp_qemu_args_check(&c, machine, &why), -ENOTSUP);
	assert_non_null(strstr(why, "no machine type isapc"));
	free(why);
	assert_int_equal(igp_qemu_args_check(&c, other, &why), 0);
	assert_int_equal(igp_qemu_args_check(NULL, lpc, &why), 0);
	igp_qemu_caps_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	 cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_version_only), cmocka_unit_test(test_igd_by_version),
	    cmocka_unit_test(test_igd_mdev),	 cmocka_unit_test(test_args_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
