"""``python -m ancrage.web <command>``: Django's manage.py for the Ancrage web application."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command (``argv`` defaults to ``sys.argv``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.web.settings")
    from django.core.management import execute_from_command_line

    from ancrage import config

    # The default SQLite database lives in the data directory, which may not exist yet.
    config.data_dir().mkdir(parents=True, exist_ok=True)
    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
