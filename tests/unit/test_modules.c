/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Modules of the running kernel in the host model (model/modules.h):
 * loaded ones from /proc/modules, built-in ones from modules.builtin, their
 * parameters from /sys/module, '-' and '_' equal; and the CPU facts of
 * /proc/cpuinfo (model/sysinfo.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/host.h"
#include "model/modules.h"
#include "model/sysinfo.h"
#include "modules/modload.h"
#include "tmproot.h"

static char root[64];

static void sh(const char *cmd)
{
	assert_int_equal(setenv("R", root, 1), 0);
	assert_int_equal(system(cmd), 0);
}

static int each_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/igp-modules-XXXXXX");
	tmproot_setup(root, "sys/bus/pci/devices", "proc/sys/kernel", "lib/modules/6.1.0-26-amd64",
		      "sys/module/i915/parameters", "sys/module/kvm/parameters",
		      "sys/module/vfio_pci/parameters", NULL);
	sh("cd $R && echo 6.1.0-26-amd64 > proc/sys/kernel/osrelease && "
	   "printf 'i915 3891200 0 - Live 0x0\\nkvm_intel 401408 0 - Live 0x0\\nkvm 1327104 1 kvm_intel, "
	   "Live "
	   "0x0\\n' > proc/modules && "
	   "printf 'kernel/drivers/vfio/pci/vfio-pci.ko\\nkernel/drivers/vfio/vfio.ko\\n' "
	   "> lib/modules/6.1.0-26-amd64/modules.builtin && "
	   "echo Y > sys/module/i915/parameters/enable_gvt && echo -1 > "
	   "sys/module/i915/parameters/enable_guc && "
	   "echo N > sys/module/kvm/parameters/ignore_msrs && echo 0x8086:0x3e92 > "
	   "sys/module/vfio_pci/parameters/ids && "
	   /* depmod's index (modules.dep.bin), as an installed kernel has it */
	   "depmod -b $R 6.1.0-26-amd64");
	return 0;
}

static int each_teardown(void **state)
{
	(void)state;
	tmproot_teardown(root);
	return 0;
}

static void test_params(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_module *m;
	(void)state;

	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_module(h, "i915", &m), 0);
	assert_true(m->loaded);
	assert_false(m->builtin);
	assert_int_equal(m->n_params, 2);
	/* What sysfs says: Y, not the 1 of the command line. */
	assert_string_equal(igp_module_param(m, "enable_gvt"), "Y");
	assert_string_equal(igp_module_param(m, "enable-guc"), "-1");
	assert_null(igp_module_param(m, "max_vfs"));
	assert_string_equal(igp_host_module_param(h, "kvm", "ignore_msrs"), "N");
	/* vfio-pci is built in here and has its parameters in sysfs. */
	assert_string_equal(igp_host_module_param(h, "vfio-pci", "ids"), "0x8086:0x3e92");
	assert_true(igp_host_module_builtin(h, "vfio_pci"));
	assert_false(igp_host_module_loaded(h, "vfio-pci"));
	assert_true(igp_host_module_loaded(h, "kvm-intel"));
	/* Neither loaded nor built in: no parameters, nothing known. */
	assert_int_equal(igp_host_module(h, "kvmgt", &m), 0);
	assert_false(m->loaded);
	assert_false(m->builtin);
	assert_int_equal(m->n_params, 0);
	assert_null(igp_host_module_param(h, "nouveau", "modeset"));
	/* Asked twice: the same entry. */
	assert_ptr_equal(m, ({
				 const struct igp_module *again;
				 assert_int_equal(igp_host_module(h, "kvmgt", &again), 0);
				 again;
			 }));
}

static void test_available(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	(void)state;

	assert_int_equal(igp_host_load(&h), 0);
	/* Built in counts; the module directory has no module of that name. */
	assert_int_equal(igp_host_module_available(h, "vfio"), 1);
	assert_int_equal(igp_host_module_available(h, "kvmgt"), 0);
	assert_non_null(igp_host_kmod(h));
	igp_host_free(h);
	h = NULL;

	/* A directory without depmod's index (what DKMS leaves of a removed
	 * kernel) tells nothing. */
	sh("cd $R/lib/modules/6.1.0-26-amd64 && rm modules.dep.bin && mkdir -p updates/dkms");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_module_available(h, "vfio"), 1);
	assert_int_equal(igp_host_module_available(h, "kvmgt"), -ENOENT);
	igp_host_free(h);
	h = NULL;

	/* The running kernel's directory is gone (upgraded, removed). */
	sh("rm -rf $R/lib/modules/6.1.0-26-amd64");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_module_available(h, "vfio"), -ENOENT);
	assert_null(igp_host_kmod(h));
}

static void test_cpu(void **state)
{
	_cleanup_host_ struct igp_host *h = NULL;
	const struct igp_cpu *cpu;
	(void)state;

	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_cpu(h, &cpu), -ENOENT);
	igp_host_free(h);
	h = NULL;

	sh("printf 'processor\\t: 0\\nvendor_id\\t: AuthenticAMD\\nflags\\t\\t: fpu svm hypervisor\\n\\n"
	   "processor\\t: 1\\nvendor_id\\t: GenuineIntel\\nflags\\t\\t: vmx\\n' > $R/proc/cpuinfo");
	assert_int_equal(igp_host_load(&h), 0);
	assert_int_equal(igp_host_cpu(h, &cpu), 0);
	assert_string_equal(cpu->vendor, "AuthenticAMD");
	assert_true(cpu->amd);
	assert_string_equal(cpu->virt_flag, "svm");
	assert_true(cpu->hypervisor);
}

/* The merged modules, as check flags them and setup removes them. */
static void test_merged(void **state)
{
	char **v = NULL;

	assert_true(igp_module_merged_in("vfio-mdev", "5.14.0-1-amd64"));
	assert_false(igp_module_merged_in("vfio_mdev", "5.13.19"));
	assert_true(igp_module_merged_in("vfio_virqfd", "6.8.12-4-pve"));
	assert_false(igp_module_merged_in("vfio_virqfd", "6.1.0-26-amd64"));
	assert_false(igp_module_merged_in("vfio_virqfd", NULL));
	assert_false(igp_module_merged_in("vfio", "6.8"));
	assert_string_equal(igp_merged_module_find("vfio-virqfd")->check_id, "modules.vfio_virqfd");
	assert_int_equal(igp_merged_modules_in("6.1.0", &v), 0);
	assert_int_equal(strv_length(v), 1);
	assert_string_equal(v[0], "vfio_mdev");
	strv_free(v);
	assert_int_equal(igp_merged_modules_in(NULL, &v), 0);
	assert_null(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_params, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_available, each_setup, each_teardown),
	    cmocka_unit_test_setup_teardown(test_cpu, each_setup, each_teardown),
	    cmocka_unit_test(test_merged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
