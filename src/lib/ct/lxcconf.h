/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader of LXC container configurations (LXCPATH/NAME/config and
 * the global lxc.conf), as liblxc reads them (src/lxc/confile.c:
 * lxc_config_read() feeds each line of lxc_file_for_each_line_mmap() to
 * parse_line()):
 *   - lines end at '\n' or '\r' (parse.c splits at both); the text ends at
 *     its first NUL byte;
 *   - blanks (space, tab) before a line are skipped; '#' starts a comment
 *     line; a line that does not then start with "lxc." is no setting
 *     ("martian", skipped);
 *   - the key is what comes before the first '=', blanks around it
 *     optional; the value is what follows, without the blanks around it
 *     and, when it starts and ends with the same quote (' or "), without
 *     those quotes;
 *   - an empty value clears the key (for a list such as lxc.idmap or
 *     lxc.mount.entry, every earlier line of it).
 * liblxc refuses the whole file at a line without '=' or with a key it
 * does not know; here such lines are skipped (a key is "lxc." and the
 * characters of liblxc's keys, [A-Za-z0-9_.-]) and the other lines are
 * read.  lxc.include is not followed.
 *
 * Also the id maps of unprivileged containers ("lxc.idmap = u|g CT HOST
 * COUNT", confile_utils.c parse_idmaps()), shared with the Proxmox VE CT
 * reader (vm/pveconf.h), which keeps raw lxc.idmap lines of the same form.
 */
#ifndef IGP_LXCCONF_H
#define IGP_LXCCONF_H

#include <stdbool.h>
#include <stddef.h>

struct igp_lxc_kv {
	char *key;
	char *value;   /* trailing blanks stripped */
	unsigned line; /* 1-based */
};

struct igp_lxc_conf {
	struct igp_lxc_kv *kv;
	size_t n;
};

/* Parse an LXC config text: 0 or -ENOMEM (lines liblxc would refuse are skipped). */
int igp_lxc_conf_parse(const char *text, struct igp_lxc_conf *ret);
void igp_lxc_conf_done(struct igp_lxc_conf *c);
/* KEY's value (the last line wins, as liblxc's set_config for single-valued keys), or NULL.
 * Borrowed.  An empty last value is NULL: it cleared the key. */
const char *igp_lxc_conf_get(const struct igp_lxc_conf *c, const char *key);
/* The line grammar, for editors that must keep every other byte: the key of a line copied into buf and
 * its value returned (leading blanks skipped, trailing kept), or NULL for comments/blank/invalid lines.
 * LINE is one line as liblxc splits them (no '\n' or '\r'); quotes are kept. */
const char *igp_lxc_line_kv(const char *line, char *buf, size_t size);
/* The container's root file system directory from lxc.rootfs.path ("dir:/path", "/path"; other
 * backends such as "zfs:", "btrfs:", "lvm:", "overlay:"/"overlayfs:" as liblxc's storage code reads them
 * where the directory can be known, else -ENOENT), as a host path. caller frees.
 *   dir:/P, btrfs:/P (a subvolume, bind-mounted), /P: P
 *   zfs:/P (the legacy form, bind-mounted): P; zfs:POOL/DATASET (created
 *     canmount=noauto, mounted only where the container starts): -ENOENT
 *   overlay:LOWER:UPPER, overlayfs:...: LOWER (storage/overlay.c
 *     ovl_get_rootfs()); what the container changed lies in UPPER
 *   lvm:, loop:, rbd:, nbd:, a /dev node: a block device, -ENOENT
 * 0, -ENOENT (also without lxc.rootfs.path) or -ENOMEM. */
int igp_lxc_rootfs_dir(const struct igp_lxc_conf *c, char **ret);

/* ---- id maps ---- */

struct igp_lxc_idmap {
	char type; /* 'u' or 'g' */
	unsigned long ct, host, count;
};

/*
 * One "u|g CT_START HOST_START COUNT" value (liblxc's parse_idmaps(),
 * pve-container's parse_id_maps() regex /^([ug])\s+(\d+)\s+(\d+)\s+(\d+)\s*$/).
 * A map the kernel refuses in /proc/PID/[ug]id_map (kernel/user_namespace.c
 * map_write(): ids are u32, (u32)-1 is none, COUNT is not 0 and the range
 * does not wrap) is -EINVAL too.  0 or -EINVAL.
 */
int igp_lxc_idmap_parse(const char *value, struct igp_lxc_idmap *ret);
/* Does M map ID of TYPE ('u', 'g') in the container: true and *ret, its id on the host. */
bool igp_lxc_idmap_apply(const struct igp_lxc_idmap *m, char type, unsigned long id, unsigned long *ret);
/* Does M show the host's id HOST of TYPE in the container: true and *ret, its id there. */
bool igp_lxc_idmap_reverse(const struct igp_lxc_idmap *m, char type, unsigned long host, unsigned long *ret);

/* A gid looked up through a container's maps, fed one by one (the order of
 * the configuration): GID, to the host, or (REVERSE) from the host into the
 * container. */
struct igp_idmap_lookup {
	unsigned long gid;
	bool reverse;
	bool any, found; /* private */
	unsigned long to;
};
void igp_idmap_lookup_feed(struct igp_idmap_lookup *l, const struct igp_lxc_idmap *m);
/* 1 and *ret, or 0 when the container maps ids and none holds GID; without
 * any map (a privileged container) 1 and GID itself. */
int igp_idmap_lookup_end(const struct igp_idmap_lookup *l, unsigned long *ret);

/* CT_GID on the host through the lxc.idmap lines (an empty one clears
 * those before it, lines that do not parse are skipped): 1 and *host_gid,
 * or 0 when the container maps ids and no "g" map holds CT_GID (it is
 * nobody's on the host).  A privileged container (no lxc.idmap line) has
 * the host's gids: 1, *host_gid = CT_GID. */
int igp_lxc_idmap_gid(const struct igp_lxc_conf *c, unsigned long ct_gid, unsigned long *host_gid);
/* The other way: the container's gid that shows the host's HOST_GID (a
 * bind-mounted node's group), 1 and *ct_gid, or 0 when no map holds it
 * (it shows as the overflow gid, nogroup). */
int igp_lxc_idmap_gid_inside(const struct igp_lxc_conf *c, unsigned long host_gid, unsigned long *ct_gid);
/* Is the container unprivileged: does it map ids (an lxc.idmap line, liblxc
 * then starts it in a user namespace: conf.c, list_empty(&conf->id_map))? */
bool igp_lxc_conf_unprivileged(const struct igp_lxc_conf *c);

#endif
