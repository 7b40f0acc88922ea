#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
The man pages document exactly the options igpuctl's --help shows.

    tests/man/options.py BIN MANDIR

For every command `BIN --help` lists, docs/man/igpuctl-COMMAND.8.scd must
exist, and the options its scdoc source defines must be the options that
`BIN COMMAND --help` and the --help of each of its subcommands show (found
from the Usage lines and "Commands:" lists, e.g. `vgpu create`, `vm lint`),
short and long forms alike, paired as --help pairs them (`-n, --dry-run`).
igpuctl.8.scd must define the global options of `BIN --help`, name every
environment variable that help mentions, and list every command.  A page
whose command does not exist fails too.

The scdoc sources are read, not the rendered pages: in the source an
option's definition is unambiguous (a line that starts with the bold option,
`*-o*, *--output* _LIST_`, followed by its tab-indented description), while
in roff or formatted text a definition and an option named in the prose look
alike.  It also lets this test run where scdoc is not installed
(-Dman=disabled); tests/man/render.sh checks the rendered pages.

On the help side, an option is one shown in a Usage line (`[--all]`,
`[-J]`) or at the start of an option line (`  -o, --output LIST  ...`);
options named in the prose of a description (`vfs`: "igpuctl bind VF
--driver xe") belong to other commands and are not counted.  The global
options (--root, -J, -v, -h, -V) are documented once, in igpuctl(8): a
command's page neither needs nor defines them.
"""
import os
import re
import subprocess
import sys

# Commands whose page is written before the command exists in this tree.
# A page of a command listed here may exist although `igpuctl --help` does
# not list it yet (its options are then not compared).  When the command
# lands, remove it from this list: the test fails while --help lists a
# command that is still named here, so the list cannot go stale.
PENDING_COMMANDS: set = set()

USAGE_OPT = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?=$|[\s\]\[|=,.)])")
HELP_DEF = re.compile(r"^ {1,8}(?:(-[A-Za-z])(?:, (--[a-z][a-z0-9-]*))?|(--[a-z][a-z0-9-]*))(?=$|[\s\[=])")
PAGE_FORM = r"\*(--?[A-Za-z][a-z0-9-]*)\*"
PAGE_DEF = re.compile(r"^" + PAGE_FORM + r"(?:, " + PAGE_FORM + r")*")
PAGE_CMD = re.compile(r"^\*([a-z][a-z-]*)\*")


class Options:
    """Option forms and the short/long pairs among them."""

    def __init__(self):
        self.forms = set()
        self.pairs = set()

    def add(self, short, long, single):
        if single:
            self.forms.add(single)
        else:
            self.forms.add(short)
            if long:
                self.forms.add(long)
                self.pairs.add((short, long))

    def without(self, other):
        r = Options()
        r.forms = self.forms - other.forms
        r.pairs = {p for p in self.pairs if p[0] not in other.forms}
        return r


def run_help(binary, words):
    p = subprocess.run([binary, *words, "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: 'igpuctl {' '.join(words)} --help' exits {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def usage_block(text):
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("Usage:"):
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            return lines[i:end]
    return []


def help_options(text):
    o = Options()
    for l in usage_block(text):
        for m in USAGE_OPT.finditer(l):
            o.forms.add(m.group(1))
        for m in re.finditer(r"\[(-[A-Za-z])\|(--[a-z][a-z0-9-]*)\]", l):
            o.pairs.add((m.group(1), m.group(2)))
    for l in text.splitlines():
        m = HELP_DEF.match(l)
        if m:
            o.add(m.group(1), m.group(2), m.group(3))
    return o


def subcommands(text, words):
    """The subcommands a --help text names: `igpuctl WORDS SUB` in its Usage
    lines, and the entries of a "Commands:" list."""
    subs = []
    for l in usage_block(text):
        w = l.replace("Usage:", "").split()
        if w[: len(words) + 1] == ["igpuctl", *words] and len(w) > len(words) + 1:
            s = w[len(words) + 1]
            if re.fullmatch(r"[a-z][a-z-]*", s):
                subs.append(s)
    lines = text.splitlines()
    if "Commands:" in lines:
        for l in lines[lines.index("Commands:") + 1 :]:
            if not l.strip():
                break
            subs.append(l.split()[0])
    return [s for s in dict.fromkeys(subs) if s not in words]


def command_options(binary, words, seen):
    """The options of `igpuctl WORDS --help` and of all its subcommands."""
    text = run_help(binary, words)
    seen.append(" ".join(words))
    o = help_options(text)
    for s in subcommands(text, words):
        sub = command_options(binary, [*words, s], seen)
        o.forms |= sub.forms
        o.pairs |= sub.pairs
    return o


def page_definitions(path):
    o, cmds = Options(), set()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for i, l in enumerate(lines):
        if i + 1 >= len(lines) or not lines[i + 1].startswith("\t"):
            continue
        m = PAGE_DEF.match(l)
        if m:
            forms = re.findall(PAGE_FORM, m.group(0))
            o.forms.update(forms)
            if len(forms) == 2 and re.fullmatch(r"-[A-Za-z]", forms[0]):
                o.pairs.add((forms[0], forms[1]))
            continue
        m = PAGE_CMD.match(l)
        if m:
            cmds.add(m.group(1))
    return o, cmds, "\n".join(lines)


def compare(errors, what, page, shown, documented):
    for f in sorted(shown.forms - documented.forms):
        errors.append(f"{what}: {f} is in --help but not documented in {page}")
    for f in sorted(documented.forms - shown.forms):
        errors.append(f"{what}: {page} documents {f}, which --help does not show")
    for s, l in sorted(shown.pairs - documented.pairs):
        if s in documented.forms and l in documented.forms:
            errors.append(f"{what}: --help pairs {s}, {l}; {page} does not")
    for s, l in sorted(documented.pairs - shown.pairs):
        if s in shown.forms and l in shown.forms:
            errors.append(f"{what}: {page} pairs {s}, {l}; --help does not")


def main():
    binary, mandir = sys.argv[1], sys.argv[2]
    errors = []
    top = run_help(binary, [])
    commands = []
    lines = top.splitlines()
    for l in lines[lines.index("Commands:") + 1 :]:
        if not l.strip():
            break
        commands.append(l.split()[0])
    globals_ = Options()
    opt_lines = lines[lines.index("Options:") + 1 :]
    for l in opt_lines:
        m = HELP_DEF.match(l)
        if m:
            globals_.add(m.group(1), m.group(2), m.group(3))
    env_vars = set(re.findall(r"\bIGPUCTL_[A-Z_]+\b", "\n".join(opt_lines)))

    for c in sorted(PENDING_COMMANDS & set(commands)):
        errors.append(f"{c}: --help lists it now: take it out of PENDING_COMMANDS in {sys.argv[0]}")

    main_page = os.path.join(mandir, "igpuctl.8.scd")
    if not os.path.exists(main_page):
        errors.append(f"igpuctl: no page {main_page}")
    else:
        documented, listed, text = page_definitions(main_page)
        compare(errors, "igpuctl (global options)", "igpuctl.8.scd", globals_, documented)
        for c in commands:
            if c not in listed:
                errors.append(f"{c}: igpuctl.8.scd does not list the command")
        for c in sorted(listed - set(commands) - PENDING_COMMANDS):
            errors.append(f"{c}: igpuctl.8.scd lists a command --help does not")
        for v in sorted(env_vars):
            if not re.search(r"^\*" + v + r"\*$", text, re.M):
                errors.append(f"igpuctl: {v} (in --help) has no entry in igpuctl.8.scd")

    checked = []
    for c in commands:
        page = f"igpuctl-{c}.8.scd"
        path = os.path.join(mandir, page)
        seen = []
        shown = command_options(binary, [c], seen).without(globals_)
        checked.append(f"{c} ({', '.join(seen)})")
        if not os.path.exists(path):
            errors.append(f"{c}: no man page {page}")
            continue
        documented, _, _ = page_definitions(path)
        compare(errors, c, page, shown, documented.without(globals_))
        for f in sorted(documented.forms & globals_.forms):
            errors.append(f"{c}: {page} defines the global option {f} (igpuctl.8.scd has it)")

    for name in sorted(os.listdir(mandir)):
        m = re.fullmatch(r"igpuctl-(.+)\.8\.scd", name)
        if m and m.group(1) not in commands and m.group(1) not in PENDING_COMMANDS:
            errors.append(f"{m.group(1)}: {name} is the page of no command")

    for e in errors:
        print("FAIL:", e)
    if errors:
        return 1
    print("man pages agree with --help for:", "; ".join(checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
