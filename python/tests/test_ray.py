"""syndic.ray on a real Ray cluster of several nodes on 127.0.0.1 (issue 15).

Each cluster is ``ray start --head --block`` plus ``ray start --address
--block`` per further node, every one with one CPU, no dashboard, a small
object store and a private temporary directory, each in a process group of
its own; the finalizer ends exactly those process groups (never ``ray stop``,
which would end every Ray on the machine), even when a test fails.

Outputs are compared byte for byte with the ``syndic`` binary's
($SYNDIC_BIN, built by python/tests/run); ``stats.json`` after removing
``work``, ``seconds`` and ``peak_rss_bytes``, which describe the execution.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Iterator

import pytest

# A private test cluster on 127.0.0.1: no token authentication (Ray 2.5x
# turns it on by default and would look for ~/.ray/auth_token), no usage
# statistics.
os.environ["RAY_AUTH_MODE"] = "disabled"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"

import ray  # noqa: E402  (the [ray] extra: python/tests/run installs it; missing is a failure)

import syndic

BIN = os.environ.get("SYNDIC_BIN", "syndic")
RAY = str(pathlib.Path(sys.executable).with_name("ray"))
OBJECT_STORE = str(100 * 1024 * 1024)


def run_cli(*args: str) -> None:
    p = subprocess.run([BIN, *args], capture_output=True)
    if p.returncode != 0:
        raise AssertionError(f"syndic {' '.join(args)} failed: {p.stderr.decode()}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A Ray cluster of `nodes` one-CPU nodes on 127.0.0.1."""

    def __init__(self, nodes: int) -> None:
        # Short path: Ray's socket names must fit in 107 bytes.
        self.tmp = tempfile.mkdtemp(prefix="sr-", dir="/tmp")
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []
        self.logs: list[pathlib.Path] = []
        env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
        common = [
            "--num-cpus", "1", "--object-store-memory", OBJECT_STORE,
            "--node-ip-address", "127.0.0.1", "--block", "--disable-usage-stats",
        ]
        try:
            self._start(
                [RAY, "start", "--head", "--port", str(self.port),
                 "--include-dashboard=false", "--temp-dir", self.tmp, *common],
                env,
            )
            self._wait_nodes(1)
            for i in range(1, nodes):
                self._start([RAY, "start", "--address", self.address, *common], env)
                self._wait_nodes(i + 1)
        except BaseException:
            self.stop()
            raise

    def _start(self, cmd: list[str], env: dict) -> None:
        log = pathlib.Path(self.tmp) / f"node-{len(self.procs)}.log"
        self.logs.append(log)
        with open(log, "wb") as out:
            self.procs.append(
                subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                 start_new_session=True)
            )

    def _nodes(self) -> int:
        p = subprocess.run(
            [sys.executable, "-c",
             "import ray,sys; ray.init(address=sys.argv[1], logging_level='ERROR');"
             "print(sum(1 for n in ray.nodes() if n['Alive']))", self.address],
            capture_output=True, timeout=120,
        )
        try:
            return int(p.stdout.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return 0

    def _wait_nodes(self, n: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for p, log in zip(self.procs, self.logs):
                if p.poll() is not None:
                    raise AssertionError(f"ray start exited: {log.read_text(errors='replace')[-3000:]}")
            if self._nodes() >= n:
                return
            time.sleep(1)
        raise AssertionError(f"the Ray cluster did not reach {n} nodes in 120 s")

    def raylet_pid(self, node: int) -> int:
        """The PID of node `node`'s raylet (a process of its group)."""
        pgid = os.getpgid(self.procs[node].pid)
        for d in pathlib.Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                if os.getpgid(int(d.name)) != pgid:
                    continue
                cmd = (d / "cmdline").read_bytes().split(b"\0")[0]
            except (OSError, ProcessLookupError):
                continue
            if cmd.endswith(b"/raylet"):
                return int(d.name)
        raise AssertionError(f"no raylet in node {node}'s process group")

    def stop(self) -> None:
        if ray.is_initialized():
            ray.shutdown()
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of our process groups (workers, the GCS).
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def cluster_of(request: pytest.FixtureRequest, nodes: int) -> Cluster:
    c = Cluster(nodes)
    request.addfinalizer(c.stop)
    ray.init(address=c.address, logging_level="ERROR", log_to_driver=False)
    return c


@pytest.fixture
def two_nodes(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    yield cluster_of(request, 2)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A seeded synthetic crawl (`syndic synth`) split into 6 shards."""
    d = tmp_path_factory.mktemp("crawl")
    run_cli("synth", "--docs", "3000", "--seed", "15", "-o", str(d / "synth"))
    lines = (d / "synth" / "corpus.jsonl").read_text().splitlines(keepends=True)
    shards = d / "shards"
    shards.mkdir()
    per = -(-len(lines) // 6)
    for i in range(6):
        (shards / f"part-{i}.jsonl").write_text("".join(lines[i * per:(i + 1) * per]))
    return shards


def result_stats(out: pathlib.Path) -> dict:
    s = json.loads((out / "stats.json").read_text())
    for k in ["work", "seconds", "peak_rss_bytes"]:
        del s[k]
    return s


def assert_same(cli: pathlib.Path, other: pathlib.Path) -> None:
    names = sorted(p.name for p in cli.iterdir())
    assert names == sorted(p.name for p in other.iterdir())
    for name in names:
        if name != "stats.json":
            a, b = (cli / name).read_bytes(), (other / name).read_bytes()
            assert a == b, f"{name} differs ({len(a)} vs {len(b)} bytes)"
    assert result_stats(cli) == result_stats(other)


def cli_outputs(tmp_path: pathlib.Path, inputs: pathlib.Path, *extra: str) -> pathlib.Path:
    out = tmp_path / "cli"
    run_cli("dedup", str(inputs), "-o", str(out), *extra)
    return out


def test_ray_gives_the_clis_outputs_byte_for_byte(
    tmp_path: pathlib.Path, crawl: pathlib.Path, two_nodes: Cluster
) -> None:
    cli = cli_outputs(tmp_path, crawl, "--write-deduped")
    assert (cli / "clusters.jsonl").stat().st_size > 10_000
    seen: list[str] = []
    stats = syndic.dedup(
        [crawl], tmp_path / "ray", engine="ray", write_deduped=True, partitions=4,
        progress=lambda stage, done, total, secs: seen.append(stage),
    )
    assert_same(cli, tmp_path / "ray")
    assert stats["duplicates"] == result_stats(cli)["duplicates"]
    assert "sign" in seen and "write.shards" in seen
    # Both nodes did work.
    assert len({n["NodeID"] for n in ray.nodes() if n["Alive"]}) == 2
    # The work directory it made is gone; the output is a finished run.
    assert not (tmp_path / ".ray.syndic-work").exists()
    # The command line, through python -m syndic, with --engine ray.
    p = subprocess.run(
        [sys.executable, "-m", "syndic", "dedup", str(crawl), "-o", str(tmp_path / "ray-cli"),
         "--write-deduped", "--engine", "ray", "--address", two_nodes.address, "--quiet"],
        capture_output=True, cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr.decode()
    assert_same(cli, tmp_path / "ray-cli")


def test_killing_the_worker_nodes_raylet_mid_run_changes_nothing(
    tmp_path: pathlib.Path, crawl: pathlib.Path, two_nodes: Cluster
) -> None:
    cli = cli_outputs(tmp_path, crawl, "--exact")
    raylet = two_nodes.raylet_pid(1)
    killed: list[str] = []

    def progress(stage: str, done: int, total: int, secs: float) -> None:
        # After the first bucket task, with others in flight on both nodes.
        if stage == "bucket" and not killed:
            os.kill(raylet, signal.SIGKILL)
            killed.append(stage)

    syndic.dedup(
        [crawl], tmp_path / "ray", engine="ray", verify="exact", partitions=6,
        max_in_flight=2, max_retries=5, progress=progress,
    )
    assert killed, "the raylet was killed during the run"
    assert_same(cli, tmp_path / "ray")
    # The kill took: the cluster marks the node dead (after its health
    # checks time out).
    deadline = time.monotonic() + 90
    while sum(1 for n in ray.nodes() if n["Alive"]) != 1:
        assert time.monotonic() < deadline, "the worker node is still alive"
        time.sleep(1)


def test_a_bucket_of_100000_identical_documents_stays_within_a_memory_cap(
    tmp_path: pathlib.Path, two_nodes: Cluster
) -> None:
    page = ("the same boilerplate page of a site with its menu and footer " * 8).strip()
    d = tmp_path / "same"
    d.mkdir()
    for i in range(4):
        with open(d / f"part-{i}.jsonl", "w") as f:
            for j in range(25_000):
                f.write(json.dumps({"id": f"p{i}-{j}", "text": page}) + "\n")
    cli = cli_outputs(tmp_path, d, "--id-field", "id")
    stats = syndic.dedup([d], tmp_path / "ray", engine="ray", id_field="id", partitions=2)
    assert_same(cli, tmp_path / "ray")
    assert stats["clusters"] == 1 and stats["duplicates"] == 99_999
    assert stats["work"]["oversized_buckets"] >= 1
    # The largest task process (a Ray worker: Python, Ray and the task).
    cap = 600 * 1024 * 1024
    assert stats["peak_rss_bytes"] < cap, stats["peak_rss_bytes"]


@pytest.mark.parametrize("nodes", [1, 2, 4])
def test_outputs_do_not_depend_on_the_number_of_workers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
    crawl: pathlib.Path, nodes: int
) -> None:
    base = tmp_path_factory.getbasetemp() / "determinism"
    base.mkdir(exist_ok=True)
    cli = base / "cli"
    if not cli.exists():
        run_cli("dedup", str(crawl), "-o", str(cli))
    cluster_of(request, nodes)
    out = base / f"ray-{nodes}"
    syndic.dedup([crawl], out, engine="ray", progress=False)
    assert int(ray.cluster_resources()["CPU"]) == nodes
    assert_same(cli, out)


def test_ray_against_an_archive_with_add_gives_the_clis_outputs(
    tmp_path: pathlib.Path, crawl: pathlib.Path, two_nodes: Cluster
) -> None:
    """`dedup --against ARCHIVE --add` on Ray: the same outputs
    (matches.jsonl and against.json too) and the same archive afterwards."""
    parts = sorted(crawl.iterdir())
    old, new = parts[:2], [str(p) for p in parts[2:]]
    for side in ["cli", "ray"]:
        (tmp_path / side).mkdir()
        run_cli("index", "add", str(tmp_path / side / "arch.db"), *map(str, old),
                "--id-field", "id", "--keep-text")
    common = ["--id-field", "id", "--write-deduped", "--against", "arch.db", "--add", "-o", "out"]
    p = subprocess.run([BIN, "dedup", *new, *common], capture_output=True, cwd=tmp_path / "cli")
    assert p.returncode == 0, p.stderr.decode()
    p = subprocess.run(
        [sys.executable, "-m", "syndic", "dedup", *new, *common, "--engine", "ray",
         "--address", two_nodes.address, "--partitions", "3", "--quiet"],
        capture_output=True, cwd=tmp_path / "ray",
    )
    assert p.returncode == 0, p.stderr.decode()
    assert_same(tmp_path / "cli" / "out", tmp_path / "ray" / "out")
    against = json.loads((tmp_path / "ray" / "out" / "against.json").read_text())
    assert against["duplicates_of_archived"] > 0 and against["added"] > 0
    stats = [
        json.loads(subprocess.run(
            [BIN, "index", "stats", str(tmp_path / side / "arch.db"), "--format", "json"],
            capture_output=True, check=True,
        ).stdout)["documents"]
        for side in ["cli", "ray"]
    ]
    assert stats[0] == stats[1] > 0
