"""``python -m ancrage.cli``: the same command line as the ``ancrage`` executable."""

from ancrage.cli import main

main()
