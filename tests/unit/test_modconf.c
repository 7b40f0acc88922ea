/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modconf: the initramfs tool, and modules in the file the distribution
 * reads, never listed twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "modules/modconf.h"
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
	assert_int_equal(ir.kind, IGP_INITRAMFS_TOOLS);
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
	assert_int_equal(ir.kind, IGP_INITRAMFS_DRACUT);
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
	assert_int_equal(ir.kind, IGP_INITRAMFS_MKINITCPIO);
	assert_int_equal(igp_modconf_plan_modules(&p, &ir, vfio, true, "t", NULL), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.files[0].after,
			    "MODULES=(i915 vfio vfio_iommu_type1 vfio_pci)\nHOOKS=(base modconf)\n");
	assert_int_equal(p.files[0].undo.kind, IGP_UNDO_SHELL);
	igp_plan_done(&p);
	igp_initramfs_done(&ir);
}

static void test_owned_unchanged_is_noop(void **state)
{
	struct igp_plan p = {0};
	sh("mkdir -p $R/etc/modprobe.d && printf 'x\\n' > $R/etc/modprobe.d/igpuctl.conf");
	assert_int_equal(igp_modconf_plan_owned(&p, IGP_ETC_MODPROBE_D_IGPUCTL, "x\n", 0, "t"), 0);
	assert_int_equal(p.n_files, 0);
	igp_plan_done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_debian_modules, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_module_words, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_dracut, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_mkinitcpio, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_owned_unchanged_is_noop, each_setup, each_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
