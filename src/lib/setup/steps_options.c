/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option values that cannot reach the kernel as they are given: --param
 * through the boot loader's syntax, --blacklist module names, the words of
 * --acs-override.  Each refusal quotes the value and the byte at fault.
 */
#include <ctype.h>

#include "base/paths.h"
#include "base/util.h"
#include "setup/setup_int.h"

/* VALUE as a refusal quotes it: bytes other than printable ASCII as \xHH,
 * cut after 40. */
static char *shown(const char *value)
{
	_cleanup_free_ char *s = strdup("");
	size_t i;

	for (i = 0; s && value[i] && i < 40; i++) {
		unsigned char c = (unsigned char)value[i];
		if (strextendf(&s, c >= ' ' && c < 0x7f ? "%c" : "\\x%02x", c) < 0)
			return NULL;
	}
	if (s && value[i] && strextendf(&s, "...") < 0)
		return NULL;
	return TAKE_PTR(s);
}

/* "OPT "VALUE": BYTE WHY", BYTE being VALUE[AT] as 'c' or as byte 0xHH. */
static int refuse_byte(char **ret_error, const char *opt, const char *value, size_t at, const char *why)
{
	_cleanup_free_ char *v = shown(value);
	unsigned char c = (unsigned char)value[at];

	if (!v)
		return -ENOMEM;
	if (c > ' ' && c < 0x7f)
		return igp_refuse(ret_error, -EINVAL, "%s \"%s\": '%c' %s", opt, v, c, why);
	return igp_refuse(ret_error, -EINVAL, "%s \"%s\": byte 0x%02x %s", opt, v, c, why);
}

/* Why byte C of a parameter cannot reach the kernel through SYNTAX. */
static const char *param_byte_why(unsigned char c, enum igp_ksyntax syntax)
{
	if (c == ' ' || c == '\t')
		return "would split the parameter in two";
	if (c < ' ' || c >= 0x7f)
		return "is not printable ASCII, and kernel parameters are";
	if (c == '"')
		return "would start a quoted value for the kernel, taking in what follows";
	if (syntax == IGP_KSYNTAX_KERNELSTUB)
		return "cannot go into kernelstub's JSON configuration";
	return "cannot go into the GRUB configuration: grub.cfg is a script, and only letters, "
	       "digits and . _ , : = + / @ % - pass through it as they are";
}

/* Each --param must reach the kernel through the loader's syntax as it is. */
int setup_check_params(struct setup_ctx *c, enum igp_ksyntax syntax)
{
	char **ret_error = c->ret_error;

	for (char **s = c->o->params; s && *s; s++) {
		_cleanup_free_ char *v = NULL;
		size_t at;
		int r = igp_kparam_check(*s, syntax, &at);

		if (r == 0)
			continue;
		if (r == -EINVAL && **s && **s != '=')
			return refuse_byte(ret_error, "--param", *s, at,
					   param_byte_why((unsigned char)(*s)[at], syntax));
		v = shown(*s);
		if (!v)
			return -ENOMEM;
		if (r == -E2BIG)
			return igp_refuse(ret_error, -EINVAL,
					  "--param \"%s\": %zu bytes, more than the %d igpuctl writes as one "
					  "kernel parameter",
					  v, strlen(*s), IGP_KPARAM_MAX);
		return igp_refuse(ret_error, -EINVAL, "--param \"%s\": %s", v,
				  **s ? "a parameter starts with its name" : "an empty parameter");
	}
	return 0;
}

/* --blacklist: module names, of no module a GPU that stays on the host uses. */
static int check_blacklist(struct setup_ctx *c)
{
	char **ret_error = c->ret_error;

	for (char **s = c->o->blacklist; s && *s; s++) {
		const struct igp_pci_dev *other;
		size_t at;
		int r = igp_module_name_check(*s, &at);

		if (r == -EINVAL && !**s)
			return igp_refuse(ret_error, r, "--blacklist \"\": an empty module name");
		if (r == -EINVAL)
			return refuse_byte(ret_error, "--blacklist", *s, at,
					   "is not in a module name (letters, digits, _ and -)");
		if (r == -E2BIG)
			return igp_refuse(ret_error, -EINVAL,
					  "--blacklist \"%.40s...\": longer than a module name can be (%d)",
					  *s, IGP_MODULE_NAME_MAX);
		other = setup_gpu_using(c, *s);
		if (other)
			return igp_refuse(ret_error, -EINVAL,
					  "--blacklist %s: the GPU %s, which stays on the host, uses it", *s,
					  other->address);
	}
	return 0;
}

/* --acs-override: the words the kernel's ACS override takes. */
static int check_acs_override(const struct setup_ctx *c)
{
	char **ret_error = c->ret_error;
	static const char words[] = "the words the kernel takes: downstream, multifunction and "
				    "id:VVVV:DDDD (hexadecimal vendor and device), comma separated";
	const char *a = c->o->acs_override;
	_cleanup_free_ char *v = NULL, *why = NULL;
	size_t at, len;

	if (!a || igp_acs_override_check(a, &at, &len) == 0)
		return 0;
	for (size_t i = at; i < at + len; i++)
		if (!isalnum((unsigned char)a[i]) && a[i] != ':') {
			why = strdupf("is in none of %s", words);
			return why ? refuse_byte(ret_error, "--acs-override", a, i, why) : -ENOMEM;
		}
	v = shown(a);
	if (!v)
		return -ENOMEM;
	if (!len)
		return igp_refuse(ret_error, -EINVAL, "--acs-override \"%s\": an empty word; %s", v, words);
	return igp_refuse(ret_error, -EINVAL, "--acs-override \"%s\": \"%.*s\" is not one of %s", v, (int)len,
			  a + at, words);
}

/* --blacklist and --acs-override. */
int setup_step_options(struct setup_ctx *c)
{
	int r = check_blacklist(c);
	return r < 0 ? r : check_acs_override(c);
}
