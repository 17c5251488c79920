"""How often the models agree with reviewers (``heard models evaluate --labels reviewed``).

Each reviewer verdict (:class:`~heard.store.tables.signals.Label`) stores what the model
said at the time, so agreement is measured on exactly what the reviewer saw. Per head:

* **sentiment**: accuracy, macro-F1 and Cohen's kappa over negative/neutral/positive;
* **distress**: accuracy, F1, recall, precision and Cohen's kappa on the flag;
* **emotions**: micro- and macro-F1 over the 28 labels (multi-label), exact-set accuracy,
  and Cohen's kappa per dashboard group (is the group present or not).

Reviewed messages are not a random sample (they were low-confidence or distressed), so
these figures describe the hard cases; they are not a substitute for the model card.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    f1_score,
    precision_score,
    recall_score,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.store.tables.signals import Label

SENTIMENTS = ["negative", "neutral", "positive"]


def _kappa(a: list[Any], b: list[Any]) -> float | None:
    # kappa is undefined when both raters used a single category throughout
    if len(set(a) | set(b)) < 2:
        return None
    return round(float(cohen_kappa_score(a, b)), 4)


def _r(value: float) -> float:
    return round(float(value), 4)


def _emotions(labels: list[Label]) -> dict[str, Any]:
    from heard.signals.models.labels import EMOTIONS, GROUPS

    def matrix(sets: list[list[str]]) -> np.ndarray[Any, Any]:
        return np.array([[name in s for name in EMOTIONS] for s in sets], dtype=int)

    model = matrix([x.model_emotion_labels for x in labels])
    human = matrix([x.emotion_labels for x in labels])
    groups = {}
    for group, members in GROUPS.items():
        idx = [EMOTIONS.index(m) for m in members]
        human_has = [bool(row[idx].any()) for row in human]
        model_has = [bool(row[idx].any()) for row in model]
        groups[group] = _kappa(human_has, model_has)
    return {
        "micro_f1": _r(f1_score(human, model, average="micro", zero_division=0)),
        "macro_f1": _r(f1_score(human, model, average="macro", zero_division=0)),
        "exact_match": _r(accuracy_score(human, model)),
        "group_kappa": groups,
    }


def agreement(session: Session, actor: Actor) -> dict[str, Any]:
    require(actor, Permission.SIGNALS_DASHBOARD)
    labels = list(session.scalars(select(Label).order_by(Label.id)))
    audit.record(session, actor, "signals.agreement.read", "signal_labels", count=len(labels))
    if not labels:
        return {"labels": 0, "message": "no reviewed labels yet; review some scores first"}
    human_sent = [x.sentiment for x in labels]
    model_sent = [x.model_sentiment for x in labels]
    human_dis = [x.distress for x in labels]
    model_dis = [x.model_distress for x in labels]
    return {
        "labels": len(labels),
        "corrected": sum(1 for x in labels if x.corrected),
        "sentiment": {
            "accuracy": _r(accuracy_score(human_sent, model_sent)),
            "macro_f1": _r(
                f1_score(
                    human_sent, model_sent, labels=SENTIMENTS, average="macro", zero_division=0
                )
            ),
            "kappa": _kappa(human_sent, model_sent),
        },
        "distress": {
            "accuracy": _r(accuracy_score(human_dis, model_dis)),
            "f1": _r(f1_score(human_dis, model_dis, zero_division=0)),
            "recall": _r(recall_score(human_dis, model_dis, zero_division=0)),
            "precision": _r(precision_score(human_dis, model_dis, zero_division=0)),
            "kappa": _kappa(human_dis, model_dis),
        },
        "emotions": _emotions(labels),
        "note": "reviewed messages are the hard cases (low confidence or distress), "
        "not a random sample",
    }
