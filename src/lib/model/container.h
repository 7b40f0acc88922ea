/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is igpuctl running inside a container, and which kind: the one answer
 * every command reads, found the way systemd-detect-virt --container finds
 * it (systemd src/basic/virt.c, detect_container()), inside the root.
 */
#ifndef IGP_CONTAINER_H
#define IGP_CONTAINER_H

struct igp_container {
	/* systemd-detect-virt's name: "lxc", "lxc-libvirt", "systemd-nspawn",
	 * "docker", "podman", "rkt", "wsl", "pouch", "openvz" or
	 * "container-other"; NULL: not in a container. */
	const char *kind;
	/* What told: the file (a paths.h name), or NULL. */
	const char *source;
};

/*
 * Look, in systemd's order: OpenVZ's IGP_PROC_VZ without IGP_PROC_BC;
 * "Microsoft" or "WSL" in the kernel release; the container manager's name
 * in IGP_RUN_HOST_CONTAINER_MANAGER, IGP_RUN_SYSTEMD_CONTAINER or PID 1's
 * environment (container=); then podman's IGP_RUN_CONTAINERENV and
 * docker's IGP_DOCKERENV; then a nested cgroup v2 root (a cgroup
 * namespace).  Never fails: what cannot be read counts as absent.
 */
void igp_container_detect(struct igp_container *ret);

/* The kind a container= value names (systemd's container_table), NULL for
 * a name not in it. */
const char *igp_container_kind(const char *name);

#endif
