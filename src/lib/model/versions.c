/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/spawn.h"
#include "base/util.h"
#include "model/host_cache.h"
#include "model/versions.h"

/* `qemu-system-x86_64 --version` prints one short line. */
#define QEMU_VERSION_MAX 4096

static void dkms_free(struct igp_host_cache *c)
{
	for (size_t i = 0; i < c->n_dkms; i++) {
		free(c->dkms[i].name);
		free(c->dkms[i].version);
		strv_free(c->dkms[i].kernels);
	}
	free(c->dkms);
	c->dkms = NULL;
	c->n_dkms = 0;
}

void igp_versions_cache_done(struct igp_host_cache *c)
{
	igp_pkgdb_done(&c->pkgdb);
	free(c->qemu.version);
	free(c->qemu.source);
	free(c->libvirt.version);
	free(c->libvirt.source);
	dkms_free(c);
}

const struct igp_pkgdb *igp_host_packages(const struct igp_host *h)
{
	static const struct igp_pkgdb none;
	struct igp_host_cache *c = h->cache;

	if (!c)
		return &none;
	if (!c->pkgdb_done) {
		c->pkgdb_done = true;
		if (igp_pkgdb_load(&c->pkgdb) < 0)
			c->pkgdb = (struct igp_pkgdb){0};
	}
	return &c->pkgdb;
}

const struct igp_pkg *igp_host_package(const struct igp_host *h, const char *name)
{
	return igp_pkgdb_find(igp_host_packages(h), name);
}

/* The first of PKGS that is installed, as a version with its evidence:
 * 0, -ENOENT when none is, -ENOMEM. */
static int version_of_packages(const struct igp_host *h, const char *const *pkgs, size_t n,
			       struct igp_version *ret)
{
	for (size_t i = 0; i < n; i++) {
		const struct igp_pkg *p = igp_host_package(h, pkgs[i]);
		char *v = NULL;
		if (!p)
			continue;
		if (igp_pkg_upstream_version(p->version, &v) == -ENOMEM)
			return -ENOMEM;
		ret->source = strdupf("package %s %s", p->name, p->version);
		if (!ret->source) {
			free(v);
			return -ENOMEM;
		}
		ret->version = v;
		return 0;
	}
	return -ENOENT;
}

int igp_qemu_version_from_output(const char *out, char **ret)
{
	static const char marker[] = "version ";
	const char *p;
	size_t n;

	/* "QEMU emulator version 8.1.5 (pve-qemu-kvm_8.1.5-6)" */
	p = out ? strstr(out, marker) : NULL;
	if (!p)
		return -EINVAL;
	p += strlen(marker);
	n = strspn(p, "0123456789.");
	if (n == 0 || !isdigit((unsigned char)p[0]))
		return -EINVAL;
	while (n > 0 && p[n - 1] == '.')
		n--;
	*ret = strndup(p, n);
	return *ret ? 0 : -ENOMEM;
}

/* QEMU installed without a package (built from source): its own answer,
 * on the real host only; a --root tree's binary is never run. */
static int qemu_binary(struct igp_version *ret)
{
	char *argv[] = {(char *)IGP_USR_BIN_QEMU, (char *)"--version", NULL};
	_cleanup_free_ char *out = NULL;
	char *v = NULL;

	if (!igp_exists(IGP_USR_BIN_QEMU))
		return -ENOENT;
	if (igp_root_is_host() && igp_spawn_output(argv, QEMU_VERSION_MAX, &out) >= 0 &&
	    igp_qemu_version_from_output(out, &v) == -ENOMEM)
		return -ENOMEM;
	ret->source = strdup(IGP_USR_BIN_QEMU);
	if (!ret->source) {
		free(v);
		return -ENOMEM;
	}
	ret->version = v;
	return 0;
}

int igp_host_qemu(const struct igp_host *h, const struct igp_version **ret)
{
	/* The packages that ship qemu-system-x86_64: Proxmox VE, Debian and
	 * Ubuntu (qemu-system-x86), Arch (qemu-system-x86), Fedora
	 * (qemu-system-x86-core), RHEL (qemu-kvm, /usr/libexec/qemu-kvm). */
	static const char *const pkgs[] = {"pve-qemu-kvm", "qemu-system-x86", "qemu-system-x86-core",
					   "qemu-kvm"};
	struct igp_host_cache *c = h->cache;

	if (!c)
		return -ENOENT;
	if (!c->qemu_done) {
		c->qemu_done = true;
		c->qemu_r = version_of_packages(h, pkgs, ELEMENTSOF(pkgs), &c->qemu);
		if (c->qemu_r == -ENOENT)
			c->qemu_r = qemu_binary(&c->qemu);
	}
	if (c->qemu_r < 0)
		return c->qemu_r;
	*ret = &c->qemu;
	return 0;
}

int igp_host_libvirt(const struct igp_host *h, const struct igp_version **ret)
{
	/* libvirtd / virtqemud: libvirt-daemon (Debian, Ubuntu, Fedora),
	 * libvirt (Arch). */
	static const char *const pkgs[] = {"libvirt-daemon", "libvirt-daemon-system", "libvirt"};
	struct igp_host_cache *c = h->cache;

	if (!c)
		return -ENOENT;
	if (!c->libvirt_done) {
		c->libvirt_done = true;
		c->libvirt_r = version_of_packages(h, pkgs, ELEMENTSOF(pkgs), &c->libvirt);
	}
	if (c->libvirt_r < 0)
		return c->libvirt_r;
	*ret = &c->libvirt;
	return 0;
}

bool igp_host_is_proxmox(const struct igp_host *h)
{
	struct igp_host_cache *c = h->cache;
	bool pve;

	if (c && c->proxmox >= 0)
		return c->proxmox;
	pve = igp_is_dir(IGP_ETC_PVE) || igp_host_package(h, "pve-manager") ||
	      (h->kernel_release && endswith(h->kernel_release, "-pve"));
	if (c)
		c->proxmox = pve;
	return pve;
}

const struct igp_pkg *igp_host_kernel_package(const struct igp_host *h, const char *release)
{
	/* Proxmox VE 8 and later: proxmox-kernel-REL-signed (Secure Boot) or
	 * proxmox-kernel-REL; 7: pve-kernel-REL; Debian: linux-image-REL
	 * (-unsigned without Secure Boot); Ubuntu: linux-image-REL. */
	static const struct {
		const char *prefix, *suffix;
	} names[] = {{"proxmox-kernel-", "-signed"},
		     {"proxmox-kernel-", ""},
		     {"pve-kernel-", ""},
		     {"linux-image-", ""},
		     {"linux-image-unsigned-", ""}};

	if (!release)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *name = strdupf("%s%s%s", names[i].prefix, release, names[i].suffix);
		const struct igp_pkg *p = name ? igp_host_package(h, name) : NULL;
		if (p)
			return p;
	}
	return NULL;
}

int igp_host_kernel_headers_package(const struct igp_host *h, const char *release, char **ret)
{
	static const struct {
		const char *kernel, *headers;
	} pairs[] = {
	    {"proxmox-kernel-", "proxmox-headers-"},
	    {"pve-kernel-", "pve-headers-"},
	    {"linux-image-unsigned-", "linux-headers-"},
	    {"linux-image-", "linux-headers-"},
	};
	const struct igp_pkg *k = igp_host_kernel_package(h, release);
	char *name = NULL;

	if (!release)
		return -EINVAL;
	for (size_t i = 0; k && !name && i < ELEMENTSOF(pairs); i++)
		if (startswith(k->name, pairs[i].kernel))
			name = strdupf("%s%s", pairs[i].headers, release);
	/* Proxmox VE 8 and 9 name them proxmox-headers-REL; 7's pve-headers
	 * come with a pve-kernel package, found above. */
	if (!name)
		name =
		    strdupf("%s%s", igp_host_is_proxmox(h) ? "proxmox-headers-" : "linux-headers-", release);
	if (!name)
		return -ENOMEM;
	*ret = name;
	return 0;
}

/* ---- DKMS ---- */

static int cmp_dkms(const void *a, const void *b)
{
	const struct igp_dkms_module *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : version_compare(x->version, y->version);
}

/* The kernel releases VERSION_DIR has builds for: subdirectories named
 * RELEASE holding an ARCH directory (dkms(8): "$dkms_tree/$module/
 * $module_version/$kernelver/$arch"); "source" and "build" are no kernels. */
static int dkms_kernels(const char *module, const char *version, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **out = NULL;

	if (igp_list_dirf(&names, IGP_VAR_LIB_DKMS "/%s/%s", module, version) < 0)
		names = NULL;
	for (char **n = names; n && *n; n++) {
		if (streq(*n, "source") || streq(*n, "build") || !isdigit((unsigned char)**n))
			continue;
		if (igp_is_dirf(IGP_VAR_LIB_DKMS "/%s/%s/%s", module, version, *n) && strv_push(&out, *n) < 0)
			return -ENOMEM;
	}
	if (!out && !(out = calloc(1, sizeof(char *))))
		return -ENOMEM;
	*ret = TAKE_PTR(out);
	return 0;
}

static int dkms_load(struct igp_host_cache *c)
{
	_cleanup_strv_free_ char **mods = NULL;
	int r;

	if (igp_list_dir(IGP_VAR_LIB_DKMS, &mods) < 0)
		return 0;
	for (char **m = mods; *m; m++) {
		_cleanup_strv_free_ char **vers = NULL;

		if (igp_list_dirf(&vers, IGP_VAR_LIB_DKMS "/%s", *m) < 0)
			continue;
		/* Next to the versions: "kernel-RELEASE-ARCH" links to the
		 * installed build, and "original_module". */
		for (char **v = vers; *v; v++) {
			struct igp_dkms_module *nv, *e;
			if (!isdigit((unsigned char)**v))
				continue;
			if (!igp_is_dirf(IGP_VAR_LIB_DKMS "/%s/%s", *m, *v))
				continue;
			nv = realloc(c->dkms, (c->n_dkms + 1) * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			c->dkms = nv;
			e = &c->dkms[c->n_dkms];
			*e = (struct igp_dkms_module){.name = strdup(*m), .version = strdup(*v)};
			c->n_dkms++;
			if (!e->name || !e->version)
				return -ENOMEM;
			r = dkms_kernels(*m, *v, &e->kernels);
			if (r < 0)
				return r;
		}
	}
	if (c->n_dkms > 1)
		qsort(c->dkms, c->n_dkms, sizeof(*c->dkms), cmp_dkms);
	return 0;
}

int igp_host_dkms(const struct igp_host *h, const struct igp_dkms_module **ret, size_t *ret_n)
{
	struct igp_host_cache *c = h->cache;
	int r;

	if (!c) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (!c->dkms_done) {
		r = dkms_load(c);
		if (r < 0) {
			/* Half a list would tell a module is missing: none, and
			 * the next call tries again. */
			dkms_free(c);
			return r;
		}
		c->dkms_done = true;
	}
	*ret = c->dkms;
	*ret_n = c->n_dkms;
	return 0;
}

const struct igp_dkms_module *igp_host_dkms_find(const struct igp_host *h, const char *name)
{
	const struct igp_dkms_module *m, *found = NULL;
	size_t n;

	if (igp_host_dkms(h, &m, &n) < 0)
		return NULL;
	/* Sorted by version within a name: the last one is the newest. */
	for (size_t i = 0; i < n; i++)
		if (streq(m[i].name, name))
			found = &m[i];
	return found;
}
