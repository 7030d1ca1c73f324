"""Helpers for template tags."""


def flatten_objects(items):
    """Model instances from template arguments that are instances or lists of them
    (`{% tag opening replies %}`), skipping None."""
    for item in items:
        if item is None:
            continue
        if hasattr(item, "pk"):
            yield item
        else:
            yield from (inner for inner in item if inner is not None)
