"""docs/security.md names, for each protection, the tests that prove it: every name there must be a test
that exists, so a renamed or deleted test cannot leave the document vouching for nothing."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"`([a-z0-9_/]+\.py)(?:::(test_[a-z0-9_]+))?`|`::(test_[a-z0-9_]+)`")


def test_every_test_named_in_docs_security_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    named, missing = 0, []
    for line in text.splitlines():
        current = None  # «`::test_x`» continues the file named last on the same line
        for match in REFERENCE.finditer(line):
            path, test, continued = match.groups()
            if path:
                current = path
            source = ROOT / "tests" / current
            if not source.exists():
                missing.append(current)
                continue
            name = test or continued
            named += 1
            if name and not re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.M):
                missing.append(f"{current}::{name}")
    assert named > 50
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"
