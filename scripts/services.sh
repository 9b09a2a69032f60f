#!/usr/bin/env bash
# Starts the database services the adapter suites use (PostgreSQL on 127.0.0.1:5432 and
# MariaDB on 127.0.0.1:3306) when they are installed but down, and waits for them. Run by
# `npm test` (pretest) and by .ci/run. Never fails: a suite whose server is unreachable fails
# in CI (CI=true) and reports itself skipped elsewhere, saying how to start it.
set -u

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q >/dev/null 2>&1; }
my_up() { mariadb-admin --host=127.0.0.1 --port=3306 --user=root ping >/dev/null 2>&1; }

if command -v pg_isready >/dev/null 2>&1 && ! pg_up && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
fi
if command -v mariadb-admin >/dev/null 2>&1 && ! my_up && [ -x /usr/sbin/mariadbd ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 || true
fi
for _ in $(seq 1 30); do
  if (! command -v pg_isready >/dev/null 2>&1 || pg_up) && (! command -v mariadb-admin >/dev/null 2>&1 || my_up); then break; fi
  sleep 1
done
pg=$(pg_up && echo up || echo down)
my=$(my_up && echo up || echo down)
echo "services: postgresql $pg, mariadb $my, moto $(python3 -c 'import moto' >/dev/null 2>&1 && echo installed || echo 'MISSING (pip install "moto[server]")')"
exit 0
