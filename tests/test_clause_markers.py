"""The markers' own rules (tests/clause_plugin.py) and the report of `make clauses` (tools/clauses.py), on
made-up tests: a typo in a clause, a part or a quality is a problem, and the report tells each test's rule
and what nothing proves."""
import io

import pytest

from tests.clause_plugin import clause_problems, read_clauses, read_parts
from tools.clauses import report

CLAUSES = {"4.1": {"id": "4.1", "kind": "testable", "what it asks": "organised by the director's order"},
           "4.13": {"id": "4.13", "kind": "testable", "what it asks": "pairs approved by order"},
           "2.1": {"id": "2.1", "kind": "informational", "what it asks": "definition: mentorship"},
           "s10": {"id": "s10", "kind": "testable", "what it asks": "documents"}}
PARTS = {"s10": {"roadmap": "the roadmap", "pairs-order": "the pairs order"}}


class Made:
    """Just enough of a collected test for the plugin and the tool: a node id, markers, a function."""

    def __init__(self, name, *marks, doc=None):
        self.nodeid = f"tests/test_made.py::{name}"
        self.name = self.originalname = name
        self.marks = [mark.mark for mark in marks]
        self.function = lambda: None
        self.function.__doc__ = doc

    def iter_markers(self, name):
        return (mark for mark in self.marks if mark.name == name)


def test_known_clauses_parts_and_qualities_are_no_problem():
    made = [Made("test_a", pytest.mark.clause("4.13"), pytest.mark.clause("s10", part="pairs-order")),
            Made("test_b", pytest.mark.quality("query count"))]
    assert clause_problems(made, CLAUSES, PARTS) == []


@pytest.mark.parametrize("mark, problem", [
    (pytest.mark.clause("4.l3"), "unknown clause '4.l3'"),
    (pytest.mark.clause(), "clause marker without an id"),
    (pytest.mark.clause("s10", part="roadmaps"), "clause 's10' has no part 'roadmaps'"),
    (pytest.mark.clause("4.13", part="roadmap"), "clause '4.13' has no part 'roadmap'"),
    (pytest.mark.clause("s10", "4.13", part="roadmap"), "a clause marker with part= names exactly one clause"),
    (pytest.mark.clause("4.13", parts="roadmap"), "clause marker takes only part="),
    (pytest.mark.quality("querycount"), "unknown quality 'querycount'"),
    (pytest.mark.quality(), "quality marker without a name"),
])
def test_a_typo_is_a_problem(mark, problem):
    [found] = clause_problems([Made("test_typo", mark)], CLAUSES, PARTS)
    assert found.startswith("tests/test_made.py::test_typo: ") and problem in found


def test_the_report_gives_each_tests_rule_and_what_nothing_proves():
    made = [Made("test_pairs_become_active_only_when_the_order_is_registered", pytest.mark.clause("4.13")),
            Made("test_numbers", pytest.mark.clause("s10", part="pairs-order"),
                 doc="An order number is taken for the whole year.\n    Typed any way."),
            Made("test_cheap", pytest.mark.quality("query count")),
            Made("test_plain")]
    out = io.StringIO()
    missing, missing_parts = report(made, CLAUSES, PARTS, out=out)
    text = out.getvalue()
    assert "    pairs become active only when the order is registered  [tests/test_made.py]" in text
    assert "    An order number is taken for the whole year.  [tests/test_made.py::test_numbers]" in text
    assert "  [roadmap] the roadmap — NO TEST" in text
    assert missing == ["4.1"] and missing_parts == {"s10": ["roadmap"]}
    assert "Testable clauses with no test: 4.1\n" in text and "Clause s10 in part: no test for roadmap" in text
    assert "Qualities of the portal (tests): query count 1" in text
    assert "Tests with neither a clause nor a quality: 1" in text


def test_every_part_belongs_to_a_clause_of_the_regulation():
    assert set(read_parts()) <= set(read_clauses())
