/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "base/paths.h"
#include "base/util.h"
#include "boot/cmdline.h"
#include "modules/modprobe.h"

#define CMDLINE_WHERE "the kernel command line"

int igp_module_underscores(char *s)
{
	/* kmod's shared/util.c underscores(): a '-' inside a [...] pattern
	 * is a range and stays. */
	if (!s)
		return -EINVAL;
	for (size_t i = 0; s[i]; i++) {
		switch (s[i]) {
		case '-':
			s[i] = '_';
			break;
		case ']':
			return -EINVAL;
		case '[':
			i += strcspn(s + i, "]");
			if (!s[i])
				return -EINVAL;
			break;
		}
	}
	return 0;
}

bool igp_module_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '-' ? '_' : *a) != (*b == '-' ? '_' : *b))
			return false;
	return *a == *b;
}

void igp_modprobe_done(struct igp_modprobe *m)
{
	for (size_t i = 0; m && i < m->n; i++) {
		free(m->entries[i].module);
		free(m->entries[i].args);
		free(m->entries[i].where);
	}
	if (m) {
		free(m->entries);
		strv_free(m->files);
		*m = (struct igp_modprobe){0};
	}
}

/* Append an entry; WHERE is taken over. */
static int add(struct igp_modprobe *m, enum igp_modprobe_cmd cmd, const char *module, const char *args,
	       char *where, bool cmdline)
{
	struct igp_modprobe_entry e = {cmd, strdup(module), strdup(args), where, cmdline}, *v;

	v = e.module && e.args && e.where ? realloc(m->entries, (m->n + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(e.module);
		free(e.args);
		free(e.where);
		return -ENOMEM;
	}
	m->entries = v;
	v[m->n++] = e;
	return 0;
}

/*
 * The next line as kmod's freadline_wrapped() (shared/util.c) reads it: a
 * backslash before a newline joins the next line, before any other byte it
 * stands for that byte.  *LINENO: the first line of it.  A NUL byte is kept
 * and so ends the line as kmod sees it.  NULL at the end (or on ENOMEM, with
 * *pos not at LEN).
 */
static char *next_line(const char *text, size_t len, size_t *pos, unsigned *lineno, unsigned *next_lineno)
{
	_cleanup_free_ char *buf = malloc(len - *pos + 1);
	size_t i = 0, p = *pos;
	unsigned first = *next_lineno;
	bool newline = false;

	if (!buf)
		return NULL;
	for (; p < len && !newline; p++) {
		if (text[p] == '\n') {
			newline = true;
			continue;
		}
		if (text[p] == '\\') {
			if (++p == len)
				break; /* at the end of the file: dropped */
			if (text[p] == '\n') {
				(*next_lineno)++;
				continue;
			}
		}
		buf[i++] = text[p];
	}
	*pos = p;
	/* The end of the file ends a line only when it has some bytes. */
	if (!newline && i == 0)
		return NULL;
	*lineno = first;
	(*next_lineno)++;
	buf[i] = '\0';
	return TAKE_PTR(buf);
}

static const struct {
	const char *name;
	enum igp_modprobe_cmd cmd;
	bool rest; /* takes the rest of the line, which must not be empty */
} commands[] = {
    {"alias", IGP_MODPROBE_ALIAS, false},    {"blacklist", IGP_MODPROBE_BLACKLIST, false},
    {"options", IGP_MODPROBE_OPTIONS, true}, {"install", IGP_MODPROBE_INSTALL, true},
    {"remove", IGP_MODPROBE_REMOVE, true},   {"softdep", IGP_MODPROBE_SOFTDEP, true},
    {"weakdep", IGP_MODPROBE_WEAKDEP, true},
};

/* One line of kmod_config_parse(); lines it ignores (comments, unknown or
 * malformed commands) add nothing. */
static int parse_line(struct igp_modprobe *m, char *line, const char *path, unsigned lineno)
{
	char *save = NULL, *cmd, *name, *rest;

	if (line[0] == '\0' || line[0] == '#')
		return 0;
	cmd = strtok_r(line, "\t ", &save);
	if (!cmd)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
		if (!streq(cmd, commands[i].name))
			continue;
		name = strtok_r(NULL, "\t ", &save);
		/* kmod: strtok_r(NULL, "\0", ...), the rest of the line. */
		rest = strtok_r(NULL, commands[i].rest ? "" : "\t ", &save);
		if (igp_module_underscores(name) < 0)
			return 0;
		if (commands[i].cmd == IGP_MODPROBE_ALIAS && igp_module_underscores(rest) < 0)
			return 0;
		if (commands[i].rest && !rest)
			return 0;
		if (commands[i].cmd == IGP_MODPROBE_BLACKLIST)
			rest = (char *)"";
		for (char *t = rest; commands[i].cmd == IGP_MODPROBE_OPTIONS && *t; t++)
			if (*t == '\t')
				*t = ' ';
		return add(m, commands[i].cmd, name, rest, strdupf("%s:%u", path, lineno), false);
	}
	return 0;
}

int igp_modprobe_parse(struct igp_modprobe *m, const char *path, const char *text, size_t len)
{
	unsigned lineno = 0, next_lineno = 1;
	size_t pos = 0;

	while (pos < len) {
		_cleanup_free_ char *line = next_line(text, len, &pos, &lineno, &next_lineno);
		int r;

		if (!line)
			return pos < len ? -ENOMEM : 0;
		r = parse_line(m, line, path, lineno);
		if (r < 0)
			return r;
	}
	return 0;
}

/* kcmdline_parse_result(): modprobe.blacklist= items are kept as written
 * (kmod compares them with the module's name as they are). */
static int cmdline_result(struct igp_modprobe *m, char *modname, char *param, char *value)
{
	if (!modname || !param)
		return 0;
	if (streq(modname, "modprobe") && startswith(param, "blacklist=")) {
		for (char *t; value && (t = strsep(&value, ","));)
			if (add(m, IGP_MODPROBE_BLACKLIST, t, "", strdup(CMDLINE_WHERE), true) < 0)
				return -ENOMEM;
		return 0;
	}
	if (igp_module_underscores(modname) < 0)
		return 0;
	return add(m, IGP_MODPROBE_OPTIONS, modname, param, strdup(CMDLINE_WHERE), true);
}

enum kstate { K_IGNORE, K_MODNAME, K_PARAM, K_VALUE, K_COMPLETE };

/* kmod_config_parse_kcmdline()'s state machine, step by step: the byte at
 * *P moves the state of the module option being read. */
static void kcmdline_step(char *p, enum kstate *st, bool *quoted, char **modname, char **param, char **value,
			  char **quote_start)
{
	switch (*p) {
	case '"':
		*quoted = !*quoted;
		/* A quote opens an option only as its first byte. */
		if (*quoted && *st == K_MODNAME && p == *modname) {
			*quote_start = p;
			*modname = p + 1;
		} else if (*st != K_VALUE) {
			*st = K_IGNORE;
		}
		break;
	case '\0':
	case ' ':
	case '\n':
	case '\t':
	case '\v':
	case '\f':
	case '\r':
		if (*quoted && *st == K_VALUE) {
			/* a blank inside a quoted value */
		} else if (*quoted) {
			*st = K_IGNORE;
		} else if (*st == K_VALUE || *st == K_PARAM) {
			*p = '\0';
			*st = K_COMPLETE;
		} else {
			*modname = p + 1;
			*st = K_MODNAME;
			*quote_start = NULL;
		}
		break;
	case '.':
		if (*st == K_MODNAME) {
			*p = '\0';
			*param = p + 1;
			*st = K_PARAM;
		} else if (*st == K_PARAM) {
			*st = K_IGNORE;
		}
		break;
	case '=':
		if (*st == K_PARAM) {
			*value = p + 1;
			*st = K_VALUE;
		} else if (*st == K_MODNAME) {
			*st = K_IGNORE;
		}
		break;
	}
}

int igp_modprobe_parse_cmdline(struct igp_modprobe *m, const char *cmdline)
{
	_cleanup_free_ char *buf = strdup(cmdline);
	char *modname, *param = NULL, *value = NULL, *quote_start = NULL;
	enum kstate st = K_MODNAME;
	bool quoted = false, more = true;

	if (!buf)
		return -ENOMEM;
	for (char *p = modname = buf; more; p++) {
		more = *p != '\0';
		kcmdline_step(p, &st, &quoted, &modname, &param, &value, &quote_start);
		if (st != K_COMPLETE)
			continue;
		/* A boot loader passes "mod.p=a b" quoted as a whole; kmod
		 * moves the quote back before the value. */
		if (quote_start && quote_start < modname && value) {
			memmove(quote_start, modname, (size_t)(value - modname));
			value--;
			modname--;
			param--;
			*value = '"';
		}
		if (cmdline_result(m, modname, param, value) < 0)
			return -ENOMEM;
		modname = p + 1;
		st = K_MODNAME;
		quote_start = NULL;
	}
	return 0;
}

/*
 * One argument as the kernel's next_arg() (kernel/params.c) splits it:
 * *ret_param and *ret_value (NULL without '='), quotes taken off, in ARG.
 */
static void kernel_arg(char *arg, char **ret_param, char **ret_value)
{
	bool quoted = *arg == '"';
	size_t i, equals = 0;

	if (quoted)
		arg++;
	i = strlen(arg);
	/* As next_arg(): an '=' at the start does not count. */
	for (size_t k = 0; k < i && !equals; k++)
		if (arg[k] == '=')
			equals = k;
	*ret_param = arg;
	*ret_value = NULL;
	if (equals) {
		arg[equals] = '\0';
		*ret_value = arg + equals + 1;
		if (**ret_value == '"') {
			(*ret_value)++;
			if (arg[i - 1] == '"')
				arg[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && arg[i - 1] == '"')
		arg[i - 1] = '\0';
}

/* The last value of PARAM in one options string: 1 and *ret_value, or 0. */
static int options_value(const char *options, const char *param, char **ret_value)
{
	struct igp_kline l;
	char *found = NULL;
	int r = igp_kline_parse(options, strlen(options), &l);

	if (r < 0)
		return r;
	for (size_t i = 0; i < l.n; i++) {
		char *name, *value;
		kernel_arg(l.toks[i].text, &name, &value);
		if (!igp_module_name_eq(name, param))
			continue;
		free(found);
		found = strdup(value ? value : "");
		if (!found) {
			igp_kline_done(&l);
			return -ENOMEM;
		}
	}
	igp_kline_done(&l);
	if (!found)
		return 0;
	*ret_value = found;
	return 1;
}

int igp_modprobe_option(const struct igp_modprobe *m, const char *module, const char *param, unsigned flags,
			char **ret_value, const struct igp_modprobe_entry **ret_entry)
{
	_cleanup_free_ char *value = NULL;
	const struct igp_modprobe_entry *where = NULL;

	for (size_t i = 0; i < m->n; i++) {
		const struct igp_modprobe_entry *e = &m->entries[i];
		char *v = NULL;
		int r;

		if (e->cmd != IGP_MODPROBE_OPTIONS || !igp_module_name_eq(e->module, module) ||
		    (e->cmdline && (flags & IGP_MODPROBE_FILES_ONLY)))
			continue;
		r = options_value(e->args, param, &v);
		if (r < 0)
			return r;
		if (r > 0) {
			free(value);
			value = v;
			where = e;
		}
	}
	if (!value)
		return 0;
	if (ret_value)
		*ret_value = TAKE_PTR(value);
	if (ret_entry)
		*ret_entry = where;
	return 1;
}

const char *igp_modprobe_blacklisted(const struct igp_modprobe *m, const char *module, unsigned flags)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct igp_modprobe_entry *e = &m->entries[i];
		if (e->cmd != IGP_MODPROBE_BLACKLIST || (e->cmdline && (flags & IGP_MODPROBE_FILES_ONLY)))
			continue;
		/* kmod compares the command line's items as written. */
		if (e->cmdline ? streq(e->module, module) : igp_module_name_eq(e->module, module))
			return e->where;
	}
	return NULL;
}

int igp_modprobe_softdep_modules(const struct igp_modprobe_entry *e, char ***ret)
{
	_cleanup_strv_free_ char **words = NULL, **mods = NULL;
	enum { NONE, PRE, POST } mode = NONE;

	/* kmod_config_add_softdep(): words before the first "pre:" or
	 * "post:" belong to neither list. */
	if (strv_split(e->args, " \t\n\v\f\r", &words) < 0)
		return -ENOMEM;
	mods = calloc(1, sizeof(char *));
	if (!mods)
		return -ENOMEM;
	for (char **w = words; *w; w++) {
		if (streq(*w, "pre:") || streq(*w, "post:")) {
			mode = streq(*w, "pre:") ? PRE : POST;
			continue;
		}
		if (mode == NONE)
			continue;
		for (char *p = *w; *p; p++)
			if (*p == '-')
				*p = '_';
		if (strv_push(&mods, *w) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(mods);
	return 0;
}

/* ---- the files ---- */

struct conf_file {
	char *name, *path;
};

static void conf_files_free(struct conf_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].path);
	}
	free(f);
}

static int cmp_conf_file(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

/*
 * conf_files_filter_out(): a hidden name, one not ending in ".conf", a
 * directory, and a name stat() cannot follow are no configuration.  A
 * symlink to /dev/null (the usual mask) counts as an empty file even when a
 * captured tree has no /dev/null of its own.
 */
static bool conf_file_wanted(const char *path, const char *name)
{
	_cleanup_free_ char *target = NULL;

	if (name[0] == '.' || strlen(name) < 6 || !endswith(name, ".conf"))
		return false;
	if (igp_readlink(path, &target) >= 0 && streq(target, IGP_DEV_NULL))
		return true;
	return igp_access(path) == 0 && !igp_is_dir(path);
}

/* Add the configuration files of DIR whose names no earlier directory had. */
static int list_dir(const char *dir, struct conf_file **files, size_t *n)
{
	_cleanup_strv_free_ char **names = NULL;
	size_t earlier = *n;

	if (igp_list_dir(dir, &names) < 0)
		return 0;
	for (char **s = names; *s; s++) {
		_cleanup_free_ char *path = igp_path_join(dir, *s), *name = strdup(*s);
		struct conf_file *v;
		bool hidden = false;

		if (!path || !name)
			return -ENOMEM;
		for (size_t i = 0; i < earlier && !hidden; i++)
			hidden = streq((*files)[i].name, *s);
		if (hidden || !conf_file_wanted(path, *s))
			continue;
		v = realloc(*files, (*n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		*files = v;
		v[(*n)++] = (struct conf_file){TAKE_PTR(name), TAKE_PTR(path)};
	}
	return 0;
}

static int read_files(struct igp_modprobe *m)
{
	static const char *const dirs[] = {IGP_ETC_MODPROBE_D, IGP_RUN_MODPROBE_D,
					   IGP_USR_LOCAL_LIB_MODPROBE_D, IGP_USR_LIB_MODPROBE_D,
					   IGP_LIB_MODPROBE_D};
	struct conf_file *files = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t d = 0; d < ELEMENTSOF(dirs) && r >= 0; d++)
		r = list_dir(dirs[d], &files, &n);
	if (r >= 0 && n > 0)
		qsort(files, n, sizeof(*files), cmp_conf_file);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		_cleanup_free_ char *text = NULL;
		size_t len;

		/* An unreadable file (a mask to /dev/null) adds nothing. */
		if (igp_read_file(files[i].path, &text, &len) < 0)
			continue;
		r = igp_modprobe_parse(m, files[i].path, text, len);
		if (r >= 0)
			r = strv_push(&m->files, files[i].path);
	}
	conf_files_free(files, n);
	return r;
}

int igp_modprobe_read(const char *cmdline, struct igp_modprobe *ret)
{
	struct igp_modprobe m = {0};
	int r = read_files(&m);

	if (r >= 0 && cmdline)
		r = igp_modprobe_parse_cmdline(&m, cmdline);
	if (r < 0) {
		igp_modprobe_done(&m);
		return r;
	}
	*ret = m;
	return 0;
}
