"""A topic with its opening post, and replies, built through the real actions."""

from koinon.discussions import actions


def make_topic(author, community, *, title="How do you run a retrospective?", **kwargs):
    kwargs.setdefault("body", "We tried *many* formats.")
    return actions.do_create_topic(author, community, title=title, **kwargs)


def make_question(author, community, **kwargs):
    kwargs.setdefault("title", "Which estimation technique works for small teams?")
    return make_topic(author, community, kind="question", **kwargs)


def make_reply(author, topic, body="Try planning poker.", **kwargs):
    return actions.do_reply(author, topic, body=body, **kwargs)
