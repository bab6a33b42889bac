"""categories.py: categories as data (docs/rules.md, CAT-01) and the spellings spreadsheets use."""

from __future__ import annotations

import pytest

from psmctl.errors import InputError
from psmctl.rules import categories


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("PSM", "PSM"),
        ("psm", "PSM"),
        ("P S M", "PSM"),
        ("P.S.M", "PSM"),
        ("Pekerja Sosial Masyarakat", "PSM"),
        ("Tagana", "TAGANA"),
        ("TAGANA", "TAGANA"),
        ("Taruna Siaga Bencana", "TAGANA"),
        ("T.K.S.K.", "TKSK"),
        ("Tenaga Kesejahteraan Sosial Kecamatan", "TKSK"),
        ("Karang Taruna", "KARTAR"),
        ("Tim Reaksi Cepat", "TRC"),
        ("Pendamping PKH", "PENDAMPING"),
        (" relawan-sosial ", "PENDAMPING"),
    ],
)
def test_match_aliases(typed: str, code: str) -> None:
    assert categories.match(typed) == code
    assert categories.require(typed) == code


@pytest.mark.parametrize("typed", [None, "", "Ketua", "PSMX", "Anggota"])
def test_match_unknown_is_none(typed: object) -> None:
    assert categories.match(typed) is None


def test_require_unknown_lists_every_code() -> None:
    with pytest.raises(InputError) as exc:
        categories.require("Satpol PP")
    msg = str(exc.value)
    assert "'Satpol PP' tidak dikenal" in msg
    assert "\n" not in msg
    for code in ("PSM", "TKSK", "TAGANA", "TRC", "KARTAR", "PEKSOS", "PENYULUH", "WPKS", "PENDAMPING"):
        assert code in msg
    assert msg.endswith(", ".join(categories.all_codes()))


def test_codes_in_file_order() -> None:
    assert categories.all_codes()[:3] == ["PSM", "TKSK", "TAGANA"]


def test_age_limits_are_data_per_rules_cat_02() -> None:
    psm = categories.get("PSM")
    tagana = categories.get("TAGANA")
    tksk = categories.get("TKSK")
    assert psm is not None and (psm.min_age, psm.max_age) == (18, None)
    assert tagana is not None and (tagana.min_age, tagana.max_age) == (18, 40)
    assert tksk is not None and tksk.masa_tugas_tahun == 5 and tksk.min_age is None
    assert categories.get("UNKNOWN") is None
