"""wilayah.py: region codes and loose name matching (docs/rules.md)."""

from __future__ import annotations

import pytest

from psmctl.errors import InputError
from psmctl.rules import wilayah

KEL = "desa_kelurahan"
KEC = "kecamatan"


def _codes(regions: list[wilayah.Region]) -> list[str]:
    return [r.kode for r in regions]


@pytest.mark.parametrize(
    ("typed", "kode", "nama"),
    [
        ("Setono Pande", "35.71.02.1006", "Setonopande"),
        ("Kel. Setono Pande", "35.71.02.1006", "Setonopande"),
        ("RINGIN ANOM", "35.71.02.1007", "Ringinanom"),
        ("ringin-anom", "35.71.02.1007", "Ringinanom"),
        ("Kel. Banjaran", "35.71.02.1012", "Banjaran"),
        ("Kel Banjaran", "35.71.02.1012", "Banjaran"),
        ("KELURAHAN BANJARAN", "35.71.02.1012", "Banjaran"),
        ("Kel.Banjaran", "35.71.02.1012", "Banjaran"),
        ("Desa Banjaran", "35.71.02.1012", "Banjaran"),
        ("35.71.02.1012", "35.71.02.1012", "Banjaran"),
        ("3571021012", "35.71.02.1012", "Banjaran"),
    ],
)
def test_rules_8_2_loose_names_resolve_in_kota_kediri(typed: str, kode: str, nama: str) -> None:
    for scope in ("35.71", "35.71.02"):
        hits = wilayah.find(typed, KEL, scope)
        assert [(r.kode, r.nama) for r in hits] == [(kode, nama)], (typed, scope)


def test_kelurahan_of_another_kecamatan_is_not_found_inside_a_kecamatan_scope() -> None:
    assert wilayah.find("Banjaran", KEL, "35.71.01") == []  # Banjaran is in 35.71.02 (Kota), not Mojoroto


def test_without_scope_a_common_name_has_many_candidates() -> None:
    assert len(wilayah.find("Banjaran", KEL)) > 1


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        ("Kel. Setono Pande", KEL, "SETONOPANDE"),
        ("Kelurahan: Setono Pande", KEL, "SETONOPANDE"),  # a label typed into the cell
        ("Kec : Kota", KEC, "KOTA"),
        ("Kelapa Dua", KEL, "KELAPADUA"),
        ("KELAPA DUA", KEL, "KELAPADUA"),
        ("Kel. Kelapa Dua", KEL, "KELAPADUA"),
        ("Desa Baru", KEL, "BARU"),
        ("Ds. Baru", KEL, "BARU"),
        ("Desaku", KEL, "DESAKU"),
        ("Kec. Kota", KEC, "KOTA"),
        ("KECAMATAN KOTA", KEC, "KOTA"),
        ("Kota", KEC, "KOTA"),
        ("Kota Baru", KEC, "KOTABARU"),
        ("Kel. Banjaran", KEC, "KELBANJARAN"),  # kelurahan prefixes are not stripped from a kecamatan name
        ("Sidoarjo Kel", KEL, "SIDOARJOKEL"),  # only a leading prefix
        ("Ｋｅｌ． Banjaran", KEL, "BANJARAN"),  # full-width, NFKC
        ("Kampung D'Atas, Ilir", KEL, "KAMPUNGDATASILIR"),
    ],
)
def test_norm_name(text: str, level: str, expected: str) -> None:
    assert wilayah.norm_name(text, level) == expected


def test_kelapa_dua_keeps_its_kel() -> None:
    hits = wilayah.find("Kelapa Dua", KEL, "31.73")
    assert [(r.kode, r.nama) for r in hits] == [("31.73.05.1004", "Kelapa Dua")]
    assert wilayah.find("Apa Dua", KEL, "31.73") == []
    assert wilayah.find("Lapa Dua", KEL, "31.73") == []


def test_kecamatan_kota_is_found() -> None:
    for typed in ("Kota", "KOTA", "Kec. Kota", "kecamatan kota", "35.71.02"):
        assert [(r.kode, r.nama) for r in wilayah.find(typed, KEC, "35.71")] == [("35.71.02", "Kota")], typed


def test_ploso_in_pacitan_is_ambiguous() -> None:
    hits = wilayah.find("Ploso", KEL, "35.01")
    assert sorted(_codes(hits)) == ["35.01.03.2010", "35.01.04.1002", "35.01.09.2007"]
    assert wilayah.find("Ploso", KEL, "35.01.04") == [wilayah.current()["35.01.04.1002"]]


def test_tie_prefers_the_candidate_whose_unstripped_name_matches() -> None:
    # Kabupaten Lombok Tengah (52.07) has a desa 'Desa Beru' and a desa 'Beru': both normalise to BERU.
    assert _codes(wilayah.find("Beru", KEL, "52.07")) == ["52.07.01.2003"]
    assert _codes(wilayah.find("Desa Beru", KEL, "52.07")) == ["52.07.05.2001"]


def test_code_of_the_wrong_level_is_not_a_hit() -> None:
    assert wilayah.find("35.71.02", KEL) == []
    assert wilayah.find("35.71.02.1012", KEC) == []
    assert wilayah.find("35.71.99.9999", KEL) == []


def test_unknown_name_has_no_candidates_but_suggestions() -> None:
    assert wilayah.find("Setonopandan", KEL, "35.71") == []
    assert "Setonopande" in wilayah.suggest("Setonopandan", KEL, "35.71")


@pytest.mark.parametrize(
    ("prefix", "status", "name"),
    [
        ("357199", "unknown", None),
        ("910101", "historical", "Merauke"),
        ("357101", "current", "Mojoroto"),
        ("357102", "current", "Kota"),
        ("930101", "current", "Merauke"),  # Merauke's code since the 2022 split (Papua Selatan)
        ("3571", "unknown", None),  # a kab/kota code is not a kecamatan
    ],
)
def test_nik_region_status(prefix: str, status: str, name: str | None) -> None:
    assert wilayah.nik_region_status(prefix) == (status, name)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Kota Kediri", "35.71"),
        ("KOTA KEDIRI", "35.71"),
        ("35.71", "35.71"),
        ("3571", "35.71"),
        ("Kabupaten Kediri", "35.06"),
        ("KABUPATEN KEDIRI", "35.06"),
        ("35.06", "35.06"),
    ],
)
def test_kabkota_code(typed: str, code: str) -> None:
    assert wilayah.kabkota_code(typed) == code


def test_kota_and_kabupaten_kediri_differ() -> None:
    assert wilayah.kabkota_code("Kota Kediri") != wilayah.kabkota_code("Kabupaten Kediri")


@pytest.mark.parametrize("typed", ["Kab. Kediri", "Kab Kediri", "KAB. KEDIRI"])
def test_kabkota_code_accepts_kab_abbreviation(typed: str) -> None:
    assert wilayah.kabkota_code(typed) == "35.06"


@pytest.mark.parametrize("typed", ["35.99", "9999", "Kediri", "Kota Atlantis", ""])
def test_kabkota_code_unknown_is_input_error(typed: str) -> None:
    with pytest.raises(InputError) as exc:
        wilayah.kabkota_code(typed)
    assert "\n" not in str(exc.value)


def test_province_codes() -> None:
    # RULES §3.1 lists 38 codes; the bundled data has 38 current provinces and the historical edition list adds
    # no other province code (91/92 are still current after the 2022 splits), so the NIK-03 list is 38 codes.
    codes = wilayah.province_codes()
    assert len(codes) == 38
    expected = {*(str(n) for n in range(11, 20)), "21", *(str(n) for n in range(31, 37)), "51", "52", "53"}
    expected |= {*(str(n) for n in range(61, 66)), *(str(n) for n in range(71, 77)), "81", "82"}
    expected |= {str(n) for n in range(91, 97)}
    assert codes == expected
    assert sum(1 for r in wilayah.current().values() if r.level == "provinsi") == 38


def test_bundled_data_counts_match_rules_8_1() -> None:
    levels: dict[str, int] = {}
    for r in wilayah.current().values():
        levels[r.level] = levels.get(r.level, 0) + 1
    assert levels == {"provinsi": 38, "kabupaten_kota": 514, "kecamatan": 7285, "desa_kelurahan": 83762}
    hist = wilayah.historical()
    assert len(hist) == 8457


def test_dotted_and_name_of() -> None:
    assert wilayah.dotted("357101") == "35.71.01"
    assert wilayah.dotted("3571021012") == "35.71.02.1012"
    assert wilayah.name_of("35.71.02.1012") == "Banjaran"
    assert wilayah.name_of("35.71.99") == ""


def test_a_scope_read_as_one_block_equals_filtering_every_code() -> None:
    # _scoped reads one block of the sorted file; the whole table filtered line by line must agree.
    import csv
    from importlib import resources

    text = resources.files("psmctl.data").joinpath("wilayah.csv").read_text("utf-8")
    everything = {r[0]: wilayah.Region(r[0], r[2], r[3]) for r in csv.reader(text.splitlines()[1:])}
    assert wilayah.current() == everything
    kabkota = [k for k, r in everything.items() if r.level == "kabupaten_kota"]
    kecamatan = [k for k, r in everything.items() if r.level == "kecamatan"]
    last = max(everything)  # the file's last line ends a block too
    # Every line filed under each code it falls within (k == scope or k starts with scope + "."): the same filter
    # as testing every line against every scope, in one pass over the table.
    within: dict[str, dict[str, wilayah.Region]] = {}
    for k, r in everything.items():
        parts = k.split(".")
        for depth in range(1, len(parts) + 1):
            within.setdefault(".".join(parts[:depth]), {})[k] = r
    for scope in [*kabkota, *kecamatan[::40], kecamatan[-1], "35", "31", last.split(".")[0]]:
        assert wilayah._scoped(scope) == within[scope], scope
    assert wilayah._scoped("99.99") == {}


def test_each_region_is_one_object_whatever_the_scope() -> None:
    # A whole-country import holds every region once: the country, its provinces and narrower scopes share them.
    everything = wilayah.current()
    for scope in ("35", "35.71", "35.71.02", "36.01"):
        assert all(r is everything[k] for k, r in wilayah._scoped(scope).items()), scope
    assert wilayah.get("35.71.02.1012") is everything["35.71.02.1012"]
    levels = {id(r.level) for r in everything.values()}
    assert len(levels) == 4  # one string per level, not one per row
