/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>

#include "base/util.h"
#include "model/vaapi.h"

IGP_ENUM_IMPL(igp_va_status, enum igp_va_status,
	      IGP_VA_FAILED + 1, [IGP_VA_OK] = "ok", [IGP_VA_NOT_PROBED] = "not-probed",
	      [IGP_VA_NOT_INSTALLED] = "not-installed", [IGP_VA_FAILED] = "failed");

void igp_va_info_done(struct igp_va_info *va)
{
	for (size_t i = 0; i < va->n_profiles; i++)
		free(va->profiles[i].name);
	free(va->profiles);
	free(va->driver);
	free(va->error);
	*va = (struct igp_va_info){0};
}

/* ---- VA-API through dlopen ----
 * The libva 2.x ABI (soname libva.so.2): VADisplay is a pointer, VAStatus,
 * VAProfile and VAEntrypoint are ints; VA_STATUS_SUCCESS is 0 and
 * VAProfileNone is -1 (va/va.h). */
typedef void *va_display;
typedef int (*va_initialize_fn)(va_display, int *, int *);
typedef int (*va_terminate_fn)(va_display);
typedef int (*va_max_fn)(va_display);
typedef int (*va_query_profiles_fn)(va_display, int *, int *);
typedef int (*va_query_entrypoints_fn)(va_display, int, int *, int *);
typedef const char *(*va_str_fn)(int);
typedef const char *(*va_vendor_fn)(va_display);
typedef void (*va_msg_cb)(void *, const char *);
typedef va_msg_cb (*va_set_cb_fn)(va_display, va_msg_cb, void *);
typedef va_display (*va_get_display_drm_fn)(int);

struct va_api {
	void *lib, *libdrm;
	va_get_display_drm_fn get_display_drm;
	va_initialize_fn initialize;
	va_terminate_fn terminate;
	va_max_fn max_profiles, max_entrypoints;
	va_query_profiles_fn query_profiles;
	va_query_entrypoints_fn query_entrypoints;
	va_str_fn profile_str, entrypoint_str, error_str;
	va_vendor_fn vendor;
	va_set_cb_fn set_error_cb, set_info_cb;
};

static void va_unload(struct va_api *a)
{
	if (a->libdrm)
		dlclose(a->libdrm);
	if (a->lib)
		dlclose(a->lib);
}

static int va_load(struct va_api *a)
{
	*a = (struct va_api){0};
	a->lib = dlopen("libva.so.2", RTLD_NOW | RTLD_LOCAL);
	a->libdrm = a->lib ? dlopen("libva-drm.so.2", RTLD_NOW | RTLD_LOCAL) : NULL;
	if (!a->lib || !a->libdrm) {
		va_unload(a);
		return -ENOENT;
	}
#define SYM(lib, field, name) (*(void **)&a->field = dlsym(a->lib, name))
	SYM(libdrm, get_display_drm, "vaGetDisplayDRM");
	SYM(lib, initialize, "vaInitialize");
	SYM(lib, terminate, "vaTerminate");
	SYM(lib, max_profiles, "vaMaxNumProfiles");
	SYM(lib, max_entrypoints, "vaMaxNumEntrypoints");
	SYM(lib, query_profiles, "vaQueryConfigProfiles");
	SYM(lib, query_entrypoints, "vaQueryConfigEntrypoints");
	SYM(lib, profile_str, "vaProfileStr");
	SYM(lib, entrypoint_str, "vaEntrypointStr");
	SYM(lib, error_str, "vaErrorStr");
	SYM(lib, vendor, "vaQueryVendorString");
	SYM(lib, set_error_cb, "vaSetErrorCallback");
	SYM(lib, set_info_cb, "vaSetInfoCallback");
#undef SYM
	if (!a->get_display_drm || !a->initialize || !a->terminate || !a->max_profiles ||
	    !a->max_entrypoints || !a->query_profiles || !a->query_entrypoints || !a->profile_str ||
	    !a->entrypoint_str || !a->error_str || !a->vendor) {
		va_unload(a);
		return -ENOENT;
	}
	return 0;
}

static void classify_entrypoint(struct igp_va_profile *p, const char *ep)
{
	if (!ep)
		return;
	if (streq(ep, "VAEntrypointVLD"))
		p->decode = true;
	else if (startswith(ep, "VAEntrypointEnc"))
		p->encode = true;
	else if (streq(ep, "VAEntrypointVideoProc"))
		p->vpp = true;
}

int igp_va_probe(int fd, struct igp_va_info *va)
{
	struct va_api a;
	va_display dpy;
	_cleanup_free_ int *profiles = NULL, *eps = NULL;
	int major, minor, st, n = 0, max_ep;

	if (va_load(&a) < 0) {
		va->status = IGP_VA_NOT_INSTALLED;
		return 0;
	}
	dpy = a.get_display_drm(fd);
	if (!dpy) {
		va->status = IGP_VA_FAILED;
		va->error = strdup("vaGetDisplayDRM found no display on the render node");
		va_unload(&a);
		return va->error ? 0 : -ENOMEM;
	}
	/* libva prints its own info and error lines on stderr otherwise; we
	 * report once.  A NULL callback makes it skip the message. */
	if (a.set_error_cb)
		a.set_error_cb(dpy, NULL, NULL);
	if (a.set_info_cb)
		a.set_info_cb(dpy, NULL, NULL);
	st = a.initialize(dpy, &major, &minor);
	if (st != 0) {
		va->status = IGP_VA_FAILED;
		va->error = strdup(a.error_str(st) ? a.error_str(st) : "unknown libva error");
		a.terminate(dpy);
		va_unload(&a);
		return va->error ? 0 : -ENOMEM;
	}
	va->status = IGP_VA_OK;
	if (a.vendor(dpy))
		va->driver = strdup(a.vendor(dpy));
	profiles = calloc((size_t)a.max_profiles(dpy) + 1, sizeof(int));
	max_ep = a.max_entrypoints(dpy);
	eps = calloc((size_t)max_ep + 1, sizeof(int));
	if (!profiles || !eps)
		goto oom;
	if (a.query_profiles(dpy, profiles, &n) != 0)
		n = 0;
	va->profiles = calloc((size_t)n + 1, sizeof(*va->profiles));
	if (!va->profiles)
		goto oom;
	for (int i = 0; i < n; i++) {
		struct igp_va_profile *p = &va->profiles[va->n_profiles];
		const char *name = a.profile_str(profiles[i]);
		int ne = 0;

		if (profiles[i] == -1 || !name) /* VAProfileNone: video processing only */
			continue;
		if (startswith(name, "VAProfile"))
			name += strlen("VAProfile");
		p->name = strdup(name);
		if (!p->name)
			goto oom;
		va->n_profiles++;
		if (a.query_entrypoints(dpy, profiles[i], eps, &ne) != 0)
			continue;
		for (int j = 0; j < ne && j < max_ep; j++)
			classify_entrypoint(p, a.entrypoint_str(eps[j]));
	}
	a.terminate(dpy);
	va_unload(&a);
	return 0;
oom:
	a.terminate(dpy);
	va_unload(&a);
	return -ENOMEM;
}
