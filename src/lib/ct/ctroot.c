/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "base/groupfile.h"
#include "base/paths.h"
#include "base/util.h"
#include "ct/ctroot.h"

int igp_ct_render_group(const char *rootdir, struct igp_ct_group *ret)
{
	static const char *const names[] = {"render", "video"};
	_cleanup_free_ char *text = NULL;

	if (igp_read_filef(&text, NULL, "%s%s", streq(rootdir, "/") ? "" : rootdir, IGP_ETC_GROUP) < 0)
		return -ENODATA;
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		struct igp_group g;
		int r = igp_group_find(text, names[i], &g);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		igp_group_done(&g);
		*ret = (struct igp_ct_group){.gid = g.gid, .name = names[i]};
		return 0;
	}
	return -ENOENT;
}

int igp_ct_render_group_why(const char *rootdir, struct igp_ct_group *ret, char **ret_why)
{
	int r = igp_ct_render_group(rootdir, ret);

	*ret_why = NULL;
	if (r == -ENOENT)
		*ret_why = strdupf("%s has neither a render nor a video group", rootdir);
	else if (r == -ENODATA)
		*ret_why = strdupf("%s%s is not readable from the host", rootdir, IGP_ETC_GROUP);
	else
		return r;
	return *ret_why ? r : -ENOMEM;
}

/* The volume's directory through storage.cfg, or why there is none. */
static int volume_dir(const char *volume, char **ret, char **ret_why)
{
	_cleanup_free_ char *cfg = NULL, *storage = NULL;
	struct igp_pve_storage s;
	const char *colon = strchr(volume, ':');
	int r;

	storage = strndup(volume, colon ? (size_t)(colon - volume) : 0);
	if (!storage)
		return -ENOMEM;
	r = igp_read_file(IGP_ETC_PVE_STORAGE_CFG, &cfg, NULL);
	if (r >= 0)
		r = igp_pve_storage_find(cfg, storage, &s);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret_why = strdupf("its storage %s is not in %s", storage, IGP_ETC_PVE_STORAGE_CFG);
		return *ret_why ? -ENOENT : -ENOMEM;
	}
	r = igp_pve_volume_dir(&s, colon + 1, ret);
	if (r == -ENOENT)
		*ret_why = strdupf("its root file system %s is a %s volume, which the host does not see as a "
				   "directory while the CT is stopped",
				   volume, s.type);
	igp_pve_storage_done(&s);
	if (r == -ENOENT && !*ret_why)
		return -ENOMEM;
	return r;
}

/* Where the running CT's root is mounted, if it is. */
static char *mounted_root(unsigned long ctid)
{
	char *dir = strdupf("%s/%lu/rootfs", IGP_VAR_LIB_LXC, ctid);

	if (dir && !igp_existsf("%s%s", dir, IGP_ETC_GROUP)) {
		free(dir);
		return NULL;
	}
	return dir;
}

int igp_pve_ct_rootdir(unsigned long ctid, const struct igp_pve_conf *c, char **ret, char **ret_why)
{
	const char *rootfs = igp_pve_conf_get(c, "rootfs");
	_cleanup_free_ char *volume = NULL, *why = NULL;
	int r;

	*ret_why = NULL;
	if (!rootfs) {
		*ret_why = strdup("its configuration has no rootfs");
		return *ret_why ? -ENOENT : -ENOMEM;
	}
	r = igp_pve_prop_get(rootfs, "volume", "volume", &volume);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		volume = NULL;
	if (volume && volume[0] == '/') /* a directory bind-mounted as root */
		r = (*ret = strdup(volume)) ? 0 : -ENOMEM;
	else if (volume && strchr(volume, ':'))
		r = volume_dir(volume, ret, &why);
	else
		r = -ENOENT;
	if (r != -ENOENT)
		return r;
	if ((*ret = mounted_root(ctid)))
		return 0;
	*ret_why = why ? TAKE_PTR(why) : strdupf("its rootfs '%s' names no volume", rootfs);
	return *ret_why ? -ENOENT : -ENOMEM;
}

int igp_pve_ct_render_group(unsigned long ctid, const struct igp_pve_conf *c, struct igp_ct_group *ret,
			    char **ret_why)
{
	_cleanup_free_ char *root = NULL;
	int r = igp_pve_ct_rootdir(ctid, c, &root, ret_why);

	return r < 0 ? r : igp_ct_render_group_why(root, ret, ret_why);
}

int igp_lxc_running(const char *lxcpath, const char *name)
{
	_cleanup_free_ char *text = NULL, *want = NULL;
	int r;

	r = igp_read_file(IGP_PROC_NET_UNIX, &text, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	want = strdupf(" @%s/%s/command", lxcpath, name);
	if (!want)
		return -ENOMEM;
	/* The path is the last field of a line: "Num RefCount Protocol Flags
	 * Type St Inode Path". */
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l), wl = strlen(want);
		if (len >= wl && memcmp(l + len - wl, want, wl) == 0)
			return 1;
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}
