"""``python -m syndic ARGS...``: the syndic command line (the same code as
the ``syndic`` binary, compiled into the extension)."""

import sys

from . import _syndic


def main() -> int:
    return _syndic.main(["syndic", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
