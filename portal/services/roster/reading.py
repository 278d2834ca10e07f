"""Reading a class list: the file's encoding, its delimiter and the header mapped to the roster's fields."""
import csv
import io
import re

from portal.services import ServiceError
from portal.services.roster.person import CONTROL_RE


MAX_ROWS = 10_000

# Header (lower case, «ё» as «е») → field. The first four parent columns are what a class list
# exported from a school system usually carries.
COLUMNS = {
    "фамилия": "surname", "имя": "first_name", "отчество": "patronymic", "пол": "sex",
    "дата рождения": "birth_date", "класс": "school_class", "тип": "kind", "телефон": "phone",
    "email": "email", "e-mail": "email", "электронная почта": "email", "эл. почта": "email", "эл.почта": "email",
    "адрес электронной почты": "email", "должность": "position",
    "организация": "organisation",
    "родитель: фамилия": "parent_surname", "родитель: имя": "parent_first_name",
    "родитель: отчество": "parent_patronymic", "родитель: пол": "parent_sex", "родитель: телефон": "parent_phone",
}
COLUMN_TITLES = {"surname": "Фамилия", "first_name": "Имя", "sex": "Пол"}
REQUIRED_COLUMNS = ("surname", "first_name", "sex")

ENCODING_PROBLEM = ("Не удалось прочитать файл: сохраните список как CSV в кодировке UTF-8 или Windows-1251 "
                    "(в Excel: «Сохранить как» → «CSV (разделители — точки с запятой)»).")


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or Windows-1251; anything else is refused with a clear message."""
    if not data.strip():
        raise ServiceError("Файл пустой.", field="file")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ServiceError("Это файл Excel, а нужен CSV: в Excel выберите «Сохранить как» → «CSV (разделители — "
                           "точки с запятой)».", field="file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:  # UTF-16 or binary
        raise ServiceError(ENCODING_PROBLEM, field="file")
    for codec in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if CONTROL_RE.search(text):
            break
        return text, codec
    raise ServiceError(ENCODING_PROBLEM, field="file")


def _header_key(cell: str) -> str:
    key = " ".join(cell.replace("\ufeff", "").split()).casefold().replace("ё", "е").rstrip("*").strip()
    return re.sub(r"\s*:\s*", ": ", key)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") >= first.count(",") and first.count(";") else ","


def read_rows(data: bytes) -> tuple[list[str | None], list[str], list[tuple[int, list[str]]]]:
    """The header mapped to fields (None for columns we don't use), unused column titles, and the
    non-empty data rows with the line each starts on."""
    text, codec = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows, last_line, header = [], 0, None
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
                continue
            rows.append((start, cells))
            if len(rows) > MAX_ROWS:
                raise ServiceError("В файле больше 10 000 строк: разделите его на части.", field="file")
    except csv.Error:
        raise ServiceError(f"Строка {last_line + 1}: не удалось разобрать — проверьте кавычки.", field="file") from None
    if header is None:
        raise ServiceError("Файл пустой.", field="file")
    fields, unused = [], []
    for cell in header:
        name = COLUMNS.get(_header_key(cell))
        if name is not None and name in fields:
            raise ServiceError(f"Столбец «{cell.strip()}» встречается в первой строке дважды.", field="file")
        fields.append(name)
        if name is None and cell.strip():
            unused.append(cell.strip())
    missing = [COLUMN_TITLES[f] for f in REQUIRED_COLUMNS if f not in fields]
    if missing:
        if codec == "cp1251" and "фамилия" not in text.casefold():  # bytes that only look like cp1251
            raise ServiceError(ENCODING_PROBLEM, field="file")
        if "фио" in {_header_key(cell) for cell in header}:
            raise ServiceError("Фамилия, имя и отчество нужны в отдельных столбцах: «Фамилия», «Имя», «Отчество».",
                               field="file")
        raise ServiceError("В первой строке файла нет столбцов " + ", ".join(f"«{m}»" for m in missing)
                           + ". Первая строка — заголовки: Фамилия; Имя; Отчество; Пол; Дата рождения; Класс.",
                           field="file")
    return fields, unused, rows
