/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GRUB's environment block (boot/grubenv.h): read the input as a block, as
 * igpuctl reads /boot/grub2/grubenv (NUL bytes and all), and assert what
 * the reader promises: a value found is the bytes after "NAME=" with the
 * escapes taken out, and a value written as grub2-editenv writes it (a
 * backslash before '\\' and a newline, '#' padding) reads back as it was,
 * beside its neighbours, with no prefix of the name matching.
 */
#include "boot/grubenv.h"
#include "fuzz.h"
#include "base/util.h"

/* What a value with its escapes taken out can hold: every byte of the
 * line but the escaping backslashes, so never more than the block. */
static void read_raw(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"saved_entry", "next_entry", "", "#", "="};
	const char *text = (const char *)data;

	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		_cleanup_free_ char *v = NULL;
		int r = igp_grubenv_get(text, size, keys[i], &v);
		FZ_OOM(r != -ENOMEM);
		FZ_ASSERT(r == 0 || r == 1, "igp_grubenv_get returned %d", r);
		FZ_ASSERT(r == 0 || strlen(v) <= size, "a value longer than the block");
	}
}

/* VALUE escaped as GRUB's envblk.c writes it. */
static char *escape(const char *value)
{
	char *e = malloc(2 * strlen(value) + 1), *q = e;

	FZ_OOM(e);
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == '\n')
			*q++ = '\\';
		*q++ = *p;
	}
	*q = '\0';
	return e;
}

static void expect(const char *block, size_t len, const char *key, const char *want)
{
	_cleanup_free_ char *v = NULL;
	int r = igp_grubenv_get(block, len, key, &v);

	FZ_OOM(r != -ENOMEM);
	if (!want) {
		FZ_ASSERT(r == 0, "%s is set to \"%s\"", key, v);
		return;
	}
	FZ_ASSERT(r == 1, "%s is not set", key);
	FZ_ASSERT(streq(v, want), "%s reads \"%s\", not \"%s\"", key, v, want);
}

/* The input (to its first NUL) as the value of saved_entry in a block. */
static void roundtrip(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *value = fz_cstring(data, size), *esc = escape(value), *block = NULL;
	size_t len;

	block = strdupf("# GRUB Environment Block\nboot_success=0\nsaved_entry=%s\nmenu_auto_hide=1\n", esc);
	FZ_OOM(block);
	len = strlen(block);
	if (len < 1024) {
		char *b = realloc(block, 1025);
		FZ_OOM(b);
		block = b;
		memset(block + len, '#', 1024 - len);
		block[1024] = '\0';
		len = 1024;
	}
	expect(block, len, "saved_entry", value);
	expect(block, len, "boot_success", "0");
	expect(block, len, "menu_auto_hide", "1");
	expect(block, len, "saved", NULL);
	expect(block, len, "saved_entryx", NULL);
	expect(block, len, "next_entry", NULL);
	/* Cut inside the value: never read past the length. */
	{
		_cleanup_free_ char *v = NULL;
		size_t cut = strlen("# GRUB Environment Block\nboot_success=0\nsaved_entry=") +
			     size % (strlen(esc) + 1);
		FZ_OOM(igp_grubenv_get(block, cut, "saved_entry", &v) != -ENOMEM);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_raw(data, size);
	roundtrip(data, size);
	return 0;
}
