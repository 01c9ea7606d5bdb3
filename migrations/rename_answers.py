"""Rename old answer names in the project's answers file to their current question names.

copier runs this from the project's directory before every update (copier.yml, `_migrations`), so
an answer given under a question's old name keeps its value. Arguments: the answers file, then
OLD=NEW pairs. An old name that is absent changes nothing; when both names are present, the current
one wins and the old line is dropped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def rename(text: str, old: str, new: str) -> str:
    if re.search(rf"(?m)^{re.escape(new)}:", text):
        return re.sub(rf"(?m)^{re.escape(old)}:.*\n", "", text)
    return re.sub(rf"(?m)^{re.escape(old)}:", f"{new}:", text)


def main(answers_file: str, *renames: str) -> None:
    path = Path(answers_file)
    text = path.read_text()
    for pair in renames:
        old, new = pair.split("=", 1)
        renamed = rename(text, old, new)
        if renamed != text:
            print(f"{path}: answer {old!r} renamed to {new!r}")
        text = renamed
    path.write_text(text)


if __name__ == "__main__":
    main(*sys.argv[1:])
