"""Citation export: BibTeX and RIS, for one resource or a reading list."""

import re
import unicodedata

from koinon.library.models import ResourceKind

BIBTEX_TYPES = {
    ResourceKind.PUBLICATION: "article",
    ResourceKind.STUDY: "techreport",
}
RIS_TYPES = {
    ResourceKind.PUBLICATION: "JOUR",
    ResourceKind.STUDY: "RPRT",
    ResourceKind.DATASET: "DATA",
    ResourceKind.TOOL: "COMP",
    ResourceKind.TEMPLATE: "GEN",
    ResourceKind.LINK: "ELEC",
    ResourceKind.FILE: "GEN",
}
_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_])")


def _bibtex_type(resource) -> str:
    if resource.kind == ResourceKind.PUBLICATION and resource.isbn:
        return "book"
    return BIBTEX_TYPES.get(resource.kind, "misc")


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def citation_key(resource) -> str:
    """surname + year + first word of the title, e.g. `rossi2021agile`."""
    authors = resource.author_list
    surname = _ascii_word(authors[0].split(",")[0]) if authors else ""
    words = [w for w in (_ascii_word(w) for w in resource.title.split()) if len(w) > 3]
    key = f"{surname}{resource.year or ''}{words[0] if words else ''}"
    return key or f"resource{resource.pk}"


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _bibtex_url(value: str) -> str:
    return value.replace("{", "%7B").replace("}", "%7D")


def bibtex(resource) -> str:
    kind = _bibtex_type(resource)
    fields = [("title", resource.title)]
    if resource.author_list:
        fields.append(("author", " and ".join(resource.author_list)))
    if resource.year:
        fields.append(("year", str(resource.year)))
    if resource.publisher:
        name = {"article": "journal", "techreport": "institution"}.get(kind, "publisher")
        fields.append((name, resource.publisher))
    for name in ("doi", "isbn", "url"):
        if getattr(resource, name):
            fields.append((name, getattr(resource, name)))
    if resource.language:
        fields.append(("language", resource.language))
    if resource.licence:
        fields.append(("note", f"Licence: {resource.licence}"))
    body = ",\n".join(
        f"  {name} = {{{_bibtex_url(value) if name == 'url' else _bibtex_escape(value)}}}"
        for name, value in fields
    )
    return f"@{kind}{{{citation_key(resource)},\n{body}\n}}\n"


def _ris_value(value) -> str:
    return " ".join(str(value).split())


def ris(resource) -> str:
    kind = RIS_TYPES.get(resource.kind, "GEN")
    if resource.kind == ResourceKind.PUBLICATION and resource.isbn:
        kind = "BOOK"
    lines = [("TY", kind)]
    lines += [("AU", author) for author in resource.author_list]
    lines.append(("TI", resource.title))
    if resource.year:
        lines.append(("PY", str(resource.year)))
    for tag, name in (
        ("PB", "publisher"),
        ("DO", "doi"),
        ("SN", "isbn"),
        ("UR", "url"),
        ("LA", "language"),
    ):
        if getattr(resource, name):
            lines.append((tag, getattr(resource, name)))
    if resource.description:
        lines.append(("AB", resource.description))
    out = "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines)
    return out + "ER  - \r\n"


def bibtex_many(resources) -> str:
    return "\n".join(bibtex(r) for r in resources)


def ris_many(resources) -> str:
    return "".join(ris(r) for r in resources)
