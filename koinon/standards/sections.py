"""A standard's Markdown text, split into sections by its headings.

Comments and amendments anchor to a section's key: the slug of its heading
("3-conflicts-of-interest" style, numbered when two headings share a slug);
the text before the first heading is the "preamble". Headings inside fenced
code blocks do not count.
"""

import re
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
PREAMBLE = "preamble"
KEY_MAX_LENGTH = 100


@dataclass
class Section:
    key: str
    title: str
    level: int
    text: str  # the section's Markdown, its heading line included

    @property
    def is_preamble(self) -> bool:
        return self.key == PREAMBLE


def _key(title: str, seen: dict) -> str:
    base = (slugify(title) or "section")[: KEY_MAX_LENGTH - 4].strip("-") or "section"
    if base == PREAMBLE:
        base = "section-preamble"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def split(body: str) -> list[Section]:
    """The sections of `body`, in order; joining their texts with newlines gives it back."""
    lines = (body or "").replace("\r\n", "\n").split("\n")
    sections: list[Section] = []
    current: list[str] = []
    title, level, key = "", 0, PREAMBLE
    seen: dict = {}
    fenced = False

    def flush():
        if current or key != PREAMBLE:
            sections.append(Section(key, title, level, "\n".join(current)))

    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            flush()
            level, title = len(match.group(1)), match.group(2).strip()
            key = _key(title, seen)
            current = [line]
        else:
            current.append(line)
    flush()
    if sections and sections[0].is_preamble and not sections[0].text.strip():
        sections.pop(0)
    return sections


def find(body: str, key: str) -> Section | None:
    return next((s for s in split(body) if s.key == key), None)


def label(section: Section) -> str:
    return _("Preamble") if section.is_preamble else section.title


def replace(body: str, key: str, new_text: str) -> str:
    """`body` with the section `key` replaced by `new_text` (a trailing blank line kept)."""
    result, found = [], False
    for section in split(body):
        if section.key == key:
            found = True
            text = new_text.replace("\r\n", "\n").strip("\n")
            trailing = len(section.text) - len(section.text.rstrip("\n"))
            result.append(text + "\n" * trailing)
        else:
            result.append(section.text)
    if not found:
        raise KeyError(key)
    return "\n".join(result)
