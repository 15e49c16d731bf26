#!/usr/bin/env bash
# Start a local PostgreSQL server (Debian's packages) for the store tests and print the URL
# to use as DUNGUARD_TEST_PG_URL. Idempotent. Only listens on 127.0.0.1.
set -euo pipefail
bash "$(dirname "$0")/system-deps.sh" postgresql >&2
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >&2
fi
pg_ctlcluster "$ver" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_roles WHERE rolname='dunguard'\"" | grep -q 1 || \
  su postgres -c "psql -q -c \"CREATE ROLE dunguard LOGIN SUPERUSER PASSWORD 'dunguard'\"" >&2
echo "postgresql+psycopg://dunguard:dunguard@127.0.0.1:5432/postgres"
