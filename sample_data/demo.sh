#!/usr/bin/env bash
# `make demo`: a demo database from the bundled synthetic rosters, a real import, a real summary.
# Usage: sample_data/demo.sh [DB]   (PSMCTL may point at another psmctl executable)
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-demo/psmctl-demo.db}
PSMCTL=${PSMCTL:-.venv/bin/psmctl}
OUT=$(dirname "$DB")
mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"
export PSMCTL_DB="$DB"
# The demo's "today": the sample rosters are dated January 2025 and the payments cover 2025.
export PSMCTL_TODAY=${PSMCTL_TODAY:-2025-12-22}

echo "== 1. Database baru untuk Kota Kediri (35.71): $DB"
$PSMCTL init --kabkota 35.71

echo "== 2. Impor semua daftar kelurahan (baris bermasalah dilaporkan, tidak menghentikan yang lain)"
$PSMCTL import roster sample_data/psm_*.xlsx sample_data/tksk_*.xlsx sample_data/tagana_*.xlsx \
  --report "$OUT/masalah_impor.xlsx"


echo "== 3. Iuran 2025: semester 1 dibayar di muka untuk semua PSM/TKSK (APBD)"
$PSMCTL payments record --unsur PSM --month 2025-01 --months 6 --paid-on 2024-12-20 --ref SP2D/2024/1220 --yes
$PSMCTL payments record --unsur TKSK --month 2025-01 --months 12 --paid-on 2024-12-20 --ref SP2D/2024/1221 --yes
echo "   semester 2: Kota dan Pesantren dibayar terlambat (8 Juli), Mojoroto tidak dibayar Juli-September"
$PSMCTL payments record --unsur PSM --kecamatan Kota --month 2025-07 --months 6 --paid-on 2025-07-08 --ref SP2D/2025/0708 --yes
$PSMCTL payments record --unsur PSM --kecamatan Pesantren --month 2025-07 --months 6 --paid-on 2025-07-08 --ref SP2D/2025/0709 --yes
$PSMCTL payments record --unsur PSM --kecamatan Mojoroto --month 2025-10 --months 3 --paid-on 2025-10-20 --ref SP2D/2025/1020 --yes
echo "   Tagana: daftar pembayaran bulanan dari bendahara (terlambat, bolong, satu NIK tak terdaftar)"
$PSMCTL payments import sample_data/iuran_tagana_2025.xlsx || true

echo "== 4. Pelatihan: bimtek PSM Kecamatan Kota dengan daftar hadirnya"
TID=$($PSMCTL training add --name "Bimtek PSM Kecamatan Kota 2025" --kind bimtek --start 2025-03-10 --end 2025-03-11 \
  --jpl 16 --place "Aula Dinas Sosial" --organiser "Dinas Sosial Kota Kediri" --unsur PSM)
$PSMCTL attendance import "$TID" sample_data/daftar_hadir_bimtek_2025.xlsx || true
DID=$($PSMCTL training add --name "Diklat Dasar Tagana 2025" --kind diklat_dasar --start 2025-05-05 --end 2025-05-06 --jpl 16 --unsur TAGANA)
$PSMCTL volunteers list --unsur TAGANA --format csv | cut -d, -f1 | tail -n +2 | head -20 | sed 's/^/--nik=/' \
  | xargs $PSMCTL attendance record "$DID" > /dev/null

echo "== 5. Ringkasan per $PSMCTL_TODAY"
$PSMCTL coverage status --format json | ${PYTHON:-.venv/bin/python} -c 'import json,sys; [print("  ", t) for t in json.load(sys.stdin)["totals"][:12]]'
$PSMCTL training report never-trained --format json | ${PYTHON:-.venv/bin/python} -c 'import json,sys; print("   belum pernah dilatih:", len(json.load(sys.stdin)))'
