"""PostgreSQL: each document's vector also holds the mark of its span of ids ("~ <id //
20000>", see koinon.search.index.SPAN_ROWS), so the GIN index finds the newest matches
of common words span by span. SQLite: nothing to do."""

from django.db import migrations

FORWARD = (
    "UPDATE search_document SET vector = vector"
    " || array_to_tsvector(ARRAY['~ ' || (id / 20000)::text]) WHERE vector IS NOT NULL"
)
BACKWARD = (
    "UPDATE search_document SET vector = ts_delete(vector, '~ ' || (id / 20000)::text)"
    " WHERE vector IS NOT NULL"
)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_opening_index")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
