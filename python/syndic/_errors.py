"""The exceptions syndic raises; every one derives from :class:`syndic.Error`.

The message is the Rust library's, naming the file, line and option
involved; ``path``, ``line`` and ``name`` hold them when the error has them
(else ``None``).
"""

from __future__ import annotations


class Error(Exception):
    """Base class of every syndic error."""

    path: str | None = None
    line: int | None = None
    name: str | None = None


class InputError(Error):
    """An input could not be used: missing, empty, binary, badly encoded,
    a malformed record, a repeated id... ``path`` names the file and
    ``line`` the line when known."""


class OutputError(Error):
    """The output directory cannot be written (for example it is inside an
    input, or holds files syndic did not create)."""


class InvalidParameter(Error, ValueError):
    """A setting is out of range; ``name`` is the keyword argument."""


class IncompatibleSignatures(Error, ValueError):
    """Two signatures (or a signature and an index) were made with
    different parameters, so comparing them would mean nothing."""
