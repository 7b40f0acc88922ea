/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl ct proxmox|lxc|incus|docker: give a container the render node of
 * a GPU or SR-IOV VF (ct/ctplan.h).  The node is found through sysfs, the
 * group id is the container's own render group (read from its root file
 * system, or --gid); a Proxmox VE CT or LXC configuration is edited through
 * the change path (a diff until --apply; revert undoes it), the other
 * targets get the lines to run.
 */
#include <getopt.h>
#include <limits.h>

#include "cmd.h"
#include "base/diff.h"
#include "base/strbuf.h"
#include "base/paths.h"
#include "ct/ctplan.h"
#include "ct/ctroot.h"
#include "ct/lxcconf.h"
#include "ct/rendernode.h"
#include "model/versions.h"
#include "model/workloads.h"
#include "output.h"
#include "planview.h"
#include "vm/proxmox.h"

static int help(void)
{
	printf("Usage: igpuctl ct proxmox CTID DEVICE [--gid N] [--apply]\n"
	       "       igpuctl ct lxc NAME DEVICE [--gid N] [--lxcpath DIR] [--apply]\n"
	       "       igpuctl ct incus NAME DEVICE [--gid N]\n"
	       "       igpuctl ct docker DEVICE [--gid N]\n\n"
	       "Give a container the render node of DEVICE, a GPU or SR-IOV VF address (each VF\n"
	       "has a node of its own), for VA-API/QSV transcoding.  The node is found through\n"
	       "sysfs, never by the order of /dev/dri; the group is the container's own render\n"
	       "group, read from its root file system.\n\n"
	       "  proxmox   add devN: NODE,gid=G to the CT's configuration (pve-container 5.0.7\n"
	       "            and newer; older ones get the lxc.cgroup2 + lxc.mount.entry pair)\n"
	       "  lxc       the device cgroup rule and the bind mount; with the container's\n"
	       "            configuration (LXCPATH/NAME/config) a diff of it\n"
	       "  incus     the incus command that adds a gpu device\n"
	       "  docker    the docker run options and a compose snippet\n\n"
	       "  --gid N         the group id the node gets inside the container (default: the\n"
	       "                  container's render group; docker: the node's group on the host)\n"
	       "  --apply         write the configuration (default: show the diff)\n"
	       "  --lxcpath DIR   where LXC keeps its containers (default: lxc.lxcpath of lxc.conf,\n"
	       "                  else /var/lib/lxc)\n");
	return EXIT_OK;
}

/* What ct was asked for, and what its steps share. */
struct ct_run {
	struct igp_ct_request rq;
	const char *name, *spec, *lxcpath;
	unsigned long ctid;
	bool apply, gid_given;
	struct igp_host *h;
	struct igp_pci_dev *d;
	struct igp_render_node rn;
	char *conf_path, *conf_old, *diff, *gid_from;
	struct igp_pve_conf conf; /* Proxmox VE: the configuration */
	struct igp_lxc_conf lxc;  /* LXC: the configuration */
	struct igp_ct_edit edit;
	char **lines, **notes;
	long node_gid; /* the node's group inside, -1 unknown */
	struct igp_change ch;
};

static void ct_run_done(struct ct_run *v)
{
	igp_change_end(&v->ch);
	igp_ct_edit_done(&v->edit);
	igp_pve_conf_done(&v->conf);
	igp_lxc_conf_done(&v->lxc);
	igp_render_node_done(&v->rn);
	free(v->conf_path);
	free(v->conf_old);
	free(v->diff);
	free(v->gid_from);
	strv_free(v->lines);
	strv_free(v->notes);
	igp_host_free(v->h);
}

/* A group id for --gid: 0 ... 4294967294 (65535 and up are fine in user namespaces). */
static int gid_parse(const char *s, long *ret)
{
	char *e;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (*e || errno || v >= 0xffffffffUL)
		return -EINVAL;
	*ret = (long)v;
	return 0;
}

/* A container name of LXC or Incus: what liblxc and Incus take as a name
 * and a file name (letters, digits, '-', '_', '.'; no leading '.' or '-'). */
static bool ct_name_ok(const char *s)
{
	if (!*s || *s == '.' || *s == '-' || strlen(s) > 63)
		return false;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")] == '\0';
}

const struct option cmd_opts_ct[] = {{"gid", required_argument, NULL, 'g'},
				     {"apply", no_argument, NULL, 'a'},
				     {"lxcpath", required_argument, NULL, 'P'},
				     {"help", no_argument, NULL, 'h'},
				     {}};

/* The options: CMD_GO_ON, or the exit status. */
static int ct_parse(struct ct_run *v, int argc, char *argv[])
{
	int c;

	while ((c = getopt_long(argc, argv, ":h", cmd_opts_ct, NULL)) >= 0) {
		switch (c) {
		case 'h':
			return help();
		case 'g':
			if (gid_parse(optarg, &v->rq.gid) < 0)
				return log_usage("ct", "'%s' is no group id (0 to 4294967294)", optarg);
			v->gid_given = true;
			break;
		case 'a':
			v->apply = true;
			break;
		case 'P':
			if (optarg[0] != '/' || strlen(optarg) >= PATH_MAX || !string_is_printable(optarg))
				return log_usage("ct", "--lxcpath takes an absolute directory, not '%s'",
						 optarg);
			v->lxcpath = optarg;
			break;
		default:
			return log_usage_option("ct", c, argc, argv, cmd_opts_ct);
		}
	}
	return CMD_GO_ON;
}

/* The container and DEVICE arguments, and options that do not go with the target. */
static int ct_args(struct ct_run *v, int argc, char *argv[])
{
	bool docker = v->rq.target == IGP_CT_DOCKER;
	int want = docker ? 1 : 2;

	if (argc - optind != want)
		return log_usage("ct", "ct %s takes %s", igp_ct_target_name(v->rq.target),
				 docker ? "a DEVICE" : "a container and a DEVICE");
	if (!docker)
		v->name = argv[optind];
	v->spec = argv[optind + want - 1];
	if (v->rq.target == IGP_CT_PROXMOX && igp_pve_vmid_parse(v->name, &v->ctid) < 0)
		return log_usage("ct", "'%s' is no CTID (100 to 999999999)", v->name);
	if ((v->rq.target == IGP_CT_LXC || v->rq.target == IGP_CT_INCUS) && !ct_name_ok(v->name))
		return log_usage("ct", "'%s' is no container name", v->name);
	if (v->apply && (v->rq.target == IGP_CT_INCUS || docker))
		return log_usage("ct", "--apply is for proxmox and lxc; run the printed command");
	if (v->lxcpath && v->rq.target != IGP_CT_LXC)
		return log_usage("ct", "--lxcpath goes with ct lxc");
	v->rq.name = v->name;
	return CMD_GO_ON;
}

/* Why D has no render node, as the rest of a sentence. */
static char *no_node_why(const struct ct_run *v)
{
	const struct igp_pci_dev *d = v->d;
	const struct igp_workloads *ws;
	_cleanup_strv_free_ char **users = NULL;
	_cleanup_strbuf_ struct strbuf who = {};

	if (!igp_pci_dev_is_gpu(d))
		return strdup("it is no GPU");
	if (!d->driver)
		return strdupf("no driver is bound to it (igpuctl unbind %s gives it back to its GPU driver)",
			       d->address);
	if (!streq(d->driver, "vfio-pci"))
		return strdupf("its driver %s made none", d->driver);
	if (igp_host_workloads(v->h, &ws) >= 0 && igp_device_users(ws, d, &users, NULL) >= 0)
		for (char **u = users; *u; u++)
			strbuf_word(&who, ", ", *u);
	return strdupf(
	    "it is bound to vfio-pci for %s, which takes it from the host: a container needs it on its "
	    "GPU driver (igpuctl unbind %s)",
	    strbuf_empty(&who) ? "VMs" : strbuf_str(&who), d->address);
}

/* DEVICE in the host model and its render node. */
static int ct_device(struct ct_run *v)
{
	int r;

	v->h = load_host_or_complain();
	if (!v->h)
		return EXIT_FAIL;
	r = igp_host_find(v->h, v->spec, &v->d);
	if (r == -EINVAL)
		return log_usage("ct", "'%s' is not a PCI address (expected 0000:00:02.0, 00:02.0 or 2.0)",
				 v->spec);
	if (r == -ENODEV)
		return log_error("No PCI device %s on this host ('igpuctl list' shows the GPUs).", v->spec);
	if (r == -EADDRNOTAVAIL)
		return log_error("%s is ambiguous: several PCI domains have it; give the full address.",
				 v->spec);
	if (r < 0)
		return log_error_errno(r, "Failed to look up %s", v->spec);
	r = igp_pci_dev_read_details(v->d);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", v->d->sysfs_path);
	r = igp_render_node_get(v->d, &v->rn);
	if (r == -ENODEV) {
		_cleanup_free_ char *why = no_node_why(v);
		return log_error("%s has no render node: %s", v->d->address, why ? why : "unknown");
	}
	if (r < 0)
		return log_error("%s: the kernel does not say which device number %s has (%s%s/%s/drm)",
				 v->d->address, v->d->render_node, igp_root_is_host() ? "" : igp_root(),
				 IGP_SYS_PCI_DEVICES, v->d->address);
	v->rq.address = v->d->address;
	v->rq.rn = &v->rn;
	return EXIT_OK;
}

/* "CT 300", "container frigate", "instance frigate", "the container". */
static char *ct_label(const struct ct_run *v)
{
	switch (v->rq.target) {
	case IGP_CT_PROXMOX:
		return strdupf("CT %lu", v->ctid);
	case IGP_CT_LXC:
		return strdupf("container %s", v->name);
	case IGP_CT_INCUS:
		return strdupf("instance %s", v->name);
	default:
		return strdup("the container");
	}
}

/* How to ask the container for its render group. */
static char *ct_exec_hint(const struct ct_run *v)
{
	switch (v->rq.target) {
	case IGP_CT_PROXMOX:
		return strdupf("pct exec %lu -- getent group render", v->ctid);
	case IGP_CT_LXC:
		return strdupf("lxc-attach -n %s -- getent group render", v->name);
	default:
		return strdupf("incus exec %s -- getent group render", v->name);
	}
}

/* LXC's containers: --lxcpath, else the host model's (lxc.conf's lxc.lxcpath or LXC's default). */
static const char *ct_lxcpath(const struct ct_run *v)
{
	const struct igp_workloads *ws;

	if (v->lxcpath)
		return v->lxcpath;
	return igp_host_workloads(v->h, &ws) >= 0 && ws->lxcpath ? ws->lxcpath : IGP_VAR_LIB_LXC;
}

/* Read the Proxmox VE CT's or the LXC container's configuration, under the lock. */
static int ct_read_conf(struct ct_run *v)
{
	int r;

	if (v->rq.target == IGP_CT_PROXMOX)
		v->conf_path = strdupf("%s/%lu.conf", IGP_ETC_PVE_LXC, v->ctid);
	else if (v->rq.target == IGP_CT_LXC)
		v->conf_path = strdupf("%s/%s/config", ct_lxcpath(v), v->name);
	else
		return EXIT_OK;
	if (!v->conf_path)
		return log_error_errno(-ENOMEM, "Failed to plan");
	/* The lock comes before the files the plan rests on are read. */
	if (planview_begin(&v->ch, !v->apply) != 0)
		return EXIT_FAIL;
	r = igp_read_file(v->conf_path, &v->conf_old, NULL);
	if (r == -ENOENT && v->rq.target == IGP_CT_PROXMOX)
		return log_error("CT %lu does not exist on this node (no %s)", v->ctid, v->conf_path);
	if (r == -ENOENT && v->apply)
		return log_error(
		    "container %s has no configuration %s: nothing to apply to (without --apply, "
		    "igpuctl prints the lines)",
		    v->name, v->conf_path);
	if (r == -ENOENT) {
		free(v->conf_path);
		v->conf_path = NULL;
		return EXIT_OK;
	}
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", v->conf_path);
	r = v->rq.target == IGP_CT_PROXMOX ? igp_pve_conf_parse(v->conf_old, true, &v->conf)
					   : igp_lxc_conf_parse(v->conf_old, &v->lxc);
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", v->conf_path);
	return EXIT_OK;
}

/* The container's root directory as the host sees it; *ret_why when unknown. */
static int ct_rootdir(struct ct_run *v, char **ret, char **ret_why)
{
	int r;

	switch (v->rq.target) {
	case IGP_CT_PROXMOX:
		return igp_pve_ct_rootdir(v->ctid, &v->conf, ret, ret_why);
	case IGP_CT_LXC:
		/* Without lxc.rootfs.path, liblxc's default: LXCPATH/NAME/rootfs. */
		if (!igp_lxc_conf_get(&v->lxc, "lxc.rootfs.path")) {
			*ret = strdupf("%s/%s/rootfs", ct_lxcpath(v), v->name);
			return *ret ? 0 : -ENOMEM;
		}
		r = igp_lxc_rootfs_dir(&v->lxc, ret);
		if (r == -ENOENT &&
		    !(*ret_why = strdupf("its root file system %s is no directory the host sees",
					 igp_lxc_conf_get(&v->lxc, "lxc.rootfs.path"))))
			return -ENOMEM;
		return r;
	default:
		*ret = strdupf("%s/%s/rootfs", IGP_VAR_LIB_INCUS_CONTAINERS, v->name);
		return *ret ? 0 : -ENOMEM;
	}
}

/* Docker: the node's group on the host, which the container's node keeps. */
static int ct_gid_docker(struct ct_run *v)
{
	if (!v->rn.present)
		return log_error("%s does not exist on this host: udev has not made it; give --gid N",
				 v->rn.node);
	/* A node of root's group needs no group: root, or the mode, opens it. */
	if (v->rn.gid == 0)
		return strv_pushf(&v->notes,
				  "%s belongs to root's group (mode %04o): no --group-add opens it.",
				  v->rn.node, v->rn.mode) < 0
			   ? log_error_errno(-ENOMEM, "Failed to plan")
			   : EXIT_OK;
	v->rq.gid = (long)v->rn.gid;
	v->gid_from = strdupf("the group of %s on the host", v->rn.node);
	return v->gid_from ? EXIT_OK : log_error_errno(-ENOMEM, "Failed to plan");
}

/* The group id the node gets inside: --gid, else the container's render group. */
static int ct_gid(struct ct_run *v)
{
	_cleanup_free_ char *root = NULL, *why = NULL, *label = ct_label(v), *hint = NULL;
	struct igp_ct_group g;
	int r;

	if (v->gid_given)
		return (v->gid_from = strdup("--gid")) ? EXIT_OK : log_error_errno(-ENOMEM, "Failed to plan");
	if (v->rq.target == IGP_CT_DOCKER)
		return ct_gid_docker(v);
	r = ct_rootdir(v, &root, &why);
	if (r >= 0)
		r = igp_ct_render_group_why(root, &g, &why);
	if (r == -ENOMEM || !label)
		return log_error_errno(-ENOMEM, "Failed to read the container's groups");
	if (r >= 0) {
		v->rq.gid = (long)g.gid;
		v->gid_from = strdupf("the %s group of %s", g.name, label);
		return v->gid_from ? EXIT_OK : log_error_errno(-ENOMEM, "Failed to plan");
	}
	hint = ct_exec_hint(v);
	if (v->rq.target == IGP_CT_LXC) { /* the lines need no gid; the note does */
		v->rq.gid = -1;
		return strv_pushf(&v->notes, "The render group of %s is unknown (%s): %s tells it.", label,
				  why ? why : "", hint ? hint : "") < 0
			   ? log_error_errno(-ENOMEM, "Failed to plan")
			   : EXIT_OK;
	}
	return log_error("Cannot tell the render group inside %s: %s; give --gid N (%s)", label,
			 why ? why : "", hint ? hint : "");
}

/* pve-container 5.0.7 brought devN ("allow passing raw device nodes through to containers"). */
#define PVE_CONTAINER_DEV "5.0.7"

/* How the node is given: devN or the LXC pair, and which cgroup key. */
static int ct_mode(struct ct_run *v)
{
	const struct igp_pkg *pc;
	_cleanup_free_ char *ver = NULL;

	/* The unified hierarchy has cgroup.controllers at its root (cgroups(7)). */
	v->rq.cgroup_v1 = !igp_exists(IGP_SYS_FS_CGROUP_CONTROLLERS);
	if (v->rq.target != IGP_CT_PROXMOX)
		return EXIT_OK;
	pc = igp_host_package(v->h, "pve-container");
	if (pc && igp_pkg_upstream_version(pc->version, &ver) == -ENOMEM)
		return log_error_errno(-ENOMEM, "Failed to read the pve-container version");
	v->rq.pve_dev = !ver || version_compare(ver, PVE_CONTAINER_DEV) >= 0;
	if (!ver)
		return strv_pushf(
			   &v->notes,
			   "pve-container's version is unknown: devN needs %s or newer (Proxmox VE 8.1).",
			   PVE_CONTAINER_DEV) < 0
			   ? log_error_errno(-ENOMEM, "Failed to plan")
			   : EXIT_OK;
	if (!v->rq.pve_dev &&
	    strv_pushf(
		&v->notes,
		"pve-container %s has no devN (%s brought it): the lxc.cgroup and lxc.mount.entry pair "
		"instead.",
		ver, PVE_CONTAINER_DEV) < 0)
		return log_error_errno(-ENOMEM, "Failed to plan");
	return EXIT_OK;
}

/* Is the container unprivileged (its ids shifted by an id map)? */
static bool ct_unprivileged(const struct ct_run *v)
{
	if (v->rq.target == IGP_CT_PROXMOX)
		return igp_pve_ct_unprivileged(&v->conf);
	return v->rq.target == IGP_CT_LXC && igp_lxc_conf_unprivileged(&v->lxc);
}

/* An unprivileged CT's devN: pve-container chowns the node to the host id
 * the CT's id map gives the gid (PVE::LXC::map_ct_gid_to_host); a gid
 * outside the map makes the CT fail to start. */
static int ct_devn_map_note(struct ct_run *v, const char *label)
{
	unsigned long host;
	int r = igp_pve_ct_idmap_gid(&v->conf, (unsigned long)v->rq.gid, &host);

	if (r < 0)
		return strv_pushf(&v->notes,
				  "%s has an lxc.idmap line Proxmox VE refuses: it does not start.", label);
	if (r == 0)
		return -ERANGE;
	return strv_pushf(
	    &v->notes,
	    "%s is unprivileged: pve-container creates the node with host gid %lu, which its id map "
	    "shows inside as gid %ld.",
	    label, host, v->rq.gid);
}

/* Who owns the node inside, and what that means. */
static int ct_owner_notes(struct ct_run *v)
{
	bool pair = v->rq.target == IGP_CT_LXC || (v->rq.target == IGP_CT_PROXMOX && !v->rq.pve_dev);
	_cleanup_free_ char *label = ct_label(v);
	unsigned long inside;
	int r;

	if (!label)
		return -ENOMEM;
	v->node_gid = -1;
	if (!pair) {
		v->node_gid = v->rq.gid;
		return ct_unprivileged(v) && v->rq.target == IGP_CT_PROXMOX ? ct_devn_map_note(v, label) : 0;
	}
	if (!v->rn.present)
		return 0;
	/* A bind-mounted node keeps its host owner, which the id map (if
	 * any) shows inside as another gid, or as nogroup. */
	r = v->rq.target == IGP_CT_PROXMOX ? igp_pve_ct_idmap_gid_inside(&v->conf, v->rn.gid, &inside)
					   : igp_lxc_idmap_gid_inside(&v->lxc, v->rn.gid, &inside);
	if (r <= 0)
		return strv_pushf(
		    &v->notes,
		    "The bind-mounted node keeps its host group %lu, which the id map of %s leaves "
		    "out: inside it shows as nogroup and no group there can open it; map the host's "
		    "gid %lu into it (lxc.idmap and /etc/subgid)%s.",
		    v->rn.gid, label, v->rn.gid,
		    v->rq.target == IGP_CT_PROXMOX ? ", or upgrade pve-container for devN" : "");
	v->node_gid = (long)inside;
	if (v->rq.gid >= 0 && inside != (unsigned long)v->rq.gid)
		return strv_pushf(
		    &v->notes,
		    "The bind-mounted node keeps its host group %lu: inside %s it belongs to gid %lu, "
		    "not to its render group %ld; add the users that transcode to group %lu there.",
		    v->rn.gid, label, inside, v->rq.gid, inside);
	return 0;
}

/* Is the container running (it sees a new node only after a restart)? */
static int ct_running_note(struct ct_run *v)
{
	_cleanup_free_ char *id = v->rq.target == IGP_CT_PROXMOX ? strdupf("%lu", v->ctid) : strdup(v->name);
	/* pve-container runs CTs in LXC's default lxcpath. */
	const char *lxcpath = v->rq.target == IGP_CT_LXC ? ct_lxcpath(v) : IGP_VAR_LIB_LXC;
	int r;

	if (!id)
		return -ENOMEM;
	r = igp_lxc_running(lxcpath, id);
	if (r <= 0 || !v->edit.changed)
		return r < 0 ? r : 0;
	if (v->rq.target == IGP_CT_PROXMOX && v->edit.key)
		return strv_pushf(
		    &v->notes,
		    "CT %lu is running: it gets the node when it restarts (pct reboot %lu); `pct set "
		    "%lu --%s %s,gid=%ld` would add it now instead.",
		    v->ctid, v->ctid, v->ctid, v->edit.key, v->rn.node, v->rq.gid);
	if (v->rq.target == IGP_CT_PROXMOX)
		return strv_pushf(&v->notes,
				  "CT %lu is running: it gets the node when it restarts (pct reboot %lu).",
				  v->ctid, v->ctid);
	return strv_pushf(&v->notes,
			  "Container %s is running: it gets the node when it restarts (lxc-stop -n %s -r).",
			  v->name, v->name);
}

/* The lines that give the node: the edit's, or the runtime's. */
static int ct_plan(struct ct_run *v)
{
	_cleanup_free_ char *why = NULL;
	int r;

	if (!v->conf_path)
		r = igp_ct_lines(&v->rq, &v->lines);
	else {
		r = igp_ct_edit_conf(v->conf_old, &v->rq, &v->edit, &why);
		if (r == -ENOSPC)
			return log_error("%s: %s", v->conf_path, why);
		if (r >= 0)
			r = igp_diff_unified(v->conf_path, v->conf_old, v->edit.new_text, &v->diff);
		if (r >= 0)
			r = igp_ct_lines(&v->rq, &v->lines);
	}
	if (r >= 0)
		r = ct_owner_notes(v);
	if (r == -ERANGE)
		return log_error(
		    "gid %ld is outside the id map of CT %lu: pve-container could not create the node "
		    "and the CT would not start; give the gid the CT's render group has inside (--gid)",
		    v->rq.gid, v->ctid);
	if (r >= 0 && v->conf_path)
		r = ct_running_note(v);
	if (r >= 0 && v->edit.present && !v->edit.changed)
		r = strv_pushf(&v->notes, "%s gives %s to the container already (%s).", v->edit.present,
			       v->rn.node, v->conf_path);
	if (r < 0)
		return log_error_errno(r, "Failed to plan");
	return EXIT_OK;
}

/* Write the configuration as one change (revert undoes it). */
static int ct_apply(struct ct_run *v, char *const *cmdline)
{
	_cleanup_(igp_plan_done) struct igp_plan p = {0};
	int r;

	if (!v->apply || !v->edit.changed)
		return EXIT_OK;
	r = igp_pve_plan_file(&p, v->conf_path, v->conf_old, v->edit.new_text,
			      v->rq.target == IGP_CT_PROXMOX ? "CT configuration"
							     : "LXC container configuration");
	if (r < 0)
		return log_error_errno(r, "Failed to plan %s", v->conf_path);
	if (planview_apply(&v->ch, &p, cmdline, NULL, NULL) != 0)
		return EXIT_FAIL;
	r = igp_change_finish(&v->ch);
	if (r < 0)
		return log_error_errno(r, "Cannot update the journal %s", IGP_VAR_LIB_IGPUCTL_JOURNAL);
	return EXIT_OK;
}

/* The devN key in the lines of a Proxmox VE edit: the one the edit chose. */
static void ct_fix_dev_key(struct ct_run *v)
{
	const char *key = v->edit.key ? v->edit.key : v->edit.present;

	if (!v->lines || !v->lines[0] || !startswith(v->lines[0], "devN: ") || !key)
		return;
	char *l = strdupf("%s: %s", key, v->lines[0] + strlen("devN: "));
	if (l) {
		free(v->lines[0]);
		v->lines[0] = l;
	}
}

static void ct_print_json(const struct ct_run *v)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "container", json_str_or_null(v->name));
	json_object_object_add(j, "target", json_object_new_string(igp_ct_target_name(v->rq.target)));
	json_object_object_add(j, "device", json_object_new_string(v->d->address));
	json_object_object_add(j, "render_node", json_object_new_string(v->rn.node));
	json_object_object_add(j, "gid", json_int_or_null(v->rq.gid, v->rq.gid >= 0));
	json_object_object_add(j, "lines", json_strv(v->lines));
	json_object_object_add(j, "by_path", json_str_or_null(v->rn.by_path));
	json_object_object_add(j, "major", json_object_new_int((int)v->rn.major));
	json_object_object_add(j, "minor", json_object_new_int((int)v->rn.minor));
	json_object_object_add(j, "gid_from", json_str_or_null(v->gid_from));
	json_object_object_add(j, "node_gid", json_int_or_null(v->node_gid, v->node_gid >= 0));
	json_object_object_add(j, "file", json_str_or_null(v->conf_path));
	json_object_object_add(j, "diff", json_str_or_null(v->diff));
	json_object_object_add(j, "changed", json_object_new_boolean(v->edit.changed));
	json_object_object_add(j, "applied", json_object_new_boolean(v->apply && v->edit.changed));
	json_object_object_add(j, "notes", json_strv(v->notes));
	json_print(j);
}

/* Docker: the run options and the same as a compose snippet. */
static void ct_print_docker(const struct ct_run *v)
{
	printf("docker run %s%s%s IMAGE\n\n", v->lines[0], v->lines[1] ? " " : "",
	       v->lines[1] ? v->lines[1] : "");
	printf("# compose.yaml\nservices:\n  SERVICE:\n    devices:\n      - %s:%s\n", v->rn.node,
	       v->rn.node);
	if (v->rq.gid >= 0)
		printf("    group_add:\n      - \"%ld\"\n", v->rq.gid);
}

static int ct_print(const struct ct_run *v)
{
	if (arg_g.json) {
		ct_print_json(v);
		return EXIT_OK;
	}
	fprintf(stderr, "%s: %s (%u:%u)%s%s, ", v->d->address, v->rn.node, v->rn.major, v->rn.minor,
		v->rn.by_path ? ", " : "", v->rn.by_path ? v->rn.by_path : "");
	if (v->rq.gid >= 0)
		fprintf(stderr, "group %ld from %s\n", v->rq.gid, v->gid_from);
	else
		fprintf(stderr, "no group\n");
	if (v->rq.target == IGP_CT_DOCKER)
		ct_print_docker(v);
	else if (v->diff)
		fputs(v->diff, stdout);
	else
		for (char **l = v->lines; *l; l++)
			puts(*l);
	for (char **n = v->notes; n && *n; n++)
		fprintf(stderr, "Note: %s\n", *n);
	if (v->conf_path && v->edit.changed)
		fprintf(stderr,
			v->apply ? "Wrote %s.\n" : "Dry run: nothing was written; run again with --apply.\n",
			v->conf_path);
	return EXIT_OK;
}

int cmd_ct(int argc, char *argv[])
{
	_cleanup_(ct_run_done) struct ct_run v = {.rq = {.gid = -1}, .node_gid = -1, .ch = {.lock_fd = -1}};
	int target, r;

	if (argc < 2)
		return log_usage("ct", "which target? (proxmox, lxc, incus or docker)");
	if (streq(argv[1], "--help") || streq(argv[1], "-h"))
		return help();
	target = igp_ct_target_from_name(argv[1]);
	if (target < 0)
		return log_usage("ct", "unknown target '%s' (proxmox, lxc, incus or docker)", argv[1]);
	v.rq.target = (enum igp_ct_target)target;
	if ((r = ct_parse(&v, argc - 1, argv + 1)) != CMD_GO_ON ||
	    (r = ct_args(&v, argc - 1, argv + 1)) != CMD_GO_ON)
		return r;
	if ((r = ct_device(&v)) != EXIT_OK || (r = ct_read_conf(&v)) != EXIT_OK ||
	    (r = ct_mode(&v)) != EXIT_OK || (r = ct_gid(&v)) != EXIT_OK || (r = ct_plan(&v)) != EXIT_OK)
		return r;
	ct_fix_dev_key(&v);
	r = ct_apply(&v, argv);
	if (r != EXIT_OK)
		return r;
	return ct_print(&v);
}
