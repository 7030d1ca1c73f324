"""SQLite: the FTS5 table indexes the facets too, so policy and filters are answered
by the index itself (posting lists), never by reading a million rows."""

from django.db import migrations

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_document_fts",
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, body, facets, content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, title, body, facets)
        VALUES (new.id, new.title, new.body, new.facets);
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, facets)
        VALUES ('delete', old.id, old.title, old.body, old.facets);
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE OF title, body, facets
    ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, facets)
        VALUES ('delete', old.id, old.title, old.body, old.facets);
        INSERT INTO search_document_fts(rowid, title, body, facets)
        VALUES (new.id, new.title, new.body, new.facets);
    END""",
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_facets")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
