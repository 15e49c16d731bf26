"""``python -m dunguard`` = the ``dunguard`` command."""

from dunguard.cli import main

main()
