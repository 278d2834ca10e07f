"""Russian names in the case a document needs («в отношении Иванова Петра Сергеевича»), by pytrovich."""
from functools import lru_cache

from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

CASES = {
    "nominative": None,
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "accusative": Case.ACCUSATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "prepositional": Case.PREPOSITIONAL,
}


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@lru_cache(maxsize=4096)
def _decline(part: NamePart, sex: str, case: str, word: str) -> str:
    if not word or CASES[case] is None:
        return word
    gender = Gender.FEMALE if sex == "f" else Gender.MALE
    # Double-barrelled surnames decline part by part.
    return "-".join(_maker().make(part, gender, CASES[case], piece) for piece in word.split("-"))


def full_name(person, case: str = "nominative") -> str:
    parts = ((NamePart.LASTNAME, person.surname), (NamePart.FIRSTNAME, person.first_name),
             (NamePart.MIDDLENAME, person.patronymic))
    return " ".join(_decline(part, person.sex, case, word) for part, word in parts if word)


def short_name(person, case: str = "nominative") -> str:
    """Surname and initials, «Иванов П. С.», the surname in the case asked for («с Ивановым П. С.»)."""
    initials = " ".join(f"{word[0]}." for word in (person.first_name, person.patronymic) if word)
    surname = _decline(NamePart.LASTNAME, person.sex, case, person.surname or "")
    return f"{surname} {initials}".strip()


def first_name(person, case: str = "nominative") -> str:
    """The first name alone, declined: «за воспитание дочери Марии», «вашему сыну Петру»."""
    return _decline(NamePart.FIRSTNAME, person.sex, case, person.first_name or "")


def name_and_patronymic(person, case: str = "nominative") -> str:
    """How a letter addresses an adult: «Ольга Николаевна»."""
    parts = ((NamePart.FIRSTNAME, person.first_name), (NamePart.MIDDLENAME, person.patronymic))
    return " ".join(_decline(part, person.sex, case, word) for part, word in parts if word)
