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
export PSMCTL_TODAY=${PSMCTL_TODAY:-2025-12-15}

echo "== 1. Database baru untuk Kota Kediri (35.71): $DB"
$PSMCTL init --kabkota 35.71

echo "== 2. Impor semua daftar kelurahan (baris bermasalah dilaporkan, tidak menghentikan yang lain)"
$PSMCTL import roster sample_data/psm_*.xlsx sample_data/tksk_*.xlsx sample_data/tagana_*.xlsx \
  --report "$OUT/masalah_impor.xlsx"

