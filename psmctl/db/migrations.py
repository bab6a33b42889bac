"""Numbered, append-only schema migrations (sqlite-utils' Migrations, one transaction each).

Never edit a migration that has shipped: repair with a new one. Tables are STRICT; dates are ISO TEXT;
money is INTEGER rupiah; NIK, phone and region codes are TEXT.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("psmctl")


@migrations()
def m001_register(db: Database) -> None:
    """Import batches, volunteers (one per NIK), their roles (one per unsur), the audit trail, settings."""
    db.executescript(
        """
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,               -- roster / payments / attendance / manual
            file_name TEXT,
            sha256 TEXT,
            created_at TEXT NOT NULL,         -- ISO timestamp, office time zone
            note TEXT
        ) STRICT;

        CREATE TABLE volunteers (
            id INTEGER PRIMARY KEY,
            nik TEXT NOT NULL UNIQUE,
            nama TEXT NOT NULL,
            jenis_kelamin TEXT,               -- L / P
            tempat_lahir TEXT,
            tgl_lahir TEXT,                   -- ISO date
            alamat TEXT,
            rt_rw TEXT,
            no_hp TEXT,
            pendidikan TEXT,
            pekerjaan TEXT,
            no_kk TEXT,
            batch_id INTEGER REFERENCES batches(id),   -- the batch that created the person
            sheet TEXT,
            row INTEGER,
            forgotten_at TEXT                 -- set when personal data was erased on request
        ) STRICT;

        -- A person may hold several unsur at once (PSM and Tagana): one role per (person, unsur).
        CREATE TABLE roles (
            id INTEGER PRIMARY KEY,
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            unsur TEXT NOT NULL,
            kelurahan TEXT,
            kecamatan TEXT,
            kode_wilayah TEXT,                -- desa/kelurahan code, dotted, when resolved
            kode_kecamatan TEXT,
            jabatan TEXT,
            no_sk TEXT,
            tmt TEXT,
            status TEXT NOT NULL DEFAULT 'AKTIF',   -- AKTIF / BERHENTI
            roster_key TEXT NOT NULL,         -- which roster (kelurahan + unsur) the role came from
            batch_id INTEGER REFERENCES batches(id),
            sheet TEXT,
            row INTEGER,
            UNIQUE (volunteer_id, unsur)
        ) STRICT;
        CREATE INDEX roles_roster ON roles(roster_key);
        CREATE INDEX roles_kelurahan ON roles(kode_kecamatan, kelurahan);

        -- Every change to a fact keeps the old value and the batch/sheet/row that set the new one.
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            role_id INTEGER REFERENCES roles(id),
            field TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            batch_id INTEGER REFERENCES batches(id),
            sheet TEXT,
            row INTEGER,
            note TEXT
        ) STRICT;
        CREATE INDEX changes_volunteer ON changes(volunteer_id, field);

        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;
        """
    )


@migrations()
def m002_payments(db: Database) -> None:
    """The iuran ledger: append-only payment facts, one row per person per iuran month; voids reference them.

    Coverage is never stored: it is computed from these rows on every read. Triggers refuse UPDATE and DELETE,
    so a wrong payment can only be corrected by a row in payment_voids (with its reason).
    """
    db.executescript(
        """
        CREATE TABLE payments (
            id INTEGER PRIMARY KEY,
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            segment TEXT NOT NULL CHECK (segment IN ('BPU', 'PU')),
            iuran_month TEXT NOT NULL CHECK (iuran_month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
            paid_on TEXT NOT NULL,            -- ISO date the iuran was paid
            income_rupiah INTEGER NOT NULL,   -- declared income (BPU) or wage (PU)
            programs TEXT NOT NULL,           -- e.g. 'JKK,JKM,JHT' in JKK, JKM, JHT, JP, JKP order
            jkk_rupiah INTEGER NOT NULL DEFAULT 0,
            jkm_rupiah INTEGER NOT NULL DEFAULT 0,
            jht_rupiah INTEGER NOT NULL DEFAULT 0,
            jp_rupiah INTEGER NOT NULL DEFAULT 0,
            jkp_rupiah INTEGER NOT NULL DEFAULT 0,
            total_rupiah INTEGER NOT NULL,
            expected_rupiah INTEGER,          -- from the rate table when recorded (IUR-17)
            funding TEXT NOT NULL,            -- APBD / APBN / APBDES / MANDIRI / CSR / LAINNYA
            reference TEXT NOT NULL DEFAULT '',   -- bill or receipt number
            line_key TEXT NOT NULL,           -- groups the months of one payment line (prepayment)
            risk_class TEXT,                  -- PU JKK risk class I..V
            pks_no TEXT,                      -- COV-19: batch agreement number
            pks_start TEXT,                   -- COV-19: agreed membership start (ISO date)
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            sheet TEXT,
            row INTEGER,
            -- the same payment recorded twice is one payment (idempotent import)
            UNIQUE (volunteer_id, iuran_month, paid_on, reference, programs, total_rupiah)
        ) STRICT;

        CREATE TABLE payment_voids (
            id INTEGER PRIMARY KEY,
            payment_id INTEGER NOT NULL UNIQUE REFERENCES payments(id),
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            voided_at TEXT NOT NULL,
            batch_id INTEGER REFERENCES batches(id)
        ) STRICT;

        CREATE TRIGGER payments_append_only_update BEFORE UPDATE ON payments
        BEGIN SELECT RAISE(ABORT, 'pembayaran tidak boleh diubah; batalkan dengan psmctl payments void'); END;
        CREATE TRIGGER payments_append_only_delete BEFORE DELETE ON payments
        BEGIN SELECT RAISE(ABORT, 'pembayaran tidak boleh dihapus; batalkan dengan psmctl payments void'); END;
        CREATE TRIGGER payment_voids_append_only_update BEFORE UPDATE ON payment_voids
        BEGIN SELECT RAISE(ABORT, 'pembatalan tidak boleh diubah'); END;
        CREATE TRIGGER payment_voids_append_only_delete BEFORE DELETE ON payment_voids
        BEGIN SELECT RAISE(ABORT, 'pembatalan tidak boleh dihapus'); END;
        """
    )


@migrations()
def m003_training(db: Database) -> None:
    """Trainings (events, minutes as the unit: TRN-02) and attendance (one per person per training)."""
    db.executescript(
        """
        CREATE TABLE trainings (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,               -- course kind of data/courses.toml (pembinaan, bimtek, ...)
            start_date TEXT NOT NULL,         -- ISO date
            end_date TEXT NOT NULL,           -- ISO date; the JPL count in the period holding this date
            minutes INTEGER NOT NULL CHECK (minutes >= 0),   -- TRN-02: canonical unit; JPL = minutes / 45
            place TEXT,
            organiser TEXT,
            unsur TEXT,                       -- the unsur it is meant for; NULL = every unsur (TRN-06)
            created_at TEXT NOT NULL,
            CHECK (end_date >= start_date)
        ) STRICT;
        CREATE INDEX trainings_dates ON trainings(end_date);

        CREATE TABLE attendance (
            id INTEGER PRIMARY KEY,
            training_id INTEGER NOT NULL REFERENCES trainings(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            minutes INTEGER NOT NULL CHECK (minutes >= 0),   -- attended; default the training's minutes
            status TEXT NOT NULL DEFAULT 'hadir'
                CHECK (status IN ('hadir', 'lulus', 'tidak_lulus')),   -- lulus = kompeten for uji kompetensi
            certificate_no TEXT,
            certificate_date TEXT,            -- ISO date; NULL = the training's end date
            certificate_valid_until TEXT,     -- ISO date when written on the certificate; NULL = computed (TRN-05)
            matched_by TEXT NOT NULL DEFAULT 'nik',   -- nik / nama (name + kelurahan, reported for confirmation)
            batch_id INTEGER REFERENCES batches(id),
            sheet TEXT,
            row INTEGER,
            UNIQUE (training_id, volunteer_id)
        ) STRICT;
        CREATE INDEX attendance_volunteer ON attendance(volunteer_id);
        """
    )


@migrations()
def m004_drop_unused_index(db: Database) -> None:
    """roles_kelurahan served no query (the register filters match a code OR a name, which no index serves) and
    cost every roster import about 8% of its write time; EXPLAIN QUERY PLAN showed a scan either way."""
    db.execute("DROP INDEX IF EXISTS roles_kelurahan")


@migrations()
def m005_incidents(db: Database) -> None:
    """Incidents (accident, illness, death) with the coverage verdict as known when recorded, and their updates.

    Append-only like the ledger: the verdict, dates and deadlines of an incident never change (a trigger refuses);
    only its free text may be blanked when the person's data is erased. A claim's progress and every correction
    is a new row in incident_updates, a correction with its reason.
    """
    db.executescript(
        """
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            kind TEXT NOT NULL,               -- data/incident_kinds.toml
            occurred_on TEXT NOT NULL,        -- ISO date
            occurred_time TEXT,               -- HH:MM office time, NULL when not known
            place TEXT NOT NULL,
            description TEXT NOT NULL,
            report_deadline TEXT,             -- ISO local date-time (BEN-03); NULL when the kind has none
            deadline_basis TEXT NOT NULL,     -- how the deadline was counted, in Indonesian
            claim_limit_on TEXT,              -- ISO date (BEN-02); NULL when the kind has none
            verdict TEXT NOT NULL,            -- JSON: coverage per programme with its evidence (docs/rules.md)
            verdict_computed_at TEXT NOT NULL,   -- ISO timestamp the verdict was computed
            known_on TEXT NOT NULL,           -- ledger date the verdict read (payments dated later ignored)
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX incidents_volunteer ON incidents(volunteer_id);

        CREATE TABLE incident_updates (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            status TEXT NOT NULL CHECK (status IN ('dilaporkan_tahap_1', 'dilaporkan_tahap_2', 'dibayar',
                                                   'ditolak', 'selesai')),
            on_date TEXT NOT NULL,            -- ISO date of the event (report sent, claim paid ...)
            amount_rupiah INTEGER CHECK (amount_rupiah IS NULL OR amount_rupiah >= 0),
            documents TEXT NOT NULL DEFAULT '',   -- checklist keys received with this update, comma separated
            note TEXT,
            reason TEXT,                      -- mandatory for a correction (checked by psmctl)
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX incident_updates_incident ON incident_updates(incident_id);

        CREATE TRIGGER incidents_fixed_update BEFORE UPDATE OF id, volunteer_id, kind, occurred_on, occurred_time,
            report_deadline, deadline_basis, claim_limit_on, verdict, verdict_computed_at, known_on, created_at
            ON incidents
        BEGIN SELECT RAISE(ABORT, 'kejadian tidak boleh diubah; catat koreksi dengan psmctl incident update'); END;
        CREATE TRIGGER incidents_append_only_delete BEFORE DELETE ON incidents
        BEGIN SELECT RAISE(ABORT, 'kejadian tidak boleh dihapus'); END;
        CREATE TRIGGER incident_updates_fixed_update BEFORE UPDATE OF id, incident_id, status, on_date,
            amount_rupiah, documents, reason, created_at ON incident_updates
        BEGIN SELECT RAISE(ABORT, 'pembaruan kejadian tidak boleh diubah; catat koreksi baru'); END;
        CREATE TRIGGER incident_updates_append_only_delete BEFORE DELETE ON incident_updates
        BEGIN SELECT RAISE(ABORT, 'pembaruan kejadian tidak boleh dihapus'); END;
        """
    )


@migrations()
def m006_erasure(db: Database) -> None:
    """What erasure needs to last: a tombstone per forgotten NIK (a keyed one-way hash, nothing personal), the key
    of those hashes (random, made here), and the backups psmctl wrote (forget names the ones that still hold her)."""
    db.executescript(
        """
        CREATE TABLE erased_niks (
            nik_hash TEXT PRIMARY KEY,        -- HMAC-SHA256 of the NIK under secret_keys 'tombstone'
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),   -- the anonymous record keeping her payments
            erased_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE secret_keys (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        ) STRICT;
        INSERT INTO secret_keys(name, value) VALUES ('tombstone', randomblob(32));
        CREATE TABLE backups (
            path TEXT PRIMARY KEY,            -- absolute path of a `psmctl db backup` file
            written_at TEXT NOT NULL
        ) STRICT;
        """
    )


@migrations()
def m007_merge_provenance(db: Database) -> None:
    """`psmctl merge`: the kab/kota databases merged into this one, and where every merged fact came from."""
    db.executescript(
        """
        CREATE TABLE merge_sources (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,          -- the source database's file name
            fingerprint TEXT NOT NULL,        -- SHA-256 of the source file as merged
            source_key TEXT NOT NULL,         -- which office's register: its kab/kota code, else its file name
            kode_kabkota TEXT,
            schema TEXT,                      -- the source's last migration
            merged_at TEXT NOT NULL,
            batch_id INTEGER NOT NULL REFERENCES batches(id)
        ) STRICT;

        -- One row per fact a merge added: its id here and in the source, and the file, sheet and row of the
        -- source's own batch (the roster or payment file it was first imported from).
        CREATE TABLE merged_facts (
            kind TEXT NOT NULL,               -- the table the fact is in (volunteers, roles, payments, ...)
            local_id INTEGER NOT NULL,
            source_id INTEGER NOT NULL REFERENCES merge_sources(id),
            source_row_id INTEGER NOT NULL,
            source_file TEXT,
            source_sheet TEXT,
            source_row INTEGER,
            PRIMARY KEY (kind, local_id)
        ) STRICT;
        CREATE INDEX merged_facts_source ON merged_facts(source_id, kind, source_row_id);
        """
    )


@migrations()
def m008_row_notes(db: Database) -> None:
    """The KETERANGAN an office wrote on a payment line or a daftar hadir row, kept on the row it came with (issue
    15: nothing in the file is lost). NULL when the row had none, and for rows recorded before."""
    db.executescript(
        """
        ALTER TABLE payments ADD COLUMN note TEXT;      -- KETERANGAN/KET of the imported row, as typed
        ALTER TABLE attendance ADD COLUMN note TEXT;    -- KETERANGAN/KET of the daftar hadir row, as typed
        """
    )
