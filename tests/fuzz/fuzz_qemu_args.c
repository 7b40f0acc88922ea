/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU arguments (qemu_args.h) with a ROM file name from the input (the
 * only free text `igpuctl vm qemu` puts into them; --romfile refuses only
 * empty names and newlines) and the options from its first byte.  Each
 * -device value is split the way QEMU's option parser (QemuOpts) splits
 * it, ",," being a comma: the driver comes first, every property is
 * key=value once, romfile= is the file name exactly, host= / sysfsdev=
 * name the device, and arguments come in option/value pairs.
 */
#include "../lib/vm-devices.h"
#include "fuzz.h"
#include "vm/qemu_args.h"
#include "base/util.h"

/* QemuOpts: split on single commas; ",," is a literal comma. */
static char **qemu_split(const char *s)
{
	char **v = calloc(1, sizeof(char *));
	_cleanup_free_ char *cur = strdup("");

	FZ_OOM(v && cur);
	for (const char *c = s;; c++) {
		if (*c == ',' && c[1] == ',') {
			FZ_OOM(strextendf(&cur, ",") == 0);
			c++;
			continue;
		}
		if (!*c || *c == ',') {
			FZ_OOM(strv_consume(&v, TAKE_PTR(cur)) == 0);
			if (!*c)
				break;
			FZ_OOM(cur = strdup(""));
			continue;
		}
		FZ_OOM(strextendf(&cur, "%c", *c) == 0);
	}
	return v;
}

/* Returns whether the device got the ROM file. */
static bool check_device(const char *value, const char *romfile)
{
	_cleanup_strv_free_ char **p = qemu_split(value);
	bool rom = false, target = false, vfio;

	FZ_ASSERT(p[0] && !strchr(p[0], '='), "no driver first in [%s]", value);
	vfio = streq(p[0], "vfio-pci") || streq(p[0], "vfio-pci-nohotplug");
	for (size_t i = 1; p[i]; i++) {
		const char *eq = strchr(p[i], '=');
		FZ_ASSERT(eq && eq > p[i], "property [%s] of [%s]", p[i], value);
		for (size_t j = 1; j < i; j++)
			FZ_ASSERT(strncmp(p[j], p[i], (size_t)(eq - p[i]) + 1), "[%.*s] twice in [%s]",
				  (int)(eq - p[i]), p[i], value);
		if (startswith(p[i], "romfile=")) {
			FZ_ASSERT(romfile && streq(eq + 1, romfile), "romfile [%s] for [%s]", eq + 1,
				  romfile ? romfile : "");
			rom = true;
		}
		target |= startswith(p[i], "host=") || startswith(p[i], "sysfsdev=");
	}
	FZ_ASSERT(!vfio || target, "no host in [%s]", value);
	return rom;
}

/*
 * vm qemu --full around the same arguments, the input's file name as the
 * OVMF images' directory (the host's paths are free text too): the binary
 * first, then pairs; the code image's -drive reads back as the path
 * exactly, and the device's arguments follow unchanged.
 */
static void check_full(char ***args, const char *path, size_t n)
{
	_cleanup_free_ char *code = strdupf("%s/OVMF_CODE.fd", path),
			    *vars = strdupf("%s/OVMF_VARS.fd", path), *last = NULL;
	_cleanup_strv_free_ char **notes = calloc(1, sizeof(char *));
	struct igp_qemu_full f = {.binary = "qemu-system-x86_64",
				  .memory_mib = 4096,
				  .cpus = 2,
				  .ovmf_code = code,
				  .ovmf_vars = vars,
				  .ovmf_source = "the files"};
	size_t m, drives = 0;

	FZ_OOM(code && vars && notes && (last = strdup((*args)[n - 1])));
	FZ_ASSERT(igp_qemu_full_args(&f, args, &notes) == 0, "full args");
	m = strv_length(*args);
	FZ_ASSERT(m % 2 == 1 && streq((*args)[0], f.binary), "%zu full arguments", m);
	FZ_ASSERT(streq((*args)[m - 1], last), "the device's arguments do not end the line");
	for (size_t i = 1; i < m; i += 2) {
		_cleanup_strv_free_ char **p = NULL;
		if (!streq((*args)[i], "-drive"))
			continue;
		p = qemu_split((*args)[i + 1]);
		FZ_ASSERT(strv_length(p) >= 3 && startswith(p[strv_length(p) - 1], "file="), "drive [%s]",
			  (*args)[i + 1]);
		if (drives++ == 0)
			FZ_ASSERT(streq(p[strv_length(p) - 1] + 5, code), "code [%s] for [%s]",
				  p[strv_length(p) - 1] + 5, code);
	}
	FZ_ASSERT(drives == 2, "%zu pflash drives", drives);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct igp_vm_device *devs[] = {&vmdev_igd, &vmdev_dgpu, &vmdev_vf, &vmdev_mdev};
	_cleanup_free_ char *romfile = NULL;
	uint8_t o = size ? data[0] : 0;
	struct igp_vm_options opts = IGP_VM_OPTIONS_INIT;

	romfile = size ? fz_cstring(data + 1, size - 1) : NULL;
	/* --romfile refuses "" and newlines. */
	if (romfile && (!*romfile || strchr(romfile, '\n')))
		return 0;
	opts.romfile = romfile;
	opts.display = (enum igp_vm_display)(o % _IGP_DISPLAY_MAX);
	opts.machine = (enum igp_vm_machine)((o >> 3) % 3);
	opts.igd_mode = (o >> 5) & 1 ? IGP_IGD_LEGACY : IGP_IGD_UPT;
	opts.x_vga = (o >> 6) & 1 ? 1 : -1;
	opts.rombar = (o >> 7) & 1 ? 1 : -1;
	opts.uefi = size > 1 && (data[1] & 1);

	for (size_t k = 0; k < ELEMENTSOF(devs); k++) {
		_cleanup_strv_free_ char **args = NULL, **notes = NULL;
		_cleanup_free_ char *why = NULL;
		size_t n, roms = 0;

		if (igp_vm_check(devs[k], &opts, IGP_VM_QEMU, &why) < 0) {
			FZ_ASSERT(why && *why, "refused without a reason");
			continue;
		}
		FZ_ASSERT(igp_qemu_args(devs[k], &opts, &args, &notes) == 0, "qemu args");
		n = strv_length(args);
		FZ_ASSERT(n % 2 == 0 && n >= 2 && streq(args[0], "-machine"), "%zu arguments", n);
		for (size_t i = 0; i < n; i += 2) {
			FZ_ASSERT(args[i][0] == '-' && args[i + 1][0] != '-', "pair [%s] [%s]", args[i],
				  args[i + 1]);
			if (streq(args[i], "-device"))
				roms += check_device(args[i + 1], romfile);
		}
		/* The ROM goes to the device's first function, once. */
		FZ_ASSERT(roms == (romfile ? 1u : 0u), "%zu devices got the ROM file", roms);
		if (romfile)
			check_full(&args, romfile, n);
	}
	return 0;
}
