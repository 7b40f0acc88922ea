/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON result of a command that changes the host (setup -J, revert -J),
 * for scripts and configuration management:
 *
 *	{"changed": true, "reboot_required": true, "applied": true,
 *	 "files": [{"path": "/etc/default/grub", "kind": "file", "action": "modify",
 *	            "reboot_required": true}],
 *	 "commands": [{"command": "update-grub", "argv": ["update-grub"],
 *	               "ran": true, "exit_status": 0}],
 *	 "manual": []}
 *
 * docs/cli.md describes every key.
 */
#ifndef IGP_CHANGERESULT_H
#define IGP_CHANGERESULT_H

#include <json-c/json.h>
#include <stdbool.h>

#include "change/plan.h"

/* A new, empty result; APPLIED false for a dry run (what would be done). */
struct json_object *result_new(bool applied);
/* Add every file edit of PLAN (what it writes, or would). */
void result_add_files(struct json_object *res, const struct igp_plan *plan);
/* Add one: F's host path, its kind, create/modify/remove. */
void result_add_file(struct json_object *res, const struct igp_file_change *f);
/* A command: RAN false when it was not run (a dry run, --root,
 * --no-initramfs), else STATUS as igp_run_argv() returned it. */
void result_add_command(struct json_object *res, char *const *argv, bool ran, int status);
/* Each command of CMDS, not run. */
void result_add_commands(struct json_object *res, char ***cmds);
/* A step left to the user. */
void result_add_manual(struct json_object *res, const char *step);
/* Set "changed" and "reboot_required". */
void result_set(struct json_object *res, bool changed, bool reboot_required);

#endif
