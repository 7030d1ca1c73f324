"""Library content built through the real actions."""

from koinon.library import actions


def make_practice(author, community, *, title="Daily stand-up", **kwargs):
    kwargs.setdefault("summary", "Fifteen minutes, standing, every morning.")
    kwargs.setdefault("body", "1. What I did\n2. What I will do\n3. What blocks me")
    return actions.do_create_practice(author, community, title=title, **kwargs)


def revise(author, practice, **changes):
    data = {
        "title": practice.title,
        "summary": practice.summary,
        "when_to_use": practice.when_to_use,
        "body": practice.body,
        "base_version": practice.version,
    }
    data.update(changes)
    return actions.do_edit_practice(author, practice, **data)


def make_lesson(author, community, *, title="Async stand-ups in chat", **kwargs):
    kwargs.setdefault("context", "A team spread over three time zones.")
    kwargs.setdefault("tried", "Written stand-ups in the chat instead of a call.")
    kwargs.setdefault("outcome", "failed")
    kwargs.setdefault("learned", "Nobody read the others' updates.")
    return actions.do_create_lesson(author, community, title=title, **kwargs)
