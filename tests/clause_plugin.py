"""Fail collection when a test cites a clause, a part of one or a quality that the project does not know.

`@pytest.mark.clause("4.13")` names the regulation rule the test's assertions prove (ids from
docs/clauses.tsv); `@pytest.mark.clause("s10", part="roadmap")` names one item of a clause that lists
several (docs/clause-parts.tsv). A test of the portal's own qualities (query counts, CSRF, access…)
carries no clause, or `@pytest.mark.quality("csrf")` from QUALITIES. A typo in `clause("4.l1")` would
otherwise make a test look as if it proved nothing, and tools/clauses.py would report the real clause
as uncovered. Shared with tools/clauses.py.
"""
import csv
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
CLAUSES_TSV = DOCS / "clauses.tsv"
PARTS_TSV = DOCS / "clause-parts.tsv"

# What a `quality` marker may name: properties of the portal itself, which no clause asks for.
QUALITIES = (
    "access",         # who may open or change what: roles, scopes, another school's rows
    "accessibility",  # layout on a phone, keyboard, pages readable without scripts
    "audit",          # the history kept: corrections are new versions, changes are audited
    "concurrency",    # two requests at the same moment
    "csrf",           # forms refused without their token
    "htmx",           # fragments swapped in place, and the same without JavaScript
    "idempotency",    # a double submit does its work once
    "language",       # Russian put together right: cases after prepositions, gender agreement, quotes
    "mail",           # notifications by e-mail: the outbox, grouping, retries, unsubscribing, reset links
    "migration",      # the schema and its upgrades
    "notifications",  # what a change asks of a person reaches their inbox, in the change's transaction
    "performance",    # the benchmark, its generator, caches
    "privacy",        # sensitive data kept from others: categories, answers about a person under three
    "query count",    # a page costs the same queries however much data
    "security",       # logins, sessions, second factor, headers, uploads
    "validation",     # odd input refused in Russian beside its field, never a 500
)


def _read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_clauses(path=CLAUSES_TSV):
    """id -> row ({"id", "kind", "what it asks"}), in the file's order."""
    return {row["id"]: row for row in _read_tsv(path)}


def read_parts(path=PARTS_TSV):
    """clause id -> {part -> what it asks}, for the clauses that list several things, in the file's order."""
    parts = {}
    for row in _read_tsv(path):
        parts.setdefault(row["id"], {})[row["part"]] = row["what it asks"]
    return parts


def item_claims(item):
    """(clause id, part or None) for every clause the test, its class or its module cites."""
    return [(str(arg), mark.kwargs.get("part")) for mark in item.iter_markers("clause") for arg in mark.args]


def item_clauses(item):
    """Every id cited by the test, its class or its module; one marker may carry several ids."""
    return [cid for cid, _ in item_claims(item)]


def item_qualities(item):
    return [str(arg) for mark in item.iter_markers("quality") for arg in mark.args]


def clause_problems(items, known, parts=None):
    """Unknown clauses, parts and qualities, and markers without an argument: one line each."""
    parts = read_parts() if parts is None else parts
    problems = []
    for item in items:
        for mark in item.iter_markers("clause"):
            if not mark.args:
                problems.append(f"{item.nodeid}: clause marker without an id")
            problems += [f"{item.nodeid}: unknown clause {arg!r}" for arg in mark.args if str(arg) not in known]
            unknown_kwargs = set(mark.kwargs) - {"part"}
            if unknown_kwargs:
                problems.append(f"{item.nodeid}: clause marker takes only part=, not {sorted(unknown_kwargs)}")
            part = mark.kwargs.get("part")
            if part is None:
                continue
            if len(mark.args) != 1:
                problems.append(f"{item.nodeid}: a clause marker with part= names exactly one clause")
            elif str(mark.args[0]) in known and part not in parts.get(str(mark.args[0]), {}):
                problems.append(f"{item.nodeid}: clause {mark.args[0]!r} has no part {part!r} in {PARTS_TSV.name}")
        for mark in item.iter_markers("quality"):
            if not mark.args:
                problems.append(f"{item.nodeid}: quality marker without a name")
            problems += [f"{item.nodeid}: unknown quality {arg!r} (known: {', '.join(QUALITIES)})"
                         for arg in mark.args if arg not in QUALITIES]
    return sorted(set(problems))


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect anything, so every test is checked
def pytest_collection_modifyitems(items):
    problems = clause_problems(items, read_clauses())
    if problems:
        raise pytest.UsageError("tests cite clauses or qualities the project does not know "
                                f"({CLAUSES_TSV.name}, {PARTS_TSV.name}, QUALITIES in tests/clause_plugin.py):\n  "
                                + "\n  ".join(problems))
