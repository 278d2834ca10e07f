"""The regulation's text, shown to every participant before their first step (s5, s7)."""
from functools import lru_cache
from pathlib import Path

TEXT = Path(__file__).resolve().parent / "data" / "regulation.txt"


@lru_cache(maxsize=1)
def regulation_sections() -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) pairs; a heading is a line that starts a numbered section."""
    lines = [line.strip() for line in TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, sections = lines[0], []
    for line in lines[1:]:
        head = line.split(" ", 1)[0]
        if head.endswith(".") and head[:-1].isdigit():
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line.lstrip("· ").strip())
    return [(title, [])] + sections
