"""Parts, executors and identical results: one process, many parts, a Dask LocalCluster."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osseous.analytics import sources
from osseous.analytics.engine import ANALYSES, run, tallies
from osseous.analytics.sources import CohortInputError, Part, documents, partitions
from osseous.analytics.synth import synthetic_cohort
from osseous.core.executor import Executor, InProcess, open_executor
from osseous.interop.bulk import RESULTS, SUMMARY, assess_export

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from gen_bulk import generate


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort") / "registry.ndjson"
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in synthetic_cohort(600, seed=3)))
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[Executor]:
    with open_executor(workers=2) as executor:
        yield executor


def _lines(path: Path) -> list[tuple[int, bytes]]:
    return [(i, line) for i, line in enumerate(path.read_bytes().split(b"\n"), start=1)
            if line.strip()]


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.sampled_from([b'{"a":1}', b'{"bb":[1,2,3]}', b"", b"  "]),
                      max_size=30),
       part_bytes=st.integers(min_value=1, max_value=64), final_newline=st.booleans(),
       scan=st.sampled_from([3, 8, 17, 8 * 1024 * 1024]))
def test_parts_cover_every_line_once_with_its_number(
        tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], part_bytes: int,
        final_newline: bool, scan: int) -> None:
    path = tmp_path_factory.mktemp("p") / "x.ndjson"
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline and lines else b""))
    # the file is read in blocks of ``scan`` bytes: small blocks split lines and parts
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "_SCAN", scan)
        parts = partitions([path], part_bytes)
    got = [(n, orjson.dumps(doc)) for part in parts for n, doc in documents(part)]
    assert got == [(n, orjson.dumps(orjson.loads(line))) for n, line in _lines(path)]
    # parts are contiguous and in order
    for before, after in itertools.pairwise(parts):
        assert before.end == after.start


def test_identical_results_in_process_in_parts_and_on_a_dask_cluster(
        cohort: Path, cluster: Executor) -> None:
    names = list(ANALYSES)
    whole = orjson.dumps(run([cohort], names))
    assert len(partitions([cohort], 8192)) > 10
    assert orjson.dumps(run([cohort], names, part_bytes=8192)) == whole
    assert orjson.dumps(run([cohort], names, cluster, part_bytes=8192)) == whole
    assert cluster.workers == 2 and "2 worker processes" in cluster.description


def test_a_bad_document_names_its_file_and_line(tmp_path: Path, cluster: Executor) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_bytes(b'{"patient": {"ecog": 1}}\n\n{"patient": {"ecog": 9}}\n')
    for executor in (InProcess(), cluster):
        with pytest.raises(CohortInputError, match=r"bad\.ndjson:3: patient\.ecog"):
            run([path], ["quality"], executor, part_bytes=4)
    path.write_bytes(b'{"patient": {}}\n{"patient": \n')
    with pytest.raises(CohortInputError, match=r"bad\.ndjson:2: not valid JSON"):
        run([path], ["quality"])


def test_unknown_analyses_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="analyses: must be among"):
        tallies([tmp_path], ["survival-of-the-fittest"])
    with pytest.raises(CohortInputError, match="cannot read"):
        partitions([tmp_path / "missing.json"])
    with pytest.raises(CohortInputError, match="cannot read"):
        list(documents(Part(str(tmp_path / "gone.ndjson"), 0, -1, 1)))
    with pytest.raises(ValueError, match="workers: must be 0"), open_executor(-1):
        pass


def test_bulk_fhir_assessment_gives_the_same_files_on_dask(tmp_path: Path,
                                                           cluster: Executor) -> None:
    generate(tmp_path / "in", 90)
    local = assess_export(tmp_path / "in", tmp_path / "local", date(2026, 11, 20))
    remote = assess_export(tmp_path / "in", tmp_path / "dask", date(2026, 11, 20),
                           executor=cluster)
    assert local.to_dict() == remote.to_dict() and local.assessed > 0
    for name in (RESULTS, SUMMARY):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
