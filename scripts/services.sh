#!/usr/bin/env bash
# Starts the database services the adapter suites use (PostgreSQL on 127.0.0.1:5432 and
# MariaDB on 127.0.0.1:3306) when they are installed but down, and waits for them. Run by
# `npm test` (pretest) and by .ci/run. Never fails and never installs anything: the test run's
# global setup (test/support/global-setup.ts) prints what each suite will use, starts an
# embedded PostgreSQL when no server answers, and skips (outside CI) or fails (CI=true) the
# suites of a service that is still missing.
set -u

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q >/dev/null 2>&1; }
my_up() { mariadb-admin --host=127.0.0.1 --port=3306 --user=root ping >/dev/null 2>&1; }
has() { command -v "$1" >/dev/null 2>&1; }

started=no
if has pg_isready && ! pg_up && [ -d /etc/postgresql ] && has pg_ctlcluster; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 && started=yes
fi
if has mariadb-admin && ! my_up && [ -x /usr/sbin/mariadbd ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 && started=yes
fi
# Wait only for what was started here; a server that could not be started is reported below.
if [ "$started" = yes ]; then
  for _ in $(seq 1 30); do
    if (! has pg_isready || pg_up) && (! has mariadb-admin || my_up); then break; fi
    sleep 1
  done
fi

python="${FIELDSEAL_PYTHON:-python3}"
pg=$(pg_up && echo up || echo 'down (the tests start an embedded PostgreSQL)')
my=$(my_up && echo up || echo 'down (the mysql suites skip, or fail in CI)')
moto=$("$python" -c 'import moto.server' >/dev/null 2>&1 && echo installed || echo "MISSING ($python -m pip install 'moto[server]')")
echo "services: postgresql $pg, mariadb $my, moto $moto"
exit 0
