"""Crawl dedup on a Ray cluster, with exactly the results of ``syndic dedup``.

The run is laid out as stages in a work directory that every node sees (a
shared filesystem, or local disk on one machine); each stage is a set of
independent tasks (``syndic._syndic.stages_run_task``), each a pure,
idempotent function of the plan and the files of the earlier stages. This
module only schedules them: at most ``max_in_flight`` tasks at once, each
retried up to ``max_retries`` times when its worker or node dies, a
progress line per finished task. The driver holds stage names and task
counts, never per-document data; the Rust stages do the work.

>>> import syndic
>>> syndic.dedup(["crawl/"], "out", engine="ray", address="auto")  # doctest: +SKIP

Install with ``pip install "syndic[ray]"`` on the driver and on every node
(or pass ``runtime_env={"pip": [...]}``, see docs/ray.md).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

from . import _syndic

PathLike = Union[str, "os.PathLike[str]"]

#: Options of :func:`syndic.dedup` the stages take (the rest are refused).
STAGE_OPTIONS = {
    "shingle",
    "permutations",
    "seed",
    "threshold",
    "verify",
    "text_field",
    "id_field",
    "input_format",
    "skip_bad",
    "write_deduped",
    "max_record_bytes",
    "encoding",
    "strict_utf8",
    "bucket_cap",
    "unique_ids",
    "batch_bytes",
}


def _run_task(work_dir: str, stage: str, rank: int, threads: Optional[int]) -> bool:
    """One task, in a Ray worker."""
    return _syndic.stages_run_task(work_dir, stage, rank, threads=threads)


def _default_progress(stage: str, done: int, tasks: int, seconds: float) -> None:
    print(
        f"syndic.ray: {stage}: {done}/{tasks} tasks ({seconds:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def dedup(
    inputs: Union[PathLike, Iterable[PathLike]],
    out_dir: PathLike,
    *,
    address: Optional[str] = None,
    work_dir: Optional[PathLike] = None,
    partitions: Optional[int] = None,
    max_in_flight: Optional[int] = None,
    max_retries: int = 3,
    task_threads: Optional[int] = 1,
    runtime_env: Optional[dict] = None,
    progress: Union[bool, Callable[[str, int, int, float], None]] = True,
    keep_work_dir: bool = False,
    against: Optional[PathLike] = None,
    add: bool = False,
    **options: Any,
) -> dict:
    """Deduplicates ``inputs`` on a Ray cluster and writes to ``out_dir``
    the files ``syndic dedup`` writes, byte for byte (``stats.json`` aside
    from ``work``, ``seconds`` and ``peak_rss_bytes``, which describe the
    execution); returns ``stats.json`` as a dict.

    ``address``: the cluster (``"auto"``, ``"ray://host:10001"``, or
    ``None`` to start a local one) unless Ray is initialised already.
    ``work_dir``: where the stages exchange files; every node must see it at
    the same path (default: a hidden directory beside ``out_dir``, removed
    at the end unless ``keep_work_dir``; a work directory given is kept, and
    a run interrupted can be resumed by calling again with it).
    ``partitions``: bucket and cluster partitions (default: twice the
    cluster's CPUs, at least 2). ``max_in_flight``: tasks submitted at once
    (default: the cluster's CPUs). ``max_retries``: retries of a task whose
    worker or node died. ``task_threads``: threads per task (match the
    ``num_cpus`` Ray gives it). ``runtime_env``: passed to ``ray.init``.
    ``against``: an archive (``syndic index``): the run is ``syndic dedup
    --against``: new documents that duplicate archived ones (or each other)
    are dropped, ``matches.jsonl`` says which archived document each
    matches, and ``add=True`` adds the survivors to the archive (on the
    driver, the archive's one writer, after the stages). The archived
    candidates are looked up on the driver (one read of the inputs).
    Other options are those of :func:`syndic.dedup`.
    """
    import ray

    if add and against is None:
        raise _syndic_error("add=True needs against= (an archive)")
    unknown = set(options) - STAGE_OPTIONS - {"threads", "exact_memory"}
    if unknown:
        raise _syndic_error(
            f"engine='ray' does not take {', '.join(sorted(unknown))}"
        )
    options.pop("threads", None)
    options.pop("exact_memory", None)  # the stages keep one shard's sets on disk
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = [os.fspath(p) for p in inputs]
    out = Path(out_dir)
    if not ray.is_initialized():
        ray.init(
            address=address,
            runtime_env=runtime_env,
            ignore_reinit_error=True,
            log_to_driver=False,
            logging_level="WARNING",
        )
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    if partitions is None:
        partitions = max(2, 2 * cpus)
    if max_in_flight is None:
        max_in_flight = cpus
    if max_in_flight < 1:
        raise _syndic_error("max_in_flight must be at least 1")
    created = work_dir is None
    wd = Path(work_dir) if work_dir is not None else out.parent / f".{out.name}.syndic-work"
    wd = wd.absolute()
    if created and wd.exists() and not (wd / "plan.json").is_file():
        raise _syndic_error(f"{wd} exists and holds no syndic plan; give work_dir=")
    report = _default_progress if progress is True else (progress or None)

    stages = json.loads(
        _syndic.stages_plan(
            inputs,
            str(wd),
            out_dir=os.fspath(out),
            partitions=partitions,
            against=None if against is None else os.fspath(against),
            **options,
        )
    )
    # glibc gives every thread an arena of its own and keeps what a task
    # freed there: a worker process that runs task after task grew by
    # ~60 MB per sign task; one arena keeps it at its task's peak.
    task = ray.remote(
        num_cpus=1,
        max_retries=max_retries,
        retry_exceptions=False,
        runtime_env={"env_vars": {"MALLOC_ARENA_MAX": "1"}},
    )(_run_task)
    started = time.monotonic()
    for st in stages:
        name, total = st["name"], st["tasks"]
        pending: list = []
        done = 0
        ranks = iter(range(total))
        while True:
            while len(pending) < max_in_flight:
                r = next(ranks, None)
                if r is None:
                    break
                pending.append(task.remote(str(wd), name, r, task_threads))
            if not pending:
                break
            ready, pending = ray.wait(pending, num_returns=1)
            try:
                ray.get(ready)
            except ray.exceptions.RayTaskError as e:
                # The task's own error (a bad input, say): raise it as is.
                for ref in pending:
                    ray.cancel(ref)
                cause = getattr(e, "cause", None)
                if isinstance(cause, BaseException):
                    raise cause from None
                raise
            done += len(ready)
            if report:
                report(name, done, total, time.monotonic() - started)
    stats = json.loads(
        _syndic.stages_finish(
            str(wd),
            os.fspath(out),
            inputs,
            against=None if against is None else os.fspath(against),
            add=add,
        )
    )
    if created and not keep_work_dir:
        shutil.rmtree(wd, ignore_errors=True)
    return stats


def _syndic_error(message: str) -> Exception:
    from ._errors import InvalidParameter

    return InvalidParameter(message)


def main(argv: list[str]) -> int:
    """``python -m syndic dedup ... --engine ray [--address A]
    [--work-dir D] [--partitions N] [--max-in-flight N] [--max-retries N]``:
    the options of ``syndic dedup`` plus these."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m syndic dedup --engine ray")
    p.add_argument("inputs", nargs="+")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--engine", choices=["ray", "local"], default="ray")
    p.add_argument("--address")
    p.add_argument("--work-dir")
    p.add_argument("--partitions", type=int)
    p.add_argument("--max-in-flight", type=int)
    p.add_argument("--max-retries", type=int, default=3)
    p.add_argument("--keep-work-dir", action="store_true")
    p.add_argument("--quiet", "-q", action="store_true")
    p.add_argument("--shingle", type=int, default=5)
    p.add_argument("--permutations", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--threads", type=int)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--exact", action="store_true")
    g.add_argument("--signature-only", action="store_true")
    p.add_argument("--text-field", default="text")
    p.add_argument("--id-field")
    p.add_argument("--input-format", choices=["jsonl", "parquet", "warc", "text"])
    p.add_argument("--skip-bad", action="store_true")
    p.add_argument("--write-deduped", action="store_true")
    p.add_argument("--max-record-bytes", type=int)
    p.add_argument("--encoding")
    p.add_argument("--strict-utf8", action="store_true")
    p.add_argument("--exact-memory", type=int)
    p.add_argument("--bucket-cap", type=int)
    p.add_argument("--unique-ids", action="store_true")
    p.add_argument("--batch-bytes", type=int)
    p.add_argument("--against")
    p.add_argument("--add", action="store_true")
    a = p.parse_args(argv)
    if a.add and not a.against:
        p.error("--add needs --against ARCHIVE")
    opts: dict[str, Any] = {
        "shingle": a.shingle,
        "permutations": a.permutations,
        "seed": a.seed,
        "threshold": a.threshold,
        "verify": "exact" if a.exact else "signature" if a.signature_only else "auto",
        "text_field": a.text_field,
        "id_field": a.id_field,
        "input_format": a.input_format,
        "skip_bad": a.skip_bad,
        "write_deduped": a.write_deduped,
        "encoding": a.encoding,
        "strict_utf8": a.strict_utf8,
        "unique_ids": a.unique_ids,
    }
    for k in ["max_record_bytes", "bucket_cap", "batch_bytes"]:
        if getattr(a, k) is not None:
            opts[k] = getattr(a, k)
    from ._errors import Error

    try:
        stats = dedup(
            a.inputs,
            a.output,
            address=a.address,
            work_dir=a.work_dir,
            partitions=a.partitions,
            max_in_flight=a.max_in_flight,
            max_retries=a.max_retries,
            keep_work_dir=a.keep_work_dir,
            progress=not a.quiet,
            against=a.against,
            add=a.add,
            **opts,
        )
    except Error as e:
        print(f"syndic: error: {e}", file=sys.stderr)
        return 2
    print(
        f"syndic: {stats['documents']} documents, {stats['clusters']} clusters, "
        f"{stats['duplicates']} duplicates; outputs in {a.output}",
        file=sys.stderr,
    )
    return 0
