"""Write locale/fr_translations.py into the French .po and compile it.

Run after ``manage.py makemessages -l fr`` (README, "Languages"):
``.venv/bin/python locale/fill.py``. Entries it does not know stay empty,
which the test of the catalogue's coverage refuses.
"""

import sys
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fr_translations import FR  # noqa: E402

PO = HERE / "fr" / "LC_MESSAGES" / "django.po"


def main() -> int:
    catalogue = polib.pofile(str(PO))
    missing = []
    for entry in catalogue:
        key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            key = (entry.msgid, entry.msgid_plural)
        value = FR.get(key)
        if value is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0], 1: value[1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata["Language"] = "fr"
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.save()
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
