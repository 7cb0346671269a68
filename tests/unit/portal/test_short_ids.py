"""Ids as people read them: two made in the same minute must not look alike."""

from __future__ import annotations

import uuid_utils

from portal.templating import short
from runtime.notifications.render import short as mail_short


def test_ids_made_in_the_same_minute_read_differently() -> None:
    made = [str(uuid_utils.uuid7()) for _ in range(200)]
    assert len({short(i) for i in made}) == len(made)
    assert len({mail_short(i) for i in made}) == len(made)


def test_the_portal_and_the_mail_quote_the_same_digits() -> None:
    made = str(uuid_utils.uuid7())
    assert mail_short(made) == short(made).upper()
    assert len(short(made)) == 8
