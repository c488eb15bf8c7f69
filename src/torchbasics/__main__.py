"""``python -m torchbasics``: the environment report and the optional extras.

The first command the course asks a reader to run: it prints the torch and
Python versions, the devices this machine offers, which optional extras of
torchbasics are installed, and the command that installs what is missing.
"""

from torchbasics._installation import main

# Guarded: pytest's --doctest-modules imports every module of src/.
if __name__ == "__main__":
    raise SystemExit(main())
