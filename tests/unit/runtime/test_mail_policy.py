"""The mail policy writes short printable ASCII headers as they are and folds the rest exactly
as compat32 does; a mail built with it reads back the same."""

from __future__ import annotations

import string
from email import message_from_bytes
from email._policybase import compat32
from email.header import Header, decode_header, make_header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from hypothesis import given
from hypothesis import strategies as st

from runtime.notifications.mime import POLICY

NAMES = st.sampled_from(["Subject", "To", "X-B2B-Kind", "Content-Type", "A"])
ASCII = st.text(alphabet=string.ascii_letters + '  \t;="<>@.,:()-_/', max_size=120)
ANY_TEXT = st.text(max_size=120).filter(lambda value: "\r" not in value and "\n" not in value)


@given(NAMES, ASCII | ANY_TEXT, st.sampled_from(["\n", "\r\n"]))
def test_every_header_comes_out_as_compat32_writes_it(name: str, value: str, linesep: str) -> None:
    def folded(policy: object) -> bytes | str:
        try:
            return policy.clone(linesep=linesep).fold_binary(name, value)  # type: ignore[attr-defined, no-any-return]
        except Exception as error:  # the same refusal counts as the same answer
            return type(error).__name__

    assert folded(POLICY) == folded(compat32)


def test_a_long_header_is_still_folded_and_a_short_one_is_not() -> None:
    short = POLICY.fold("X-B2B-Kind", "order_confirmed")
    assert short == "X-B2B-Kind: order_confirmed\n"
    long = POLICY.fold("X-Note", " ".join(["word"] * 40))
    assert all(len(line) <= 78 for line in long.splitlines())
    assert long.count("\n") > 1


def test_a_mail_built_with_it_reads_back_with_its_words_and_parts() -> None:
    message = MIMEMultipart("alternative", boundary="=_b2b_test", policy=POLICY)
    message["To"] = "Buyer <buyer@example.test>"
    message["Subject"] = Header("您的訂單 1F3A9C02 已確認", "utf-8", header_name="Subject")  # type: ignore[assignment]
    message.attach(MIMEText("純文字 text", "plain", "utf-8", policy=POLICY))
    message.attach(MIMEText("<p>HTML</p>", "html", "utf-8", policy=POLICY))

    parsed = message_from_bytes(bytes(message))

    assert str(make_header(decode_header(parsed["Subject"]))) == "您的訂單 1F3A9C02 已確認"
    assert parsed["To"] == "Buyer <buyer@example.test>"
    assert parsed.get_boundary() == "=_b2b_test"
    parts: list[Message] = parsed.get_payload()  # type: ignore[assignment]
    texts = [bytes(part.get_payload(decode=True)).decode() for part in parts]
    assert texts == ["純文字 text", "<p>HTML</p>"]
