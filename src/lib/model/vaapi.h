/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which VA-API profiles a render node offers (what Plex, Jellyfin and Emby
 * use for hardware transcoding), asked of libva at run time (dlopen), so
 * that igpuctl does not depend on it.  guest and show ask it.
 */
#ifndef IGP_VAAPI_H
#define IGP_VAAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/enumstr.h"

enum igp_va_status {
	IGP_VA_OK,
	IGP_VA_NOT_PROBED,    /* under --root, or no render node to probe */
	IGP_VA_NOT_INSTALLED, /* libva.so.2 / libva-drm.so.2 not found */
	IGP_VA_FAILED,	      /* vaInitialize failed: no VA driver for this GPU */
};

struct igp_va_profile {
	char *name; /* "H264Main" (vaProfileStr without "VAProfile") */
	bool decode, encode, vpp;
};

struct igp_va_info {
	enum igp_va_status status;
	char *driver; /* vaQueryVendorString(): "Intel iHD driver ..." */
	char *error;  /* libva's error text when FAILED */
	struct igp_va_profile *profiles;
	size_t n_profiles;
};

/* "ok", "not-probed", "not-installed", "failed" */
IGP_ENUM_DECL(igp_va_status, enum igp_va_status);

/*
 * Ask libva about the DRM device open on FD (a render node of the real
 * host: never one of a --root tree).  *va is filled whatever libva says
 * (status NOT_INSTALLED, FAILED or OK); 0, or -ENOMEM.  Free with
 * igp_va_info_done().
 */
int igp_va_probe(int fd, struct igp_va_info *va);
void igp_va_info_done(struct igp_va_info *va);

#endif
