/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "changeresult.h"
#include "output.h"

struct json_object *result_new(bool applied)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "changed", json_object_new_boolean(false));
	json_object_object_add(o, "reboot_required", json_object_new_boolean(false));
	json_object_object_add(o, "applied", json_object_new_boolean(applied));
	json_object_object_add(o, "files", json_object_new_array());
	json_object_object_add(o, "commands", json_object_new_array());
	json_object_object_add(o, "manual", json_object_new_array());
	return o;
}

static struct json_object *array_of(struct json_object *res, const char *key)
{
	struct json_object *a = NULL;
	json_object_object_get_ex(res, key, &a);
	return a;
}

void result_add_file(struct json_object *res, const struct igp_file_change *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "path", json_object_new_string(f->path));
	json_object_object_add(o, "kind", json_object_new_string(f->kind ? f->kind : "file"));
	json_object_object_add(o, "action",
			       json_object_new_string(!f->before  ? "create"
						      : !f->after ? "remove"
								  : "modify"));
	json_object_object_add(o, "reboot_required",
			       json_object_new_boolean(igp_file_change_needs_reboot(f)));
	json_object_array_add(array_of(res, "files"), o);
}

void result_add_files(struct json_object *res, const struct igp_plan *plan)
{
	for (size_t i = 0; i < plan->n_files; i++)
		result_add_file(res, &plan->files[i]);
}

void result_add_command(struct json_object *res, char *const *argv, bool ran, int status)
{
	struct json_object *o = json_object_new_object();
	_cleanup_free_ char *s = igp_argv_join(argv);

	json_object_object_add(o, "command", json_str_or_null(s));
	json_object_object_add(o, "argv", json_strv(argv));
	json_object_object_add(o, "ran", json_object_new_boolean(ran));
	/* A command that could not be started has no exit status. */
	json_object_object_add(o, "exit_status", json_int_or_null(status, ran && status >= 0));
	if (ran && status < 0)
		json_object_object_add(o, "error", json_object_new_string(strerror(-status)));
	json_object_array_add(array_of(res, "commands"), o);
}

void result_add_commands(struct json_object *res, char ***cmds)
{
	for (size_t i = 0; cmds && cmds[i]; i++)
		result_add_command(res, cmds[i], false, 0);
}

void result_add_manual(struct json_object *res, const char *step)
{
	json_object_array_add(array_of(res, "manual"), json_object_new_string(step));
}

void result_set(struct json_object *res, bool changed, bool reboot_required)
{
	json_object_object_add(res, "changed", json_object_new_boolean(changed));
	json_object_object_add(res, "reboot_required", json_object_new_boolean(reboot_required));
}
