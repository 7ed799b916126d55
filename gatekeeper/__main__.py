"""`python -m gatekeeper` runs the command line."""

from gatekeeper.cli.main import main

main()
