/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal reader (journal.h): any bytes are either refused with a
 * reason or read into a journal that formats and reads back to the same
 * text (format -> parse -> format is the identity), so nothing igpuctl
 * accepts is lost or changed when it saves the journal again.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "change/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct igp_journal j, k;
	char *why = NULL, *a, *b;
	int r;

	r = igp_journal_parse((const char *)data, size, &j, &why);
	if (r < 0) {
		/* A refusal always says why. */
		if ((r == -EBADMSG || r == -EPROTONOSUPPORT) && !why)
			abort();
		free(why);
		return 0;
	}
	a = igp_journal_format(&j);
	if (!a)
		abort();
	if (igp_journal_parse(a, strlen(a), &k, NULL) < 0)
		abort();
	b = igp_journal_format(&k);
	if (!b || strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	igp_journal_done(&j);
	igp_journal_done(&k);
	return 0;
}
