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
# The demo's "today": a date where the sample year shows every status (AKTIF, MENUNGGAK, NONAKTIF, never paid).
export PSMCTL_TODAY=${PSMCTL_TODAY:-2025-09-20}

echo "== 1. Database baru untuk Kota Kediri (35.71): $DB"
$PSMCTL init --kabkota 35.71

echo "== 2. Impor semua daftar kelurahan (baris bermasalah dilaporkan, tidak menghentikan yang lain)"
$PSMCTL import roster sample_data/psm_*.xlsx sample_data/tksk_*.xlsx sample_data/tagana_*.xlsx \
  --report "$OUT/masalah_impor.xlsx"


echo "== 3. Iuran 2025 (BPU JKK+JKM, APBD)"
echo "   Kota: semester 1 dibayar di muka, semester 2 terlambat (8 Juli: 1-7 Juli tanpa perlindungan)"
$PSMCTL payments record --unsur PSM --kecamatan Kota --month 2025-01 --months 6 --paid-on 2024-12-20 --ref SP2D/2024/1220 --yes
$PSMCTL payments record --unsur PSM --kecamatan Kota --month 2025-07 --months 6 --paid-on 2025-07-08 --ref SP2D/2025/0708 --yes
echo "   Mojoroto: semester 1 saja; Juli-September menunggak, berakhir 1 Oktober bila tidak dibayar"
$PSMCTL payments record --unsur PSM --kecamatan Mojoroto --month 2025-01 --months 6 --paid-on 2024-12-20 --ref SP2D/2024/1221 --yes
echo "   Pesantren: hanya Januari-Maret; nonaktif sejak 1 Juli"
$PSMCTL payments record --unsur PSM --kecamatan Pesantren --month 2025-01 --months 3 --paid-on 2024-12-20 --ref SP2D/2024/1222 --yes
echo "   TKSK: belum pernah dibayar. Tagana: daftar pembayaran bulanan dari bendahara (terlambat, bolong, satu NIK tak terdaftar)"
$PSMCTL payments import sample_data/iuran_tagana_2025.xlsx || true

echo "== 4. Pelatihan: bimtek PSM Kecamatan Kota dengan daftar hadirnya"
TID=$($PSMCTL training add --name "Bimtek PSM Kecamatan Kota 2025" --kind bimtek --start 2025-03-10 --end 2025-03-11 \
  --jpl 16 --place "Aula Dinas Sosial" --organiser "Dinas Sosial Kota Kediri" --unsur PSM)
$PSMCTL attendance import "$TID" sample_data/daftar_hadir_bimtek_2025.xlsx || true
DID=$($PSMCTL training add --name "Diklat Dasar Tagana 2025" --kind diklat_dasar --start 2025-05-05 --end 2025-05-06 --jpl 16 --unsur TAGANA)
$PSMCTL --unmask --yes volunteers list --unsur TAGANA --format csv | cut -d, -f1 | tail -n +2 | head -20 | sed 's/^/--nik=/' \
  | xargs $PSMCTL attendance record "$DID" > /dev/null

echo "== 5. Ringkasan per $PSMCTL_TODAY"
$PSMCTL summary
$PSMCTL coverage due --month 2025-10 --format json | ${PYTHON:-.venv/bin/python} -c \
  'import json,sys; d=json.load(sys.stdin); print("   iuran Oktober 2025:", {k: v for k, v in d.items() if k.startswith("total")})'
$PSMCTL export summary --out "$OUT/ringkasan-$PSMCTL_TODAY.xlsx"
echo "Ringkasan bulanan ditulis ke $OUT/ringkasan-$PSMCTL_TODAY.xlsx (NIK disamarkan); database demo: $DB"
