#!/usr/bin/env bash
# The test suite a second time, against a throw-away PostgreSQL server on 127.0.0.1.
# Uses the PostgreSQL 15 binaries on the machine; as root, the server runs as a system user steg2ci.
set -euo pipefail
cd "$(dirname "$0")/.."
initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)
bin=$(dirname "$initdb")
port=${STEG2_PG_PORT:-54329}
work=$(mktemp -d /tmp/steg2-pg.XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then
  id steg2ci >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin steg2ci
  chown steg2ci "$work"
  as=(runuser -u steg2ci --)
fi
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$work/data" -U steg2 --auth=trust -E UTF8 --locale=C >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$work/data" -o "-h 127.0.0.1 -p $port -k $work -c fsync=off" -l "$work/log" -w start \
  >/dev/null
.venv/bin/python -m pip install -q -r requirements-test.lock && .venv/bin/python -m pip install -q --no-deps -e .
STEG2_TEST_DATABASE_URL="postgresql+psycopg://steg2@127.0.0.1:$port/postgres" .venv/bin/pytest -p no:cacheprovider "$@"
