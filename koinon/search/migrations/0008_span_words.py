"""PostgreSQL: each document's vector holds its words as span words too ("<lexeme>
<i|e><id // 20000>", see koinon.search.index), in place of the one mark of its span
("~ <id // 20000>", 0007). SQLite: nothing to do."""

from django.db import migrations

FORWARD = """
UPDATE search_document SET vector = (
    SELECT w.words || array_to_tsvector(ARRAY(
        SELECT u.lexeme || ' ' || w.suffix FROM unnest(w.words) AS u))
    FROM (SELECT ts_delete(vector, '~ ' || (id / 20000)::text) AS words,
        CASE WHEN config = 'italian' THEN 'i' ELSE 'e' END || (id / 20000)::text AS suffix) AS w
) WHERE vector IS NOT NULL
"""
# Span words are the lexemes holding a space.
BACKWARD = """
UPDATE search_document SET vector = ts_delete(vector,
    ARRAY(SELECT lexeme FROM unnest(vector) WHERE position(' ' IN lexeme) > 0))
    || array_to_tsvector(ARRAY['~ ' || (id / 20000)::text]) WHERE vector IS NOT NULL
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0007_span_marks")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
