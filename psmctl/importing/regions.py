"""Kelurahan and kecamatan names as rosters write them, resolved to current codes (WIL-06..11), and the roster key
a role is filed under."""

from __future__ import annotations

from psmctl.rules import wilayah


class Regions:
    """Resolves kelurahan/kecamatan names to current codes (WIL-06..11); the caller keeps each distinct answer."""

    def __init__(self, kabkota: str) -> None:
        self.kabkota = kabkota

    def _pick(
        self, hits: list[wilayah.Region], hint: str, col: str, name: str, notes: list[tuple[str, str, str]]
    ) -> list[wilayah.Region]:
        """An ambiguous name settled by the NIK's kecamatan digits when exactly one candidate lies there."""
        if len(hits) < 2 or not hint:
            return hits
        there = [h for h in hits if h.kode == hint or h.kode.startswith(hint + ".")]
        if len(there) != 1:
            return hits
        msg = f"{col} '{name}' ambigu; dipilih {there[0].kode} {there[0].nama} menurut kode kecamatan NIK"
        notes.append(("WILAYAH_NIK_HINT", col, msg))
        return there

    def resolve(self, kel: str, kec: str, hint: str = "") -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
        out: dict[str, str | None] = {"kelurahan": kel or None, "kecamatan": kec or None}
        out["kode_wilayah"] = out["kode_kecamatan"] = None
        notes: list[tuple[str, str, str]] = []  # (code, column, message)
        kec_region = None
        if kec:
            hits = self._pick(wilayah.find(kec, "kecamatan", self.kabkota), hint, "kecamatan", kec, notes)
            if len(hits) == 1:
                kec_region = hits[0]
                out["kecamatan"], out["kode_kecamatan"] = kec_region.nama, kec_region.kode
            elif hits:
                codes = ", ".join(f"{h.kode} {h.nama}" for h in hits[:4])
                notes.append(("WILAYAH_AMBIGUOUS", "kecamatan", f"kecamatan '{kec}' ambigu: {codes}"))
            else:
                tips = wilayah.suggest(kec, "kecamatan", self.kabkota)
                hint = f"; mungkin: {', '.join(tips)}" if tips else ""
                notes.append(("WILAYAH_UNKNOWN", "kecamatan", f"kecamatan '{kec}' tidak ada di daftar resmi{hint}"))
        if kel:
            scope = kec_region.kode if kec_region else self.kabkota
            hits = self._pick(wilayah.find(kel, "desa_kelurahan", scope), hint, "kelurahan", kel, notes)
            if not hits and kec_region:
                hits = wilayah.find(kel, "desa_kelurahan", self.kabkota)
                if len(hits) == 1:
                    parent = hits[0].kode.rsplit(".", 1)[0]
                    msg = (
                        f"kelurahan '{kel}' ada di kecamatan {wilayah.name_of(parent)} ({parent}), "
                        f"bukan {kec_region.nama}; dipakai kecamatan {wilayah.name_of(parent)}"
                    )
                    notes.append(("WILAYAH_KECAMATAN_MISMATCH", "kecamatan", msg))
            if len(hits) == 1:
                r = hits[0]
                parent = r.kode.rsplit(".", 1)[0]
                out["kelurahan"], out["kode_wilayah"] = r.nama, r.kode
                out["kode_kecamatan"], out["kecamatan"] = parent, wilayah.name_of(parent)
            elif hits:
                codes = ", ".join(f"{h.kode} {h.nama}" for h in hits[:4])
                notes.append(("WILAYAH_AMBIGUOUS", "kelurahan", f"kelurahan '{kel}' ambigu: {codes}"))
            else:
                tips = wilayah.suggest(kel, "desa_kelurahan", scope)
                hint = f"; mungkin: {', '.join(tips)}" if tips else ""
                notes.append(("WILAYAH_UNKNOWN", "kelurahan", f"kelurahan '{kel}' tidak ada di daftar resmi{hint}"))
        return out, notes


def roster_key(unsur: str, region: tuple[str | None, ...], unknown: str = "-") -> str:
    """Which roster a role belongs to: the unsur and the kelurahan (code when resolved); region as REGION_FIELDS.
    A role whose kelurahan nobody named is keyed by `unknown` (its file), never shared with another file's."""
    kelurahan, _, kode_wilayah, _ = region
    place = kode_wilayah or wilayah.norm_name(kelurahan or "", "desa_kelurahan") or unknown
    return f"{unsur}|{place}"
