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

say() { printf '\n%s\n' "$*"; }

say "== Langkah 1. Buat database kantor (Kota Kediri, kode 35.71): $DB"
echo "   Satu berkas SQLite menyimpan register relawan, pelatihan dan buku iuran."
$PSMCTL init --kabkota 35.71
$PSMCTL config set kantor.nama "Dinas Sosial Kota Kediri" > /dev/null

say "== Langkah 2. Impor daftar relawan yang dikirim kelurahan"
echo "   Setiap berkas masuk utuh atau tidak sama sekali; baris yang salah dilaporkan dan tidak menghalangi baris"
echo "   yang benar. Masalah yang sama dalam satu lembar ditampilkan satu baris; daftar lengkapnya ada di"
echo "   $OUT/masalah_impor.xlsx untuk dikirim kembali ke kelurahan."
$PSMCTL import roster sample_data/psm_*.xlsx sample_data/tksk_*.xlsx sample_data/tagana_*.xlsx \
  --report "$OUT/masalah_impor.xlsx"

say "== Langkah 3. Catat iuran BPJS Ketenagakerjaan 2025 (BPU, JKK + JKM, dana APBD, Rp16.800 per orang per bulan)"
echo "   a) PSM Kecamatan Kota, Januari-Juni, dibayar di muka pada 20 Desember 2024:"
$PSMCTL payments record --unsur PSM --kecamatan Kota --month 2025-01 --months 6 --paid-on 2024-12-20 --ref SP2D/2024/1220 --yes
echo "   b) PSM Kecamatan Kota, Juli-Desember, baru dibayar 8 Juli: 1-7 Juli mereka tidak terlindungi."
$PSMCTL payments record --unsur PSM --kecamatan Kota --month 2025-07 --months 6 --paid-on 2025-07-08 --ref SP2D/2025/0708 --yes
echo "   c) PSM Kecamatan Mojoroto, hanya Januari-Juni: Juli-September menunggak, nonaktif 1 Oktober bila tidak dibayar."
$PSMCTL payments record --unsur PSM --kecamatan Mojoroto --month 2025-01 --months 6 --paid-on 2024-12-20 --ref SP2D/2024/1221 --yes
echo "   d) PSM Kecamatan Pesantren, hanya Januari-Maret: nonaktif sejak 1 Juli."
$PSMCTL payments record --unsur PSM --kecamatan Pesantren --month 2025-01 --months 3 --paid-on 2024-12-20 --ref SP2D/2024/1222 --yes
echo "   e) TKSK belum pernah dibayar. Tagana: daftar pembayaran bulanan dari bendahara (ada yang terlambat,"
echo "      ada bulan yang bolong, dan satu NIK yang belum terdaftar sehingga ditolak). Anggota Tagana yang juga"
echo "      PSM sudah dibayar lewat PSM dan tidak ada di daftar ini: setiap orang dibayar sekali sebulan."
$PSMCTL payments import sample_data/iuran_tagana_2025.xlsx || true

say "== Langkah 4. Catat pelatihan dan kehadirannya"
echo "   Bimtek PSM Kecamatan Kota (16 JPL) dengan daftar hadir dari panitia; baris tanpa NIK dicocokkan lewat"
echo "   nama dan kelurahan, lalu diperingatkan untuk diperiksa:"
TID=$($PSMCTL training add --name "Bimtek PSM Kecamatan Kota 2025" --kind bimtek --start 2025-03-10 --end 2025-03-11 \
  --jpl 16 --place "Aula Dinas Sosial" --organiser "Dinas Sosial Kota Kediri" --unsur PSM)
$PSMCTL attendance import "$TID" sample_data/daftar_hadir_bimtek_2025.xlsx || true
echo "   Diklat dasar Tagana: kehadiran 20 orang dicatat per NIK."
DID=$($PSMCTL training add --name "Diklat Dasar Tagana 2025" --kind diklat_dasar --start 2025-05-05 --end 2025-05-06 --jpl 16 --unsur TAGANA)
$PSMCTL --unmask --yes volunteers list --unsur TAGANA --format csv | cut -d, -f1 | tail -n +2 | head -20 | sed 's/^/--nik=/' \
  | xargs $PSMCTL attendance record "$DID" > /dev/null

say "== Langkah 5. Catat kejadian: PSM Banjaran jatuh saat bertugas pada 3 Juli 2025"
echo "   Iuran Juli PSM Kecamatan Kota baru dibayar 8 Juli: putusan perlindungan pada hari kejadian disimpan"
echo "   bersama buktinya, dan batas lapor 2 x 24 jam dihitung dari jam kejadian."
$PSMCTL incident add --nik 3571024209760317 --date 2025-07-03 --time 09:30 --kind kecelakaan_kerja \
  --place "Posyandu Kelurahan Banjaran" --description "terjatuh dari tangga saat mendampingi kegiatan posyandu"

say "== Langkah 6. Ringkasan per $PSMCTL_TODAY untuk pimpinan"
$PSMCTL summary
$PSMCTL coverage due --month 2025-10 --format json | ${PYTHON:-.venv/bin/python} -c \
  'import json,sys; t=json.load(sys.stdin)["total_rupiah"]; print("Iuran bulan Oktober 2025 yang harus dibayar: Rp" + format(t, ",").replace(",", ".") + " (rinciannya: psmctl coverage due --month 2025-10)")'
$PSMCTL export summary --out "$OUT/ringkasan-$PSMCTL_TODAY.xlsx"

say "== Selesai"
echo "Ringkasan bulanan siap cetak (A4 mendatar, NIK disamarkan): $OUT/ringkasan-$PSMCTL_TODAY.xlsx"
echo "Laporan masalah impor untuk kelurahan: $OUT/masalah_impor.xlsx"
echo "Coba sendiri dengan database demo, misalnya:"
echo "  PSMCTL_DB=$DB PSMCTL_TODAY=$PSMCTL_TODAY .venv/bin/psmctl coverage status --kecamatan Mojoroto"
echo "  PSMCTL_DB=$DB PSMCTL_TODAY=$PSMCTL_TODAY .venv/bin/psmctl coverage check 3571024209760317 --on 2025-07-03"
echo "  PSMCTL_DB=$DB PSMCTL_TODAY=$PSMCTL_TODAY .venv/bin/psmctl incident show 1"
