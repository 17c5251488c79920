"""Reproduce every shipped emotion/sentiment model: default (MiniLM, ONNX int8) and fast (static).

    .venv-train/bin/python training/train_emotions.py            # both, ~25-30 min on 2 cores
    .venv-train/bin/python training/train_emotions.py --only fast

Writes src/heard/signals/models/artifacts/*; scratch files go to training/.cache/ (ignored).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", choices=["default", "fast"])
    args = ap.parse_args()
    steps = [args.only] if args.only else ["default", "fast"]
    for step in steps:
        # Separate processes: each script fixes its own seeds and frees its memory on exit.
        subprocess.run([sys.executable, "-u", str(HERE / f"train_{step}.py")], check=True, cwd=HERE)


if __name__ == "__main__":
    main()
