"""``python -m syndic ARGS...``: the syndic command line (the same code as
the ``syndic`` binary, compiled into the extension)."""

import sys

from . import _syndic


def main() -> int:
    args = sys.argv[1:]
    # `dedup --engine ray`: the stages on a Ray cluster (syndic.ray); every
    # other command line is the binary's.
    if args[:1] == ["dedup"] and any(
        a == "--engine" or a.startswith("--engine=") for a in args
    ):
        from .ray import main as ray_main

        return ray_main(args[1:])
    return _syndic.main(["syndic", *args])


if __name__ == "__main__":
    sys.exit(main())
