"""Fail collection when a test cites a clause id that docs/clauses.tsv does not know.

A typo in `@pytest.mark.clause("4.l1")` would otherwise make a test look as if it proved nothing,
and tools/clauses.py would report the real clause as uncovered. Shared with tools/clauses.py.
"""
import csv
from pathlib import Path

import pytest

CLAUSES_TSV = Path(__file__).resolve().parent.parent / "docs" / "clauses.tsv"


def read_clauses(path=CLAUSES_TSV):
    """id -> row ({"id", "kind", "what it asks"}), in the file's order."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}


def item_clauses(item):
    """Every id cited by the test, its class or its module; one marker may carry several ids."""
    return [str(arg) for mark in item.iter_markers("clause") for arg in mark.args]


def clause_problems(items, known):
    problems = []
    for item in items:
        for mark in item.iter_markers("clause"):
            if not mark.args:
                problems.append(f"{item.nodeid}: clause marker without an id")
            problems += [f"{item.nodeid}: unknown clause {arg!r}" for arg in mark.args if str(arg) not in known]
    return sorted(set(problems))


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect anything, so every test is checked
def pytest_collection_modifyitems(items):
    problems = clause_problems(items, read_clauses())
    if problems:
        raise pytest.UsageError(f"tests cite clauses missing from {CLAUSES_TSV.name}:\n  " + "\n  ".join(problems))
