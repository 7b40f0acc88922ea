/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which entry systemd-boot starts at the next boot, decided as
 * systemd-boot decides it (src/boot/boot.c, loader.conf(5), the Boot Loader
 * Interface):
 *  1. the EFI variable LoaderEntryOneShot (`bootctl set-oneshot`);
 *  2. LoaderEntryDefault (`bootctl set-default`; "@saved": the
 *     LoaderEntryLastBooted variable);
 *  3. `default` in loader.conf ("@saved" likewise);
 *  4. else the first entry in systemd-boot's order.
 * Each names entries by a glob pattern over their ids (the file name in
 * lower case), the first entry in systemd-boot's order that matches wins.
 * The order: entries without tries left last; entries with a sort-key
 * before those without, by sort-key, machine-id and version (newest
 * first); then by id, newest version first; then boot counting.
 *
 * Unlike systemd-boot, igpuctl keeps entries whose kernel file is missing
 * (a captured root often lacks the images) and takes a unified kernel
 * image's sort-key and version from the host's os-release, which
 * mkinitcpio and ukify embed as the image's .osrel by default.
 */
#ifndef IGP_SDBOOT_H
#define IGP_SDBOOT_H

#include <stdbool.h>
#include <stddef.h>

struct igp_sdboot_entry {
	char *id;   /* the file name in lower case: "arch.conf", "arch-linux.efi" */
	char *path; /* host path */
	char *sort_key, *machine_id, *version; /* NULL when absent */
	int tries_left, tries_done;	       /* boot counting ("+3-1"), -1 without */
	bool is_linux;			       /* a type #1 entry with a "linux" line */
	bool uki;			       /* a type #2 entry: EFI/Linux/NAME.efi */
};

/* systemd's version comparison (strverscmp_improved): <0, 0, >0 when A is
 * older than, as new as, newer than B.  NULL is "". */
int igp_bootspec_verscmp(const char *a, const char *b);
/* Does ID match the loader.conf pattern PATTERN ('*', '?', "[a-z]", '\')? */
bool igp_sdboot_fnmatch(const char *pattern, const char *id);
/* systemd-boot's menu order: <0 when A comes before B. */
int igp_sdboot_entry_compare(const struct igp_sdboot_entry *a, const struct igp_sdboot_entry *b);
void igp_sdboot_entries_sort(struct igp_sdboot_entry *v, size_t n);
/*
 * The type #1 entry file NAME with TEXT into *RET (PATH NULL): 1 when
 * systemd-boot would list it (a "linux", "efi" or "uki" line, no other
 * architecture), 0 when not, -ENOMEM.
 */
int igp_sdboot_entry_parse(const char *name, const char *text, struct igp_sdboot_entry *ret);
void igp_sdboot_entry_done(struct igp_sdboot_entry *e);

/* The value of loader.conf's last `default` line (an "@" other than
 * "@saved" is ignored, as systemd-boot does) into *RET: 1, or 0 for none. */
int igp_loader_conf_default(const char *text, char **ret);
/* The string an efivarfs file of SIZE bytes holds (4 bytes attributes,
 * then UTF-16LE up to a NUL) as UTF-8: 0, -EBADMSG, -ENOMEM. */
int igp_efivar_string(const void *data, size_t size, char **ret);

enum igp_sdboot_source {
	IGP_SDBOOT_ONESHOT,
	IGP_SDBOOT_EFIVAR,
	IGP_SDBOOT_EFIVAR_SAVED,
	IGP_SDBOOT_CONF,
	IGP_SDBOOT_CONF_SAVED,
	IGP_SDBOOT_FIRST,
};

/* The patterns the next boot's choice rests on (lower case, or NULL). */
struct igp_sdboot_vars {
	const char *oneshot, *efivar_default, *saved, *conf_default;
};

/* The index into the sorted V (N > 0) of the entry systemd-boot starts,
 * and why in *RET_SOURCE. */
size_t igp_sdboot_pick(const struct igp_sdboot_entry *v, size_t n, const struct igp_sdboot_vars *vars,
		       enum igp_sdboot_source *ret_source);

struct igp_sdboot_default {
	char *path;	/* host path of the entry the next boot starts */
	char *id;	/* its id */
	bool is_linux;	/* a type #1 Linux entry */
	bool uki;	/* a unified kernel image */
	char *why;	/* "`default arch.conf` in" loader.conf's path */
	char *selected; /* LoaderEntrySelected, the entry booted now, or NULL */
};

/* The host's default entry; -ENOENT when systemd-boot has no entry. */
int igp_sdboot_default_entry(struct igp_sdboot_default *ret);
void igp_sdboot_default_done(struct igp_sdboot_default *d);

/* Do unified kernel images (EFI/Linux/ *.efi on an ESP) exist? */
bool igp_sdboot_has_ukis(void);

#endif
