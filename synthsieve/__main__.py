"""``python -m synthsieve``."""

from synthsieve.cli import main

main()
