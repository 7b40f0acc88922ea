/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt_xml.h for the igpuctl binary: load igpuctl-libvirt.so on first use
 * and forward.  The module is looked for in $IGPUCTL_MODULE_DIR, next to the
 * running binary (a build tree), then in the installed module directory.
 * These are paths of igpuctl itself, never of the --root host.
 */
#include <dlfcn.h>
#include <limits.h>

#include "config.h"
#include "vm/libvirt_module.h"
#include "base/paths.h"
#include "base/util.h"

static const struct igp_libvirt_ops *ops;
static char load_error[1024];

static const struct igp_libvirt_ops *try_dir(const char *dir)
{
	_cleanup_free_ char *path = strdupf("%s/%s", dir, IGP_LIBVIRT_MODULE_NAME);
	const struct igp_libvirt_ops *o;
	void *h;

	if (!path || access(path, R_OK) < 0)
		return NULL;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
		return NULL;
	}
	o = dlsym(h, IGP_LIBVIRT_MODULE_SYMBOL);
	if (!o || o->abi != IGP_LIBVIRT_MODULE_ABI) {
		snprintf(load_error, sizeof(load_error), "%s is from another igpuctl version", path);
		dlclose(h);
		return NULL;
	}
	return o;
}

static int load(void)
{
	char exe[PATH_MAX];
	const char *env = getenv("IGPUCTL_MODULE_DIR");
	ssize_t n;

	if (ops)
		return 0;
	snprintf(load_error, sizeof(load_error), "%s is neither in %s%s%sthe directory of igpuctl nor in %s",
		 IGP_LIBVIRT_MODULE_NAME, env ? "$IGPUCTL_MODULE_DIR (" : "", env ? env : "",
		 env ? "), " : "", IGPUCTL_MODULEDIR);
	if (env && (ops = try_dir(env)))
		return 0;
	n = readlink(IGP_PROC_SELF_EXE, exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if ((ops = try_dir(exe)))
				return 0;
		}
	}
	if ((ops = try_dir(IGPUCTL_MODULEDIR)))
		return 0;
	return -ELIBACC;
}

const char *igp_libvirt_module_error(void)
{
	return ops ? NULL : load_error;
}

int igp_libvirt_parse(const char *xml, struct _xmlDoc **ret)
{
	int r = load();
	return r < 0 ? r : ops->parse(xml, ret);
}

int igp_libvirt_format(struct _xmlDoc *doc, char **ret)
{
	int r = load();
	return r < 0 ? r : ops->format(doc, ret);
}

void igp_libvirt_doc_free(struct _xmlDoc *doc)
{
	if (doc && ops)
		ops->doc_free(doc);
}

int igp_libvirt_edit(struct _xmlDoc *doc, const struct igp_vm_device *d, const struct igp_vm_options *o,
		     char ***notes, char ***ret_aliases, char **ret_why)
{
	int r = load();
	return r < 0 ? r : ops->edit(doc, d, o, notes, ret_aliases, ret_why);
}

int igp_libvirt_fragment(const struct igp_vm_device *d, const struct igp_vm_options *o, char **ret_xml,
			 char ***notes)
{
	int r = load();
	return r < 0 ? r : ops->fragment(d, o, ret_xml, notes);
}

int igp_libvirt_open(const char *uri, struct igp_libvirt_conn **ret, char **ret_why)
{
	int r = load();
	return r < 0 ? r : ops->open(uri, ret, ret_why);
}

void igp_libvirt_close(struct igp_libvirt_conn *c)
{
	if (c && ops)
		ops->close(c);
}

int igp_libvirt_domain_get(struct igp_libvirt_conn *c, const char *name, char **ret_xml, bool *ret_active,
			   char **ret_why)
{
	int r = load();
	return r < 0 ? r : ops->domain_get(c, name, ret_xml, ret_active, ret_why);
}

int igp_libvirt_domain_define(struct igp_libvirt_conn *c, const char *xml, char *const *want_aliases,
			      char **ret_why)
{
	int r = load();
	return r < 0 ? r : ops->domain_define(c, xml, want_aliases, ret_why);
}

int igp_libvirt_domain_undefine(struct igp_libvirt_conn *c, const char *name, char **ret_why)
{
	int r = load();
	return r < 0 ? r : ops->domain_undefine(c, name, ret_why);
}

int igp_libvirt_uri(struct igp_libvirt_conn *c, char **ret)
{
	int r = load();
	return r < 0 ? r : ops->uri(c, ret);
}

int igp_libvirt_lib_version(struct igp_libvirt_conn *c, char **ret)
{
	int r = load();
	return r < 0 ? r : ops->lib_version(c, ret);
}

int igp_libvirt_domain_read(const char *xml, struct igp_libvirt_domain **ret)
{
	int r = load();
	return r < 0 ? r : ops->domain_read(xml, ret);
}
