"""Hostile Markdown is neutralised by the one pipeline, in storage and on the page."""

import re
from html.parser import HTMLParser

import pytest

from koinon.discussions.tests.factories import make_reply, make_topic
from koinon.lib.markdown import ALLOWED_TAGS, render_markdown, sanitize_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<iframe src=https://evil.example></iframe>",
    "<object data=evil.swf></object>",
    "<embed src=evil.swf>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1))',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "[a](<javascript:alert(1)>)",
]

SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def unsafe_url(value: str) -> bool:
    """A URL with a scheme other than http, https or mailto (relative URLs are fine)."""
    match = SCHEME.match(value or "")
    return bool(match) and match.group(1).lower() not in SAFE_SCHEMES


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            if name in ("href", "src") and unsafe_url(value):
                self.problems.append(f"{name}={value!r}")


def problems_in(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    html = render_markdown(payload)
    assert problems_in(html) == [], html
    assert "<script" not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_output_fed_back_stays_safe(payload):
    html = render_markdown(payload)
    assert problems_in(render_markdown(html)) == []
    assert sanitize_html(html) == html


def test_payloads_are_neutral_on_the_topic_page(client, community, member, mentor):
    topic = make_topic(member, community, title="<script>alert('t')</script>", body=PAYLOADS[0])
    for payload in PAYLOADS[1:]:
        make_reply(mentor, topic, body=payload)
    pages = [client.get(topic.get_absolute_url() + f"?page={n}") for n in (1, 2)]
    main = "".join(
        text[text.index('<main id="main"') : text.index("</main>")]
        for text in (page.content.decode() for page in pages)
    )
    bodies = re.findall(r'<div class="post-body">(.*?)</div>', main, re.DOTALL)
    assert len(bodies) == len(PAYLOADS) + 1  # the opening post is on both pages
    for body in bodies:
        assert problems_in(body) == [], body
    page_problems = [p for p in problems_in(main) if not p.startswith("tag")]
    assert page_problems == []
    for tag in ("<script", "<svg", "<iframe", "<object", "<embed", "<style", "<math"):
        assert tag not in main.lower()
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in main
