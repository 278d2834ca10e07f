#!/usr/bin/env python3
"""Which regulation clauses the test suite proves, by which tests, and which testable ones nothing proves yet.

Reads the `clause` and `quality` markers of the collected tests (nothing is run). Prints every clause of
docs/clauses.tsv with the tests that prove it, one line each: the rule the test proves (its docstring's
first sentence, else its name in words) and where it lives; a clause whose items are listed in
docs/clause-parts.tsv (s10) is printed part by part. Then the testable clauses and parts with no test,
and how many tests prove each quality of the portal instead of a clause.

Exit 0 whatever the coverage; 1 when a test cites an id, a part or a quality the project does not know;
2 when the suite does not collect.
"""
import contextlib
import io
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from tests.clause_plugin import (  # noqa: E402
    QUALITIES, clause_problems, item_claims, item_qualities, read_clauses, read_parts,
)

WHOLE = None  # the part key of a test that cites a clause with parts but no part of it


class Collector:
    def __init__(self):
        self.items = []

    def pytest_collection_finish(self, session):
        self.items = list(session.items)


def rule_of(item) -> str:
    """The rule a test proves: its docstring's first sentence (however many lines it takes), else its name
    in words: `test_pairs_become_active_only_when…` → "pairs become active only when…"."""
    doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
    if doc:
        paragraph = " ".join(doc.split("\n\n")[0].split())
        return re.split(r"(?<=\.)\s", paragraph, maxsplit=1)[0]
    name = item.originalname if hasattr(item, "originalname") else item.name.split("[")[0]
    return name.removeprefix("test_").replace("_", " ")


def proof_line(item) -> str:
    """`rule  [file]` when the rule is the test's name in words, else `rule  [file::test]`."""
    path, _, name = item.nodeid.split("[")[0].partition("::")
    rule = rule_of(item)
    where = path if rule == name.removeprefix("test_").replace("_", " ") else f"{path}::{name}"
    return f"{rule}  [{where}]"


def collect():
    collector = Collector()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        # The plugin is left out here: this tool reports the same problems itself, with the rest.
        code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:tests.clause_plugin"],
                           plugins=[collector])
    return code, output.getvalue(), collector.items


def report(items, clauses, parts, out=None):
    """Print the report; returns the testable clauses with no test and the missing parts (id -> parts)."""
    out = out or sys.stdout
    # clause id -> part (or WHOLE) -> {test name: line}, in collection order; one line per test, not per parameter
    proofs = {cid: {} for cid in clauses}
    qualities = {quality: set() for quality in QUALITIES}
    bare = set()
    for item in items:
        name = item.nodeid.split("[")[0]
        claims, named = item_claims(item), item_qualities(item)
        for cid, part in claims:
            if cid in proofs:
                proofs[cid].setdefault(part, {}).setdefault(name, proof_line(item))
        for quality in named:
            qualities.setdefault(quality, set()).add(name)
        if not claims and not named:
            bare.add(name)
    # A test proves a clause without a citation of its own when another parameter of it does: not bare.
    bare -= {name for by_part in proofs.values() for tests in by_part.values() for name in tests}
    bare -= {name for names in qualities.values() for name in names}

    missing, missing_parts = [], {}
    for cid, row in clauses.items():
        print(f"{cid}\t{row['kind']}\t{row['what it asks']}", file=out)
        by_part = proofs[cid]
        if cid in parts:
            for line in by_part.get(WHOLE, {}).values():
                print(f"    {line}", file=out)
            for part, what in parts[cid].items():
                tests = by_part.get(part, {})
                print(f"  [{part}] {what}{'' if tests else ' — NO TEST'}", file=out)
                for line in tests.values():
                    print(f"    {line}", file=out)
            gaps = [part for part in parts[cid] if not by_part.get(part)]
            if gaps and row["kind"] == "testable":
                missing_parts[cid] = gaps
        else:
            for tests in by_part.values():
                for line in tests.values():
                    print(f"    {line}", file=out)
        if row["kind"] == "testable" and not any(by_part.values()):
            if cid not in parts:
                print("    NO TEST", file=out)
            missing.append(cid)

    testable = [cid for cid, row in clauses.items() if row["kind"] == "testable"]
    print(f"\n{len(testable) - len(missing)} of {len(testable)} testable clauses have a test.", file=out)
    if missing:
        print("Testable clauses with no test: " + ", ".join(missing), file=out)
    for cid, gaps in missing_parts.items():
        if cid not in missing:
            print(f"Clause {cid} in part: no test for " + ", ".join(gaps), file=out)
    counted = Counter({quality: len(names) for quality, names in qualities.items() if names})
    if counted:
        print("Qualities of the portal (tests): " + ", ".join(f"{q} {n}" for q, n in sorted(counted.items())),
              file=out)
    print(f"Tests with neither a clause nor a quality: {len(bare)}", file=out)
    return missing, missing_parts


def main():
    os.chdir(ROOT)
    code, output, items = collect()
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        print(output, file=sys.stderr)
        print(f"clauses: the test suite did not collect (pytest exit {int(code)})", file=sys.stderr)
        return 2

    clauses, parts = read_clauses(), read_parts()
    report(items, clauses, parts)
    problems = clause_problems(items, clauses, parts)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
