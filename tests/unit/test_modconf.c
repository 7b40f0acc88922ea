/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modconf: the initramfs tool, and modules in the file the distribution
 * reads, never listed twice; modprobe.d read as modprobe reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "modules/modconf.h"
#include "modules/modload.h"
#include "modules/modprobe.h"
#include "base/paths.h"
#include "base/util.h"

static char root[] = "/tmp/igp-modconf-XXXXXX";
static char *const vfio[] = {"vfio", "vfio_iommu_type1", "vfio_pci", NULL};

/* Run a shell command with $R set to the root. */
static void sh(const char *cmd)
{
	assert_int_equal(setenv("R", root, 1), 0);
	assert_int_equal(system(cmd), 0);
}

static int each_setup(void **state)
{
	strcpy(root, "/tmp/igp-modconf-XXXXXX");
	assert_non_null(mkdtemp(root));
	sh("mkdir -p $R/etc");
	assert_int_equal(igp_root_set(root), 0);
	return 0;
}

static int each_teardown(void **state)
{
	igp_root_set(NULL);
	sh("rm -rf $R");
	return 0;
}

static void test_debian_modules(void **state)
{
	struct igp_initramfs ir;
	struct igp_plan p = {0};

	sh("mkdir -p $R/etc/initramfs-tools && printf '# mods\\nvfio-pci\\n' > $R/etc/modules");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_ptr_equal(ir.ops, &igp_initramfs_tools_ops);
	assert_string_equal(ir.argv[0], "update-initramfs");
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, vfio, true, "t", NULL), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.files[0].path, IGP_ETC_MODULES);
	/* vfio-pci is already there as vfio-pci: not added again. */
	assert_string_equal(p.files[0].after, "# mods\nvfio-pci\n# igpuctl setup: modules for GPU "
					      "passthrough\nvfio\nvfio_iommu_type1\n");
	igp_plan_done(&p);
	igp_initramfs_done(&ir);
}

/* "vfio=1" names no module (systemd-modules-load would look for that
 * name), and a CR ends a name as systemd strips it. */
static void test_module_words(void **state)
{
	struct igp_initramfs ir;
	struct igp_plan p = {0};

	sh("mkdir -p $R/etc/initramfs-tools && printf 'vfio=1\\nvfio_pci\\r\\nvfio_iommu_type1\\n' > "
	   "$R/etc/modules");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, vfio, true, "t", NULL), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.files[0].after,
			    "vfio=1\nvfio_pci\r\nvfio_iommu_type1\n# igpuctl setup: modules for GPU "
			    "passthrough\nvfio\n");
	igp_plan_done(&p);
	igp_initramfs_done(&ir);
}

static void test_dracut(void **state)
{
	struct igp_initramfs ir;
	struct igp_plan p = {0};

	sh("mkdir -p $R/etc/dracut.conf.d");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_ptr_equal(ir.ops, &igp_dracut_ops);
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, vfio, true, "t", NULL), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.files[0].path, IGP_ETC_DRACUT_CONF_D_IGPUCTL);
	assert_true(endswith(p.files[0].path, ".conf")); /* dracut reads only .conf */
	assert_non_null(strstr(p.files[0].after, "force_drivers+=\" vfio vfio_iommu_type1 vfio_pci \"\n"));
	assert_null(p.files[0].before);
	igp_plan_done(&p);
	/* run-time modules go to modules-load.d */
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, (char *[]){"kvmgt", NULL}, false, "t", NULL), 0);
	assert_string_equal(p.files[0].path, IGP_ETC_MODULES_LOAD_D_IGPUCTL);
	igp_plan_done(&p);
	igp_initramfs_done(&ir);
}

static void test_mkinitcpio(void **state)
{
	struct igp_initramfs ir;
	struct igp_plan p = {0};

	sh("printf 'MODULES=(i915)\\nHOOKS=(base modconf)\\n' > $R/etc/mkinitcpio.conf");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_ptr_equal(ir.ops, &igp_mkinitcpio_ops);
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, vfio, true, "t", NULL), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.files[0].after,
			    "MODULES=(i915 vfio vfio_iommu_type1 vfio_pci)\nHOOKS=(base modconf)\n");
	assert_int_equal(p.files[0].undo.kind, IGP_UNDO_SHELL);
	igp_plan_done(&p);
	igp_initramfs_done(&ir);
}

#define OBSOLETE_HEADER                                                                                      \
	"# /etc/modules is obsolete and has been replaced by /etc/modules-load.d/.\n"                        \
	"# Please see modules-load.d(5) and modprobe.d(5) for details.\n#\n"                                 \
	"# Updating this file still works, but it is undocumented and unsupported.\n"

/* Debian 13, Proxmox VE 9, Ubuntu 24.04: /etc/modules calls itself
 * obsolete.  Early modules go to igpuctl's modules-load.d file and to the
 * initramfs list (the image has nothing else); run-time ones to the file
 * alone; /etc/modules stays as it is.  Setup's plan and igp_modules_place()
 * agree. */
static void test_debian13_modules(void **state)
{
	struct igp_modules_place pl;
	struct igp_initramfs ir;
	struct igp_plan p = {0};

	sh("mkdir -p $R/etc/initramfs-tools && printf '" OBSOLETE_HEADER "' > $R/etc/modules && "
	   "printf '# List of modules\\n' > $R/etc/initramfs-tools/modules");
	assert_true(igp_etc_modules_obsolete());
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	igp_modules_place(&ir, true, &pl);
	assert_string_equal(pl.load, IGP_ETC_MODULES_LOAD_D_IGPUCTL);
	assert_string_equal(pl.image, IGP_ETC_INITRAMFS_TOOLS_MODULES);
	assert_null(pl.image_var);
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, vfio, true, "t", NULL), 0);
	assert_int_equal(p.n_files, 2);
	assert_string_equal(p.files[0].path, pl.load);
	assert_string_equal(p.files[0].after, "# Written by igpuctl setup; `igpuctl revert` removes it.\n"
					      "vfio\nvfio_iommu_type1\nvfio_pci\n");
	assert_string_equal(p.files[1].path, pl.image);
	assert_string_equal(p.files[1].after,
			    "# List of modules\n# igpuctl setup: modules for GPU passthrough\n"
			    "vfio\nvfio_iommu_type1\nvfio_pci\n");
	assert_true(p.files[1].refresh & IGP_REFRESH_INITRAMFS);
	igp_plan_done(&p);
	igp_modules_place(&ir, false, &pl);
	assert_string_equal(pl.load, IGP_ETC_MODULES_LOAD_D_IGPUCTL);
	assert_null(pl.image);
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, (char *[]){"kvmgt", NULL}, false, "t", NULL), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.files[0].path, IGP_ETC_MODULES_LOAD_D_IGPUCTL);
	igp_plan_done(&p);
	igp_initramfs_done(&ir);
}

/* Debian 12, Proxmox VE 8: /etc/modules as before, for early and run-time
 * modules alike. */
static void test_debian12_place(void **state)
{
	struct igp_modules_place pl;
	struct igp_initramfs ir;

	sh("mkdir -p $R/etc/initramfs-tools && printf '# /etc/modules: kernel modules to load at boot "
	   "time.\\n' > $R/etc/modules");
	assert_false(igp_etc_modules_obsolete());
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	igp_modules_place(&ir, true, &pl);
	assert_string_equal(pl.load, IGP_ETC_MODULES);
	assert_null(pl.image);
	igp_modules_place(&ir, false, &pl);
	assert_string_equal(pl.load, IGP_ETC_MODULES);
	igp_initramfs_done(&ir);
}

/* Proxmox VE's qemu-server ships /usr/lib/modules-load.d/qemu-server.conf
 * (in /etc before 9.2.1): no plan may write that name, nor any other that
 * would mask a package's modules-load.d file. */
static void test_never_qemu_server(void **state)
{
	_cleanup_free_ char *err = NULL;
	struct igp_plan p = {0};

	assert_int_equal(igp_modconf_path_allowed(IGP_ETC_MODULES_LOAD_D_IGPUCTL, NULL), 0);
	assert_int_equal(igp_modconf_path_allowed("/etc/modules-load.d/qemu-server.conf", &err), -EPERM);
	assert_non_null(strstr(err, "/etc/modules-load.d/qemu-server.conf would mask"));
	assert_int_equal(igp_modconf_plan_owned(&p, "/etc/modules-load.d/qemu-server.conf", "vfio\n", 0, "t"),
			 -EPERM);
	assert_int_equal(igp_modconf_plan_lines(&p, "/etc/modules-load.d/qemu-server.conf",
						(char *[]){"vfio", NULL}, 0, "t"),
			 -EPERM);
	assert_int_equal(p.n_files, 0);
	sh("mkdir -p $R/usr/lib/modules-load.d && : > $R/usr/lib/modules-load.d/vendor.conf");
	assert_int_equal(igp_modconf_path_allowed("/etc/modules-load.d/vendor.conf", NULL), -EPERM);
	assert_int_equal(igp_modconf_path_allowed("/etc/modules-load.d/other.conf", NULL), 0);
	/* Other lists are not modules-load.d's. */
	assert_int_equal(igp_modconf_path_allowed(IGP_ETC_MODULES, NULL), 0);
	igp_plan_done(&p);
}

static void test_owned_unchanged_is_noop(void **state)
{
	struct igp_plan p = {0};
	sh("mkdir -p $R/etc/modprobe.d && printf 'x\\n' > $R/etc/modprobe.d/igpuctl.conf");
	assert_int_equal(igp_modconf_plan_owned(&p, IGP_ETC_MODPROBE_D_IGPUCTL, "x\n", 0, "t"), 0);
	assert_int_equal(p.n_files, 0);
	igp_plan_done(&p);
}

/* The value modprobe gives MOD.PARAM (FLAGS), asserted with where it is set. */
static void assert_option(const struct igp_modprobe *m, const char *mod, const char *param, unsigned flags,
			  const char *value, const char *where)
{
	_cleanup_free_ char *v = NULL;
	const struct igp_modprobe_entry *e = NULL;

	if (!value) {
		assert_int_equal(igp_modprobe_option(m, mod, param, flags, &v, &e), 0);
		assert_null(v);
		return;
	}
	assert_int_equal(igp_modprobe_option(m, mod, param, flags, &v, &e), 1);
	assert_string_equal(v, value);
	assert_string_equal(e->where, where);
	assert_int_equal(e->cmdline, streq(where, "the kernel command line"));
}

/* modprobe reads the files in strcmp() order of their names: 10-b.conf,
 * then 9-a.conf, whose value is the last and so the one i915 gets. */
static void test_modprobe_strcmp_order(void **state)
{
	struct igp_modprobe m;

	sh("mkdir -p $R/etc/modprobe.d && printf 'options i915 enable_guc=3\\n' > $R/etc/modprobe.d/9-a.conf "
	   "&& "
	   "printf 'options i915 enable_guc=0\\n' > $R/etc/modprobe.d/10-b.conf");
	assert_int_equal(igp_modprobe_read(NULL, &m), 0);
	assert_string_equal(m.files[0], "/etc/modprobe.d/10-b.conf");
	assert_string_equal(m.files[1], "/etc/modprobe.d/9-a.conf");
	assert_null(m.files[2]);
	assert_option(&m, "i915", "enable_guc", 0, "3", "/etc/modprobe.d/9-a.conf:1");
	igp_modprobe_done(&m);
}

/* A name in /etc hides the same name in /run and /usr/lib; a /dev/null link
 * hides it too; the other names of every directory are read, sorted
 * together whatever their directory. */
static void test_modprobe_same_name_override(void **state)
{
	struct igp_modprobe m;

	sh("mkdir -p $R/etc/modprobe.d $R/run/modprobe.d $R/usr/lib/modprobe.d $R/lib/modprobe.d && "
	   "printf 'options i915 enable_guc=0\\n' > $R/etc/modprobe.d/i915.conf && "
	   "printf 'options i915 enable_guc=2\\nblacklist nouveau\\n' > $R/usr/lib/modprobe.d/i915.conf && "
	   "printf 'options i915 enable_guc=1\\n' > $R/run/modprobe.d/i915.conf && "
	   "printf 'options kvm ignore_msrs=1\\n' > $R/usr/lib/modprobe.d/50-kvm.conf && "
	   "printf 'options kvm ignore_msrs=0\\n' > $R/etc/modprobe.d/40-kvm.conf && "
	   "printf 'blacklist snd_hda_intel\\n' > $R/lib/modprobe.d/zz.conf && "
	   "ln -s /dev/null $R/etc/modprobe.d/zz.conf && "
	   "printf 'blacklist i915\\n' > $R/etc/modprobe.d/notes.txt && "
	   "mkdir $R/etc/modprobe.d/dir.conf");
	assert_int_equal(igp_modprobe_read(NULL, &m), 0);
	assert_option(&m, "i915", "enable_guc", 0, "0", "/etc/modprobe.d/i915.conf:1");
	assert_null(igp_modprobe_blacklisted(&m, "nouveau", 0));
	assert_null(igp_modprobe_blacklisted(&m, "snd_hda_intel", 0));
	assert_null(igp_modprobe_blacklisted(&m, "i915", 0));
	/* 50-kvm.conf of /usr/lib comes after 40-kvm.conf of /etc. */
	assert_option(&m, "kvm", "ignore_msrs", 0, "1", "/usr/lib/modprobe.d/50-kvm.conf:1");
	assert_string_equal(m.files[0], "/etc/modprobe.d/40-kvm.conf");
	assert_string_equal(m.files[1], "/usr/lib/modprobe.d/50-kvm.conf");
	assert_string_equal(m.files[2], "/etc/modprobe.d/i915.conf");
	assert_int_equal(strv_length(m.files), 3);
	igp_modprobe_done(&m);
}

/* '-' and '_' are one in module and parameter names; lines continue after
 * a backslash and are named by the line they start on; a trailing comment
 * is no comment to modprobe (the kernel ignores the unknown words). */
static void test_modprobe_lines_and_spellings(void **state)
{
	struct igp_modprobe m = {0};
	_cleanup_strv_free_ char **deps = NULL;
	static const char text[] = "# c\n"
				   "options i915 \\\n"
				   " enable-guc=1 \"enable_gvt=1\"\n"
				   "options\ti915\tenable_guc=2 # was 1\n"
				   "options vfio-pci ids=8086:3e92 disable_vga\n"
				   "options snd foo=\"a b\" bar=\"c\"\n"
				   "  options i915 max_vfs=7\n"
				   "# options i915 enable_guc=9\n"
				   "options i915\n"
				   "options\n"
				   "blacklist vfio[pci\n"
				   "softdep i915 x pre: vfio-pci post: y\n"
				   "blacklist nouveau extra\n"
				   "bogus i915 enable_guc=5\n";

	assert_int_equal(igp_modprobe_parse(&m, "/f.conf", text, sizeof(text) - 1), 0);
	assert_option(&m, "i915", "enable_guc", 0, "2", "/f.conf:4");
	assert_option(&m, "i915", "enable-gvt", 0, "1", "/f.conf:2");
	assert_option(&m, "vfio_pci", "ids", 0, "8086:3e92", "/f.conf:5");
	assert_option(&m, "vfio-pci", "disable_vga", 0, "", "/f.conf:5");
	assert_option(&m, "snd", "foo", 0, "a b", "/f.conf:6");
	assert_option(&m, "snd", "bar", 0, "c", "/f.conf:6");
	assert_option(&m, "i915", "max_vfs", 0, "7", "/f.conf:7");
	assert_string_equal(igp_modprobe_blacklisted(&m, "nouveau", 0), "/f.conf:13");
	assert_null(igp_modprobe_blacklisted(&m, "extra", 0));
	assert_int_equal(m.entries[m.n - 2].cmd, IGP_MODPROBE_SOFTDEP);
	assert_int_equal(igp_modprobe_softdep_modules(&m.entries[m.n - 2], &deps), 0);
	assert_string_equal(deps[0], "vfio_pci");
	assert_string_equal(deps[1], "y");
	assert_null(deps[2]);
	/* Only these entries: the malformed lines are ignored. */
	assert_int_equal(m.n, 7);
	igp_modprobe_done(&m);
}

/* MODULE.PARAM= of the kernel command line comes after every file;
 * modprobe.blacklist= names modules as written. */
static void test_modprobe_cmdline(void **state)
{
	struct igp_modprobe m;

	sh("mkdir -p $R/etc/modprobe.d && printf 'options i915 enable_guc=3\\n' > "
	   "$R/etc/modprobe.d/i915.conf");
	assert_int_equal(igp_modprobe_read("BOOT_IMAGE=/vmlinuz quiet i915.enable-guc=0 "
					   "\"i915.x=a b\" modprobe.blacklist=nouveau,vfio-pci a.b.c=1 =x",
					   &m),
			 0);
	assert_option(&m, "i915", "enable_guc", 0, "0", "the kernel command line");
	assert_option(&m, "i915", "enable_guc", IGP_MODPROBE_FILES_ONLY, "3", "/etc/modprobe.d/i915.conf:1");
	assert_option(&m, "i915", "x", 0, "a b", "the kernel command line");
	assert_option(&m, "a", "b", 0, NULL, NULL);
	assert_string_equal(igp_modprobe_blacklisted(&m, "nouveau", 0), "the kernel command line");
	assert_null(igp_modprobe_blacklisted(&m, "nouveau", IGP_MODPROBE_FILES_ONLY));
	assert_null(igp_modprobe_blacklisted(&m, "vfio_pci", 0));
	igp_modprobe_done(&m);
}

/* Without its files, the tool the distribution always has; else none,
 * whose rebuild command is no command at all. */
static void test_initramfs_by_distribution(void **state)
{
	struct igp_initramfs ir;
	_cleanup_free_ char *cmd = NULL;

	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_null(ir.ops);
	assert_null(ir.argv);
	assert_string_equal(ir.name, "none");
	igp_initramfs_done(&ir);
	sh("printf 'ID=fedora\\n' > $R/etc/os-release");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_ptr_equal(ir.ops, &igp_dracut_ops);
	assert_string_equal(ir.reason, "/etc/os-release names a Fedora-family system");
	cmd = igp_initramfs_command(&ir);
	assert_string_equal(cmd, "dracut --regenerate-all --force");
	igp_initramfs_done(&ir);
	sh("printf 'ID=pop\\nID_LIKE=\"ubuntu debian\"\\n' > $R/etc/os-release");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_ptr_equal(ir.ops, &igp_initramfs_tools_ops);
	igp_initramfs_done(&ir);
}

/* The image of a release and the files built into it, per tool. */
static void test_initramfs_inputs(void **state)
{
	char *const mp[] = {"/etc/modprobe.d/vfio.conf", NULL};
	struct igp_initramfs ir;
	_cleanup_free_ char *img = NULL, *why = NULL;
	_cleanup_strv_free_ char **cfg = NULL;

	sh("mkdir -p $R/etc/mkinitcpio.conf.d $R/lib/modules/6.12.1-arch1-1 && "
	   "printf 'MODULES=()\\nHOOKS=(base udev)\\n' > $R/etc/mkinitcpio.conf && "
	   "printf 'MODULES+=(vfio)\\n' > $R/etc/mkinitcpio.conf.d/b.conf && "
	   "printf 'x\\n' > $R/etc/mkinitcpio.conf.d/a.conf && "
	   "printf 'linux-lts\\n' > $R/lib/modules/6.12.1-arch1-1/pkgbase");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_int_equal(igp_initramfs_inputs(&ir, "6.12.1-arch1-1", mp, &img, &cfg), 0);
	assert_string_equal(img, "/boot/initramfs-linux-lts.img");
	/* /etc/modules is no input: no tool builds it into the image. */
	assert_string_equal(cfg[0], "/etc/modprobe.d/vfio.conf");
	assert_string_equal(cfg[1], IGP_ETC_MKINITCPIO_CONF);
	assert_string_equal(cfg[2], "/etc/mkinitcpio.conf.d/a.conf");
	assert_string_equal(cfg[3], "/etc/mkinitcpio.conf.d/b.conf");
	assert_null(cfg[4]);
	/* no "modconf" hook: modprobe.d stays out of the image */
	why = ir.ops->modprobe_d_missing();
	assert_string_equal(why, "HOOKS in /etc/mkinitcpio.conf has no \"modconf\"");
	igp_initramfs_done(&ir);
	free(img);
	img = NULL;
	assert_int_equal(igp_initramfs_tools_ops.image("6.8.12-4-pve", &img), 0);
	assert_string_equal(img, "/boot/initrd.img-6.8.12-4-pve");
	free(img);
	img = NULL;
	assert_int_equal(igp_dracut_ops.image("6.11.4-301.fc41.x86_64", &img), 0);
	assert_string_equal(img, "/boot/initramfs-6.11.4-301.fc41.x86_64.img");
}

/* Configured to load: /etc/modules, modules-load.d in systemd's order
 * (a name in /etc masks it in /usr/lib), the host tool's own list only,
 * the softdeps of modprobe.d; '-' as '_'. */
static void test_modload(void **state)
{
	struct igp_initramfs ir;
	struct igp_modprobe mp = {0};
	struct igp_modload l;
	static const char softdep[] = "softdep i915 pre: vfio-pci\n";

	sh("mkdir -p $R/etc/initramfs-tools $R/etc/modules-load.d $R/usr/lib/modules-load.d "
	   "$R/etc/dracut.conf.d && "
	   "printf '# x\\nvfio-iommu-type1\\n' > $R/etc/modules && "
	   "printf 'kvmgt\\n' > $R/usr/lib/modules-load.d/gvt.conf && "
	   "printf 'vfio_mdev\\n' > $R/usr/lib/modules-load.d/z.conf && "
	   "ln -s /dev/null $R/etc/modules-load.d/gvt.conf && "
	   "printf ';c\\nvfio\\n' > $R/etc/modules-load.d/a.conf && "
	   "printf 'vfio_virqfd\\n' > $R/etc/initramfs-tools/modules && "
	   "printf 'force_drivers+=\" nouveau \"\\n' > $R/etc/dracut.conf.d/x.conf");
	assert_int_equal(igp_initramfs_detect(&ir), 0);
	assert_int_equal(
	    igp_modprobe_parse(&mp, "/etc/modprobe.d/igpuctl.conf", softdep, sizeof(softdep) - 1), 0);
	assert_int_equal(igp_modload_read(&ir, &mp, &l), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.entries[0].name, "vfio_iommu_type1");
	assert_string_equal(l.entries[0].where, "/etc/modules:2");
	assert_string_equal(l.entries[1].where, "/etc/modules-load.d/a.conf:2");
	assert_string_equal(l.entries[2].where, "/usr/lib/modules-load.d/z.conf:1");
	assert_string_equal(l.entries[3].where, "/etc/initramfs-tools/modules:1");
	assert_string_equal(igp_modload_find(&l, "vfio-pci")->where,
			    "/etc/modprobe.d/igpuctl.conf:1, softdep of i915");
	assert_null(igp_modload_find(&l, "kvmgt"));
	assert_null(igp_modload_find(&l, "nouveau"));
	igp_modload_done(&l);
	igp_modprobe_done(&mp);
	igp_initramfs_done(&ir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_debian_modules, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_module_words, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_dracut, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_mkinitcpio, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_owned_unchanged_is_noop, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_debian13_modules, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_debian12_place, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_never_qemu_server, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_initramfs_by_distribution, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_initramfs_inputs, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_modload, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_modprobe_strcmp_order, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_modprobe_same_name_override, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_modprobe_lines_and_spellings, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_modprobe_cmdline, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
