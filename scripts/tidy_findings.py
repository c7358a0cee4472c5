#!/usr/bin/env python3
"""Compares a clang-tidy run's findings with the checked-in baseline.

scripts/tidy pipes run-clang-tidy's output here. A finding is identified by
its file (relative to the repository), its check and its message, never its
line, so edits elsewhere in a file do not turn old findings into new ones;
a header's finding, reported once per source that includes it, counts once.

  tidy_findings.py ROOT BASELINE [--update] < run-clang-tidy output

Without --update: prints the findings that are not in the baseline, and
exits 1 if there are any (0 otherwise). With --update: rewrites BASELINE
with the findings of this run. The baseline shrinks as findings are fixed;
run --update after fixing some, so they cannot come back unnoticed.
"""
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
START = re.compile(r"^/[^:]+:\d+:\d+: (?:error|warning): ")
FINDING = re.compile(r"^(?P<path>/[^:]+):(?P<line>\d+):(?P<col>\d+): "
                     r"(?:error|warning): (?P<message>.*) \[(?P<checks>[^\]]+)\]$")


def findings(stream, root):
    found = {}
    partial = None  # a message that goes on over several lines, so far
    for raw in stream:
        line = ANSI.sub("", raw.rstrip("\n"))
        # Some messages span lines (the analyzer's padding check lists the
        # fields one a line); the [check] closes the last one. Join them.
        if partial is not None and not START.match(line):
            line = partial + " " + line.strip()
        partial = None
        match = FINDING.match(line)
        if not match:
            if START.match(line):
                partial = line.rstrip()
            continue
        if not match["path"].startswith(root + "/"):
            continue
        check = match["checks"].split(",")[0]
        key = "\t".join((match["path"][len(root) + 1:], check, match["message"]))
        found.setdefault(key, f"{line}")
    return found


def main():
    root, baseline_path = sys.argv[1].rstrip("/"), sys.argv[2]
    update = "--update" in sys.argv[3:]
    found = findings(sys.stdin, root)
    if update:
        with open(baseline_path, "w") as out:
            out.write("# clang-tidy findings accepted for now (scripts/tidy --update-baseline);\n"
                      "# file<TAB>check<TAB>message. Fix them; never add to this by hand.\n")
            for key in sorted(found):
                out.write(key + "\n")
        print(f"tidy: baseline has {len(found)} findings")
        return 0
    try:
        with open(baseline_path) as f:
            known = {l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")}
    except FileNotFoundError:
        known = set()
    new = sorted(key for key in found if key not in known)
    for key in new:
        print(found[key])
    print(f"tidy: {len(found)} findings, {len(found) - len(new)} in the baseline, {len(new)} new")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
