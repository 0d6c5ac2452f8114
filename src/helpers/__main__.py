"""Command line: `python -m helpers reports [--only NOM ...] [--set NOM.PARAM=VALEUR ...]`."""

import sys

from helpers.build.runner import main

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "reports":
        print("Usage : python -m helpers reports [--only NOM ...] [--set NOM.PARAM=VALEUR ...]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[2:]))
