# Sourced by the scripts that run Debian's PostgreSQL 15 servers of their own on loopback
# (a primary and its standby, or a server beside a clean Debian root):
#   PG15_BIN                     the server binaries
#   pg15_as_server CMD ARGS...   runs a server binary as a user that may (postgres when root)
#   pg15_dir                     a new directory the server user owns
#   pg15_free_port               a free TCP port on 127.0.0.1
#   pg15_start DATA PORT [OPTS]  starts the server in DATA (initdb first unless it holds one),
#                                trust on loopback, sockets beside DATA; OPTS: more -c settings
#   pg15_stop DATA               stops it at once (the data is throw-away)
PG15_BIN=/usr/lib/postgresql/15/bin

pg15_as_server() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg15_dir() {
  local dir; dir="$(mktemp -d)"
  [[ "$(id -u)" != 0 ]] || chown postgres "$dir"
  echo "$dir"
}

pg15_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pg15_start() {
  local data="$1" port="$2" opts="${3:-}"
  [[ -f "$data/PG_VERSION" ]] || pg15_as_server "$PG15_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 >/dev/null
  pg15_as_server "$PG15_BIN/pg_ctl" -D "$data" -w -l "$data.log" \
    -o "-p $port -k $(dirname "$data") -c listen_addresses=127.0.0.1 $opts" start >/dev/null
}

pg15_stop() { pg15_as_server "$PG15_BIN/pg_ctl" -D "$1" -m immediate stop >/dev/null 2>&1 || true; }
