# Shared setup of the web API tests: per test FILE, a private sbx (a copy of etc/ with its
# own state dir, instance and sign-up on), the real bin/sbx-fcgi on a unix socket, and a
# real nginx in front of it made from contrib/nginx/sbx.conf, on a free loopback port.
#
# setup_file() { start_stack; }   teardown_file() { stop_stack; }
#
# Then, in tests:
#   api METHOD PATH [curl args...]   the request through nginx; prints the body and sets
#                                    $status_code, $body and $headers (a file). $JAR, when
#                                    set, is the cookie jar it reads and writes. It comes
#                                    from the test's own loopback address, 127.0.0.(10+N)
#                                    for test N, so that the per-address limits (requests,
#                                    failed logins, sign-ups) of one test do not reach the
#                                    next; $FROM, when set, is the address instead.
#   expect STATUS; expect_error STATUS CODE [FIELD]   checks of the last answer
#   header NAME                      a header of the last answer
#   add_user NAME [--admin]          an account made by the CLI, password "password-of-NAME"
#   unique NAME                      NAME-tN: a user name of this test's own
#   signup NAME PASSWORD             POST /api/v1/users; the cookie goes to $(jar_of NAME)
#   login NAME [PASSWORD]            POST /api/v1/session; prints the jar file (the answer
#                                    is kept beside it as JAR.json)
#   credentials NAME [PASSWORD]      the JSON of a login
#   json '{a: $x}' --arg x ...       a JSON document made with jq -n
#   totp_code SECRET [OFFSET]        an RFC 6238 code, computed here, not by sbx
#   setting KEY                      an effective setting of the stack's config
#   restart_fcgi                     a new sbx-fcgi in place of the running one
#   note_podman / require_podman     in setup_file: whether podman with runsc is ready; in
#                                    setup: fails, saying what to do, when it was not
# shellcheck disable=SC2154 # status and output are set by bats `run`
# shellcheck disable=SC2016 # $n and the like are jq's, in jq programs
bats_require_minimum_version 1.5.0

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

# The nginx site's Host and Origin, and the base URL of every request.
stack_url() { echo "http://127.0.0.1:$PORT"; }

# The address this test's requests come from (see api).
client_addr() { echo "127.0.0.$((10 + ${BATS_TEST_NUMBER:-0}))"; }

# A TCP port nobody listens on now (the kernel's choice).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stack_logs() {
    local log
    for log in "$STACK"/fcgi.log "$STACK"/nginx-error.log; do
        [[ -e $log ]] || continue
        echo "--- $log"
        tail -n 40 "$log"
    done
}

# Starts sbx-fcgi and nginx for this test file; fails with their logs when they do not
# answer /healthz within 10 s.
start_stack() {
    export PATH="$ROOT/bin:$PATH"
    # Nothing from the caller's environment may steer these tests.
    while read -r name; do unset "$name"; done < <(env | grep -o '^SBX_[A-Z_]*')
    [[ -x $ROOT/bin/sbx-fcgi ]] || { echo "$ROOT/bin/sbx-fcgi is not built: run make"; return 1; }
    local tool
    for tool in nginx curl jq python3; do
        command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install $tool (or make deps)"; return 1; }
    done
    export STACK="$BATS_FILE_TMPDIR/stack"
    mkdir -p "$STACK"/{www,tmp}
    export INSTANCE
    INSTANCE="api-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"

    cp -r "$ROOT/etc" "$STACK/etc"
    export SBX_CONFIG="$STACK/etc/sbx.toml"
    sed -i -e "s|^instance = .*|instance = \"$INSTANCE\"|" \
        -e "s|^state_dir = .*|state_dir = \"$STACK/state\"|" \
        -e 's|^signup = .*|signup = "on"                  # tests/api|' "$SBX_CONFIG"
    if ! grep -q "^instance = \"$INSTANCE\"$" "$SBX_CONFIG" || ! grep -q "^state_dir = \"$STACK/state\"$" "$SBX_CONFIG" ||
        ! grep -q '^signup = "on"' "$SBX_CONFIG"; then
        echo "could not set instance, state_dir and web.signup in $SBX_CONFIG"
        return 1
    fi

    # A unix socket path must fit sockaddr_un (108 bytes); BATS_FILE_TMPDIR usually does.
    export FCGI_SOCKET="$STACK/fcgi.sock"
    if ((${#FCGI_SOCKET} > 100)); then
        FCGI_SOCKET="$(mktemp -d /tmp/sbx-api.XXXXXX)/fcgi.sock"
    fi
    export PORT
    PORT=$(free_port)

    # The site as the quickstart installs it, placeholders filled in.
    echo '<!doctype html><title>sbx</title><p>sbx api tests</p>' >"$STACK/www/index.html"
    sed -e "s|@WWW_ROOT@|$STACK/www|g" -e "s|@FCGI@|unix:$FCGI_SOCKET|g" -e "s|@LISTEN@|127.0.0.1:$PORT|g" \
        "$ROOT/contrib/nginx/sbx.conf" >"$STACK/sbx-site.conf"
    if grep -q @ "$STACK/sbx-site.conf"; then
        echo "placeholders left in the site: $(grep -n @ "$STACK/sbx-site.conf")"
        return 1
    fi
    # `include fastcgi_params;` is relative to the directory of nginx.conf.
    cp /etc/nginx/fastcgi_params "$STACK/fastcgi_params"
    local user_line=""
    # As root, workers would become "nobody" and could not reach the socket or the files.
    ((EUID == 0)) && user_line="user root root;"
    cat >"$STACK/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 2;
pid $STACK/nginx.pid;
error_log $STACK/nginx-error.log info;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format timed '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                     'request_time=\$request_time upstream_connect=\$upstream_connect_time '
                     'upstream_response=\$upstream_response_time';
    access_log $STACK/nginx-access.log timed;
    client_body_temp_path $STACK/tmp/client_body;
    fastcgi_temp_path $STACK/tmp/fastcgi;
    proxy_temp_path $STACK/tmp/proxy;
    uwsgi_temp_path $STACK/tmp/uwsgi;
    scgi_temp_path $STACK/tmp/scgi;
    include $STACK/sbx-site.conf;
}
EOF
    nginx -t -q -c "$STACK/nginx.conf" -p "$STACK/" -e "$STACK/nginx-error.log" >"$STACK/nginx-t.log" 2>&1 ||
        { cat "$STACK/nginx-t.log"; return 1; }

    # fd 3 is bats' own: a background job holding it would keep bats waiting.
    "$ROOT/bin/sbx-fcgi" --listen "$FCGI_SOCKET" --threads 8 >"$STACK/fcgi.log" 2>&1 3>&- &
    echo $! >"$STACK/fcgi.pid"
    nginx -c "$STACK/nginx.conf" -p "$STACK/" -e "$STACK/nginx-error.log" >"$STACK/nginx.out" 2>&1 3>&- &
    echo $! >"$STACK/nginx.master.pid"

    for _ in $(seq 100); do
        curl -sf -o /dev/null "$(stack_url)/healthz" && return 0
        sleep 0.1
    done
    echo "the stack did not answer $(stack_url)/healthz within 10 s:"
    curl -s "$(stack_url)/healthz"
    echo
    stack_logs
    return 1
}

# Whether podman is ready for runs (tests/e2e/setup-engines), asked once per file.
note_podman() {
    if ! "$ROOT/tests/e2e/setup-engines" podman >"$BATS_FILE_TMPDIR/engine-check" 2>&1; then
        touch "$BATS_FILE_TMPDIR/engine-missing"
    fi
}

# Fails a test of a file whose podman was not ready, with what setup-engines said.
require_podman() {
    [[ -e $BATS_FILE_TMPDIR/engine-missing ]] || return 0
    cat "$BATS_FILE_TMPDIR/engine-check"
    echo "FAIL: podman is not ready for these tests; fix the above (tests/e2e/setup-engines podman)"
    return 1
}

# Stops sbx-fcgi (TERM, as systemd does) and starts a new one on the same socket, as after
# an upgrade; nginx stays. Fails unless the new one listens within 10 s.
restart_fcgi() {
    local pid
    pid=$(cat "$STACK/fcgi.pid")
    kill "$pid"
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { echo "sbx-fcgi ($pid) did not stop within 15 s of TERM"; return 1; }
    "$ROOT/bin/sbx-fcgi" --listen "$FCGI_SOCKET" --threads 8 >>"$STACK/fcgi.log" 2>&1 3>&- &
    echo $! >"$STACK/fcgi.pid"
    for _ in $(seq 100); do
        [[ -S $FCGI_SOCKET ]] && return 0
        sleep 0.1
    done
    echo "the new sbx-fcgi did not make $FCGI_SOCKET within 10 s"
    stack_logs
    return 1
}

# Stops nginx and sbx-fcgi, cancels the runs left going and removes the containers of this
# file's instance.
stop_stack() {
    [[ -n ${STACK:-} ]] || return 0
    local id pids pid
    for id in $(timeout 30 sbx ps --format=json 2>/dev/null | jq -r '.[].id' 2>/dev/null); do
        timeout 30 sbx cancel "$id" >/dev/null 2>&1
    done
    local started
    started=$(cat "$STACK/nginx.master.pid" "$STACK/fcgi.pid" 2>/dev/null)
    for pid in $started; do
        kill "$pid" 2>/dev/null
    done
    for pid in $started; do
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    done
    # Supervisors of this file's runs: `sbx-supervise --config $SBX_CONFIG ... ID`.
    for _ in $(seq 100); do
        pids=$(pgrep -f -- "--config $SBX_CONFIG( |$)") || break
        sleep 0.1
    done
    # shellcheck disable=SC2086 # one pid a word
    [[ -n $pids ]] && kill -9 $pids 2>/dev/null
    if command -v podman >/dev/null; then
        ids=$(podman ps -a -q --filter "label=sbx.instance=$INSTANCE" 2>/dev/null)
        # shellcheck disable=SC2086 # one id a word
        [[ -n $ids ]] && timeout 60 podman rm -f $ids >/dev/null 2>&1
    fi
    find /sys/fs/cgroup/*/"sbx-$INSTANCE" -depth -type d -exec rmdir {} + 2>/dev/null
    [[ $FCGI_SOCKET == /tmp/sbx-api.* ]] && rm -rf "$(dirname "$FCGI_SOCKET")"
    return 0
}

# api METHOD PATH [curl args...]: prints the body; sets status_code, body, headers.
api() {
    local method=$1 path=$2 out="$BATS_TEST_TMPDIR/api.$$"
    shift 2
    local args=(-s -X "$method" -o "$out.body" -D "$out.headers" -w '%{http_code} %{time_total}\n')
    [[ -n ${JAR:-} ]] && args+=(-b "$JAR" -c "$JAR")
    [[ $method == HEAD ]] && args=(-s -I -o "$out.body" -D "$out.headers" -w '%{http_code} %{time_total}\n')
    args+=(--interface "${FROM:-$(client_addr)}")
    local took
    # Nothing of an earlier answer may pass for this one's (curl writes none on a timeout).
    : >"$out.body"
    : >"$out.headers"
    read -r status_code took < <(curl "${args[@]}" "$@" "$(stack_url)$path")
    body=$(cat "$out.body")
    headers="$out.headers"
    printf '%s %s -> %s (%ss)\n%s\n' "$method" "$path" "$status_code" "$took" "${body:0:2000}"
}

# A header of the last response ($headers), without its name or the CR.
header() {
    grep -i "^$1:" "$headers" | head -n 1 | sed -e 's/^[^:]*: *//' -e 's/\r$//'
}

# api with a JSON body: japi METHOD PATH JSON [curl args...]
japi() {
    local method=$1 path=$2 data=$3
    shift 3
    api "$method" "$path" -H 'Content-Type: application/json' --data-binary "$data" "$@"
}

# Fails the test, showing the last response, unless it had status CODE.
expect() {
    [[ $status_code == "$1" ]] && return 0
    echo "expected HTTP $1, got $status_code: ${body:0:2000}"
    return 1
}

# Fails unless the last response is the JSON error {"error": {"code": CODE[, "field": FIELD]}}
# with status STATUS.
expect_error() {
    local status=$1 code=$2 field=${3:-}
    expect "$status" || return 1
    [[ $(header content-type) == application/json* ]] || { echo "error not JSON: $(header content-type)"; return 1; }
    [[ $(jq -r .error.code <<<"$body") == "$code" ]] || { echo "expected code '$code'"; return 1; }
    [[ -n $(jq -r '.error.message // empty' <<<"$body") ]] || { echo "no message"; return 1; }
    if [[ -n $field ]]; then
        [[ $(jq -r '.error.field' <<<"$body") == "$field" ]] || { echo "expected field '$field'"; return 1; }
    fi
}

# The effective value of a setting of this stack's config, as sbx config show prints it.
setting() {
    sbx config show | awk -v key="$1" '$1 == key { print $2 }'
}

json() {
    local template=$1
    shift
    jq -cn "$@" "$template"
}

jar_of() { echo "$BATS_TEST_TMPDIR/$1.jar"; }

# An account with the password "password-of-NAME", made by the CLI (sign-ups over HTTP
# are limited to ten a minute per address).
add_user() {
    local name=$1
    shift
    printf 'password-of-%s\n' "$name" | sbx user add "$name" --password-stdin "$@" >/dev/null
}

# A user name unique to this test (the stack, and its database, serve the whole file).
unique() { echo "$1-t$BATS_TEST_NUMBER"; }

signup() {
    JAR=$(jar_of "$1") japi POST /api/v1/users "$(json '{name: $n, password: $p}' --arg n "$1" --arg p "$2")"
    expect 201
}

# The JSON of a login: credentials NAME [PASSWORD] (default "password-of-NAME").
credentials() {
    json '{name: $n, password: $p}' --arg n "$1" --arg p "${2:-password-of-$1}"
}

# login NAME [PASSWORD]: logs in (password "password-of-NAME" by default) and prints the
# cookie jar; fails unless 200. The answer is kept as JAR.json.
login() {
    local name=$1 password=${2:-password-of-$1} jar
    jar=$(jar_of "$name")
    rm -f "$jar"
    JAR=$jar japi POST /api/v1/session "$(credentials "$name" "$password")" >&2
    expect 200 >&2 || return 1
    printf '%s\n' "$body" >"$jar.json"
    echo "$jar"
}

# The value of the session cookie in a jar.
session_cookie() {
    awk '$6 == "sbx_session" { print $7 }' "$1"
}

# The RFC 6238 code (HMAC-SHA1, 6 digits, 30 s) of base32 SECRET at the time step OFFSET
# steps from now (default 0).
totp_code() { "$ROOT/tests/tools/totp-code" "$1" "${2:-0}"; }

# Waits until a TOTP step has more than SECONDS (default 5) left, so that codes computed
# now are still of the same step when the server checks them.
totp_settle() {
    while (($(date +%s) % 30 > 30 - ${1:-5})); do sleep 0.5; done
}

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
