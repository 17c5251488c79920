"""A people partner runs a debrief: observations from many sessions become patterns ranked
by breadth, and one-off remarks stay anecdotes. Measured against a labelled set."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score

from heard.cli import cli
from heard.programs.patterns import Item, find_patterns

EVAL = Path(__file__).parents[2] / "data" / "programs" / "patterns_eval.jsonl"


def labelled() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]


def as_items(rows: list[dict[str, Any]]) -> list[Item]:
    return [Item(r["id"], r["text"], r["session"], r["leader"], r["segment"]) for r in rows]


def test_planted_patterns_are_recovered_with_ari_of_at_least_0_8() -> None:
    rows = labelled()
    assert len(rows) >= 150
    result = find_patterns(as_items(rows))
    found = {m: k for k, p in enumerate(result["patterns"]) for m in p["members"]}
    # Every anecdote is its own group in the truth, and anything left unclustered is too.
    truth = [r["label"] if r["label"] != "anecdote" else r["id"] for r in rows]
    predicted = [f"p{found[r['id']]}" if r["id"] in found else r["id"] for r in rows]
    assert adjusted_rand_score(truth, predicted) >= 0.8


def test_patterns_are_ranked_by_breadth_and_carry_quotes() -> None:
    result = find_patterns(as_items(labelled()))
    breadth = [p["sessions"] for p in result["patterns"]]
    assert breadth == sorted(breadth, reverse=True)
    top = result["patterns"][0]
    assert top["label"] and len(top["quotes"]) == 3 and top["leaders"] >= 2


def test_a_remark_from_a_single_session_is_an_anecdote() -> None:
    items = [
        Item("a", "The customer waited on hold for forty minutes.", "s1", "l1"),
        Item("b", "She waited on hold for almost an hour before anyone answered.", "s2", "l2"),
        Item("c", "He waited on hold so long that he hung up.", "s3", "l3"),
        Item("d", "Our billboard light outside the station is broken.", "s4", "l1"),
    ]
    result = find_patterns(items)
    assert result["anecdotes"] == ["d"]
    assert sorted(result["patterns"][0]["members"]) == ["a", "b", "c"]


def test_a_thousand_observations_cluster_within_five_seconds() -> None:
    rows = labelled()
    items = [
        Item(f"{r['id']}-{copy}", f"{r['text']} ({copy})", f"{r['session']}-{copy % 3}",
             r["leader"], r["segment"])
        for copy in range(7) for r in rows
    ][:1000]
    started = time.perf_counter()
    find_patterns(items)
    assert time.perf_counter() - started < 5


def test_the_command_line_reads_jsonl_and_writes_patterns(tmp_path: Path) -> None:
    target = tmp_path / "patterns.json"
    outcome = CliRunner().invoke(
        cli, ["programs", "patterns", "--input", str(EVAL), "--output", str(target)]
    )
    assert outcome.exit_code == 0, outcome.output
    written = json.loads(target.read_text())
    assert set(written) == {"patterns", "anecdotes"}
    assert {"label", "members", "sessions", "leaders"} <= set(written["patterns"][0])


def test_the_sentence_model_runs_without_torch() -> None:
    code = (
        "import sys; from heard.programs.embedding import sentence_model;"
        "sentence_model().encode(['hello']); assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
