"""Every order status the API can answer has the portal's words, tone and place on the steps."""

from __future__ import annotations

from portal.pages.orders import REACHED
from portal.templating import CODES, STATUS_TONES
from shared.events.statuses import TERMINAL, OrderStatus


def test_every_status_has_a_label_and_a_tone() -> None:
    assert [s for s in OrderStatus if s not in CODES] == []
    assert [s for s in OrderStatus if s not in STATUS_TONES] == []


def test_every_status_but_a_stopped_one_has_its_place_on_the_steps() -> None:
    stopped = TERMINAL - {OrderStatus.COMPLETED}
    assert set(REACHED) | stopped == set(OrderStatus)
