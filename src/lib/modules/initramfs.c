/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/paths.h"
#include "base/util.h"
#include "boot/bootloader.h"
#include "modules/initramfs.h"

/* In the order their evidence is tried: mkinitcpio.conf is the surest
 * sign, an /etc/initramfs-tools left over on Arch is not. */
static const struct igp_initramfs_ops *const tools[] = {
    &igp_mkinitcpio_ops,
    &igp_initramfs_tools_ops,
    &igp_dracut_ops,
};

void igp_initramfs_done(struct igp_initramfs *ir)
{
	free(ir->name);
	free(ir->reason);
	strv_free(ir->argv);
	*ir = (struct igp_initramfs){0};
}

/* The tool of the distribution (os-release ID and ID_LIKE), or NULL. */
static const struct igp_initramfs_ops *by_distribution(void)
{
	_cleanup_free_ char *ids = NULL;

	if (igp_os_ids(&ids) < 0)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(tools); i++)
		for (const char *const *id = tools[i]->os_ids; *id; id++)
			if (igp_os_is(ids, *id))
				return tools[i];
	return NULL;
}

static int found(const struct igp_initramfs_ops *ops, char *reason, struct igp_initramfs *ret)
{
	struct igp_initramfs ir = {.ops = ops, .reason = reason};

	ir.name = strdup(ops ? ops->name : "none");
	for (const char *const *a = ops ? ops->rebuild : NULL; a && *a && ir.name && ir.reason; a++)
		if (strv_push(&ir.argv, *a) < 0) {
			igp_initramfs_done(&ir);
			return -ENOMEM;
		}
	if (!ir.name || !ir.reason || (ops && !ir.argv)) {
		igp_initramfs_done(&ir);
		return -ENOMEM;
	}
	*ret = ir;
	return 0;
}

int igp_initramfs_detect(struct igp_initramfs *ret)
{
	const struct igp_initramfs_ops *ops;
	char *reason = NULL;

	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		int r = tools[i]->detect(&reason);
		if (r < 0)
			return r;
		if (r > 0)
			return found(tools[i], reason, ret);
	}
	ops = by_distribution();
	if (ops)
		return found(ops, strdupf("%s names %s", IGP_ETC_OS_RELEASE, ops->os_family), ret);
	return found(NULL,
		     strdupf("none of %s, %s, %s exists", IGP_ETC_INITRAMFS_TOOLS, IGP_ETC_DRACUT_CONF_D,
			     IGP_ETC_MKINITCPIO_CONF),
		     ret);
}

char *igp_initramfs_command(const struct igp_initramfs *ir)
{
	const char *const *argv = ir->ops ? ir->ops->rebuild : igp_initramfs_tools_ops.rebuild;
	_cleanup_free_ char *s = strdup("");

	for (const char *const *a = argv; s && *a; a++)
		if (strextendf(&s, "%s%s", a == argv ? "" : " ", *a) < 0)
			return NULL;
	return TAKE_PTR(s);
}

int igp_initramfs_conf_dir(const char *dir, char ***files)
{
	_cleanup_strv_free_ char **names = NULL;

	if (igp_list_dir(dir, &names) < 0)
		return 0;
	strv_sort(names);
	for (char **n = names; *n; n++)
		if (endswith(*n, ".conf") && strv_consume(files, igp_path_join(dir, *n)) < 0)
			return -ENOMEM;
	return 0;
}

int igp_initramfs_inputs(const struct igp_initramfs *ir, const char *release, char *const *modprobe_files,
			 char **ret_image, char ***ret_config)
{
	_cleanup_strv_free_ char **config = NULL;
	_cleanup_free_ char *image = NULL;
	int r;

	if (!ir->ops)
		return -ENOENT;
	r = ir->ops->image(release, &image);
	if (r < 0)
		return r;
	/* modprobe.d's options, blacklists and softdeps are copied into every
	 * tool's image; the tool's own lists follow.  /etc/modules is none of
	 * them: mkinitramfs reads only /etc/initramfs-tools/modules (and
	 * modules.d), as tests/boot/initramfs-tools.sh shows. */
	for (char *const *f = modprobe_files; f && *f; f++)
		if (strv_push(&config, *f) < 0)
			return -ENOMEM;
	if (ir->ops->config_files && (r = ir->ops->config_files(&config)) < 0)
		return r;
	*ret_image = TAKE_PTR(image);
	*ret_config = TAKE_PTR(config);
	return 0;
}
