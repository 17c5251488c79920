"""Pattern-finding debriefs: group observations from many sessions by meaning.

1. Features: the offline sentence model's vectors (centred on this debrief's own mean, so
   what every observation shares, "the customer said...", stops dominating) joined with
   TF-IDF word weights, which keep concrete nouns ("invoice", "hold") from being blurred.
2. Agglomerative clustering, average linkage on cosine distance with a fixed threshold,
   so the number of patterns comes from the data.
3. A group raised in only one session is an anecdote, not a pattern. Patterns are ranked
   by breadth: distinct sessions, then leaders, then customer segments, then size.
4. Each pattern gets a label from its most distinctive words and the observations nearest
   its centre as representative quotes. People partners rename, merge and split later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from heard.errors import Problem, ValidationError
from heard.programs.embedding import sentence_model

# Chosen on the development set data/programs/patterns_dev.jsonl only, by
# benchmarks/programs_patterns_tune.py; the eval and stress sets are measured, never tuned on
# (see docs/models/sentence-embeddings.md).
DISTANCE_THRESHOLD = 0.94
LEXICAL_WEIGHT = 0.5  # share of squared norm given to TF-IDF features
QUOTES = 3
NEAR_DUPLICATE = 0.9  # cosine similarity above which two quotes say the same thing


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    session: str
    leader: str
    segment: str = ""


def read_jsonl(lines: Iterable[str]) -> list[Item]:
    """Parse `{"id","text","session","leader","segment"}` lines; report every bad line."""
    items: list[Item] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"not JSON: {exc.msg}", line=number))
            continue
        missing = [k for k in ("id", "text", "session", "leader") if not row.get(k)]
        if not isinstance(row, dict) or missing:
            problems.append(Problem(f"missing {', '.join(missing)}", line=number))
            continue
        items.append(
            Item(
                str(row["id"]),
                str(row["text"]),
                str(row["session"]),
                str(row["leader"]),
                str(row.get("segment") or ""),
            )
        )
    if problems:
        raise ValidationError(problems)
    return items


def _unit(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: NDArray[np.float64] = matrix / np.maximum(norms, 1e-9)
    return unit


def features(
    texts: Sequence[str], lexical_weight: float = LEXICAL_WEIGHT
) -> NDArray[np.float64]:
    semantic = sentence_model().encode(list(texts)).astype(np.float64)
    # Shrink the centring for tiny debriefs, where the mean is mostly the items themselves.
    shrink = len(texts) / (len(texts) + 10)
    semantic = _unit(semantic - shrink * semantic.mean(axis=0, keepdims=True))
    from sklearn.feature_extraction.text import TfidfVectorizer  # see _cluster_vectors

    try:
        lexical = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
        words = _unit(lexical.toarray())
    except ValueError:  # nothing but stop words
        words = np.zeros((len(texts), 1))
    return np.hstack(
        [semantic * np.sqrt(1 - lexical_weight), words * np.sqrt(lexical_weight)]
    )


def cluster(
    texts: Sequence[str], threshold: float = DISTANCE_THRESHOLD,
    lexical_weight: float = LEXICAL_WEIGHT,
) -> list[int]:
    if len(texts) < 2:
        return [0] * len(texts)
    return _cluster_vectors(features(texts, lexical_weight), threshold)


def _cluster_vectors(vectors: NDArray[np.float64], threshold: float) -> list[int]:
    # scikit-learn is imported where it is used: importing it takes over a second, and every
    # `heard` command (and each web worker) imports this module.
    from sklearn.cluster import AgglomerativeClustering

    clustering = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return [int(c) for c in clustering.fit_predict(vectors)]


def _label(texts: Sequence[str], members: list[int], top: int = 3) -> str:
    """The words most particular to this group compared with the whole debrief."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # see _cluster_vectors

    try:
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return texts[members[0]][:60]
    weights = np.asarray(matrix[members].sum(axis=0)).ravel()
    vocabulary = vectorizer.get_feature_names_out()
    best = [vocabulary[i] for i in np.argsort(-weights)[:top] if weights[i] > 0]
    return " · ".join(best) if best else texts[members[0]][:60]


def describe(
    items: Sequence[Item], members: list[int], vectors: NDArray[np.float64]
) -> dict[str, Any]:
    """Breadth counts, a label and the quotes nearest the group's centre."""
    centre = vectors[members].mean(axis=0)
    nearest = sorted(members, key=lambda i: -float(vectors[i] @ centre))
    texts = [item.text for item in items]
    quotes: list[int] = []
    for i in nearest:  # the nearest distinct remarks: one line said five times is one quote
        if len(quotes) == QUOTES:
            break
        if all(float(_unit(vectors[[i, j]])[0] @ _unit(vectors[[i, j]])[1]) < NEAR_DUPLICATE
               for j in quotes):
            quotes.append(i)
    return {
        "label": _label(texts, members),
        "members": [items[i].id for i in members],
        "sessions": len({items[i].session for i in members}),
        "leaders": len({items[i].leader for i in members}),
        "segments": len({items[i].segment for i in members if items[i].segment}),
        "size": len(members),
        "quotes": [items[i].text for i in quotes],
    }


def breadth(pattern: dict[str, Any]) -> tuple[int, int, int, int]:
    return (pattern["sessions"], pattern["leaders"], pattern["segments"], pattern["size"])


def find_patterns(
    items: Sequence[Item], threshold: float = DISTANCE_THRESHOLD,
    lexical_weight: float = LEXICAL_WEIGHT,
) -> dict[str, Any]:
    """Patterns ranked by breadth, and the anecdotes (raised in one session only)."""
    if not items:
        return {"patterns": [], "anecdotes": []}
    texts = [item.text for item in items]
    if len(items) > 1:
        vectors = features(texts, lexical_weight)
        labels = _cluster_vectors(vectors, threshold)
    else:
        vectors, labels = np.ones((1, 1)), [0]
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    patterns: list[dict[str, Any]] = []
    anecdotes: list[str] = []
    for members in groups.values():
        if len({items[i].session for i in members}) < 2:
            anecdotes.extend(items[i].id for i in members)
        else:
            patterns.append(describe(items, members, vectors))
    patterns.sort(key=breadth, reverse=True)
    return {"patterns": patterns, "anecdotes": sorted(anecdotes)}
