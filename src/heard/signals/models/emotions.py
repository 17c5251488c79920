"""Runtime emotion + sentiment models (no PyTorch): ONNX MiniLM ("default") and static ("fast").

Both output 31 logits per text: 28 GoEmotions labels, then negative/neutral/positive.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort
from scipy.sparse import csr_matrix
from tokenizers import Tokenizer

from heard.signals.models.calibration import Calibration, FloatArray
from heard.signals.models.labels import EMOTIONS

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
N_EMOTIONS = len(EMOTIONS)
# Characters Python's str.split() splits at but the BERT normaliser deletes (control
# characters); a text with one is tokenised whole, never chunk by chunk.
_UNSPLITTABLE = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_CHUNK_CACHE_SIZE = 200_000  # whitespace chunks remembered (tens of MB at most)


@dataclass(frozen=True)
class EmotionOutput:
    """Calibrated probabilities, emotions (n, 28) and sentiment (n, 3), and each text's
    sentence vector (n, d): what the emotion head reads, which the distress head reads too."""

    emotions: FloatArray
    sentiment: FloatArray
    features: FloatArray


class EmotionModel(Protocol):
    name: str
    calibration: Calibration

    def predict(self, texts: list[str], batch_size: int = 64) -> EmotionOutput: ...


def _threads() -> int:
    # ORT defaults to one thread per core; HEARD_MODEL_THREADS lets an operator share the box.
    return int(os.environ.get("HEARD_MODEL_THREADS", "0")) or (os.cpu_count() or 1)


class OnnxEmotionModel:
    """all-MiniLM-L6-v2 fine-tuned on GoEmotions, int8-quantised ONNX."""

    name = "minilm-int8"
    weights_file = "emotions-minilm.int8.onnx"
    dims = 384
    # Measured on 2 cores: batches of ~32 length-sorted texts are faster than 64 or 128
    # (less padding, activations stay in cache), so bigger requests are cut to this size.
    inner_batch = 32

    def __init__(
        self,
        artifacts: Path = ARTIFACTS,
        max_len: int = 64,
        *,
        onnx_path: Path | None = None,
        graph_optimization: bool = True,
        sort_by_length: bool = True,
    ) -> None:
        # The keyword options exist so benchmarks/score_throughput.py can measure what each
        # speed-up buys; the product always uses the defaults.
        opts = ort.SessionOptions()
        opts.graph_optimization_level = (
            ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            if graph_optimization
            else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        )
        opts.intra_op_num_threads = _threads()
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(onnx_path or artifacts / self.weights_file),
            opts,
            providers=["CPUExecutionProvider"],
        )
        self._sort = sort_by_length
        self._tok = Tokenizer.from_file(str(artifacts / "minilm-tokenizer.json"))
        self._tok.enable_truncation(max_len)
        self._tok.no_padding()
        self.calibration = Calibration.from_json(artifacts / "emotions-minilm.calibration.json")

    def logits(self, texts: list[str], batch_size: int = 64) -> FloatArray:
        return self.forward(texts, batch_size)[0]

    def forward(self, texts: list[str], batch_size: int = 64) -> tuple[FloatArray, FloatArray]:
        """Logits (n, 31) and mean-pooled sentence vectors (n, 384), in the texts' order."""
        ids = [e.ids for e in self._tok.encode_batch(texts)]
        lens = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        # Similar lengths together means little padding: the biggest single speed-up.
        order = np.argsort(lens, kind="stable") if self._sort else np.arange(len(ids))
        out = np.zeros((len(texts), N_EMOTIONS + 3), dtype=np.float32)
        pooled = np.zeros((len(texts), self.dims), dtype=np.float32)
        step = max(1, min(batch_size, self.inner_batch))
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            out[idx], pooled[idx] = self._run([ids[i] for i in idx], int(lens[idx].max()))
        return out, pooled

    def _run(self, seqs: list[list[int]], width: int) -> tuple[FloatArray, FloatArray]:
        input_ids = np.zeros((len(seqs), width), dtype=np.int64)
        mask = np.zeros((len(seqs), width), dtype=np.int64)
        for row, seq in enumerate(seqs):
            input_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        logits, pooled = self._session.run(
            ["logits", "pooled"], {"input_ids": input_ids, "attention_mask": mask}
        )
        return np.asarray(logits, dtype=np.float32), np.asarray(pooled, dtype=np.float32)

    def predict(self, texts: list[str], batch_size: int = 64) -> EmotionOutput:
        return _calibrated(self.calibration, *self.forward(texts, batch_size))


class StaticEmotionModel:
    """Static token embeddings (model2vec-distilled from MiniLM, fine-tuned) + MLP, numpy only."""

    name = "static-mlp"
    weights_file = "emotions-static.npz"

    def __init__(self, artifacts: Path = ARTIFACTS, max_tokens: int = 256) -> None:
        with np.load(artifacts / self.weights_file) as z:
            # Dequantise once at load: float32 lookups are faster than int8 + scale per call.
            self._emb = (z["emb_q"].astype(np.float32) * z["emb_scale"][:, None]).astype(np.float32)
            self._w1, self._b1 = z["w1"].astype(np.float32), z["b1"].astype(np.float32)
            self._w2, self._b2 = z["w2"].astype(np.float32), z["b2"].astype(np.float32)
        self._tok = Tokenizer.from_file(str(artifacts / "static-tokenizer.json"))
        self._tok.no_padding()
        self._tok.no_truncation()
        unk = self._tok.token_to_id("[UNK]")
        self._unk = -1 if unk is None else unk
        self._max_tokens = max_tokens
        self._chunk_ids: dict[str, tuple[int, ...]] = {}
        self.calibration = Calibration.from_json(artifacts / "emotions-static.calibration.json")

    def logits(self, texts: list[str]) -> FloatArray:
        return self.forward(texts)[0]

    def forward(self, texts: list[str]) -> tuple[FloatArray, FloatArray]:
        """Logits (n, 31) and the mean token embeddings (n, 256) the MLP reads."""
        feats = self._mean_embeddings(texts)
        hidden = np.maximum(feats @ self._w1 + self._b1, 0.0)
        logits: FloatArray = (hidden @ self._w2 + self._b2).astype(np.float32)
        return logits, feats

    def _mean_embeddings(self, texts: list[str]) -> FloatArray:
        seqs = self.token_ids(texts)
        lens = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
        flat = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=int(lens.sum()))
        indptr = np.concatenate(([0], np.cumsum(lens)))
        # Mean pooling as a sparse (texts x vocab) matrix of 1/len weights times the table:
        # never materialises the (tokens x dims) gather, about 3x faster than np.add.reduceat.
        weights = np.repeat(1.0 / lens, lens).astype(np.float32)
        pool = csr_matrix((weights, flat, indptr), shape=(len(seqs), self._emb.shape[0]))
        means: FloatArray = np.asarray(pool @ self._emb, dtype=np.float32)
        return means

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's token ids without [UNK], at most ``max_tokens``; [UNK] alone if empty.

        The same ids the tokenizer gives for the whole text, computed word by word: the
        tokenizer's normaliser works character by character and its pre-tokenizer splits at
        whitespace before anything else, so a whitespace-separated chunk always tokenises the
        same way. Chunks are cached, so a message costs a few dictionary look-ups instead of
        a pass through the tokenizer (which was most of this model's time). Texts with a
        character Python splits at but the tokenizer deletes go through the tokenizer whole.
        """
        cache = self._chunk_ids  # a local reference: another thread may swap in a new dict
        split = [None if _UNSPLITTABLE.search(t) else t.split() for t in texts]
        missing = {c for chunks in split if chunks for c in chunks}.difference(cache)
        if missing:
            if len(cache) + len(missing) > _CHUNK_CACHE_SIZE:
                cache = self._chunk_ids = {}
            words = list(missing)
            cache.update(zip(words, self._encode_words(words), strict=True))
        whole = [t for t, chunks in zip(texts, split, strict=True) if chunks is None]
        encoded = iter(self._encode(whole))
        seqs = []
        for chunks in split:
            ids = list(
                next(encoded)
                if chunks is None
                else chain.from_iterable(map(cache.__getitem__, chunks))
            )
            # An empty text gets the [UNK] vector, as in training.
            seqs.append(ids[: self._max_tokens] or [max(self._unk, 0)])
        return seqs

    def _encode_words(self, words: list[str]) -> list[tuple[int, ...]]:
        """Token ids of each whitespace-free chunk, from one tokenizer call on all of them
        (a call per chunk costs more than the tokenising); tokens go back to their chunk by
        their character offsets."""
        encoding = self._tok.encode(" ".join(words), add_special_tokens=False)
        lengths = np.fromiter((len(w) + 1 for w in words), dtype=np.int64, count=len(words))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        ids = np.asarray(encoding.ids, dtype=np.int64)
        token_starts = np.asarray([start for start, _end in encoding.offsets], dtype=np.int64)
        owner = np.searchsorted(starts, token_starts, side="right") - 1
        keep = ids != self._unk
        ids, owner = ids[keep], owner[keep]
        cuts = np.searchsorted(owner, np.arange(1, len(words)))
        return [tuple(part.tolist()) for part in np.split(ids, cuts)]

    def _encode(self, texts: list[str]) -> list[tuple[int, ...]]:
        if not texts:
            return []
        encoded = self._tok.encode_batch(texts, add_special_tokens=False)
        # Tuples of ints: the garbage collector stops tracking them, so a big cache costs
        # nothing at each collection.
        return [tuple(i for i in e.ids if i != self._unk) for e in encoded]

    def predict(self, texts: list[str], batch_size: int = 64) -> EmotionOutput:
        return _calibrated(self.calibration, *self.forward(texts))


def _calibrated(cal: Calibration, logits: FloatArray, features: FloatArray) -> EmotionOutput:
    return EmotionOutput(
        emotions=cal.emotion_probs(logits[:, :N_EMOTIONS]),
        sentiment=cal.sentiment_probs(logits[:, N_EMOTIONS:]),
        features=features,
    )
