#!/usr/bin/env bash
# Installs what the build needs when it is missing: the system SQLite headers (GRDB links the
# system libsqlite3). Safe to run again; does nothing when everything is there.
set -euo pipefail
if [ ! -f /usr/include/sqlite3.h ]; then
    echo "installing libsqlite3-dev (needed by the results database)..." >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -q
    $sudo_cmd apt-get install -y -q libsqlite3-dev
fi
command -v swift >/dev/null || { echo "error: swift is not on PATH (Swift 6.0 or later is needed)" >&2; exit 1; }
