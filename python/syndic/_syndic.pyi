"""Type stubs of the extension module ``syndic._syndic``."""

import os
from typing import Any, Hashable, Iterable, Mapping, Optional, Sequence, TypedDict, Union

import numpy as np
import numpy.typing as npt
from typing_extensions import Unpack

__version__: str
SCHEME: str

_Path = Union[str, os.PathLike[str]]
_Signatures = Union[Sequence["Signature"], npt.NDArray[np.uint32]]

class Signature:
    """A MinHash signature with its parameters; pickles, compares equal,
    hashes."""

    @property
    def values(self) -> npt.NDArray[np.uint32]: ...
    @property
    def permutations(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def shingle(self) -> int: ...
    @property
    def is_empty(self) -> bool: ...
    def jaccard(self, other: Signature) -> float:
        """Share of equal values; raises IncompatibleSignatures when the
        parameters differ."""
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    @staticmethod
    def _from_state(
        permutations: int, seed: int, shingle: int, empty: bool, values: bytes
    ) -> Signature: ...

class MinHasher:
    """Word ``shingle``-grams, one-permutation MinHash of ``permutations``
    values under ``seed``: the signatures of ``syndic dedup`` / ``syndic
    sign``."""

    def __init__(self, permutations: int = 128, seed: int = 42, shingle: int = 5) -> None: ...
    @property
    def permutations(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def shingle(self) -> int: ...
    def sign(self, text: str) -> Signature: ...
    def sign_batch(
        self, texts: Iterable[str], *, threads: int | None = None
    ) -> npt.NDArray[np.uint32]:
        """Shape ``(len(texts), permutations)``, signed in parallel."""

class LSH:
    """LSH over MinHash signatures, bands and rows chosen as ``syndic
    dedup`` chooses them (a pair at the threshold is proposed with
    probability >= 0.99)."""

    def __init__(self, threshold: float = 0.8, permutations: int = 128) -> None: ...
    @property
    def threshold(self) -> float: ...
    @property
    def permutations(self) -> int: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    def insert(self, key: Hashable, signature: Union[Signature, Sequence[int]]) -> None: ...
    def insert_batch(self, keys: Iterable[Hashable], signatures: _Signatures) -> None: ...
    def query(self, signature: Union[Signature, Sequence[int]]) -> list[Any]: ...
    def query_batch(self, signatures: _Signatures) -> list[list[Any]]: ...
    def remove(self, key: Hashable) -> None: ...
    def __contains__(self, key: object) -> bool: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]: ...
    @staticmethod
    def _from_state(
        threshold: float,
        permutations: int,
        signature_params: Optional[tuple[int, int, int]],
        keys: list[Any],
        bands: bytes,
        empty: bytes,
    ) -> LSH: ...

def compare_json(
    docs: Union[Mapping[str, str], Iterable[_Path]],
    *,
    shingle: int = 5,
    sentence_shingle: int = 2,
    permutations: int = 128,
    seed: int = 42,
    threshold: float = 0.45,
    containment: float = 0.8,
    language: str | None = None,
    max_line_bytes: int = ...,
    encoding: str | None = None,
    strict_utf8: bool = False,
    skip_bad: bool = False,
    threads: int | None = None,
) -> str: ...
def align_json(
    a: Union[str, os.PathLike[str]],
    b: Union[str, os.PathLike[str]],
    *,
    seed: int = 42,
    min_words: int | None = None,
    min_chars: int = 0,
    language: str | None = None,
    max_line_bytes: int = ...,
    encoding: str | None = None,
    strict_utf8: bool = False,
) -> str: ...
class _DedupOptions(TypedDict, total=False):
    """The options of a dedup run that :func:`dedup_json` and
    :func:`stages_plan` share: ``syndic dedup``'s, ``_`` for ``-``, with
    its defaults (in the comments)."""

    shingle: int  # 5
    permutations: int  # 128
    seed: int  # 42
    threshold: float  # 0.8
    verify: str  # "auto" ("signature", "exact")
    text_field: str  # "text"
    id_field: str | None  # None
    input_format: str | None  # None ("jsonl", "parquet", "warc", "text")
    skip_bad: bool  # False
    write_deduped: bool  # False
    max_record_bytes: int  # 64 MiB
    encoding: str | None  # None
    strict_utf8: bool  # False
    bucket_cap: int  # 64
    unique_ids: bool  # False
    batch_bytes: int  # 16 MiB

def dedup_json(
    inputs: Sequence[_Path],
    out_dir: _Path,
    *,
    exact_memory: int = ...,
    threads: int | None = None,
    **options: Unpack[_DedupOptions],
) -> str:
    """The dedup run of ``syndic.dedup``; returns ``stats.json``'s text."""

def main(argv: list[str]) -> int: ...

# --- the dedup stages (issue 15; python/src/stages.rs) ---
def stages_plan(
    inputs: Sequence[_Path],
    work_dir: _Path,
    *,
    out_dir: _Path | None = None,
    partitions: int = 4,
    against: _Path | None = None,
    **options: Unpack[_DedupOptions],
) -> str:
    """Lays out the run of :func:`dedup_json` (its options, less
    ``exact_memory`` and ``threads``) as stages in ``work_dir``; returns
    the stages as JSON."""

def stages_list(work_dir: _Path) -> str: ...
def stages_run_task(work_dir: _Path, stage: str, rank: int, *, threads: int | None = None) -> bool: ...
def stages_run_local(work_dir: _Path, *, threads: int | None = None) -> None: ...
def stages_finish(
    work_dir: _Path,
    out_dir: _Path,
    inputs: Sequence[_Path],
    *,
    against: _Path | None = None,
    add: bool = False,
) -> str: ...
