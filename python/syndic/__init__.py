"""syndic: near-duplicate detection and source-overlap analysis, from Rust.

MinHash signatures and LSH with an API close to datasketch and rensa, the
document comparison and alignment reports of ``syndic compare`` /
``syndic align``, and crawl dedup writing exactly what ``syndic dedup``
writes. Every call releases the GIL while it works, and long calls stop on
Ctrl-C (``KeyboardInterrupt``) without leaving half-written outputs.

>>> import syndic
>>> m = syndic.MinHasher(permutations=128, seed=42, shingle=5)
>>> a = m.sign("the quick brown fox jumps over the lazy dog again and again")
>>> a.jaccard(m.sign("the quick brown fox jumps over the lazy dog again and again"))
1.0
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Optional, Union

from . import _syndic
from ._errors import (
    Error,
    IncompatibleSignatures,
    InputError,
    InvalidParameter,
    OutputError,
)
from ._syndic import LSH, MinHasher, Signature

__version__: str = _syndic.__version__

#: The MinHash scheme of every signature (hashes, densification, value width).
SCHEME: str = _syndic.SCHEME

__all__ = [
    "MinHasher",
    "Signature",
    "LSH",
    "compare",
    "align",
    "dedup",
    "Error",
    "InputError",
    "OutputError",
    "InvalidParameter",
    "IncompatibleSignatures",
    "SCHEME",
]

PathLike = Union[str, "os.PathLike[str]"]


def _signature_from_state(
    permutations: int, seed: int, shingle: int, empty: bool, values: bytes
) -> Signature:
    """Rebuilds a pickled :class:`Signature`."""
    return Signature._from_state(permutations, seed, shingle, empty, values)


def _lsh_from_state(
    threshold: float,
    permutations: int,
    signature_params: Optional[tuple[int, int, int]],
    keys: list[Any],
    bands: bytes,
    empty: bytes,
) -> LSH:
    """Rebuilds a pickled :class:`LSH`."""
    return LSH._from_state(threshold, permutations, signature_params, keys, bands, empty)


def compare(
    docs: Union[Mapping[str, str], Iterable[PathLike]], **options: Any
) -> dict[str, Any]:
    """Compares documents: shared sentences, document pairs, passages and
    what each document adds; the JSON report of ``syndic compare --format
    json`` as Python objects (same field names, see docs/report.md).

    ``docs`` is a list of files or directories (``str`` or ``os.PathLike``;
    directories are searched for ``*.txt``, ``*.text``, ``*.md``), or a
    dict ``{id: text}``. Options, as on the command line: ``shingle``,
    ``sentence_shingle``, ``permutations``, ``seed``, ``threshold``,
    ``containment``, ``language``, ``max_line_bytes``, ``encoding``,
    ``strict_utf8``, ``threads``. A bad input raises
    :class:`InputError` unless ``skip_bad=True`` (then it is listed under
    ``"skipped"``, as the command line does).
    """
    return json.loads(_syndic.compare_json(docs, **options))


def align(a: Union[str, "os.PathLike[str]"], b: Union[str, "os.PathLike[str]"], **options: Any) -> list[dict[str, Any]]:
    """The passages two documents share: the ``"passages"`` of
    ``syndic align --format json``, each with word, byte and character
    spans on both sides and an edit label.

    ``a`` and ``b`` are texts (``str``) or files (``os.PathLike``, e.g.
    ``pathlib.Path``). Options: ``seed``, ``min_words``, ``min_chars``,
    ``language``, ``max_line_bytes``, ``encoding``, ``strict_utf8``.
    For the whole report (both documents' statistics too) use
    :func:`align_report`.
    """
    return align_report(a, b, **options)["passages"]


def align_report(a: Union[str, "os.PathLike[str]"], b: Union[str, "os.PathLike[str]"], **options: Any) -> dict[str, Any]:
    """The whole JSON report of ``syndic align --format json``: ``"a"``,
    ``"b"`` (each document's size, language and reused share) and
    ``"passages"``."""
    return json.loads(_syndic.align_json(a, b, **options))


def dedup(
    inputs: Union[PathLike, Iterable[PathLike]],
    out_dir: PathLike,
    *,
    engine: str = "local",
    **options: Any,
) -> dict[str, Any]:
    """Finds near-duplicate documents in a crawl and writes
    ``clusters.jsonl``, ``duplicates.txt``, ``stats.json`` (and with
    ``write_deduped=True`` ``deduped.jsonl`` / ``deduped.warc``) to
    ``out_dir``, byte for byte what ``syndic dedup`` writes (the timings in
    ``stats.json`` aside); returns ``stats.json`` as a dict.

    ``inputs``: JSON Lines (plain, .gz, .zst), Parquet, WARC/WET, text
    files or directories of them. Options, as on the command line with
    ``_`` for ``-``: ``shingle``, ``permutations``, ``seed``, ``threshold``,
    ``verify`` (``"auto"``, ``"signature"`` or ``"exact"``),
    ``text_field``, ``id_field``, ``input_format`` (``"jsonl"``,
    ``"parquet"``, ``"warc"``, ``"text"``), ``skip_bad``,
    ``write_deduped``, ``max_record_bytes``, ``encoding``, ``strict_utf8``,
    ``exact_memory``, ``bucket_cap``, ``unique_ids``, ``threads``.

    ``engine="ray"`` runs the dedup as stages on a Ray cluster (``pip
    install "syndic[ray]"``) with the same outputs: see
    :func:`syndic.ray.dedup` for its own options (``address``,
    ``work_dir``, ``partitions``, ``max_in_flight``, ``max_retries``, ...).
    """
    if engine == "ray":
        from .ray import dedup as ray_dedup

        return ray_dedup(inputs, out_dir, **options)
    if engine != "local":
        raise InvalidParameter(f"engine: {engine!r} is not local or ray")
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    return json.loads(_syndic.dedup_json(list(inputs), out_dir, **options))
