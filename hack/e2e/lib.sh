# Shared helpers for the e2e scripts. Source it; it defines functions only.

e2e_log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# free_ports N: prints N distinct free TCP ports on 127.0.0.1, one per line (all held open at once
# while choosing, so they are distinct; a small race with other processes remains).
free_ports() {
  node -e '
    const net = require("net");
    const n = Number(process.argv[1]); const servers = []; const ports = [];
    const next = () => {
      if (servers.length === n) { console.log(ports.join("\n")); servers.forEach((s) => s.close()); return; }
      const s = net.createServer(); servers.push(s);
      s.listen(0, "127.0.0.1", () => { ports.push(s.address().port); next(); });
    };
    next();' "$1"
}

# wait_until DEADLINE_SECONDS DESCRIPTION CMD...: polls CMD every 0.5 s until it succeeds or the deadline passes.
wait_until() {
  local deadline=$(( $(date +%s) + $1 )) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      e2e_log "timed out waiting for: $what"
      return 1
    fi
    sleep 0.5
  done
}

# start_bg STATE NAME BIN ARGS...: starts a process in the background, logs to STATE/logs/NAME.log,
# records "PID NAME" in STATE/pids (down.sh kills exactly these).
start_bg() {
  local state=$1 name=$2
  shift 2
  "$@" >"$state/logs/$name.log" 2>&1 &
  echo "$! $name" >>"$state/pids"
  e2e_log "started $name (pid $!)"
}
