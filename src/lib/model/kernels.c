/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/util.h"
#include "boot/bootloader.h"
#include "boot/grub.h"
#include "model/bootinfo.h"
#include "model/host_cache.h"
#include "model/kernels.h"

void igp_kernels_cache_done(struct igp_host_cache *c)
{
	for (size_t i = 0; i < c->n_kernels; i++) {
		free(c->kernels[i].release);
		free(c->kernels[i].image);
	}
	free(c->kernels);
	free(c->next.why);
}

/* ---- installed kernels ---- */

static int cmp_kernel(const void *a, const void *b)
{
	const struct igp_kernel *x = a, *y = b;
	return version_compare(x->release, y->release);
}

static struct igp_kernel *find(struct igp_kernel *k, size_t n, const char *release)
{
	for (size_t i = 0; i < n; i++)
		if (streq(k[i].release, release))
			return &k[i];
	return NULL;
}

/* Add RELEASE (or fill in what is known of it already). */
static int add_kernel(struct igp_host_cache *c, const char *release, const char *image, bool modules)
{
	struct igp_kernel *k = find(c->kernels, c->n_kernels, release), *v;

	if (!k) {
		v = realloc(c->kernels, (c->n_kernels + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->kernels = v;
		k = &c->kernels[c->n_kernels];
		*k = (struct igp_kernel){.release = strdup(release)};
		if (!k->release)
			return -ENOMEM;
		c->n_kernels++;
	}
	if (image && !k->image && !(k->image = strdup(image)))
		return -ENOMEM;
	k->modules |= modules;
	return 0;
}

static int load_boot_images(struct igp_host_cache *c)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (igp_list_dir(IGP_BOOT, &names) < 0)
		return 0;
	for (char **n = names; *n; n++) {
		const char *rel = *n + strlen("vmlinuz-");
		_cleanup_free_ char *p = NULL;
		/* Arch's /boot/vmlinuz-linux names a package, not a release:
		 * its release is found in /lib/modules.  Fedora's rescue image
		 * (vmlinuz-0-rescue-MACHINEID, dracut's 51-dracut-rescue.install)
		 * is a copy of a kernel, not one of its own. */
		if (!startswith(*n, "vmlinuz-") || !isdigit((unsigned char)*rel) || endswith(*n, ".old") ||
		    startswith(rel, "0-rescue-"))
			continue;
		p = igp_path_join(IGP_BOOT, *n);
		if (!p)
			return -ENOMEM;
		r = add_kernel(c, rel, p, false);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_module_dirs(struct igp_host_cache *c)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (igp_list_dir(IGP_LIB_MODULES, &names) < 0)
		return 0;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *dep = strdupf("%s/%s/modules.dep", IGP_LIB_MODULES, *n),
				    *img = strdupf("%s/%s/vmlinuz", IGP_LIB_MODULES, *n);
		bool has_dep, has_img;

		if (!dep || !img)
			return -ENOMEM;
		has_dep = igp_exists(dep);
		has_img = igp_exists(img);
		/* A directory with neither is what a removed kernel left. */
		if (!has_dep && !has_img)
			continue;
		r = add_kernel(c, *n, has_img ? img : NULL, has_dep);
		if (r < 0)
			return r;
	}
	return 0;
}

int igp_host_kernels(const struct igp_host *h, const struct igp_kernel **ret, size_t *ret_n)
{
	struct igp_host_cache *c = h->cache;
	int r;

	if (!c) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (!c->kernels_done) {
		r = load_boot_images(c);
		if (r >= 0)
			r = load_module_dirs(c);
		if (r < 0) {
			igp_kernels_cache_done(c);
			c->kernels = NULL;
			c->n_kernels = 0;
			c->next.why = NULL;
			return r;
		}
		c->kernels_done = true;
		if (c->n_kernels > 1)
			qsort(c->kernels, c->n_kernels, sizeof(*c->kernels), cmp_kernel);
	}
	*ret = c->kernels;
	*ret_n = c->n_kernels;
	return 0;
}

const struct igp_kernel *igp_host_kernel_find(const struct igp_host *h, const char *release)
{
	const struct igp_kernel *k;
	size_t n;

	if (!release || igp_host_kernels(h, &k, &n) < 0)
		return NULL;
	return find((struct igp_kernel *)k, n, release);
}

/* ---- the next boot ---- */

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '.' || ch == '_' || ch == '+';
}

int igp_kernels_match_entry(const struct igp_kernel *k, size_t n, const char *text)
{
	int best = -1;

	for (size_t i = 0; text && i < n; i++) {
		size_t len = strlen(k[i].release);
		for (const char *p = strstr(text, k[i].release); p; p = strstr(p + 1, k[i].release)) {
			/* A whole word: "Linux 6.8.12-4-pve", "gnulinux-6.8.12-4-pve-advanced-…". */
			if ((p > text && word_char(p[-1])) || word_char(p[len]))
				continue;
			if (best < 0 || len > strlen(k[best].release))
				best = (int)i;
			break;
		}
	}
	return best;
}

/* The first line of a pin file, or NULL. */
static char *first_line(const char *path)
{
	_cleanup_free_ char *text = NULL;

	if (igp_read_file(path, &text, NULL) < 0)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	strstrip_trailing(text);
	return *text ? TAKE_PTR(text) : NULL;
}

/* Set *ret to kernel I with the reason, unless I is -1. */
static int pick(struct igp_host_cache *c, int i, enum igp_next_boot_source src, char *why)
{
	if (!why)
		return -ENOMEM;
	if (i < 0) {
		free(why);
		return 0;
	}
	c->next = (struct igp_next_boot){.kernel = &c->kernels[i], .source = src, .why = why};
	return 1;
}

static int next_from_pins(struct igp_host_cache *c)
{
	static const struct {
		const char *path;
		enum igp_next_boot_source src;
	} pins[] = {
	    {IGP_ETC_NEXT_BOOT_PIN, IGP_NEXT_BOOT_PVE_NEXT_BOOT_PIN},
	    {IGP_ETC_PROXMOX_BOOT_PIN, IGP_NEXT_BOOT_PVE_PIN},
	};

	for (size_t i = 0; i < ELEMENTSOF(pins); i++) {
		_cleanup_free_ char *v = first_line(pins[i].path);
		struct igp_kernel *k = v ? find(c->kernels, c->n_kernels, v) : NULL;
		/* proxmox-boot-tool refuses to pin a kernel that is not
		 * installed; one removed since then pins nothing. */
		if (k)
			return pick(c, (int)(k - c->kernels), pins[i].src,
				    strdupf("pinned in %s (proxmox-boot-tool kernel pin)", pins[i].path));
	}
	return 0;
}

/* The entry GRUB boots by default, by its title or id (grub.h). */
static int next_from_grub(struct igp_host_cache *c)
{
	_cleanup_(igp_grub_default_done) struct igp_grub_default d = {0};
	struct igp_grub g;
	int r;

	if (igp_grub_load(&g) < 0)
		return 0;
	r = igp_grub_default_name(&g, &d);
	igp_grub_done(&g);
	if (r < 0 || !d.name)
		return r == -ENOMEM ? r : 0;
	if (!d.key)
		return pick(c, igp_kernels_match_entry(c->kernels, c->n_kernels, d.name),
			    IGP_NEXT_BOOT_GRUB_DEFAULT,
			    strdupf("GRUB_DEFAULT=\"%s\" in %s", d.def, d.def_where));
	return pick(c, igp_kernels_match_entry(c->kernels, c->n_kernels, d.name), IGP_NEXT_BOOT_GRUBENV,
		    d.def && streq(d.def, "saved")
			? strdupf("GRUB_DEFAULT=saved and %s=%s in %s", d.key, d.name, d.env)
			: strdupf("%s=%s in %s (grub-reboot)", d.key, d.name, d.env));
}

/* The kernel whose /lib/modules/REL/pkgbase is NAME (Arch: /vmlinuz-linux
 * is the package "linux"), or -1. */
static int by_pkgbase(const struct igp_host_cache *c, const char *name, size_t len)
{
	for (size_t i = c->n_kernels; i-- > 0;) {
		_cleanup_free_ char *p = strdupf("%s/%s/pkgbase", IGP_LIB_MODULES, c->kernels[i].release),
				    *v = p ? first_line(p) : NULL;
		if (v && strlen(v) == len && strncmp(v, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/* The kernel the loader entry TEXT boots: the release its version, linux
 * or title line names, else the package its /vmlinuz-NAME names; or -1. */
static int entry_kernel(const struct igp_host_cache *c, const char *text)
{
	int i = igp_kernels_match_entry(c->kernels, c->n_kernels, text);

	for (const char *l = text; i < 0 && l && *l;) {
		size_t len = strcspn(l, "\n");
		_cleanup_free_ char *line = strndup(l, len);
		char *p = line ? line + strspn(line, " \t") : NULL;
		if (!line)
			return -1;
		if (startswith(p, "linux") && (p[5] == ' ' || p[5] == '\t')) {
			char *img = p + 5 + strspn(p + 5, " \t"), *base;
			img[strcspn(img, " \t\r")] = '\0';
			base = strrchr(img, '/') ? strrchr(img, '/') + 1 : img;
			if (startswith(base, "vmlinuz-"))
				i = by_pkgbase(c, base + 8, strlen(base + 8));
		}
		l = l[len] ? l + len + 1 : NULL;
	}
	return i;
}

/* The default loader entry of systemd-boot or GRUB with BLS (bootloader.h:
 * one answer to which entry boots next). */
static int next_from_entry(const struct igp_host *h, struct igp_host_cache *c)
{
	const struct igp_bootloader *b = igp_host_bootloader(h);
	_cleanup_free_ char *text = NULL;

	if (!b || !b->default_entry || !b->default_linux || igp_read_file(b->default_entry, &text, NULL) < 0)
		return 0;
	return pick(c, entry_kernel(c, text), IGP_NEXT_BOOT_LOADER_ENTRY,
		    strdupf("the default loader entry %s (%s)", b->default_entry, b->default_why));
}

int igp_host_next_kernel(const struct igp_host *h, const struct igp_next_boot **ret)
{
	struct igp_host_cache *c = h->cache;
	const struct igp_kernel *k;
	size_t n;
	int r;

	if (!c)
		return -ENOENT;
	if (!c->next_done) {
		r = igp_host_kernels(h, &k, &n);
		if (r < 0)
			return r;
		r = n == 0 ? -ENOENT : next_from_pins(c);
		if (r == 0)
			r = next_from_entry(h, c);
		if (r == 0)
			r = next_from_grub(c);
		/* GRUB's first entry and systemd-boot's default: the newest. */
		if (r == 0)
			r = pick(c, (int)n - 1, IGP_NEXT_BOOT_NEWEST, strdup("the newest installed kernel"));
		if (r == -ENOMEM)
			return r;
		c->next_done = true;
		c->next_r = r < 0 ? r : 0;
	}
	if (c->next_r < 0)
		return c->next_r;
	*ret = &c->next;
	return 0;
}
