/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The redaction of `igpuctl report` (report/redact.h): what goes, what
 * stays, the same value giving the same replacement, twice as once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/redact.h"

static char *names_default[] = {"jdoe-tower.example.org", NULL};

static char *red(struct igp_redactor *r, const char *file, const char *in)
{
	struct strbuf b = {0};

	assert_int_equal(igp_redact(r, file, in, strlen(in), &b), 0);
	return b.s ? strbuf_steal(&b) : strdup("");
}

static void expect(const char *file, const char *in, const char *want)
{
	struct igp_redactor r;
	_cleanup_free_ char *got = NULL, *again = NULL;

	assert_int_equal(igp_redactor_init(&r, names_default), 0);
	got = red(&r, file, in);
	assert_string_equal(got, want);
	again = red(&r, file, got);
	assert_string_equal(again, got);
	igp_redactor_done(&r);
}

static void test_hardware_addresses(void **state)
{
	expect(NULL, "link/ether d8:9e:f3:11:22:33 brd ff:ff:ff:ff:ff:ff\n",
	       "link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n");
	expect(NULL, "a D8-9E-F3-11-22-33 b 00:00:00:00:00:00", "a 02-00-00-00-00-01 b 00:00:00:00:00:00");
	/* The same MAC in a bridge id is the same replacement. */
	expect(NULL, "d8:9e:f3:11:22:33 8000.d89ef3112233\n", "02:00:00:00:00:01 8000.020000000001\n");
	expect(NULL, "x 11:22:33:44:55:66 y aa:bb:cc:dd:ee:ff z 11:22:33:44:55:66",
	       "x 02:00:00:00:00:01 y 02:00:00:00:00:02 z 02:00:00:00:00:01");
	/* EUI-64 and PCIe DSN as lspci prints it (the key redacts it too). */
	expect(NULL, "eui 00:11:22:ff:fe:33:44:55", "eui 02:00:00:00:00:00:00:01");
	/* Not addresses: PCI addresses, times, too few groups. */
	expect(NULL, "0000:00:02.0 12:34:56 aa:bb:cc:dd:ee", "0000:00:02.0 12:34:56 aa:bb:cc:dd:ee");
}

static void test_ip_addresses(void **state)
{
	expect(NULL, "ip=10.20.30.40::10.20.30.1:255.255.255.0:tower:eth0:off",
	       "ip=192.0.2.1::192.0.2.2:255.255.255.0:tower:eth0:off");
	expect(NULL, "0.0.0.0 127.0.0.1 192.168.1.1. 1.2.3 1.2.3.4.5 256.1.1.1 v1.2.3.4",
	       "0.0.0.0 127.0.0.1 192.0.2.1. 1.2.3 1.2.3.4.5 256.1.1.1 v1.2.3.4");
	expect(NULL, "nfs 10.0.0.5:/export addr:10.0.0.5", "nfs 192.0.2.1:/export addr:192.0.2.1");
	expect(NULL, "inet6 2a01:4f8:1:2::7/64 fe80::1. ::1 :: [2A01:4F8:1:2:0:0:0:7]:22",
	       "inet6 2001:db8::1/64 2001:db8::2. ::1 :: [2001:db8::1]:22");
	expect(NULL, "::ffff:10.1.2.3 std::map", "2001:db8::1 std::map");
	/* Not a dotted quad for inet_pton(): a leading zero. */
	expect(NULL, "::ffff:09.1.2.3", "::ffff:09.1.2.3");
}

static void test_serials(void **state)
{
	expect("serial", "S3Z1NB0K123456X\n", "REDACTED\n");
	expect("product_serial", "ABC", "REDACTED");
	expect("address", "S3Z1NB0K123456X\n", "S3Z1NB0K123456X\n");
	expect(NULL, "E:ID_SERIAL=Samsung_SSD_860_S3Z1\nE:ID_SERIAL_SHORT=S3Z1\nE:ID_FS_TYPE=zfs_member\n",
	       "E:ID_SERIAL=REDACTED\nE:ID_SERIAL_SHORT=REDACTED\nE:ID_FS_TYPE=zfs_member\n");
	expect(NULL, "usb 1-4: SerialNumber: 0123ABC\nnext", "usb 1-4: SerialNumber: REDACTED\nnext");
	expect(NULL, "Capabilities: [140] Device Serial Number 00-11-22-ff-ff-33-44-55\n",
	       "Capabilities: [140] Device Serial Number REDACTED\n");
}

static void test_host_names(void **state)
{
	expect(NULL, "/etc/pve/nodes/jdoe-tower/qemu-server JDOE-TOWER jdoe-tower.example.org",
	       "/etc/pve/nodes/redacted-host/qemu-server redacted-host redacted-host");
	/* Only whole names. */
	expect(NULL, "https://jdoe-tower:8006/", "https://redacted-host:8006/");
	expect(NULL, "jdoe-tower-2 xjdoe-tower jdoe-tower_a jdoe-tower.lan",
	       "jdoe-tower-2 xjdoe-tower jdoe-tower_a redacted-host.lan");
	assert_true(igp_redact_name_generic("pve"));
	assert_true(igp_redact_name_generic("localhost.localdomain"));
	assert_true(igp_redact_name_generic("Debian"));
	assert_false(igp_redact_name_generic("pve1"));
	/* Not host names: digits alone, other characters. */
	assert_true(igp_redact_name_generic("2001"));
	assert_true(igp_redact_name_generic("2001:db8::1"));
}

static void test_generic_names_kept(void **state)
{
	char *names[] = {"pve", "debian", NULL};
	struct igp_redactor r;
	_cleanup_free_ char *got = NULL;

	assert_int_equal(igp_redactor_init(&r, names), 0);
	assert_null(r.names);
	got = red(&r, NULL, "/etc/pve/nodes/pve ID=debian");
	assert_string_equal(got, "/etc/pve/nodes/pve ID=debian");
	igp_redactor_done(&r);
}

static void test_consistent_across_calls(void **state)
{
	struct igp_redactor r;
	_cleanup_free_ char *a = NULL, *b = NULL, *path = NULL;

	assert_int_equal(igp_redactor_init(&r, names_default), 0);
	a = red(&r, NULL, "10.9.9.9 10.8.8.8");
	b = red(&r, NULL, "10.8.8.8");
	assert_string_equal(a, "192.0.2.1 192.0.2.2");
	assert_string_equal(b, "192.0.2.2");
	assert_int_equal(igp_redact_str(&r, "etc/pve/nodes/jdoe-tower/lxc", &path), 0);
	assert_string_equal(path, "etc/pve/nodes/redacted-host/lxc");
	igp_redactor_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hardware_addresses),
	    cmocka_unit_test(test_ip_addresses),
	    cmocka_unit_test(test_serials),
	    cmocka_unit_test(test_host_names),
	    cmocka_unit_test(test_generic_names_kept),
	    cmocka_unit_test(test_consistent_across_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
