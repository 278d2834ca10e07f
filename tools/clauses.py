#!/usr/bin/env python3
"""Which regulation clauses the test suite proves, and which testable ones nothing proves yet.

Reads the `clause` markers of the collected tests (nothing is run). Exit 0 whatever the coverage;
1 when a test cites an id missing from docs/clauses.tsv; 2 when the suite does not collect.
"""
import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from tests.clause_plugin import clause_problems, item_clauses, read_clauses  # noqa: E402


class Collector:
    def __init__(self):
        self.items = []

    def pytest_collection_finish(self, session):
        self.items = list(session.items)


def main():
    os.chdir(ROOT)
    collector = Collector()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        # The plugin is left out here: this tool reports the same problems itself, with the rest.
        code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:tests.clause_plugin"],
                           plugins=[collector])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        print(output.getvalue(), file=sys.stderr)
        print(f"clauses: the test suite did not collect (pytest exit {int(code)})", file=sys.stderr)
        return 2

    clauses = read_clauses()
    tests = {cid: [] for cid in clauses}
    for item in collector.items:
        name = item.nodeid.split("[")[0]  # one line per test, not per parameter
        for cid in item_clauses(item):
            if cid in tests and name not in tests[cid]:
                tests[cid].append(name)

    for cid, row in clauses.items():
        print(f"{cid}\t{row['kind']}\t{row['what it asks']}")
        for name in tests[cid]:
            print(f"    {name}")
    testable = [cid for cid, row in clauses.items() if row["kind"] == "testable"]
    missing = [cid for cid in testable if not tests[cid]]
    print(f"\n{len(testable) - len(missing)} of {len(testable)} testable clauses have a test.")
    if missing:
        print("Testable clauses with no test: " + ", ".join(missing))

    problems = clause_problems(collector.items, clauses)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
