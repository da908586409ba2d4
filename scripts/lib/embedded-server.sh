# Sourced by the scripts that need a PostgreSQL of their own, from the repository's root:
#   throwaway_home          export QUOTA_HOME as a new temporary directory, removed at exit
#   start_embedded_server   run `quota db serve` in it (a throw-away home unless one is set up),
#                           wait until it accepts connections, set EMBEDDED_URL; stopped at exit
#   machine                 one line: CPU, cores, Java
embedded_server_pid=""
throwaway_quota_home=""

_stop_embedded_server() {
  if [[ -n "$embedded_server_pid" ]]; then
    kill "$embedded_server_pid" 2>/dev/null || true
    wait "$embedded_server_pid" 2>/dev/null || true
  fi
  if [[ -n "$throwaway_quota_home" ]]; then rm -rf "$throwaway_quota_home"; fi
}
trap _stop_embedded_server EXIT

throwaway_home() {
  throwaway_quota_home="$(mktemp -d)"
  export QUOTA_HOME="$throwaway_quota_home"
}

start_embedded_server() {
  [[ -n "$throwaway_quota_home" ]] || throwaway_home
  java -jar cli/target/quota.jar db serve --url-file "$QUOTA_HOME/url" >/dev/null 2>&1 &
  embedded_server_pid=$!
  for _ in $(seq 1 120); do [[ -s "$QUOTA_HOME/url" ]] && break; sleep 0.5; done
  [[ -s "$QUOTA_HOME/url" ]] || { echo "$(basename "$0"): the embedded PostgreSQL did not start" >&2; exit 1; }
  EMBEDDED_URL="$(head -1 "$QUOTA_HOME/url")"
}

machine() {
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; $(java -version 2>&1 | head -1)"
}
