"""Settings are parsed strictly and every one of them is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from heard.errors import ConfigError
from heard.settings import SETTINGS, Settings, settings_markdown

DOCS = Path(__file__).parent.parent / "docs" / "configuration.md"


def test_configuration_doc_carries_the_generated_settings_table() -> None:
    assert settings_markdown() in DOCS.read_text(), (
        "docs/configuration.md is stale: paste the output of `heard settings --markdown`"
    )


def test_every_setting_has_help() -> None:
    assert all(len(s.help) > 10 for s in SETTINGS)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HEARD_COOKIE_SECURE": "perhaps"}, "HEARD_COOKIE_SECURE: expected true/false"),
        ({"HEARD_PORT": "eighty"}, "HEARD_PORT"),
        ({"HEARD_MIN_GROUP_SIZE": "2"}, "must be at least 3"),
        ({"HEARD_MIN_GROUP_SIZE": "11"}, "must be at most 10"),
    ],
)
def test_bad_values_are_errors_not_defaults(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_values_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"HEARD_COOKIE_SECURE": "yes", "HEARD_PORT": "9000"})
    assert settings.cookie_secure is True and settings.port == 9000
    assert settings.min_group_size == 5
