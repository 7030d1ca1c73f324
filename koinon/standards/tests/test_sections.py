from koinon.standards import sections

TEXT = """Intro line.

# Scope

Applies to all.

## Data

```
# not a heading
```

## Data

Second data section."""


def test_split_by_headings_ignoring_code_fences():
    parts = sections.split(TEXT)
    assert [p.key for p in parts] == ["preamble", "scope", "data", "data-2"]
    assert parts[1].title == "Scope" and parts[1].level == 1
    assert "# not a heading" in parts[2].text
    assert "\n".join(p.text for p in parts) == TEXT


def test_no_preamble_when_text_starts_with_a_heading():
    assert [p.key for p in sections.split("## A\n\ntext")] == ["a"]


def test_replace_keeps_other_sections():
    new = sections.replace(TEXT, "scope", "# Scope\n\nApplies to members only.")
    assert "Applies to members only." in new
    assert "Applies to all." not in new
    assert "Intro line." in new and "Second data section." in new
    assert [p.key for p in sections.split(new)] == ["preamble", "scope", "data", "data-2"]


def test_replace_unknown_section_raises():
    import pytest

    with pytest.raises(KeyError):
        sections.replace(TEXT, "nope", "x")


def test_heading_called_preamble_does_not_collide():
    keys = [p.key for p in sections.split("Intro\n\n## Preamble\n\ntext")]
    assert keys == ["preamble", "section-preamble"]
