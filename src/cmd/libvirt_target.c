/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "change/change.h"
#include "cmd.h"
#include "vm/libvirt_module.h"
#include "libvirt_target.h"

struct conn_entry {
	char *uri; /* as libvirt names it */
	struct igp_libvirt_conn *conn;
};

static struct conn_entry *conns;
static size_t n_conns;
static char **expected;
static char *last_error;

static void remember(char *why)
{
	free(last_error);
	last_error = why;
}

const char *libvirt_target_error(void)
{
	return last_error;
}

/* The index of the connection named URI, or -1. */
static ssize_t find(const char *uri)
{
	for (size_t i = 0; uri && i < n_conns; i++)
		if (streq(conns[i].uri, uri))
			return (ssize_t)i;
	return -1;
}

static int found(ssize_t i, struct igp_libvirt_conn **ret, char **ret_uri)
{
	*ret = conns[i].conn;
	if (ret_uri && !(*ret_uri = strdup(conns[i].uri)))
		return -ENOMEM;
	return 0;
}

/* The connection to URI, opened once per run; *ret_uri (optional) its name. */
static int conn_for(const char *uri, struct igp_libvirt_conn **ret, char **ret_uri, char **ret_why)
{
	struct conn_entry *nv;
	struct igp_libvirt_conn *c;
	char *name = NULL;
	ssize_t i = find(uri);
	int r;

	if (i >= 0)
		return found(i, ret, ret_uri);
	r = igp_libvirt_open(uri, &c, ret_why);
	if (r == -ELIBACC && !*ret_why)
		*ret_why = strdup(igp_libvirt_module_error());
	if (r < 0)
		return r;
	r = igp_libvirt_uri(c, &name);
	if (r < 0) {
		igp_libvirt_close(c);
		*ret_why = strdup("libvirt does not name the connection");
		return r;
	}
	i = find(name);
	if (i >= 0) {
		/* Reached under another name (the default one): keep the first. */
		igp_libvirt_close(c);
		free(name);
		return found(i, ret, ret_uri);
	}
	nv = realloc(conns, (n_conns + 1) * sizeof(*nv));
	if (!nv) {
		igp_libvirt_close(c);
		free(name);
		return -ENOMEM;
	}
	conns = nv;
	conns[n_conns++] = (struct conn_entry){name, c};
	return found((ssize_t)n_conns - 1, ret, ret_uri);
}

void libvirt_target_close(void)
{
	for (size_t i = 0; i < n_conns; i++) {
		igp_libvirt_close(conns[i].conn);
		free(conns[i].uri);
	}
	free(conns);
	conns = NULL;
	n_conns = 0;
	strv_free(expected);
	expected = NULL;
	remember(NULL);
}

int libvirt_target_open(const char *uri, const char *name, struct igp_libvirt_conn **ret_conn, char **ret_key,
			char **ret_why)
{
	_cleanup_free_ char *canon = NULL;
	int r = conn_for(uri, ret_conn, &canon, ret_why);

	if (r < 0)
		return r;
	*ret_key = strdupf("%s\t%s", canon, name);
	return *ret_key ? 0 : -ENOMEM;
}

int libvirt_target_expect(char *const *aliases)
{
	strv_free(expected);
	expected = NULL;
	for (char *const *a = aliases; a && *a; a++)
		if (strv_push(&expected, *a) < 0)
			return -ENOMEM;
	return 0;
}

/* "URI\tNAME" into its halves. */
static int split_key(const char *key, char **ret_uri, char **ret_name)
{
	const char *tab = strrchr(key, '\t');

	if (!tab || tab == key || !tab[1])
		return -EINVAL;
	*ret_uri = strndup(key, (size_t)(tab - key));
	*ret_name = strdup(tab + 1);
	return *ret_uri && *ret_name ? 0 : -ENOMEM;
}

static int target_read(const char *key, char **ret)
{
	_cleanup_free_ char *uri = NULL, *name = NULL;
	struct igp_libvirt_conn *c;
	char *why = NULL;
	int r = split_key(key, &uri, &name);

	if (r >= 0)
		r = conn_for(uri, &c, NULL, &why);
	if (r >= 0)
		r = igp_libvirt_domain_get(c, name, ret, NULL, &why);
	if (r == -ENOENT) {
		free(why);
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		remember(why);
	return r;
}

static int target_write(const char *key, const char *text)
{
	_cleanup_free_ char *uri = NULL, *name = NULL;
	_cleanup_strv_free_ char **want = TAKE_PTR(expected);
	struct igp_libvirt_conn *c;
	char *why = NULL;
	int r = split_key(key, &uri, &name);

	if (r >= 0)
		r = conn_for(uri, &c, NULL, &why);
	if (r >= 0 && text)
		r = igp_libvirt_domain_define(c, text, want, &why);
	else if (r >= 0)
		r = igp_libvirt_domain_undefine(c, name, &why);
	if (r == -ENOENT && !text)
		r = 0;
	if (r < 0)
		remember(why);
	else
		free(why);
	return r;
}

static char *target_describe(const char *key)
{
	_cleanup_free_ char *uri = NULL, *name = NULL;

	if (split_key(key, &uri, &name) < 0)
		return strdupf("libvirt domain %s", key);
	return strdupf("libvirt domain %s (%s)", name, uri);
}

static const struct igp_target_ops ops = {
    .kind = LIBVIRT_TARGET_KIND,
    .read = target_read,
    .write = target_write,
    .describe = target_describe,
};

void libvirt_target_register(void)
{
	igp_change_register(&ops);
}

bool libvirt_target_in_journal(const struct igp_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		for (size_t k = 0; k < j->c[i].n; k++)
			if (streq_ptr(j->c[i].t[k].kind, LIBVIRT_TARGET_KIND))
				return true;
	return false;
}
