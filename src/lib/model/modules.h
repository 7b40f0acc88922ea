/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel modules of the running kernel: part of the host model (host.h),
 * read on first use.  Names compare with '-' and '_' equal, as the kernel
 * and kmod do (modname_normalize()); the model keeps them with '_'.
 *   loaded:     /proc/modules;
 *   built in:   modules.builtin of the running kernel's module directory;
 *   parameters: /sys/module/NAME/parameters/ (loaded modules, and built-in
 *               ones that have parameters);
 *   available:  libkmod's lookup in the running kernel's module indexes.
 * Where modules are configured to load at boot is read by the checks
 * (checks_modconf.c).
 */
#ifndef IGP_MODULES_H
#define IGP_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "model/host.h"

struct kmod_ctx;

struct igp_module_param {
	char *name;  /* as sysfs names it */
	char *value; /* NULL when not readable (mode 0200, or root-only) */
};

struct igp_module {
	char *name;   /* normalized: '-' -> '_' */
	bool loaded;  /* in /proc/modules */
	bool builtin; /* in modules.builtin */
	struct igp_module_param *params;
	size_t n_params;
};

/* The module NAME as the host has it (never NULL on success; a module that
 * is neither loaded nor built in has no parameters); -ENOMEM. */
int igp_host_module(const struct igp_host *h, const char *name, const struct igp_module **ret);
/* The value of parameter PARAM ('-' == '_'), or NULL. */
const char *igp_module_param(const struct igp_module *m, const char *param);

/* Shorthands, false/NULL when unknown. */
bool igp_host_module_loaded(const struct igp_host *h, const char *name);
bool igp_host_module_builtin(const struct igp_host *h, const char *name);
const char *igp_host_module_param(const struct igp_host *h, const char *module, const char *param);

/* Is there a module (or built-in) of that name for the running kernel:
 * 1 yes, 0 no, -ENOENT when the kernel has no module index (depmod's
 * modules.dep.bin), so that nothing can be told. */
int igp_host_module_available(const struct igp_host *h, const char *name);
/* libkmod for the running kernel's module directory (opened inside the
 * root, without modprobe.d), or NULL when there is none. */
struct kmod_ctx *igp_host_kmod(const struct igp_host *h);

/* NAME with '-' as '_' (caller frees), or NULL on ENOMEM. */
char *igp_module_name_normalize(const char *name);

#endif
