"""``python -m torchbasics``: the environment report and the optional extras.

The first command the course asks a reader to run: it prints the torch and
Python versions, the devices this machine offers, which optional extras of
torchbasics are installed, and the command that installs what is missing.
"""

from torchbasics._installation import main

raise SystemExit(main())
