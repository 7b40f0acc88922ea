/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU option values (src/lib/vm/qemu_opts.c) and VM configurations normalised by vmspec.c, on text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "base/util.h"
#include "vm/pveconf.h"
#include "vm/qemu_opts.h"
#include "vm/vmspec.h"

static void test_opts_split(void **state)
{
	struct igp_qemu_opts o;

	assert_int_equal(
	    igp_qemu_opts_parse("vfio-pci,host=00:02.0,romfile=/a,,b.rom,x-vga=on", "driver", &o), 0);
	assert_int_equal(o.n, 4);
	assert_string_equal(o.v[0].key, "driver");
	assert_string_equal(o.v[0].value, "vfio-pci");
	assert_string_equal(igp_qemu_opts_get(&o, "host"), "00:02.0");
	/* ",," is a comma inside the value, not the end of it. */
	assert_string_equal(igp_qemu_opts_get(&o, "romfile"), "/a,b.rom");
	assert_int_equal(igp_qemu_opts_bool(&o, "x-vga"), 1);
	assert_int_equal(igp_qemu_opts_bool(&o, "rombar"), -1);
	igp_qemu_opts_done(&o);
}

static void test_opts_implied_and_flags(void **state)
{
	struct igp_qemu_opts o;

	/* The implied first value may hold ",," too. */
	assert_int_equal(igp_qemu_opts_parse("a,,b,x=1", "type", &o), 0);
	assert_string_equal(igp_qemu_opts_get(&o, "type"), "a,b");
	igp_qemu_opts_done(&o);
	/* Only the first item is implied; later bare items are flags, "noX" is X=off. */
	assert_int_equal(igp_qemu_opts_parse("q35,accel=kvm,usb,nosmm", "type", &o), 0);
	assert_string_equal(igp_qemu_opts_get(&o, "type"), "q35");
	assert_string_equal(igp_qemu_opts_get(&o, "usb"), "on");
	assert_string_equal(igp_qemu_opts_get(&o, "smm"), "off");
	igp_qemu_opts_done(&o);
	/* Without an implied key the first bare item is a flag as well. */
	assert_int_equal(igp_qemu_opts_parse("readonly,if=pflash", NULL, &o), 0);
	assert_string_equal(igp_qemu_opts_get(&o, "readonly"), "on");
	assert_string_equal(igp_qemu_opts_get(&o, "if"), "pflash");
	igp_qemu_opts_done(&o);
	/* The last of a repeated key counts; a trailing comma ends nothing. */
	assert_int_equal(igp_qemu_opts_parse("x=1,x=2,", NULL, &o), 0);
	assert_int_equal(o.n, 2);
	assert_string_equal(igp_qemu_opts_get(&o, "x"), "2");
	igp_qemu_opts_done(&o);
	assert_int_equal(igp_qemu_opts_parse("", "driver", &o), 0);
	assert_int_equal(o.n, 0);
	igp_qemu_opts_done(&o);
}

static void test_opts_refused(void **state)
{
	struct igp_qemu_opts o;

	assert_int_equal(igp_qemu_opts_parse("vfio-pci,=on", "driver", &o), -EINVAL);
	/* A flag's name ends at the first comma (get_opt_name()): ",," after
	 * it leaves an empty name, which QEMU refuses. */
	assert_int_equal(igp_qemu_opts_parse("vfio-pci,,", NULL, &o), -EINVAL);
	assert_int_equal(igp_qemu_opts_parse("a,,,b", NULL, &o), -EINVAL);
	assert_int_equal(igp_qemu_opts_parse("no", NULL, &o), -EINVAL);
}

static void test_split_words(void **state)
{
	char **w;

	assert_int_equal(
	    igp_qemu_split_words("-set 'device.hostpci0.x-igd-lpc=on'  -device \"a b\" c\\ d", &w), 0);
	assert_int_equal(strv_length(w), 5);
	assert_string_equal(w[1], "device.hostpci0.x-igd-lpc=on");
	assert_string_equal(w[3], "a b");
	assert_string_equal(w[4], "c d");
	strv_free(w);
	assert_int_equal(igp_qemu_split_words("  ", &w), 0);
	assert_int_equal(strv_length(w), 0);
	strv_free(w);
	assert_int_equal(igp_qemu_split_words("-a 'open", &w), -EINVAL);
	assert_int_equal(igp_qemu_split_words("-a \\", &w), -EINVAL);
}

static struct igp_vmspec *qemu(char **argv)
{
	struct igp_vmspec *s = NULL;
	char *why = NULL;

	assert_int_equal(igp_vmspec_from_qemu(argv, &s, &why), 0);
	assert_null(why);
	return s;
}

static void test_qemu_cmdline(void **state)
{
	char *a[] = {"qemu-system-x86_64",
		     "-enable-kvm",
		     "-m",
		     "4096",
		     "-M",
		     "pc-q35-8.2,accel=kvm",
		     "-drive",
		     "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd",
		     "-device",
		     "vfio-pci,host=0000:00:02.0,id=igpu,addr=02.0,x-igd-lpc=on,rombar=0",
		     "-set",
		     "device.igpu.romfile=/r.rom",
		     "-vga",
		     "none",
		     "-display",
		     "none",
		     NULL};
	struct igp_vmspec *s = qemu(a);

	assert_int_equal(s->machine, IGP_MACHINE_Q35);
	assert_string_equal(s->machine_str, "pc-q35-8.2");
	assert_true(s->uefi);
	assert_null(s->vga);
	assert_false(s->display);
	assert_int_equal(s->n_devs, 1);
	assert_int_equal(s->devs[0].n_hosts, 1);
	assert_int_equal(s->devs[0].hosts[0].slot, 2);
	assert_true(s->devs[0].has_guest);
	assert_int_equal(s->devs[0].guest.slot, 2);
	assert_int_equal(s->devs[0].igd_lpc, 1);
	assert_int_equal(s->devs[0].rombar, 0);
	assert_string_equal(s->devs[0].romfile, "/r.rom");
	igp_vmspec_free(s);
}

static void test_qemu_defaults(void **state)
{
	char *a[] = {
	    "-device",
	    "vfio-pci,sysfsdev=/sys/bus/mdev/devices/4b20d080-1b54-4048-85b3-a6a62d165c01,display=on",
	    "-vnc",
	    ":0",
	    "-nographic",
	    NULL};
	char *b[] = {"-nodefaults", "-bios", "/usr/share/seabios/bios.bin", NULL};
	struct igp_vmspec *s = qemu(a);

	/* QEMU's default machine (pc) and VGA, at 00:02.0. */
	assert_int_equal(s->machine, IGP_MACHINE_I440FX);
	assert_string_equal(s->vga, "std");
	assert_true(s->vga_at_02);
	assert_false(s->uefi);
	/* -nographic, but -vnc is a display. */
	assert_true(s->display);
	assert_string_equal(s->devs[0].uuid, "4b20d080-1b54-4048-85b3-a6a62d165c01");
	assert_int_equal(s->devs[0].display, 1);
	assert_false(s->devs[0].has_guest);
	igp_vmspec_free(s);
	s = qemu(b);
	assert_null(s->vga);
	assert_int_equal(s->n_devs, 0);
	igp_vmspec_free(s);
}

static void test_qemu_refused(void **state)
{
	char *a[] = {"-device", NULL};
	char *b[] = {"-device", "vfio-pci,host=zz", NULL};
	char *c[] = {"-device", "vfio-pci,host=00:02.0,addr=40", NULL};
	char *d[] = {"-machine", "q35,=x", NULL};
	char **v[] = {a, b, c, d};
	struct igp_vmspec *s = NULL;

	for (size_t i = 0; i < ELEMENTSOF(v); i++) {
		char *why = NULL;
		assert_int_equal(igp_vmspec_from_qemu(v[i], &s, &why), -EINVAL);
		assert_non_null(why);
		assert_null(s);
		free(why);
	}
}

static struct igp_vmspec *pve(const char *text)
{
	struct igp_pve_conf c;
	struct igp_vmspec *s = NULL;
	char *why = NULL;

	assert_int_equal(igp_pve_conf_parse(text, false, &c), 0);
	assert_int_equal(igp_vmspec_from_pve("100", &c, &s, &why), 0);
	igp_pve_conf_done(&c);
	return s;
}

static void test_pve(void **state)
{
	struct igp_vmspec *s = pve("bios: ovmf\n"
				   "hostpci0: 0000:00:02,legacy-igd=1,romfile=igd.rom,rombar=0\n"
				   "hostpci1: mapping=nvidia,x-vga=1\n"
				   "args: -set device.hostpci0.x-igd-lpc=on\n"
				   "\n[PENDING]\nhostpci2: 0000:05:00.0\n");

	assert_int_equal(s->machine, IGP_MACHINE_I440FX);
	assert_null(s->machine_str);
	assert_true(s->uefi);
	/* The default vga is std, at 00:02.0 on i440fx. */
	assert_string_equal(s->vga, "std");
	assert_true(s->vga_at_02);
	assert_int_equal(s->n_devs, 2);
	assert_string_equal(s->devs[0].where, "hostpci0");
	assert_true(s->devs[0].slot[0]);
	assert_int_equal(s->devs[0].legacy, 1);
	assert_true(s->devs[0].has_guest);
	assert_int_equal(s->devs[0].guest.slot, 2);
	assert_string_equal(s->devs[0].romfile, "/usr/share/kvm/igd.rom");
	assert_int_equal(s->devs[0].rombar, 0);
	assert_int_equal(s->devs[0].igd_lpc, 1);
	assert_string_equal(s->devs[1].mapping, "nvidia");
	assert_int_equal(s->devs[1].n_hosts, 0);
	assert_int_equal(s->devs[1].x_vga, 1);
	igp_vmspec_free(s);

	s = pve("machine: pc-q35-8.1\nvga: none\n");
	assert_int_equal(s->machine, IGP_MACHINE_Q35);
	assert_null(s->vga);
	igp_vmspec_free(s);
	s = pve("machine: q35\nvga: qxl,memory=32\n");
	assert_string_equal(s->vga, "qxl");
	/* q35 has its VGA at 00:01.0. */
	assert_false(s->vga_at_02);
	igp_vmspec_free(s);
}

static void test_pve_bad_args(void **state)
{
	struct igp_pve_conf c;
	struct igp_vmspec *s = NULL;
	char *why = NULL;

	assert_int_equal(igp_pve_conf_parse("args: -set 'device.hostpci0.x\n", false, &c), 0);
	assert_int_equal(igp_vmspec_from_pve("100", &c, &s, &why), -EINVAL);
	assert_non_null(why);
	free(why);
	igp_pve_conf_done(&c);
}

static void test_libvirt(void **state)
{
	struct igp_libvirt_hostdev h[] = {
	    {.type = (char *)"pci",
	     .eff_alias = (char *)"ua-gpu",
	     .has_addr = true,
	     .addr = {0, 0, 2, 0},
	     .rom_bar = (char *)"off",
	     .has_guest_addr = true,
	     .guest_addr = {0, 0, 2, 0}},
	    {.type = (char *)"mdev",
	     .eff_alias = (char *)"hostdev1",
	     .uuid = (char *)"4b20d080-1b54-4048-85b3-a6a62d165c01",
	     .display = (char *)"on"},
	    {.type = (char *)"usb", .eff_alias = (char *)"hostdev2"},
	};
	struct igp_libvirt_qemu_prop p = {(char *)"ua-gpu", (char *)"x-igd-legacy-mode", (char *)"string",
					  (char *)"on"};
	char *graphics[] = {(char *)"spice", NULL};
	struct igp_libvirt_domain d = {.name = (char *)"win11",
				       .efi = true,
				       .machine = (char *)"pc-i440fx-8.2",
				       .hostdevs = h,
				       .n_hostdevs = 3,
				       .graphics = graphics,
				       .overrides = &p,
				       .n_overrides = 1};
	struct igp_vmspec *s = NULL;

	assert_int_equal(igp_vmspec_from_libvirt("win11", &d, &s), 0);
	assert_string_equal(s->id, "win11");
	assert_true(s->uefi);
	assert_int_equal(s->machine, IGP_MACHINE_I440FX);
	/* <graphics> without <video>: libvirt adds a VGA, at 00:02.0 on i440fx. */
	assert_string_equal(s->vga, "vga");
	assert_true(s->vga_at_02);
	assert_true(s->display);
	assert_int_equal(s->n_devs, 2);
	assert_int_equal(s->devs[0].rombar, 0);
	assert_int_equal(s->devs[0].legacy, 1);
	assert_true(s->devs[0].has_guest);
	assert_int_equal(s->devs[1].display, 1);
	assert_string_equal(s->devs[1].uuid, "4b20d080-1b54-4048-85b3-a6a62d165c01");
	igp_vmspec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opts_split),	 cmocka_unit_test(test_opts_implied_and_flags),
	    cmocka_unit_test(test_opts_refused), cmocka_unit_test(test_split_words),
	    cmocka_unit_test(test_qemu_cmdline), cmocka_unit_test(test_qemu_defaults),
	    cmocka_unit_test(test_qemu_refused), cmocka_unit_test(test_pve),
	    cmocka_unit_test(test_pve_bad_args), cmocka_unit_test(test_libvirt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
