"""Settings come from the environment; each case starts a fresh Python process."""

import os
import secrets
import stat
import subprocess  # noqa: S404
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")


def run(args, tmp_path, **env):
    environment = {name: os.environ[name] for name in KEEP if name in os.environ}
    environment.update(KOINON_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def print_setting(name):
    return [
        "-c",
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'koinon.settings'; "
        f"from django.conf import settings; print(settings.{name})",
    ]


PRODUCTION = {
    "KOINON_ENV": "production",
    "SITE_URL": "https://koinon.example",
    "ALLOWED_HOSTS": "koinon.example",
    "DEBUG": "false",
}


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run(
        ["-m", "koinon", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(45)[:60],
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["-m", "koinon", "check"], tmp_path, **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when KOINON_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_refuses_a_plain_http_site_url(tmp_path):
    result = run(
        ["-m", "koinon", "check"],
        tmp_path,
        **{**PRODUCTION, "SECRET_KEY": "x" * 60, "SITE_URL": "http://koinon.example"},
    )
    assert result.returncode != 0
    assert "SITE_URL must be an https://" in result.stderr


def test_secret_key_is_generated_once_into_var_and_kept_private(tmp_path):
    first = run(print_setting("SECRET_KEY"), tmp_path)
    second = run(print_setting("SECRET_KEY"), tmp_path)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 50
    assert second.stdout.strip() == key
    path = tmp_path / "var" / "secret_key"
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".secret_key")] == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be a boolean"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be an integer"),
        ("INVITATION_VALID_DAYS", "two weeks", "INVITATION_VALID_DAYS must be an integer"),
    ],
)
def test_bad_environment_values_fail_loudly(tmp_path, name, value, message):
    env = {name: value}
    if name == "EMAIL_PORT":
        env["EMAIL_HOST"] = "smtp.example.org"
    result = run(["-m", "koinon", "check"], tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_empty_values_from_an_env_file_mean_the_default(tmp_path):
    result = run(
        print_setting("ALLOWED_HOSTS, settings.DEBUG, settings.TIME_ZONE"),
        tmp_path,
        ALLOWED_HOSTS="",
        DEBUG="",
        TIME_ZONE="",
        SECRET_KEY="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['127.0.0.1', 'localhost', '[::1]'] False Europe/Rome"


def test_database_url_switches_to_postgresql(tmp_path):
    result = run(
        print_setting("DATABASES['default']['ENGINE']"),
        tmp_path,
        DATABASE_URL="postgres://koinon@db.example:5432/koinon",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_a_sqlite_database_url_keeps_wal_and_immediate_writes(tmp_path):
    result = run(
        print_setting("DATABASES['default']['OPTIONS']"),
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3",
    )
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "journal_mode=WAL" in result.stdout


def test_sessions_use_the_cache_only_when_it_is_shared(tmp_path):
    engine = print_setting("SESSION_ENGINE")
    assert run(engine, tmp_path).stdout.strip() == "django.contrib.sessions.backends.db"
    shared = run(engine, tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    assert shared.stdout.strip() == "django.contrib.sessions.backends.cached_db"


def test_searches_and_unread_counts_are_kept_only_in_a_shared_cache(tmp_path):
    for name, seconds in (("SEARCH_CACHE_SECONDS", 300), ("PERSON_COUNTS_SECONDS", 600)):
        assert run(print_setting(name), tmp_path).stdout.strip() == "0"
        shared = run(print_setting(name), tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
        assert shared.stdout.strip() == str(seconds)


def test_without_a_database_url_sqlite_lives_in_var(tmp_path):
    result = run(print_setting("DATABASES['default']['NAME']"), tmp_path)
    assert result.stdout.strip() == str(tmp_path / "var" / "koinon.sqlite3")


def test_production_redirects_to_https_except_the_health_check(tmp_path):
    snippet = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'koinon.settings'; "
        "django.setup(); from django.test import Client; c = Client(HTTP_HOST='koinon.example'); "
        "r = c.get('/privacy/'); h = c.get('/healthz'); "
        "s = c.get('/.well-known/security.txt', secure=True); "
        "print(r.status_code, r['Location'], h.status_code, s.status_code, "
        "s['Strict-Transport-Security'])"
    )
    result = run(["-c", snippet], tmp_path, SECRET_KEY="k" * 60, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "301",
        "https://koinon.example/privacy/",
        "200",
        "200",
        "max-age=31536000;",
        "includeSubDomains",
    ]
