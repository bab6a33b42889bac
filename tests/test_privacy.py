"""privacy.py: what is left visible of a NIK or a phone number."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psmctl.rules import privacy
from psmctl.rules.privacy import mask_nik, mask_phone


def test_mask_nik_keeps_kabkota_prefix_and_last_two() -> None:
    assert mask_nik("3571011708900002") == "3571**********02"


def test_masked_nik_hides_birth_date_and_sex() -> None:
    masked = mask_nik("3571015708900002")
    assert "570890" not in masked and "5708" not in masked
    assert len(masked) == 16


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("081234567890", "0812******90"),
        ("+6281234567890", "+628********90"),
        ("0812345", "0812*45"),
    ],
)
def test_mask_phone(phone: str, expected: str) -> None:
    assert mask_phone(phone) == expected


@pytest.mark.parametrize("fn", [mask_nik, mask_phone])
@pytest.mark.parametrize("empty", [None, ""])
def test_empty_inputs(fn: Callable[[str | None], str], empty: str | None) -> None:
    assert fn(empty) == ""


@pytest.mark.parametrize("fn", [mask_nik, mask_phone])
@pytest.mark.parametrize(("short", "expected"), [("1", "*"), ("123456", "******")])
def test_short_values_are_fully_masked(fn: Callable[[str | None], str], short: str, expected: str) -> None:
    assert fn(short) == expected


@given(st.from_regex(r"\A[1-9][0-9]{15}\Z"))
def test_masked_nik_never_shows_more_than_six_digits(nik: str) -> None:
    masked = mask_nik(nik)
    assert masked[:4] == nik[:4] and masked[-2:] == nik[-2:]
    assert masked[4:-2] == "*" * 10


def test_a_streamed_json_row_is_masked_as_its_value_would_be() -> None:
    """render.write_json_rows masks report rows already encoded: NIK and phone keys by key (as mask_tree masks a
    dict), any other 16-digit number wherever it stands, in any script; a longer number is not a NIK."""
    row = json.dumps(
        {
            "nik": "3571011708900001",
            "no_kk": "357101170890001",  # 15 digits under a NIK key: masked by its key
            "nama": "Budi 3571011708900002",
            "reference": "SP2D-3571011708900003/2025",
            "hp": "081234567890",
            "catatan": "Siti é 3571011708900004",
            "arab": "٣٥٧١٠١١٧٠٨٩٠٠٠٠٥",
            "rekening": "12345678901234567",
            "bulan": "2025-08",
        },
        ensure_ascii=False,
    )
    masked = json.loads(privacy.mask_json_text(row))
    assert masked == {
        "nik": "3571**********01",
        "no_kk": "3571*********01",
        "nama": "Budi 3571**********02",
        "reference": "SP2D-3571**********03/2025",
        "hp": "0812******90",
        "catatan": "Siti é 3571**********04",
        "arab": "٣٥٧١**********٠٥",
        "rekening": "12345678901234567",
        "bulan": "2025-08",
    }
    assert masked == privacy.mask_tree(json.loads(row))
