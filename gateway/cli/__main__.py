"""``python -m gateway.cli``: the same as the ``okra`` console script."""

from gateway.cli import main

main()
