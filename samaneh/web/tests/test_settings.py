"""Production settings: SECRET_KEY is required outside DEBUG and `check --deploy` is clean."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE",
                                                            "SECURE_SSL_REDIRECT", "STATIC_MANIFEST",
                                                            "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "samaneh.settings", "SAMANEH_VAR_DIR": str(tmp_path)}, **env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _manage("check", env_extra={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "SECRET_KEY": "k7#x1-prod-like-secret-" + "Zq9!vT3@wL8$" * 5,
        "ALLOWED_HOSTS": "samaneh.example.ir",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_sqlite_database_runs_in_wal_mode(tmp_path):
    code = "from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    result = _manage("shell", "-c", code, env_extra={"DEBUG": "1"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"
    assert (tmp_path / "samaneh.sqlite3").exists()
