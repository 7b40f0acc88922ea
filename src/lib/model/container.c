/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * After systemd's detect_container() (src/basic/virt.c), with two steps
 * left out: proot (a ptrace tracer named proot, which no GPU container
 * uses) and the cgroup v1 test of a nested cgroup.  Its "PID 1 reads its
 * own $container" step is IGP_PROC_1_ENVIRON here, which is the same
 * environment when igpuctl is PID 1 and can be read under --root.
 */
#include "base/paths.h"
#include "base/util.h"
#include "model/container.h"

/* systemd's container_table: the names container managers write. */
static const char *const kinds[] = {
    "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch",
};

const char *igp_container_kind(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
		if (streq(kinds[i], name))
			return kinds[i];
	return NULL;
}

/* read_one_line_file(): the first line of PATH; NULL when absent or empty. */
static char *first_line(const char *path)
{
	char *s = NULL;

	if (igp_read_attr(path, &s) < 0)
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* container= of PID 1's environment (NUL-separated); NULL when not set. */
static char *pid1_container(void)
{
	_cleanup_free_ char *env = NULL;
	size_t size;

	if (igp_read_file(IGP_PROC_1_ENVIRON, &env, &size) < 0)
		return NULL;
	for (size_t i = 0; i < size; i += strlen(env + i) + 1)
		if (startswith(env + i, "container=") && env[i + strlen("container=")])
			return strdup(env + i + strlen("container="));
	return NULL;
}

/* detect_container_files(): podman's file first, docker's last. */
static bool container_files(struct igp_container *c)
{
	if (igp_exists(IGP_RUN_CONTAINERENV))
		*c = (struct igp_container){"podman", IGP_RUN_CONTAINERENV};
	else if (igp_exists(IGP_DOCKERENV))
		*c = (struct igp_container){"docker", IGP_DOCKERENV};
	else
		return false;
	return true;
}

/* running_in_cgroupns() on cgroup v2: the root of the hierarchy we see has
 * cgroup.events, which only nested cgroups have, and cgroup.type (or the
 * kernel is too old to have cgroup.type anywhere). */
static bool nested_cgroup_root(void)
{
	return igp_exists(IGP_SYS_FS_CGROUP_EVENTS) &&
	       (igp_exists(IGP_SYS_FS_CGROUP_TYPE) || !igp_exists(IGP_SYS_KERNEL_CGROUP_FEATURES));
}

/* translate_name: a manager's name; "oci" says no more than "a container". */
static void translate(const char *name, const char *source, struct igp_container *c)
{
	const char *k = igp_container_kind(name);

	if (streq(name, "oci") && container_files(c))
		return;
	*c = (struct igp_container){k ? k : "container-other", source};
}

static bool from_manager(struct igp_container *c)
{
	static const char *const files[] = {IGP_RUN_HOST_CONTAINER_MANAGER, IGP_RUN_SYSTEMD_CONTAINER};
	_cleanup_free_ char *name = NULL;

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		name = first_line(files[i]);
		if (name) {
			translate(name, files[i], c);
			return true;
		}
	}
	name = pid1_container();
	if (name)
		translate(name, IGP_PROC_1_ENVIRON, c);
	return name != NULL;
}

void igp_container_detect(struct igp_container *ret)
{
	_cleanup_free_ char *release = NULL;

	*ret = (struct igp_container){0};
	if (igp_exists(IGP_PROC_VZ) && !igp_exists(IGP_PROC_BC)) {
		*ret = (struct igp_container){"openvz", IGP_PROC_VZ};
		return;
	}
	release = first_line(IGP_PROC_OSRELEASE);
	if (release && (strstr(release, "Microsoft") || strstr(release, "WSL"))) {
		*ret = (struct igp_container){"wsl", IGP_PROC_OSRELEASE};
		return;
	}
	if (from_manager(ret) || container_files(ret))
		return;
	if (nested_cgroup_root())
		*ret = (struct igp_container){"container-other", IGP_SYS_FS_CGROUP_EVENTS};
}
