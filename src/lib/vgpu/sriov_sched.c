/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/util.h"
#include "vgpu/sriov_sched.h"

const char *const igp_sriov_sched_keys[] = {"exec_quantum_ms", "preempt_timeout_us", "sched_priority", NULL};

/* xe's choices (xe_sriov_pf_sysfs.c, sched_priority_names[]). */
static const char *const priorities[] = {"low", "normal", "high", NULL};

int igp_sriov_sched_dir(const struct igp_sriov *s, int vf, char **ret)
{
	_cleanup_strv_free_ char **cards = NULL;

	if (igp_is_dirf(IGP_SYS_PCI_DEVICES "/%s/sriov_admin", s->pf)) {
		*ret = strdupf("sriov_admin/vf%d/profile", vf);
		return *ret ? 0 : -ENOMEM;
	}
	if (igp_list_dirf(&cards, IGP_SYS_PCI_DEVICES "/%s/drm", s->pf) < 0)
		return -EOPNOTSUPP;
	for (char **c = cards; *c; c++)
		if (startswith(*c, "card") &&
		    igp_is_dirf(IGP_SYS_PCI_DEVICES "/%s/drm/%s/prelim_iov", s->pf, *c)) {
			*ret = strdupf("drm/%s/prelim_iov/vf%d/gt0", *c, vf);
			return *ret ? 0 : -ENOMEM;
		}
	return -EOPNOTSUPP;
}

/* Whether the attribute file at PATH can be written (its mode: sysfs
 * shows read-only attributes as 0444). */
static bool writable(const char *path)
{
	struct stat st;
	int fd = igp_open(path, O_RDONLY | O_CLOEXEC, 0);
	bool w;

	if (fd < 0)
		return false;
	w = fstat(fd, &st) == 0 && (st.st_mode & 0222);
	close(fd);
	return w;
}

static int refuse(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
static int refuse(char **ret_error, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*ret_error = strdupvf(fmt, ap);
	va_end(ap);
	return *ret_error ? r : -ENOMEM;
}

static int check_value(const char *key, const char *value, char **ret_error)
{
	long v;

	if (streq(key, "sched_priority")) {
		for (size_t i = 0; priorities[i]; i++)
			if (streq(value, priorities[i]))
				return 0;
		return refuse(ret_error, -EINVAL, "sched_priority is low, normal or high, not '%s'", value);
	}
	if (parse_long(value, 0, UINT32_MAX, &v) < 0)
		return refuse(ret_error, -EINVAL, "%s wants a number (0 to %u), not '%s'", key, UINT32_MAX,
			      value);
	return 0;
}

int igp_sriov_sched_parse(const struct igp_sriov *s, int vf, const char *kv, char **ret_attr,
			  char **ret_error)
{
	_cleanup_free_ char *dir = NULL, *key = NULL, *path = NULL;
	const char *eq = strchr(kv, '=');
	bool known = false;
	int r;

	*ret_error = NULL;
	key = eq ? strndup(kv, (size_t)(eq - kv)) : NULL;
	if (!eq)
		return refuse(ret_error, -EINVAL, "'%s' is no KEY=VALUE", kv);
	if (!key)
		return -ENOMEM;
	for (size_t i = 0; igp_sriov_sched_keys[i]; i++)
		known |= streq(key, igp_sriov_sched_keys[i]);
	if (!known)
		return refuse(ret_error, -EINVAL,
			      "unknown key '%s' (exec_quantum_ms, preempt_timeout_us or sched_priority)",
			      key);
	if (vf < 1 || vf > s->totalvfs)
		return refuse(ret_error, -ERANGE, "%s has VFs 1 to %ld, not %d", s->pf, s->totalvfs, vf);
	r = check_value(key, eq + 1, ret_error);
	if (r < 0)
		return r;
	r = igp_sriov_sched_dir(s, vf, &dir);
	if (r == -EOPNOTSUPP)
		return refuse(ret_error, r,
			      "%s's driver (%s) has no per-VF scheduling: xe 6.19+ (sriov_admin) or "
			      "i915-sriov-dkms (prelim_iov)",
			      s->pf, s->pf_driver ? s->pf_driver : "none");
	if (r < 0)
		return r;
	path = strdupf("%s/%s/%s/%s", IGP_SYS_PCI_DEVICES, s->pf, dir, key);
	if (!path)
		return -ENOMEM;
	if (!igp_exists(path))
		return refuse(ret_error, -EOPNOTSUPP, "%s has no %s for VF %d (no /%s/%s)",
			      s->pf_driver ? s->pf_driver : s->pf, key, vf, dir, key);
	if (!writable(path))
		return refuse(ret_error, -EOPNOTSUPP,
			      "%s of VF %d is read-only (xe lets only the PF change its priority)", key, vf);
	*ret_attr = strdupf("%s/%s=%s", dir, key, eq + 1);
	return *ret_attr ? 0 : -ENOMEM;
}

char *igp_sriov_sched_read(const struct igp_sriov *s, int vf, const char *key)
{
	_cleanup_free_ char *dir = NULL, *v = NULL;
	const char *open, *close;

	if (igp_sriov_sched_dir(s, vf, &dir) < 0 ||
	    igp_read_attrf(&v, IGP_SYS_PCI_DEVICES "/%s/%s/%s", s->pf, dir, key) < 0)
		return NULL;
	/* A choice: "[low] normal" (xe's emit_choice()). */
	open = strchr(v, '[');
	close = open ? strchr(open, ']') : NULL;
	if (close)
		return strndup(open + 1, (size_t)(close - open - 1));
	return TAKE_PTR(v);
}
