/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU command lines as `igpuctl vm lint qemu` reads them (qemu_opts.h,
 * vmspec.h).  Each line of the input is
 *   - a QemuOpts value: parsed with and without an implied first key,
 *     every key is non-empty and free of ',' and '=', and writing the
 *     pairs back as key=value (commas doubled) parses to the same pairs;
 *   - a Proxmox VE args: line: split into words, which quoted back and
 *     split again are the same words.
 * The words of the whole input are a QEMU command line: normalised, the
 * VM has at most one passed-through device per -device, and an error
 * comes with its sentence.  The input is also read as a Proxmox VE VM
 * configuration and normalised the same way.
 */
#include "base/strbuf.h"
#include "base/util.h"
#include "fuzz.h"
#include "vm/pveconf.h"
#include "vm/qemu_opts.h"
#include "vm/vmspec.h"

static void opts_roundtrip(const char *line, const char *implied)
{
	struct igp_qemu_opts o, again;
	struct strbuf b = {0};
	_cleanup_free_ char *text = NULL;
	int r = igp_qemu_opts_parse(line, implied, &o);

	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0 || r == -EINVAL, "r=%d", r);
	if (r < 0)
		return;
	for (size_t i = 0; i < o.n; i++) {
		const char *k = o.v[i].key;
		FZ_ASSERT(*k && (streq_ptr(k, implied) || !strpbrk(k, ",=")), "key [%s] of [%s]", k, line);
		strbuf_sep(&b, ",");
		strbuf_printf(&b, "%s=", k);
		for (const char *c = o.v[i].value; *c; c++)
			strbuf_puts(&b, *c == ',' ? ",," : (char[]){*c, 0});
	}
	FZ_OOM(text = strbuf_steal(&b));
	r = igp_qemu_opts_parse(text, NULL, &again);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0 && again.n == o.n, "[%s] written back as [%s] does not parse the same", line, text);
	for (size_t i = 0; i < o.n; i++)
		FZ_ASSERT(streq(o.v[i].key, again.v[i].key) && streq(o.v[i].value, again.v[i].value),
			  "pair %zu of [%s] differs after [%s]", i, line, text);
	igp_qemu_opts_done(&o);
	igp_qemu_opts_done(&again);
}

static void words_roundtrip(const char *line)
{
	_cleanup_strv_free_ char **w = NULL, **again = NULL;
	struct strbuf b = {0};
	_cleanup_free_ char *text = NULL;
	int r = igp_qemu_split_words(line, &w);

	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0 || r == -EINVAL, "r=%d", r);
	if (r < 0)
		return;
	/* Single quotes keep everything but a single quote, written '\''. */
	for (size_t i = 0; w[i]; i++) {
		strbuf_sep(&b, " ");
		strbuf_putc(&b, '\'');
		for (const char *c = w[i]; *c; c++)
			strbuf_puts(&b, *c == '\'' ? "'\\''" : (char[]){*c, 0});
		strbuf_putc(&b, '\'');
	}
	FZ_OOM(text = strbuf_steal(&b));
	r = igp_qemu_split_words(text, &again);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0, "[%s] quoted as [%s] does not split", line, text);
	fz_strv_assert_eq("words", again, w, line);
}

static size_t count_devices(char *const *w)
{
	size_t n = 0;

	for (size_t i = 0; w && w[i]; i++)
		n += streq(w[i], "-device") || streq(w[i], "--device");
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_cstring(data, size);
	_cleanup_strv_free_ char **lines = NULL, **words = NULL;
	struct igp_vmspec *s = NULL;
	struct igp_pve_conf conf;
	char *why = NULL;
	int r;

	FZ_OOM(text);
	FZ_OOM(lines = fz_lines(text));
	for (size_t i = 0; lines[i]; i++) {
		opts_roundtrip(lines[i], "driver");
		opts_roundtrip(lines[i], NULL);
		words_roundtrip(lines[i]);
	}

	r = igp_qemu_split_words(text, &words);
	FZ_OOM(r != -ENOMEM);
	if (r == 0) {
		r = igp_vmspec_from_qemu(words, &s, &why);
		FZ_OOM(r != -ENOMEM);
		FZ_ASSERT(r == 0 || (r == -EINVAL && why), "r=%d", r);
		FZ_ASSERT(r < 0 || s->n_devs <= count_devices(words), "%zu devices from %zu -device",
			  s->n_devs, count_devices(words));
		igp_vmspec_free(s);
		free(why);
		s = NULL;
		why = NULL;
	}

	FZ_OOM(igp_pve_conf_parse(text, false, &conf) == 0);
	r = igp_vmspec_from_pve("100", &conf, &s, &why);
	FZ_OOM(r != -ENOMEM);
	FZ_ASSERT(r == 0 || (r == -EINVAL && why), "r=%d", r);
	igp_vmspec_free(s);
	free(why);
	igp_pve_conf_done(&conf);
	return 0;
}
