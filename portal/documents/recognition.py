"""The «Лучший наставник» certificate (грамота) and the thank-you letter to a student mentor's parent (s9).

Both are laid out from what services.recognition hands in — names already declined (portal.names, pytrovich),
the school's details, the competition and the place — and frozen there as issued documents."""
from portal.documents.html import render


def award_html(data: dict) -> str:
    """`data`: school, name, described, place_title, competition_title, year_label, issued_on, verification."""
    return render("documents/award.html", **data)


def thanks_letter_html(data: dict) -> str:
    """`data`: school, dear, parent_name, child_word, child_genitive, child_word_dative, child_dative,
    place_title, competition_title, year_label, issued_on, verification."""
    return render("documents/thanks_letter.html", **data)
