"""Human review: distress and low-confidence scores are queued; a reviewer's correction is
stored as a label, shows on the message, and feeds `heard models evaluate`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.errors import Conflict, ValidationError
from heard.signals import review
from heard.signals.agreement import agreement
from heard.store.tables.signals import Label, Score
from tests.signals.test_routing import ingest_messages, message


def test_distress_and_low_confidence_scores_wait_for_review(heard_app: Heard) -> None:
    ingest_messages(
        heard_app,
        [
            message(1, "I am angry"),  # confident: no review
            message(2, "unsure what I feel"),  # low confidence
            message(3, "I want to hurt myself"),  # distress: always reviewed
        ],
    )
    with heard_app.transaction() as s:
        queue = review.review_queue(s, OPERATOR)
    assert [(i["reason"], i["text"]) for i in queue["items"]] == [
        ("distress", "I want to hurt myself"),
        ("low_confidence", "unsure what I feel"),
    ]
    assert queue["counts"] == {"pending": 2, "confirmed": 0, "corrected": 0}


def test_a_correction_is_stored_as_a_label_and_shown_on_the_message(heard_app: Heard) -> None:
    ingest_messages(heard_app, [message(1, "unsure, I am sad"), message(2, "unsure what I feel")])
    with heard_app.transaction() as s:
        first, second = review.review_queue(s, OPERATOR)["items"]
        review.submit_review(
            s, OPERATOR, first["id"], emotion_labels=["anger"], sentiment="negative", distress=False
        )
        review.submit_review(
            s,
            OPERATOR,
            second["id"],
            emotion_labels=["neutral"],
            sentiment="neutral",
            distress=False,
        )
    with heard_app.transaction() as s:
        corrected = s.get(Score, first["interaction_id"])
        assert corrected is not None
        assert (corrected.emotion_labels, corrected.top_group, corrected.reviewed) == (
            ["anger"],
            "anger_frustration",
            True,
        )
        labels = list(s.scalars(select(Label).order_by(Label.id)))
        assert [(x.corrected, x.model_emotion_labels) for x in labels] == [
            (True, ["sadness"]),
            (False, ["neutral"]),
        ]
        with pytest.raises(Conflict):
            review.submit_review(
                s, OPERATOR, first["id"], emotion_labels=[], sentiment="neutral", distress=False
            )
        with pytest.raises(ValidationError):
            review.submit_review(
                s,
                OPERATOR,
                second["id"],
                emotion_labels=["rage"],
                sentiment="cross",
                distress=False,
            )
        report = agreement(s, OPERATOR)
    assert (report["labels"], report["corrected"]) == (2, 1)
    assert report["sentiment"]["accuracy"] == 1.0
    assert report["emotions"]["exact_match"] == 0.5


def test_models_evaluate_reports_agreement_from_the_cli(
    heard_app: Heard, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heard.cli import cli

    ingest_messages(heard_app, [message(1, "unsure, I am sad")])
    with heard_app.transaction() as s:
        item = review.review_queue(s, OPERATOR)["items"][0]
        review.submit_review(
            s, OPERATOR, item["id"], emotion_labels=["sadness"], sentiment="neutral", distress=False
        )
    monkeypatch.setenv("HEARD_DATABASE_URL", heard_app.settings.database_url)
    result = CliRunner().invoke(cli, ["models", "evaluate", "--labels", "reviewed"])
    assert result.exit_code == 0, result.output
    assert '"labels": 1' in result.output and '"kappa"' in result.output


def test_a_reviewer_who_sees_distress_sends_the_case_to_specialists(heard_app: Heard) -> None:
    from heard.signals import routing
    from heard.store.tables.signals import Case, Queue

    ingest_messages(heard_app, [message(1, "unsure, everything is pointless")])
    with heard_app.transaction() as s:
        item = review.review_queue(s, OPERATOR)["items"][0]
        review.submit_review(
            s, OPERATOR, item["id"], emotion_labels=["sadness"], sentiment="negative", distress=True
        )
    with heard_app.transaction() as s:
        queue = s.scalar(select(Queue.name).join(Case, Case.queue_id == Queue.id))
        assert queue == routing.SPECIALIST_QUEUE
