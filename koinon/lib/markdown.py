"""The one Markdown pipeline: markdown-it-py renders, nh3 sanitises.

Two additions to CommonMark:

- `@handle` (not inside code or a link) becomes a link to that person's profile
  when the handle belongs to somebody; `render_with_mentions` also says who.
- Images are kept only for our own attachments (`/attachments/<key>.webp`, served
  through a view that checks who may see them); any other image becomes a plain
  link to it, so a post can never make readers' browsers fetch a foreign URL.
  nh3 enforces the same rule again on the HTML.
"""

import re
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_CLASSES = {"a": {"mention"}}

# Our own uploaded images (koinon/attachments): the only <img> a text may show.
OWN_IMAGE = re.compile(r"^/attachments/[A-Za-z0-9_-]{16,64}\.webp$")
# `@handle`: 3 to 30 of a-z, 0-9, _ (see koinon/accounts/handles.py), as a whole word.
MENTION = re.compile(r"@([A-Za-z0-9][A-Za-z0-9_]{2,29})(?![A-Za-z0-9_])")
_NOT_BEFORE_MENTION = re.compile(r"[A-Za-z0-9_@./+-]")


def own_image_src(src: str) -> str | None:
    """`src` as a path if it is one of our attachments (also written with the site's address)."""
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    if site and src.startswith(site + "/"):
        src = src[len(site) :]
    return src if OWN_IMAGE.match(src) else None


def _mention_rule(state, silent):
    pos = state.pos
    if state.src[pos] != "@" or state.linkLevel > 0:
        return False
    if pos > 0 and _NOT_BEFORE_MENTION.match(state.src[pos - 1]):
        return False  # an e-mail address, or a word with an @ inside
    match = MENTION.match(state.src, pos)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = match.group(0)
        token.meta = {"handle": match.group(1).lower()}
    state.pos = match.end()
    return True


def _render_mention(self, tokens, idx, options, env):
    token = tokens[idx]
    user_id = env.get("mentions", {}).get(token.meta["handle"])
    if user_id is None:
        return escapeHtml(token.content)
    return f'<a href="/people/{user_id}/" class="mention">{escapeHtml(token.content)}</a>'


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = own_image_src(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    if src is None:
        href = escapeHtml(token.attrGet("src") or "")
        return f'<a href="{href}">{escapeHtml(alt or token.attrGet("src") or "")}</a>'
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(title)}"' if title else ""
    return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt)}"{title_attr} loading="lazy">'


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable("table").enable("strikethrough")
_md.inline.ruler.push("mention", _mention_rule)
_md.add_render_rule("mention", _render_mention)
_md.add_render_rule("image", _render_image)


def _keep_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src":
        return own_image_src(value)
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )


def _handles_in(tokens) -> list[str]:
    handles = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "mention" and child.meta["handle"] not in handles:
                handles.append(child.meta["handle"])
    return handles


def mentioned_handles(source: str) -> list[str]:
    """The distinct handles `@mentioned` in `source`, in order (code and links excluded)."""
    return _handles_in(_md.parse(source or "", {}))


def resolve_handles(handles) -> dict[str, int]:
    """{handle: user id} for the handles that belong to a person with an account."""
    if not handles:
        return {}
    from koinon.accounts.models import Profile

    return dict(
        Profile.objects.filter(
            handle__in=list(handles), user__is_active=True, user__erased_at__isnull=True
        ).values_list("handle", "user_id")
    )


@dataclass
class Rendered:
    html: str
    mentions: dict[str, int] = field(default_factory=dict)  # handle -> user id


def render_with_mentions(source: str, *, mentions: bool = True) -> Rendered:
    """Safe HTML, and the people it @mentions (one query, only when an @ is there)."""
    env = {"mentions": {}}
    tokens = _md.parse(source or "", env)
    if mentions:
        env["mentions"] = resolve_handles(_handles_in(tokens))
    html = sanitize_html(_md.renderer.render(tokens, _md.options, env))
    return Rendered(html, env["mentions"])


def render_markdown(source: str, *, mentions: bool = True) -> str:
    """Markdown source to safe HTML; raw HTML in the source is shown as text."""
    return render_with_mentions(source, mentions=mentions).html
