"""The offline sentence model behind debriefs: a static embedding table distilled from
all-MiniLM-L6-v2 (see docs/models/sentence-embeddings.md and
training/distill_sentence_model.py).

A sentence's vector is the mean of its WordPiece tokens' rows, L2-normalised. It needs
numpy and `tokenizers` only: no network, no PyTorch.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from tokenizers import Tokenizer

MODEL_DIR = Path(__file__).parent / "models" / "minilm-static"


class SentenceModel:
    def __init__(self, directory: Path = MODEL_DIR) -> None:
        self.vectors = np.load(directory / "embeddings.npz")["vectors"].astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(256)
        self.config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        self.unknown = self.tokenizer.token_to_id("[UNK]")

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        """One unit-length row per text (a zero row when no token is known)."""
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        rows: list[int] = []
        cols: list[int] = []
        for row, encoding in enumerate(encodings):
            ids = [i for i in encoding.ids if i != self.unknown]
            rows.extend([row] * len(ids))
            cols.extend(ids)
        counts = sparse.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), (rows, cols)),
            shape=(len(texts), self.vectors.shape[0]),
        )
        lengths = np.maximum(np.asarray(counts.sum(axis=1)).ravel(), 1.0)
        pooled = np.asarray(counts @ self.vectors) / lengths[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: NDArray[np.float32] = (pooled / np.maximum(norms, 1e-9)).astype(np.float32)
        return unit


@lru_cache(maxsize=1)
def sentence_model() -> SentenceModel:
    """Loaded once per process (about 15 MB)."""
    return SentenceModel()
