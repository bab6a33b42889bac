"""The register as the admin reads it: lists with filters, and one person with the source of every fact."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psmctl import files
from psmctl.db import volunteers as vdb
from psmctl.errors import InputError, NotFound
from psmctl.rules import wilayah
from psmctl.rules.nik import require_nik
from psmctl.rules.privacy import mask_nik

if TYPE_CHECKING:
    from sqlite_utils import Database

# The public JSON keys of `volunteers list` (README documents them; cron scripts read them).
LIST_KEYS = (
    "nik", "nama", "jenis_kelamin", "tempat_lahir", "tgl_lahir", "alamat", "no_hp",
    "kelurahan", "kecamatan", "kode_wilayah", "unsur", "status",
)  # fmt: skip


def list_volunteers(
    db: Database,
    *,
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
    include_inactive: bool = False,
) -> list[dict[str, Any]]:
    """One row per person and unsur, with the public keys."""
    rows = vdb.select_roles(
        db,
        unsur=unsur,
        kelurahan=kelurahan_filter(db, kelurahan),
        kecamatan=kecamatan,
        active_only=not include_inactive,
    )
    return [{k: r.get(k) for k in LIST_KEYS} for r in rows]


def kelurahan_filter(db: Database, text: str | None) -> vdb.Kelurahan:
    """What --kelurahan selects: a kode wilayah ('36.04.16.2007' or '3604162007') that desa; a label a report shows
    ('Sukamaju (Kec. Kibin)', wilayah.kelurahan_labels) the desa of the register it names; else the name as typed,
    which selects every desa of that name (as it always has)."""
    t = (text or "").strip()
    if not t:
        return None
    code = wilayah.desa_code(t)
    if code is not None:
        return (code,)
    label = wilayah.parse_label(t)
    if label is not None:
        name, parts = label
        codes = tuple(k for k in vdb.kelurahan_codes(db, name) if wilayah.label_fits(parts, k))
        if codes:
            return codes
    return t  # a name; also one whose official form has brackets ('Kurau (Timur)')


def show(db: Database, nik: str) -> dict[str, Any]:
    """A person, their roles, where each current fact came from, and the history of changes."""
    number = require_nik(nik)
    person = vdb.person(db, number)
    if person is None:
        raise NotFound(f"NIK {mask_nik(number)} tidak ada di register; impor daftarnya dulu")
    hist = vdb.history(db, person["id"])
    return {
        "nik": person["nik"],
        "nama": person["nama"],
        "volunteer_id": person["id"],
        "facts": _facts(person, hist),
        "roles": [_role(r) for r in vdb.roles_with_source(db, person["id"])],
        "history": [_change(h) for h in hist],
    }


def _facts(person: dict[str, Any], hist: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each personal field with its value and the file, sheet and row it last came from (the first import when no
    later change touched it)."""
    created = {
        "file": person["batch_file"],
        "sha256": person["batch_sha256"],
        "sheet": person["sheet"],
        "row": person["row"],
        "time": person["batch_time"],
    }
    facts = []
    for col in vdb.PERSON_COLUMNS:
        last = next((h for h in reversed(hist) if h["field"] == col and h["unsur"] is None), None)
        source = (
            {"file": last["file_name"], "sha256": last["sha256"], "sheet": last["sheet"], "row": last["row"],
             "time": last["created_at"]}
            if last
            else created
        )  # fmt: skip
        facts.append({"field": col, "value": person[col], "source": source})
    return facts


def _role(r: dict[str, Any]) -> dict[str, Any]:
    """One register role with the file and row it came from."""
    return {
        "unsur": r["unsur"],
        "kelurahan": r["kelurahan"],
        "kecamatan": r["kecamatan"],
        "kode_wilayah": r["kode_wilayah"],
        "jabatan": r["jabatan"],
        "no_sk": r["no_sk"],
        "tmt": r["tmt"],
        "status": r["status"],
        "source": {"file": r["batch_file"], "sheet": r["sheet"], "row": r["row"], "time": r["batch_time"]},
    }


def _change(h: dict[str, Any]) -> dict[str, Any]:
    """One entry of a person's change history, with the file and row that made it."""
    return {
        "field": h["field"],
        "unsur": h["unsur"],
        "old": h["old_value"],
        "new": h["new_value"],
        "file": h["file_name"],
        "sheet": h["sheet"],
        "row": h["row"],
        "time": h["created_at"],
        "note": h["note"],
    }


def forget(
    db: Database,
    nik: str,
    *,
    reason: str,
    now: str,
    db_file: Path | None = None,
    delete_backups: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Erase one person's personal data on request; counts, payments and attendance stay, anonymised.

    The write runs as the only connection and empties the WAL (no old page left in the database files); a
    tombstone keeps a later import from bringing her back. The backups psmctl wrote that still hold her NIK are
    named (`backups`), and deleted with `delete_backups`.
    """
    from psmctl.db import erasure, health

    number = require_nik(nik)
    if not reason.strip():
        raise InputError("alasan penghapusan wajib diisi (--reason)")
    person = vdb.person(db, number)
    if person is None:
        raise NotFound(f"NIK {mask_nik(number)} tidak ada di register")
    with erasure.exclusive(db, on_wait=on_wait):
        batch = vdb.create_batch(db, kind="forget", file_name=None, sha256=None, created_at=now)
        health.forget(db, person["id"], batch_id=batch, reason=reason.strip(), at=now)
        erasure.add_tombstone(db, number, person["id"], at=now)
    held = _backups_holding(db, db_file, number)
    if delete_backups:
        for path in held:
            files.remove_with_side_files(path)
            erasure.unregister_backup(db, path)
    return {
        "volunteer_id": person["id"],
        "nik": mask_nik(number),
        "batch_id": batch,
        "backups": [str(p) for p in held],
        "backups_deleted": delete_backups,
    }


def _backups_holding(db: Database, db_file: Path | None, number: str) -> list[Path]:
    """The backups psmctl wrote (and the pre-migration copy) that still contain the NIK, byte for byte."""
    from psmctl.db import erasure

    candidates = [b.path for b in erasure.backups(db)]
    if db_file is not None:
        candidates.append(Path(f"{db_file}.sebelum-migrasi.bak").absolute())
        files.remove_stale(Path(db_file).absolute().parent)  # a killed write's leftovers hold her too
    seen: set[Path] = set()
    held = []
    for path in candidates:
        if path not in seen and path.is_file() and files.holds(path, [number.encode("ascii")]):
            held.append(path)
        seen.add(path)
    return held
