#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The -J documents against their contract, docs/schema/COMMAND.schema.json.

  tests/schema/validate.py [IGPUCTL]

1. Every schema is a valid JSON Schema (draft 2020-12).
2. Every recorded run of `igpuctl ... -J` in an expected file under tests/
   (any */expected/ directory, and tests/setup/results/: the golden
   runner's records: "$ igpuctl ARGS", "--- stdout", ...; see
   tests/lib/golden.sh) is mapped to its schema by its command line
   (schema_for(): a -J command without a schema fails), and its stdout is one JSON
   document, without duplicate keys, that the schema accepts, printed in
   the one style of json_print() (src/cmd/output.c).
3. Every schema is used by an expected file, but those in NOT_COVERED.
4. With IGPUCTL: the read-only commands on every examples/hosts/* host
   (status, list, iommu --all, check, show of each GPU, vfs of each SR-IOV
   PF, revert --list, vgpu list) are run and checked the same way.

Runs with Debian's python3 and its python3-jsonschema (4.10 and later).
"""
import json
import os
import shlex
import subprocess
import sys
import warnings

import jsonschema

SRC = os.environ.get("SRCDIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_DIR = os.path.join(SRC, "docs", "schema")
DRAFT = jsonschema.Draft202012Validator

# Schemas no expected file uses yet, and why.  An entry that is used after
# all is an error too, so that this list shrinks as goldens are added.
NOT_COVERED = {}


def schema_for(words):
    """The schema name for a command line (the words after `igpuctl`), or
    None when it does not ask for JSON; "" for a -J run with no schema."""
    if "--" in words:
        words = words[: words.index("--")]
    if "-J" not in words and "--json" not in words:
        return None
    if "-h" in words or "--help" in words:
        return None
    rest = []
    i = 0
    while i < len(words):  # the global options (src/cmd/main.c)
        w = words[i]
        if w == "--root":
            i += 2
            continue
        if w in ("-J", "--json", "-v", "--verbose") or w.startswith("--root="):
            i += 1
            continue
        rest = [x for x in words[i:] if x not in ("-J", "--json")]
        break
    if not rest:
        return "status"
    cmd, args = rest[0], rest[1:]
    sub = args[0] if args else None
    if cmd in ("status", "list", "iommu", "show", "check", "guest", "ct", "setup"):
        return cmd
    if cmd == "vm":
        if sub == "lint":
            return "check"
        if sub in ("qemu", "libvirt", "proxmox"):
            return "vm-" + sub
    # A dry run of a command that changes the host prints the change result
    # (src/cmd/planview.c, planview_dry_run()).
    dry = "--dry-run" in args or (cmd == "vgpu" and "-n" in args)
    if (cmd == "vgpu" and sub in ("create", "remove", "define")) or (cmd == "vfs" and "--sched" not in args):
        if dry:
            return "dry-run"
    if cmd == "vgpu" and sub in ("types", "list", "create", "remove", "define", "start-defined"):
        return "vgpu-" + sub
    if cmd == "vfs":
        return "vfs-sched" if "--sched" in args else "vfs"
    if cmd == "revert":
        return "revert-list" if "--list" in args or "-l" in args else "revert"
    return ""


def load_schemas():
    store, schemas, errors = {}, {}, []
    for name in sorted(os.listdir(SCHEMA_DIR)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(SCHEMA_DIR, name)
        try:
            with open(path, encoding="utf-8") as f:
                s = json.load(f)
            DRAFT.check_schema(s)
        except (ValueError, jsonschema.SchemaError) as e:
            errors.append(f"{path}: not a valid draft 2020-12 schema: {e}")
            continue
        if s.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            errors.append(f"{path}: $schema is not draft 2020-12")
        if not s.get("title") or "docs/cli.md" not in s.get("description", ""):
            errors.append(f"{path}: needs a title and a description that points to docs/cli.md")
        # "$ref": "common.json#..." resolves against the file's own URI.
        s = dict(s, **{"$id": "file://" + path})
        store[s["$id"]] = s
        if name.endswith(".schema.json"):
            schemas[name[: -len(".schema.json")]] = s
    return {n: validator(s, store) for n, s in schemas.items()}, errors


def validator(schema, store):
    try:  # jsonschema 4.18 and later
        import referencing
        import referencing.jsonschema

        spec = referencing.jsonschema.DRAFT202012
        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource(contents=s, specification=spec)) for uri, s in store.items())
        return DRAFT(schema, registry=registry)
    except ImportError:  # Debian 12's 4.10
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return DRAFT(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))


def jsonc_text(v, level=0):
    """v as json_print() prints it: json-c's JSON_C_TO_STRING_PRETTY |
    SPACED | NOSLASHESCAPE (2-space indent, "key": value, an empty array
    as "[", newline, "]" at its own indent, an empty object as {})."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [inner + json.dumps(k, ensure_ascii=False) + ": " + jsonc_text(x, level + 1) for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        items = [inner + jsonc_text(x, level + 1) for x in v]
        return "[\n" + ",\n".join(items) + ("\n" if items else "") + pad + "]"
    return json.dumps(v, ensure_ascii=False)


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError(f"duplicate key(s) {', '.join(dup)}")
    return dict(pairs)


def json_path(path):
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


# Tables whose -J has only the columns -o names (libsmartcols, src/cmd/output.c).
TABLES = {"vgpu-types", "vgpu-list"}


def partial(words):
    return any(w == "--output" or w.startswith(("--output=", "-o")) for w in words)


def check_output(validators, where, schema, stdout, some_columns=False):
    """The problems of one -J output (a list of lines); some_columns: a
    table printed with -o, whose rows lack the keys of the columns left out."""
    if schema not in validators:
        return [f"{where}: no schema for this -J command: add docs/schema/COMMAND.schema.json and "
                f"its entry in tests/schema/validate.py"]
    try:
        doc = json.loads(stdout, object_pairs_hook=no_duplicates)
    except ValueError as e:
        return [f"{where}: stdout is not one JSON document: {e}"]
    problems = []
    for e in sorted(validators[schema].iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        if some_columns and schema in TABLES and e.validator == "required" and e.absolute_path:
            continue
        problems.append(f"{where}: {json_path(e.absolute_path)}: {e.message} "
                        f"(schema {schema}.schema.json: {json_path(e.absolute_schema_path)})")
    want = jsonc_text(doc) + "\n"
    if stdout != want:
        got, exp = stdout.splitlines(), want.splitlines()
        n = next((i for i, (a, b) in enumerate(zip(got, exp)) if a != b), min(len(got), len(exp)))
        problems.append(f"{where}: not printed in json_print()'s style (2-space indent, \"key\": value): "
                        f"line {n + 1} is {got[n] if n < len(got) else '(end)'!r}, "
                        f"expected {exp[n] if n < len(exp) else '(end)'!r}")
    return problems


def records(path):
    """(label, stdout, exit status) of each recorded run in an expected file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if not (lines[i].startswith("$ ") and i + 1 < len(lines) and lines[i + 1] == "--- stdout"):
            i += 1
            continue
        label, out = lines[i][2:], []
        i += 2
        while i < len(lines) and lines[i] != "--- stderr":
            out.append(lines[i])
            i += 1
        while i < len(lines) and not lines[i].startswith("--- exit "):
            i += 1
        rc = int(lines[i][len("--- exit "):]) if i < len(lines) else None
        text = "\n".join(out) + "\n" if out else ""
        if text.endswith("\n\\ No newline at end of stdout\n"):
            text = text[: -len("\n\\ No newline at end of stdout\n")]
        yield label, text, rc


def expected_files():
    for top, dirs, files in os.walk(os.path.join(SRC, "tests")):
        dirs.sort()
        # tests/setup/results/ holds setup's and revert's -J results.
        if "/expected" not in top + "/" and not top.endswith("/setup/results"):
            continue
        for name in sorted(files):
            yield os.path.join(top, name)


def check_goldens(validators):
    problems, used, n = [], set(), 0
    for path in expected_files():
        rel = os.path.relpath(path, SRC)
        for label, stdout, rc in records(path):
            try:
                words = shlex.split(label)
            except ValueError:
                continue
            if not words or os.path.basename(words[0]) != "igpuctl":
                continue
            schema = schema_for(words[1:])
            if schema is None:
                continue
            where = f"{rel}: $ {label}"
            if not stdout:
                if rc == 0:
                    problems.append(f"{where}: exit 0 but no JSON on stdout")
                continue
            n += 1
            used.add(schema)
            problems += check_output(validators, where, schema, stdout, partial(words))
    return problems, used, n


def run(igpuctl, host, args):
    env = {k: v for k, v in os.environ.items() if k != "IGPUCTL_ROOT"}
    env["LC_ALL"] = "C"
    p = subprocess.run([igpuctl, "--root", host, "-J"] + args, capture_output=True, env=env,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check_live(validators, igpuctl):
    """The read-only commands on every example host."""
    problems, n = [], 0
    hosts_dir = os.path.join(SRC, "examples", "hosts")
    for host in sorted(os.listdir(hosts_dir)):
        root = os.path.join(hosts_dir, host)
        cmds = [["status"], ["list"], ["iommu", "--all"], ["check"], ["revert", "--list"], ["vgpu", "list"]]
        rc, out, _ = run(igpuctl, root, ["status"])
        try:
            gpus = json.loads(out)["gpus"]
        except (ValueError, KeyError, TypeError):
            gpus = []
        cmds += [["show", g["address"]] for g in gpus if isinstance(g, dict) and "address" in g]
        cmds += [["vfs", g["address"]] for g in gpus if isinstance(g, dict) and g.get("sriov")]
        for args in cmds:
            rc, out, err = run(igpuctl, root, args)
            where = f"examples/hosts/{host}: igpuctl -J {' '.join(args)} (live)"
            if rc >= 128 or "Sanitizer" in err or "runtime error" in err:
                problems.append(f"{where}: crashed (exit {rc}): {err.strip()[:400]}")
                continue
            if not out:
                problems.append(f"{where}: no JSON on stdout (exit {rc}): {err.strip()[:200]}")
                continue
            n += 1
            problems += check_output(validators, where, schema_for(["-J"] + args), out)
    return problems, n


def main():
    validators, problems = load_schemas()
    golden_problems, used, n_golden = check_goldens(validators)
    problems += golden_problems
    for name in sorted(validators):
        if name in NOT_COVERED and name in used:
            problems.append(f"docs/schema/{name}.schema.json is used by an expected file now: "
                            f"remove it from NOT_COVERED in tests/schema/validate.py")
        elif name not in NOT_COVERED and name not in used:
            problems.append(f"docs/schema/{name}.schema.json: no expected file runs this -J command "
                            f"(add a golden case, or list it in NOT_COVERED with the reason)")
    for name in sorted(set(NOT_COVERED) - set(validators)):
        problems.append(f"NOT_COVERED names {name}, which has no docs/schema/{name}.schema.json")
    n_live = 0
    if len(sys.argv) > 1:
        live_problems, n_live = check_live(validators, os.path.abspath(sys.argv[1]))
        problems += live_problems
    for p in problems:
        print("FAIL " + p)
    print(f"json-schema: {len(validators)} schemas, {n_golden} recorded -J outputs, "
          f"{n_live} live runs on examples/hosts, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
