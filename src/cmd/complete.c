/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igpuctl __complete: what the shell completion scripts (data/completion/)
 * ask, one candidate per line.  Hidden from --help; docs/cli.md documents it.
 *
 *   __complete line WORD...        the candidates for the last WORD of
 *                                  `igpuctl WORD...` (what the scripts call)
 *   __complete commands [WORD...]  the commands, or the subcommands of a command
 *   __complete options WORD...     the long options of a command or subcommand
 *   __complete KIND                one list of the host's values (kinds[] below)
 *
 * The options are the commands' own getopt tables (cmd_opts_* in cmd.h), so
 * what is offered is what getopt takes.  The values come from the host
 * model: the PCI devices (host.h), the mdevs and their types (mdev.h), the
 * workloads (workloads.h: Proxmox VE VMs and CTs, LXC containers, libvirt
 * domains), each under the root the completed line names (--root DIR) or
 * IGPUCTL_ROOT.  A host that has nothing, or no host at all, is no error:
 * nothing is printed and the exit status is 0.
 *
 * A line ":files" or ":dirs" asks the shell for its own file or directory
 * names (no candidate starts with ':').
 */
#include "cmd.h"
#include "model/host.h"
#include "model/platform.h"
#include "model/workloads.h"
#include "vgpu/mdev.h"
#include "base/paths.h"
#include "base/strbuf.h"

enum kind {
	K_GPUS = 1u << 0,	  /* GPUs, VFs included */
	K_VFS = 1u << 1,	  /* SR-IOV VFs of GPUs */
	K_PFS = 1u << 2,	  /* GPUs that can have VFs */
	K_DEVICES = 1u << 3,	  /* every PCI device */
	K_VGPUS = 1u << 4,	  /* vGPUs, active or defined */
	K_ACTIVE_VGPUS = 1u << 5, /* active vGPUs */
	K_MDEV_PARENTS = 1u << 6,
	K_MDEV_TYPES = 1u << 7, /* of every parent */
	K_PVE_VMS = 1u << 8,	/* this node's Proxmox VE VMs */
	K_PVE_CTS = 1u << 9,
	K_DOMAINS = 1u << 10, /* libvirt */
	K_LXC = 1u << 11,
	K_MODES = 1u << 12,
	K_FILES = 1u << 13,
	K_DIRS = 1u << 14,
};

static const struct {
	const char *name;
	unsigned kind;
} kinds[] = {
    {"gpus", K_GPUS},
    {"vfs", K_VFS},
    {"pfs", K_PFS},
    {"devices", K_DEVICES},
    {"vgpus", K_VGPUS},
    {"active-vgpus", K_ACTIVE_VGPUS},
    {"mdev-parents", K_MDEV_PARENTS},
    {"mdev-types", K_MDEV_TYPES},
    {"pve-vms", K_PVE_VMS},
    {"pve-cts", K_PVE_CTS},
    {"domains", K_DOMAINS},
    {"lxc", K_LXC},
    {"modes", K_MODES},
};

#define MAX_ARGS 2

/*
 * Every command and subcommand: its getopt table (NULL: none before the
 * subcommand), the options of that table it refuses all the same
 * (a table shared by several), and what its positional arguments are.
 */
static const struct cpath {
	const char *path;
	const struct option *opts;
	const char *const *refused;
	unsigned args[MAX_ARGS];
} paths[] = {
    {"status", cmd_opts_status, NULL, {}},
    {"list", cmd_opts_list, NULL, {}},
    {"iommu", cmd_opts_iommu, NULL, {}},
    {"show", cmd_opts_show, NULL, {K_DEVICES}},
    {"check", cmd_opts_check, NULL, {K_GPUS}},
    {"vgpu", NULL, NULL, {}},
    {"vgpu types", cmd_opts_vgpu_types, NULL, {K_MDEV_PARENTS}},
    {"vgpu create", cmd_opts_vgpu_create, (const char *const[]){"manual", NULL}, {K_MDEV_PARENTS}},
    {"vgpu list", cmd_opts_vgpu_list, NULL, {}},
    {"vgpu remove", cmd_opts_vgpu_remove, NULL, {K_VGPUS}},
    {"vgpu define", cmd_opts_vgpu_create, (const char *const[]){"auto", NULL}, {K_MDEV_PARENTS}},
    {"vgpu start-defined", cmd_opts_vgpu_start_defined, NULL, {K_MDEV_PARENTS}},
    {"vfs", cmd_opts_vfs, NULL, {K_PFS}},
    {"vm", NULL, NULL, {}},
    {"vm qemu", cmd_opts_vm_qemu, NULL, {K_GPUS | K_ACTIVE_VGPUS}},
    {"vm libvirt", cmd_opts_vm_libvirt, NULL, {K_GPUS | K_ACTIVE_VGPUS}},
    {"vm proxmox", cmd_opts_vm_proxmox, NULL, {K_PVE_VMS, K_GPUS | K_ACTIVE_VGPUS}},
    {"vm lint",
     cmd_opts_vm_lint,
     (const char *const[]){"connect", "qemu", "output", "noheadings", "raw", NULL},
     {}},
    {"vm lint proxmox", cmd_opts_vm_lint, (const char *const[]){"connect", "list", NULL}, {K_PVE_VMS}},
    {"vm lint libvirt", cmd_opts_vm_lint, (const char *const[]){"list", NULL}, {K_DOMAINS | K_FILES}},
    {"vm lint qemu", cmd_opts_vm_lint, (const char *const[]){"connect", "list", NULL}, {}},
    {"ct", NULL, NULL, {}},
    {"ct proxmox", cmd_opts_ct, (const char *const[]){"lxcpath", NULL}, {K_PVE_CTS, K_GPUS}},
    {"ct lxc", cmd_opts_ct, NULL, {K_LXC, K_GPUS}},
    {"ct incus", cmd_opts_ct, (const char *const[]){"lxcpath", "apply", NULL}, {0, K_GPUS}},
    {"ct docker", cmd_opts_ct, (const char *const[]){"lxcpath", "apply", NULL}, {K_GPUS}},
    {"guest", cmd_opts_guest, NULL, {}},
    {"report", cmd_opts_report, NULL, {}},
    {"setup", cmd_opts_setup, NULL, {K_GPUS}},
    {"revert", cmd_opts_revert, NULL, {}},
    {"bind", cmd_opts_bind, NULL, {K_DEVICES}},
    {"unbind", cmd_opts_unbind, NULL, {K_DEVICES}},
};

/* The values of an option (path NULL: of every command that has it). */
static const struct {
	const char *name, *path;
	unsigned kind;
} option_values[] = {
    {"root", NULL, K_DIRS},
    {"mode", NULL, K_MODES},
    {"type", NULL, K_MDEV_TYPES},
    {"mdev", NULL, K_MDEV_TYPES},
    {"uuid", "vgpu define", K_ACTIVE_VGPUS},
    {"domain", NULL, K_DOMAINS},
    {"device", NULL, K_GPUS},
    {"lxcpath", NULL, K_DIRS},
    {"qemu", NULL, K_FILES},
    {"xml", NULL, K_FILES},
    {"romfile", NULL, K_FILES},
    {"ovmf", NULL, K_FILES},
    {"output", "report", K_FILES},
};

/* What is being completed and where: the candidates must start with
 * prefix + word; prefix is printed before each ("--mode="). */
struct out {
	const char *word, *prefix;
	char **seen; /* printed already, each once */
};

static void put(struct out *o, const char *s)
{
	if (!s || !startswith(s, o->word) || strv_contains(o->seen, s))
		return;
	if (strv_push(&o->seen, s) < 0)
		return;
	printf("%s%s\n", o->prefix, s);
}

static const struct cpath *path_find(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(paths); i++)
		if (streq(paths[i].path, path))
			return &paths[i];
	return NULL;
}

static bool refused(const struct cpath *p, const char *name)
{
	for (const char *const *r = p->refused; r && *r; r++)
		if (streq(*r, name))
			return true;
	return false;
}

/* The subcommands of PATH ("" for the commands), in the table's order. */
static void put_subcommands(struct out *o, const char *path)
{
	size_t n = strlen(path);

	if (!*path) {
		for (const struct igp_command *c = igp_commands; c->name; c++)
			put(o, c->name);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		const char *p = paths[i].path;
		if (strncmp(p, path, n) == 0 && p[n] == ' ' && !strchr(p + n + 1, ' '))
			put(o, p + n + 1);
	}
}

static bool has_subcommands(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < ELEMENTSOF(paths) && *path; i++)
		if (strncmp(paths[i].path, path, n) == 0 && paths[i].path[n] == ' ')
			return true;
	return !*path;
}

static void put_options(struct out *o, const struct option *opts, const struct cpath *p)
{
	for (const struct option *opt = opts; opt && opt->name; opt++) {
		_cleanup_free_ char *s = NULL;
		if (p && refused(p, opt->name))
			continue;
		s = strdupf("--%s", opt->name);
		put(o, s);
	}
}

/* ---- the host's values ---- */

static void put_devices(struct out *o, unsigned kind)
{
	_cleanup_host_ struct igp_host *h = NULL;

	if (igp_host_load(&h) < 0)
		return;
	for (size_t i = 0; i < h->n_devs; i++) {
		const struct igp_pci_dev *d = h->devs[i];
		bool gpu = igp_pci_dev_is_gpu(d);

		if ((kind & K_DEVICES) || ((kind & K_GPUS) && gpu) || ((kind & K_VFS) && gpu && d->physfn) ||
		    ((kind & K_PFS) && gpu && d->sriov_totalvfs > 0))
			put(o, d->address);
	}
}

static void put_vgpus(struct out *o, unsigned kind)
{
	struct igp_mdev *v = NULL;
	size_t n = 0;

	if (igp_mdev_list(kind & K_VGPUS ? IGP_MDEV_LIST_ACTIVE | IGP_MDEV_LIST_DEFINED
					 : IGP_MDEV_LIST_ACTIVE,
			  &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		put(o, v[i].uuid);
	igp_mdevs_free(v, n);
}

static void put_mdev(struct out *o, unsigned kind)
{
	struct igp_mdev_parent *v = NULL;
	size_t n = 0;

	if (igp_mdev_parents_load(&v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (kind & K_MDEV_PARENTS)
			put(o, v[i].name);
		for (size_t t = 0; (kind & K_MDEV_TYPES) && t < v[i].n_types; t++)
			put(o, v[i].types[t].id);
	}
	igp_mdev_parents_free(v, n);
}

static void put_workloads(struct out *o, unsigned kind)
{
	struct igp_workloads *ws = NULL;

	if (igp_workloads_load(&ws) < 0)
		return;
	for (size_t i = 0; i < ws->n; i++) {
		const struct igp_workload *w = &ws->v[i];
		bool want = (w->kind == IGP_WORKLOAD_PVE_VM && (kind & K_PVE_VMS) && w->local) ||
			    (w->kind == IGP_WORKLOAD_PVE_CT && (kind & K_PVE_CTS)) ||
			    (w->kind == IGP_WORKLOAD_LXC && (kind & K_LXC)) ||
			    (w->kind == IGP_WORKLOAD_LIBVIRT && (kind & K_DOMAINS));
		if (want)
			put(o, w->id);
	}
	igp_workloads_free(ws);
}

static void put_kind(struct out *o, unsigned kind)
{
	if (kind & (K_GPUS | K_VFS | K_PFS | K_DEVICES))
		put_devices(o, kind);
	if (kind & (K_VGPUS | K_ACTIVE_VGPUS))
		put_vgpus(o, kind);
	if (kind & (K_MDEV_PARENTS | K_MDEV_TYPES))
		put_mdev(o, kind);
	if (kind & (K_PVE_VMS | K_PVE_CTS | K_LXC | K_DOMAINS))
		put_workloads(o, kind);
	for (int m = 0; (kind & K_MODES) && m < _IGP_METHOD_MAX; m++)
		put(o, igp_method_name((enum igp_method)m));
	if (kind & K_FILES)
		printf(":files\n");
	else if (kind & K_DIRS)
		printf(":dirs\n");
}

/* ---- a command line ---- */

static const struct option *option_find(const struct option *opts, const char *word)
{
	if (word[0] != '-' || !word[1])
		return NULL;
	for (const struct option *opt = opts; opt && opt->name; opt++) {
		size_t len = strcspn(word + 2, "=");
		if (word[1] == '-' ? strlen(opt->name) == len && strncmp(word + 2, opt->name, len) == 0
				   : !word[2] && word[1] == opt->val)
			return opt;
	}
	return NULL;
}

/* The option WORD of path P (or a global one) that takes a value, or NULL. */
static const struct option *option_with_value(const struct cpath *p, const char *word)
{
	const struct option *opt = option_find(p ? p->opts : NULL, word);

	if (!opt)
		opt = option_find(cmd_opts_global, word);
	return opt && opt->has_arg == required_argument ? opt : NULL;
}

static unsigned option_kind(const struct option *opt, const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(option_values); i++)
		if (streq(option_values[i].name, opt->name) &&
		    (!option_values[i].path || streq(option_values[i].path, path)))
			return option_values[i].kind;
	return 0;
}

struct line {
	char path[64];
	size_t n_args;		    /* positional arguments after the path */
	const struct option *value; /* the word completed is the value of this option */
	bool dashdash;
	const char *root;
};

/* Walk the words before the one completed, as the commands parse them. */
static void line_parse(struct line *l, int n, char **w)
{
	for (int i = 0; i < n; i++) {
		const struct cpath *p = path_find(l->path);
		const struct option *opt;

		if (l->dashdash) {
			l->n_args++;
		} else if (streq(w[i], "--")) {
			l->dashdash = true;
		} else if (w[i][0] == '-' && w[i][1]) {
			opt = option_with_value(p, w[i]);
			if (streq(w[i], "--root") || startswith(w[i], "--root="))
				l->root = strchr(w[i], '=') ? strchr(w[i], '=') + 1
					  : i + 1 < n	    ? w[i + 1]
							    : NULL;
			if (opt && !strchr(w[i], '=')) {
				if (i + 1 == n)
					l->value = opt;
				i++;
			}
		} else if (has_subcommands(l->path)) {
			if (strlen(l->path) + strlen(w[i]) + 2 > sizeof(l->path))
				return;
			if (*l->path)
				strcat(l->path, " ");
			strcat(l->path, w[i]);
		} else {
			l->n_args++;
		}
	}
}

static void complete_line(int n, char **w)
{
	struct line l = {};
	struct out o = {.word = n > 0 ? w[n - 1] : "", .prefix = ""};
	const struct cpath *p;
	const char *eq;

	line_parse(&l, n - 1, w);
	/* The root of the line completed; IGPUCTL_ROOT (main()) else. */
	if (l.root && igp_root_set(l.root) < 0)
		return;
	p = path_find(l.path);
	if (l.value) {
		put_kind(&o, option_kind(l.value, l.path));
	} else if (l.dashdash || (!p && *l.path)) {
		/* QEMU's arguments, or no command igpuctl knows */
	} else if (startswith(o.word, "--") && (eq = strchr(o.word, '='))) {
		const struct option *opt = option_with_value(p, o.word);
		_cleanup_free_ char *prefix = strndup(o.word, eq + 1 - o.word);
		if (opt && prefix) {
			o.prefix = prefix;
			o.word = eq + 1;
			put_kind(&o, option_kind(opt, l.path));
			strv_free(o.seen);
			return;
		}
	} else if (o.word[0] == '-') {
		put_options(&o, p ? p->opts : NULL, p);
		for (const struct option *g = cmd_opts_global; g->name; g++)
			/* --help and --version only before the command */
			if (!*l.path || (!streq(g->name, "help") && !streq(g->name, "version")))
				put_options(&o, (const struct option[]){*g, {}}, NULL);
	} else if (has_subcommands(l.path)) {
		put_subcommands(&o, l.path);
	} else if (p && l.n_args < MAX_ARGS) {
		put_kind(&o, p->args[l.n_args]);
	}
	strv_free(o.seen);
}

static int complete_words(const char *what, int n, char **w)
{
	_cleanup_strbuf_ struct strbuf b = {};
	_cleanup_free_ char *path = NULL;
	const struct cpath *p;
	struct out o = {.word = "", .prefix = ""};

	for (int i = 0; i < n; i++)
		strbuf_printf(&b, "%s%s", i ? " " : "", w[i]);
	if (!(path = strbuf_steal(&b)) && !(path = strdup("")))
		return log_error_errno(-ENOMEM, "Failed to complete");
	p = path_find(path);
	if (streq(what, "commands") && has_subcommands(path))
		put_subcommands(&o, path);
	else if (streq(what, "options") && p)
		put_options(&o, p->opts, p);
	strv_free(o.seen);
	return EXIT_OK;
}

int cmd_complete(int argc, char *argv[])
{
	struct out o = {.word = "", .prefix = ""};

	if (argc < 2)
		return log_usage("__complete", "what? (line, commands, options or a kind of value)");
	if (streq(argv[1], "line")) {
		/* "--" keeps main() from taking the line's global options */
		int skip = argc > 2 && streq(argv[2], "--") ? 3 : 2;
		complete_line(argc - skip, argv + skip);
		return EXIT_OK;
	}
	if (streq(argv[1], "commands") || streq(argv[1], "options"))
		return complete_words(argv[1], argc - 2, argv + 2);
	for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
		if (streq(kinds[i].name, argv[1])) {
			put_kind(&o, kinds[i].kind);
			strv_free(o.seen);
			return EXIT_OK;
		}
	return log_usage("__complete", "unknown kind '%s'", argv[1]);
}
