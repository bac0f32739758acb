"""Django on a throwaway database, for the benches: a SQLite file in a temporary SAMANEH_VAR_DIR, or the
empty PostgreSQL database named by one of `url_variables` — never the developer's own database."""
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def throwaway_django(url_variables=("SAMANEH_BENCH_DATABASE_URL", "DATABASE_URL")):
    """Set Django up on a fresh, migrated database and yield the temporary var directory."""
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="samaneh-bench-") as var_dir:
        os.environ["DJANGO_SETTINGS_MODULE"] = "samaneh.settings_test"
        os.environ["SAMANEH_VAR_DIR"] = var_dir
        database_url = next((os.environ[name] for name in url_variables if os.environ.get(name)), None)
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        else:
            os.environ.pop("DATABASE_URL", None)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
        yield Path(var_dir)
