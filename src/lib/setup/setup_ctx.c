/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the steps of setup's plan share (setup_int.h). */
#include <stdarg.h>

#include "base/paths.h"
#include "base/util.h"
#include "model/kernels.h"
#include "modules/modload.h"
#include "setup/setup_int.h"

int setup_want(struct setup_ctx *c, enum igp_kwant_kind kind, const char *key, const char *value)
{
	struct igp_kwant *nv = realloc(c->w, (c->nw + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	c->w = nv;
	nv[c->nw++] = (struct igp_kwant){kind, key, value};
	return 0;
}

const char *setup_keep(struct setup_ctx *c, char *s)
{
	if (!s || strv_consume(&c->strings, s) < 0)
		return NULL;
	return c->strings[strv_length(c->strings) - 1];
}

int setup_modprobe_line(struct setup_ctx *c, const char *fmt, ...)
{
	_cleanup_free_ char *line = NULL;
	va_list ap;

	va_start(ap, fmt);
	line = strdupvf(fmt, ap);
	va_end(ap);
	return line ? strextendf(&c->modprobe, "%s\n", line) : -ENOMEM;
}

int setup_plan_owned(struct setup_ctx *c, const char *path, const char *content, unsigned refresh,
		     const char *why)
{
	int r = igp_text_check(path, c->ret_error);
	return r < 0 ? r : igp_modconf_plan_owned(&c->p, path, content, refresh, why);
}

int setup_plan_lines(struct setup_ctx *c, const char *path, char *const *lines, unsigned refresh,
		     const char *why)
{
	int r = igp_text_check(path, c->ret_error);
	return r < 0 ? r : igp_modconf_plan_lines(&c->p, path, lines, refresh, why);
}

bool setup_is_passed(const struct setup_ctx *c, const struct igp_pci_dev *d)
{
	for (size_t k = 0; k < c->n_passed; k++)
		if (c->passed[k] == d)
			return true;
	return false;
}

/* A VF of the GPU that setup --mode sriov configures is not a user of its own:
 * after the reboot its driver is whichever the PF's route chooses. */
int setup_merged_modules(const struct setup_ctx *c, char ***ret)
{
	const struct igp_next_boot *nb;
	_cleanup_strv_free_ char **next = NULL;
	int r = igp_merged_modules_in(c->kver, ret);

	if (r < 0 || igp_host_next_kernel(c->h, &nb) < 0 || (c->kver && streq(nb->kernel->release, c->kver)))
		return r;
	r = igp_merged_modules_in(nb->kernel->release, &next);
	for (char **m = next; r >= 0 && m && *m; m++)
		if (!strv_contains(*ret, *m) && strv_push(ret, *m) < 0)
			r = -ENOMEM;
	if (r < 0) {
		strv_free(*ret);
		*ret = NULL;
	}
	return r;
}

static bool setup_is_own_vf(const struct setup_ctx *c, const struct igp_pci_dev *d)
{
	return c->o->mode == IGP_METHOD_SRIOV && d->physfn && streq(d->physfn, c->dev->address);
}

const struct igp_pci_dev *setup_gpu_using(const struct setup_ctx *c, const char *driver)
{
	for (size_t i = 0; i < c->h->n_devs; i++) {
		const struct igp_pci_dev *d = c->h->devs[i];
		if (igp_pci_dev_is_gpu(d) && d->driver && igp_kparam_key_eq(d->driver, driver) &&
		    !setup_is_passed(c, d) && !setup_is_own_vf(c, d))
			return d;
	}
	return NULL;
}
