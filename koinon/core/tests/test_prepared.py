"""koinon.lib.prepared: statements PostgreSQL plans once per connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koinon.lib.prepared import prepared_cursor

pytestmark = pytest.mark.django_db


def test_a_prepared_statement_answers_and_is_logged_as_any_other():
    with CaptureQueriesContext(connection) as queries:
        for n in range(3):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT %s + 1", [n])
                assert cursor.fetchone() == (n + 1,)
    assert len(queries) == 3
    assert all(q["sql"] and "SELECT" in q["sql"] for q in queries)


def test_postgresql_prepares_it_once_for_the_connection():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL prepares statements")
    for n in range(3):
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %s::int * 2 AS koinon_prepared", [n])
            assert cursor.fetchone() == (n * 2,)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%koinon_prepared%"],
        )
        assert cursor.fetchone() == (1,)
