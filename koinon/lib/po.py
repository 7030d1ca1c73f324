"""A small reader for gettext .po catalogues (enough to check them, no dependency)."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    return ast.literal_eval(text)


def parse(text: str) -> list[Entry]:
    """The entries of a catalogue, in order; multi-line strings are joined."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    seen_keyword = False

    def finish():
        nonlocal entry, target, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, target, seen_keyword = Entry(), None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if seen_keyword:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            if seen_keyword:
                finish()
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"line {number}: continuation without a keyword")
            name, index = target
            value = _unquote(line)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword == "msgctxt" and seen_keyword:
            finish()
        if keyword == "msgid" and seen_keyword and entry.msgctxt is None:
            finish()
        if not seen_keyword:
            entry.line = number
        seen_keyword = True
        value = _unquote(rest)
        if keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(entry, keyword, value)
            target = (keyword, 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = value
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            entry.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
    finish()
    return entries


def read(path: Path) -> list[Entry]:
    return parse(Path(path).read_text(encoding="utf-8"))


def problems(path: Path) -> list[str]:
    """Untranslated and fuzzy entries of one catalogue, as readable lines."""
    found = []
    for entry in read(path):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"{path}:{entry.line}: fuzzy: {entry.msgid[:60]!r}")
        elif not entry.is_header and not entry.translated:
            found.append(f"{path}:{entry.line}: untranslated: {entry.msgid[:60]!r}")
    return found
