#!/usr/bin/env bats
# Runs over HTTP, for real: nginx and sbx-fcgi (helpers.bash) in front of podman with gVisor
# (runsc), as in tests/e2e. Ad-hoc and project runs, ?wait=, paged logs with exact bytes,
# Server-Sent Events live and resumed, cancel, one build per project, who may see whose
# run. An engine or image that is missing fails every test, saying what to do.
# shellcheck disable=SC2154 # status_code, body and headers are set by api; status, output by run
# shellcheck disable=SC2016 # $n and the like are jq's, in jq programs
# shellcheck disable=SC2030,SC2031 # each test is a subshell of its own: JAR is the test's
load helpers

setup_file() {
    note_podman
    start_stack
}
teardown_file() { stop_stack; }

setup() {
    require_podman || return 1
    cd "$BATS_TEST_TMPDIR" || return 1
    ALICE=$(unique alice)
    BOB=$(unique bob)
    add_user "$ALICE"
    add_user "$BOB"
    AJAR=$(login "$ALICE")
    BJAR=$(login "$BOB")
    export JAR=$AJAR
}

# Every run a test leaves going is cancelled; a container left after that is sbx's doing.
teardown() {
    local id left
    for id in $(sbx ps --format=json 2>/dev/null | jq -r '.[].id'); do
        sbx cancel "$id" >/dev/null 2>&1
    done
    for _ in $(seq 300); do
        left=$(podman ps -a -q --filter "label=sbx.instance=$INSTANCE")
        [[ -z $left ]] && return 0
        sleep 0.1
    done
    echo "containers of $INSTANCE left behind: $(podman ps -a --filter "label=sbx.instance=$INSTANCE" --format '{{.Names}} {{.Status}}')"
    return 1
}

PY=python-3.11
FINAL='^(succeeded|failed|timeout|oom|output-limit|cancelled|error)$'

# The JSON of an ad-hoc run of one main.py holding PROGRAM.
files_run() {
    json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}]}' --arg p "$1"
}

# Waits until run ID has ended (at most LIMIT seconds, default 60); body is then the run.
wait_run() {
    local id=$1 limit=${2:-60} i
    for i in $(seq $((limit * 5))); do
        api GET "/api/v1/runs/$id" >/dev/null
        [[ $(jq -r .status <<<"$body") =~ $FINAL ]] && return 0
        sleep 0.2
    done
    echo "run $id: still $(jq -r .status <<<"$body") after ${limit}s"
    return 1
}

# Waits until run ID has printed at least one line.
wait_printed() {
    local id=$1 i
    for i in $(seq 300); do
        api GET "/api/v1/runs/$id/logs?size=1" >/dev/null
        [[ $(jq '.lines | length' <<<"$body") -gt 0 ]] && return 0
        sleep 0.1
    done
    echo "run $id printed nothing within 30 s"
    return 1
}

# The lines of run ID's output as "STREAM EOL TEXT-or-b64:BASE64", one a line.
log_lines() {
    api GET "/api/v1/runs/$1/logs" >/dev/null
    jq -r '.lines[] | "\(.stream) \(.eol) \(if has("text") then .text else "b64:" + .base64 end)"' <<<"$body"
}

SLEEPER=$'import sys, time\nif sys.argv[1:] == ["quick"]:\n    print("quick")\n    sys.exit(0)\nprint("started", flush=True)\ntime.sleep(60)\nprint("woke")\n'

@test "POST /api/v1/runs: 202 with the run queued, then GET until it has succeeded; its output and code" {
    api POST /api/v1/runs -H 'Content-Type: application/json' --data-binary "$(files_run 'print("hello from http")')"
    expect 202
    id=$(jq -er .id <<<"$body")
    [ "$(jq -r '"\(.status) \(.runtime) \(.engine) \(.project_id) \(.request.entry)"' <<<"$body")" = \
        "queued $PY podman null main.py" ]
    [ "$(jq -r .user_id <<<"$body")" = "$(sbx user show "$ALICE" --format=json | jq -r .id)" ]
    wait_run "$id"
    [ "$(jq -r '"\(.status) \(.exit_code) \(.stage)"' <<<"$body")" = "succeeded 0 run" ]
    [ "$(jq -S . <<<"$body")" = "$(sbx show "$id" --format=json | jq -S .)" ]
    [ "$(log_lines "$id")" = "stdout true hello from http" ]
    api GET "/api/v1/runs/$id/files"
    expect 200
    [ "$(jq -c . <<<"$body")" = '[{"path":"main.py","size":24,"text":"print(\"hello from http\")"}]' ]
}

@test "POST /api/v1/runs?wait=30: 200 with the run succeeded; ?wait= past 60 is 422 and starts no run" {
    japi POST '/api/v1/runs?wait=30' "$(files_run 'print("waited")')"
    expect 200
    id=$(jq -er .id <<<"$body")
    [ "$(jq -r '"\(.status) \(.exit_code)"' <<<"$body")" = "succeeded 0" ]
    [ "$(log_lines "$id")" = "stdout true waited" ]
    # A program that outlives ?wait= is 202, still going.
    japi POST '/api/v1/runs?wait=1' "$(files_run 'import time; time.sleep(4); print("late")')"
    expect 202
    late=$(jq -er .id <<<"$body")
    [[ $(jq -r .status <<<"$body") =~ ^(queued|building|running)$ ]]
    wait_run "$late"
    [ "$(jq -r .status <<<"$body")" = succeeded ]
    # A bad ?wait= is refused before anything runs.
    before=$(sbx ps --all --as "$ALICE" --format=json | jq length)
    japi POST '/api/v1/runs?wait=61' "$(files_run 'print("must not run")')"
    expect_error 422 invalid wait
    japi POST '/api/v1/runs?wait=soon' "$(files_run 'print("must not run")')"
    expect_error 422 invalid wait
    after=$(sbx ps --all --as "$ALICE" --format=json)
    if [ "$(jq length <<<"$after")" -ne "$before" ]; then
        echo "runs were started for requests refused with 422:"
        jq -r '.[] | "run \(.id): \(.status)"' <<<"$after" | head -n $(($(jq length <<<"$after") - before))
        return 1
    fi
}

@test "GET /api/v1/runs/ID/logs: exact lines, a blank one, stderr, bytes that are not UTF-8 as base64; paged with next/done" {
    # Output is kept in the order sbx reads it; the pauses keep stderr's line between the
    # stdout lines around it.
    program=$'import sys, time\nprint("first")\nprint()\nprint("  spaced  ")\nsys.stdout.flush()\nsys.stdout.buffer.write(b"\\xff\\xfe raw \\x80\\n")\nsys.stdout.flush()\ntime.sleep(0.2)\nprint("to stderr", file=sys.stderr)\nsys.stderr.flush()\ntime.sleep(0.2)\nprint("tab\\there")\nprint("no newline", end="")\n'
    japi POST '/api/v1/runs?wait=30' "$(files_run "$program")"
    expect 200
    id=$(jq -er .id <<<"$body")
    [ "$(jq -r .status <<<"$body")" = succeeded ]
    raw=$(printf '\xff\xfe raw \x80' | base64)
    got=$(log_lines "$id")
    echo "$got"
    [ "$got" = "stdout true first
stdout true 
stdout true   spaced  
stdout true b64:$raw
stderr true to stderr
stdout true tab	here
stdout false no newline" ]
    api GET "/api/v1/runs/$id/logs"
    [ "$(jq -c '[.lines[].seq]' <<<"$body")" = '[1,2,3,4,5,6,7]' ]
    [ "$(jq -c '[.next, .done]' <<<"$body")" = '[8,true]' ]
    [ "$(jq -c '.lines[1]' <<<"$body")" = '{"eol":true,"seq":2,"stream":"stdout","text":""}' ]
    [ "$(jq -r '.lines[3].base64' <<<"$body" | base64 -d | od -An -tx1 | tr -d ' \n')" = fffe207261772080 ]
    # Pages of two.
    api GET "/api/v1/runs/$id/logs?from=1&size=2"
    [ "$(jq -c '[[.lines[].seq], .next, .done]' <<<"$body")" = '[[1,2],3,false]' ]
    api GET "/api/v1/runs/$id/logs?from=3&size=2"
    [ "$(jq -c '[[.lines[].seq], .next, .done]' <<<"$body")" = '[[3,4],5,false]' ]
    api GET "/api/v1/runs/$id/logs?from=7&size=2"
    [ "$(jq -c '[[.lines[].seq], .next, .done]' <<<"$body")" = '[[7],8,true]' ]
    api GET "/api/v1/runs/$id/logs?from=8"
    [ "$(jq -c '[.lines, .next, .done]' <<<"$body")" = '[[],8,true]' ]
    api GET "/api/v1/runs/$id/logs?size=0"
    expect_error 422 invalid size
    api GET "/api/v1/runs/$id/logs?from=x"
    expect_error 422 invalid from
    # The same lines as sbx logs prints.
    api GET "/api/v1/runs/$id/logs"
    [ "$(jq -c .lines <<<"$body")" = "$(sbx logs "$id" --as "$ALICE" --format=json | jq -c .lines)" ]
}

@test "a project run over HTTP with ?wait=: its files, env, args and stdin; its history and the code it ran" {
    japi POST /api/v1/projects "$(json '{name: "p", runtime: $r}' --arg r "$PY")"
    expect 201
    pid=$(jq -er .id <<<"$body")
    japi PUT "/api/v1/projects/$pid/files/main.py" "$(json '{text: $t}' --arg t $'import os, sys\nfrom lib.greeting import greet\nprint(greet(sys.stdin.read().strip()))\nprint("STYLE=" + str(os.environ.get("STYLE")))\nprint("args=" + ",".join(sys.argv[1:]))\n')"
    expect 200
    api PUT "/api/v1/projects/$pid/files/lib/greeting.py" --data-binary $'def greet(who):\n    return "hello, " + who\n'
    expect 201
    japi PUT "/api/v1/projects/$pid/env/STYLE" '{"value": "warm"}'
    expect 204
    japi POST "/api/v1/projects/$pid/runs?wait=30" '{"stdin": "world\n", "args": ["one", "two"]}'
    expect 200
    id=$(jq -er .id <<<"$body")
    [ "$(jq -r '"\(.status) \(.exit_code) \(.project_id)"' <<<"$body")" = "succeeded 0 $pid" ]
    [ "$(jq -c '[.request.files, .request.env, .request.args, .request.stdin]' <<<"$body")" = \
        '[["lib/greeting.py","main.py"],["STYLE"],["one","two"],true]' ]
    # The record names env vars, never their values; the output inline is what the program printed.
    [[ $(jq -c 'del(.stdout, .stderr)' <<<"$body") != *warm* ]]
    [ "$(jq -r .stdout <<<"$body")" = "hello, world
STYLE=warm
args=one,two" ]
    [ "$(log_lines "$id")" = "stdout true hello, world
stdout true STYLE=warm
stdout true args=one,two" ]
    # No body at all: the project as it is.
    japi POST "/api/v1/projects/$pid/runs?wait=30" '{"args": ["again"]}'
    expect 200
    second=$(jq -er .id <<<"$body")
    api GET "/api/v1/projects/$pid/runs"
    expect 200
    [ "$(jq -c '[.[].id]' <<<"$body")" = "[$second,$id]" ]
    api GET "/api/v1/runs/$id/files"
    expect 200
    [ "$(jq -r '[.[].path] | join(" ")' <<<"$body")" = "lib/greeting.py main.py" ]
    [[ $(jq -r '.[] | select(.path == "lib/greeting.py") | .text' <<<"$body") == *'"hello, " + who'* ]]
    # A failing program: 200, failed, with its exit code.
    japi PUT "/api/v1/projects/$pid/files/main.py" '{"text": "import sys\nsys.exit(3)\n"}'
    japi POST "/api/v1/projects/$pid/runs?wait=30" '{"args": ['
    expect_error 400 bad-json
    japi POST "/api/v1/projects/$pid/runs?wait=30" '{"argv": []}'
    expect_error 400 unknown-field argv
    api POST "/api/v1/projects/$pid/runs?wait=30"
    expect 200
    [ "$(jq -r '"\(.status) \(.exit_code)"' <<<"$body")" = "failed 3" ]
}

@test "a second run of the same project while the first sleeps: the first ends cancelled, replaced by the second" {
    japi POST /api/v1/projects "$(json '{name: "p", runtime: $r}' --arg r "$PY")"
    pid=$(jq -er .id <<<"$body")
    japi PUT "/api/v1/projects/$pid/files/main.py" "$(json '{text: $t}' --arg t "$SLEEPER")"
    japi POST "/api/v1/projects/$pid/runs" '{"limits": {"timeout": "90s"}}'
    expect 202
    first=$(jq -er .id <<<"$body")
    wait_printed "$first"
    api GET "/api/v1/runs/$first"
    [ "$(jq -r .status <<<"$body")" = running ]
    japi POST "/api/v1/projects/$pid/runs?wait=30" '{"args": ["quick"]}'
    expect 200
    second=$(jq -er .id <<<"$body")
    [ "$(jq -r .status <<<"$body")" = succeeded ]
    [ "$(log_lines "$second")" = "stdout true quick" ]
    wait_run "$first" 30
    [ "$(jq -r '"\(.status)|\(.reason)"' <<<"$body")" = "cancelled|replaced by run $second" ]
    [[ $(log_lines "$first") != *woke* ]]
}

@test "GET /api/v1/runs/ID/events: lines arrive live, as the program prints them, and the stream ends with event: end" {
    program=$'import time\nfor i in range(7):\n    print("tick", i, flush=True)\n    time.sleep(0.3)\n'
    japi POST /api/v1/runs "$(files_run "$program")"
    expect 202
    id=$(jq -er .id <<<"$body")
    curl -sN -m 60 --interface "$(client_addr)" -b "$JAR" -D events.headers "$(stack_url)/api/v1/runs/$id/events" |
        while IFS= read -r line; do printf '%s %s\n' "$(now_ms)" "$line"; done >events.txt
    grep -qi '^content-type: text/event-stream' events.headers
    cut -d' ' -f2- events.txt | head -n 40
    # The events in order: status first, the seven lines with their seq as id, end last.
    [ "$(grep -oE '^[0-9]+ (event|id): .*' events.txt | cut -d' ' -f2- | grep -v '^event: status' | tr '\n' ' ')" = \
        "id: 1 event: line id: 2 event: line id: 3 event: line id: 4 event: line id: 5 event: line id: 6 event: line id: 7 event: line event: end " ]
    [ "$(grep -E '^[0-9]+ event: ' events.txt | head -n 1 | cut -d' ' -f2-)" = "event: status" ]
    [ "$(grep -E '^[0-9]+ event: ' events.txt | tail -n 1 | cut -d' ' -f2-)" = "event: end" ]
    [ "$(grep -E '^[0-9]+ data: \{"eol"' events.txt | cut -d' ' -f3- | jq -r .text | tr '\n' ',')" = \
        "tick 0,tick 1,tick 2,tick 3,tick 4,tick 5,tick 6," ]
    [ "$(grep -A1 -E '^[0-9]+ event: end' events.txt | tail -n 1 | cut -d' ' -f3- | jq -r .status)" = succeeded ]
    # Live: the first line came well before the end, and the lines came spread over the run.
    first_line=$(grep -m1 -E '^[0-9]+ event: line' events.txt | cut -d' ' -f1)
    last_line=$(grep -E '^[0-9]+ event: line' events.txt | tail -n 1 | cut -d' ' -f1)
    end=$(grep -E '^[0-9]+ event: end' events.txt | cut -d' ' -f1)
    echo "first line at $first_line, last line at $last_line, end at $end (ms)"
    ((end - first_line >= 1200))
    ((last_line - first_line >= 1200))
}

@test "events resume: Last-Event-ID: N gives only the lines after N; ?from= without it; a bad Last-Event-ID is 422" {
    program=$'for i in range(1, 11):\n    print("line", i)\n'
    japi POST '/api/v1/runs?wait=30' "$(files_run "$program")"
    expect 200
    id=$(jq -er .id <<<"$body")
    events() { curl -sN -m 30 --interface "$(client_addr)" -b "$JAR" "$@" "$(stack_url)/api/v1/runs/$id/events"; }
    events -H 'Last-Event-ID: 6' >resumed.txt
    [ "$(grep '^id: ' resumed.txt | tr '\n' ' ')" = "id: 7 id: 8 id: 9 id: 10 " ]
    [ "$(grep '^data: {"eol"' resumed.txt | cut -d' ' -f2- | jq -r .text | tr '\n' ',')" = "line 7,line 8,line 9,line 10," ]
    [ "$(grep '^event: ' resumed.txt | head -n 1)" = "event: status" ]
    [ "$(grep '^event: ' resumed.txt | tail -n 1)" = "event: end" ]
    events -H 'Last-Event-ID: 10' >none.txt
    [ "$(grep -c '^event: line' none.txt)" -eq 0 ]
    [ "$(grep '^event: ' none.txt | tail -n 1)" = "event: end" ]
    events "--get" --data-urlencode "from=9" >from.txt
    [ "$(grep '^id: ' from.txt | tr '\n' ' ')" = "id: 9 id: 10 " ]
    api GET "/api/v1/runs/$id/events" -H 'Last-Event-ID: seven'
    expect_error 422 invalid Last-Event-ID
}

@test "events resume while the run goes on: reconnecting with Last-Event-ID misses and repeats nothing" {
    program=$'import time\nfor i in range(1, 13):\n    print("n", i, flush=True)\n    time.sleep(0.25)\n'
    japi POST /api/v1/runs "$(files_run "$program")"
    id=$(jq -er .id <<<"$body")
    # The first connection is dropped after three lines.
    curl -sN -m 30 --interface "$(client_addr)" -b "$JAR" "$(stack_url)/api/v1/runs/$id/events" |
        awk '/^id: / { n++ } { print } n == 3 && /^data: / { exit }' >part1.txt
    last=$(grep '^id: ' part1.txt | tail -n 1 | cut -d' ' -f2)
    [ "$last" -eq 3 ]
    curl -sN -m 30 --interface "$(client_addr)" -b "$JAR" -H "Last-Event-ID: $last" \
        "$(stack_url)/api/v1/runs/$id/events" >part2.txt
    [ "$(cat part1.txt part2.txt | grep '^id: ' | cut -d' ' -f2 | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 10 11 12 " ]
    [ "$(grep '^event: ' part2.txt | tail -n 1)" = "event: end" ]
}

@test "POST /api/v1/runs/ID/cancel: a running run ends cancelled; an ended one is returned as it is" {
    japi POST /api/v1/runs "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}], limits: {timeout: "90s"}}' --arg p "$SLEEPER")"
    expect 202
    id=$(jq -er .id <<<"$body")
    wait_printed "$id"
    api POST "/api/v1/runs/$id/cancel"
    expect 200
    jq -e '.cancel_requested == true' <<<"$body"
    wait_run "$id" 30
    [ "$(jq -r '"\(.status)|\(.reason)"' <<<"$body")" = "cancelled|cancelled over the API" ]
    [ "$(log_lines "$id")" = "stdout true started" ]
    api POST "/api/v1/runs/$id/cancel"
    expect 200
    [ "$(jq -r .status <<<"$body")" = cancelled ]
    # Cross-site, it is refused like any change.
    api POST "/api/v1/runs/$id/cancel" -H 'Origin: http://evil.example'
    expect_error 403 cross-site
    api POST /api/v1/runs/987654/cancel
    expect_error 404 not-found
}

@test "bob cannot GET, read the logs or events of, see the code of, or cancel alice's run (404); it runs on" {
    japi POST /api/v1/runs "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}], limits: {timeout: "90s"}}' --arg p "$SLEEPER")"
    id=$(jq -er .id <<<"$body")
    wait_printed "$id"
    local path
    for path in "" /logs /events /files; do
        JAR=$BJAR api GET "/api/v1/runs/$id$path" -m 10
        expect_error 404 not-found
        [[ $body != *started* ]]
    done
    JAR=$BJAR api POST "/api/v1/runs/$id/cancel"
    expect_error 404 not-found
    # Exactly as for a run that does not exist.
    mine=$(jq -c '.error' <<<"$body" | sed "s/$id/ID/g")
    JAR=$BJAR api POST /api/v1/runs/987654/cancel
    [ "$(jq -c '.error' <<<"$body" | sed 's/987654/ID/g')" = "$mine" ]
    JAR='' api GET "/api/v1/runs/$id"
    expect_error 401 unauthenticated
    api GET "/api/v1/runs/$id"
    [ "$(jq -r '"\(.status) \(.cancel_requested)"' <<<"$body")" = "running false" ]
    api POST "/api/v1/runs/$id/cancel"
    wait_run "$id" 30
    [ "$(jq -r .status <<<"$body")" = cancelled ]
}

@test "GET /metrics after runs: sbx_runs by runtime, engine and status, and the duration histogram" {
    japi POST '/api/v1/runs?wait=30' "$(files_run 'print(1)')"
    expect 200
    FROM=127.0.0.1 api GET /metrics
    expect 200
    grep -qE '^sbx_runs\{runtime="python-3.11",engine="podman",oci_runtime="runsc",status="succeeded",via="api"\} [1-9][0-9]*$' <<<"$body"
    grep -qxF 'sbx_oci_runtime_info{engine="podman",oci_runtime="runsc",gvisor="true"} 1' <<<"$body"
    grep -qE '^sbx_run_duration_seconds_count [1-9][0-9]*$' <<<"$body"
    grep -qE '^sbx_http_requests_total\{route="/api/v1/runs",status="200"\} [1-9][0-9]*$' <<<"$body"
}

@test "supervisors hold none of sbx-fcgi's sockets: restarting sbx-fcgi while a run goes on, requests answer at once" {
    japi POST /api/v1/runs "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}], limits: {timeout: "90s"}}' --arg p "$SLEEPER")"
    id=$(jq -er .id <<<"$body")
    wait_printed "$id"
    api GET "/api/v1/runs/$id"
    supervisor=$(jq -er .supervisor_pid <<<"$body")
    fcgi=$(cat "$STACK/fcgi.pid")
    # The socket inodes sbx-fcgi has open (its listening socket and nginx's connections).
    fcgi_sockets=$(find "/proc/$fcgi/fd" -lname 'socket:*' -printf '%l\n' | sort -u)
    shared=$(find "/proc/$supervisor/fd" -lname 'socket:*' -printf '%l\n' | sort -u | comm -12 - <(echo "$fcgi_sockets"))
    echo "sockets of sbx-fcgi ($fcgi) also open in the supervisor ($supervisor): ${shared:-none}"
    ls -l "/proc/$supervisor/fd"
    # A new sbx-fcgi in place of the old, as after an upgrade; the run goes on meanwhile.
    restart_fcgi
    local i slow=0
    for i in $(seq 10); do
        api GET /api/v1/runtimes -m 5 >/dev/null
        [[ $status_code == 200 ]] || slow=$((slow + 1))
    done
    echo "$slow of 10 requests through nginx were not answered within 5 s after the restart"
    [ -z "$shared" ]
    [ "$slow" -eq 0 ]
    api GET "/api/v1/runs/$id" -m 5
    [ "$(jq -r .status <<<"$body")" = running ]
}

@test "event streams do not starve the API: with 8 streams open (as many as sbx-fcgi has threads), /healthz answers" {
    japi POST /api/v1/runs "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}], limits: {timeout: "90s"}}' --arg p "$SLEEPER")"
    id=$(jq -er .id <<<"$body")
    wait_printed "$id"
    local i pids=()
    for i in $(seq 8); do
        curl -sN -m 20 --interface "$(client_addr)" -b "$JAR" -o "stream.$i" "$(stack_url)/api/v1/runs/$id/events" &
        pids+=($!)
    done
    sleep 2
    api GET /healthz -m 5
    healthz=$status_code
    api GET /api/v1/runtimes -m 5
    runtimes=$status_code
    api POST "/api/v1/runs/$id/cancel" -m 5
    kill "${pids[@]}" 2>/dev/null || true  # ended already when the run did
    wait "${pids[@]}" || true
    echo "streams that got their first event: $(grep -l '^event: status' stream.* | wc -l) of 8"
    [ "$healthz" = 200 ]
    [ "$runtimes" = 200 ]
}

@test "a run waiting behind the user's quota is queued with its queue_position; it starts when the first ends" {
    sbx user quota "$ALICE" --max-concurrent-runs 1 >/dev/null
    japi POST /api/v1/runs "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}], limits: {timeout: "90s"}}' --arg p "$SLEEPER")"
    first=$(jq -er .id <<<"$body")
    wait_printed "$first"
    japi POST /api/v1/runs "$(files_run 'print("second")')"
    expect 202
    second=$(jq -er .id <<<"$body")
    sleep 1
    api GET "/api/v1/runs/$second"
    [ "$(jq -r '"\(.status) \(.queue_position)"' <<<"$body")" = "queued 0" ]
    api GET "/api/v1/runs/$first"
    [ "$(jq -r '"\(.status) \(.queue_position)"' <<<"$body")" = "running null" ]
    # The event stream says so too.
    curl -sN -m 3 -b "$JAR" "$(stack_url)/api/v1/runs/$second/events" >events.txt || true
    grep -q '"queue_position":0' events.txt
    api POST "/api/v1/runs/$first/cancel"
    wait_run "$second"
    [ "$(jq -r '"\(.status) \(.queue_position)"' <<<"$body")" = "succeeded null" ]
}

# Last in this file: it runs sbx-fcgi (and the supervisors it starts) on a changed sbx.toml.
@test "runsc given as a path: /healthz and /metrics name it, and a run over HTTP records it" {
    local runsc
    runsc=$(command -v runsc) || { echo "runsc is not installed (tests/e2e/setup-engines podman)"; return 1; }
    cp "$SBX_CONFIG" "$BATS_TEST_TMPDIR/sbx.toml.before"
    sed -i "s|^oci_runtime = .*|oci_runtime = \"$runsc\"|" "$SBX_CONFIG"
    restart_fcgi
    api GET /healthz
    local healthz=$status_code health=$body
    japi POST '/api/v1/runs?wait=30' "$(files_run 'import platform; print(platform.release())')"
    local run_status=$status_code run=$body
    FROM=127.0.0.1 api GET /metrics
    local metrics=$body
    cp "$BATS_TEST_TMPDIR/sbx.toml.before" "$SBX_CONFIG"
    restart_fcgi

    echo "healthz: $healthz $health"
    [ "$healthz" = 200 ]
    [ "$(jq -r '"\(.status) \(.oci_runtime) \(.gvisor)"' <<<"$health")" = "ok $runsc true" ]
    echo "run: $run_status $run"
    [ "$run_status" = 200 ]
    [ "$(jq -r '"\(.status) \(.oci_runtime)"' <<<"$run")" = "succeeded $runsc" ]
    grep -qxF "sbx_oci_runtime_info{engine=\"podman\",oci_runtime=\"$runsc\",gvisor=\"true\"} 1" <<<"$metrics"
    grep -qE "^sbx_runs\\{runtime=\"python-3.11\",engine=\"podman\",oci_runtime=\"$runsc\",status=\"succeeded\",via=\"api\"\\} 1$" <<<"$metrics"
    # The output is gVisor's kernel, not the host's.
    id=$(jq -er .id <<<"$run")
    api GET "/api/v1/runs/$id/logs"
    kernel=$(jq -r '.lines[0].text' <<<"$body")
    echo "kernel in the sandbox: $kernel; on the host: $(uname -r)"
    [ -n "$kernel" ] && [ "$kernel" != "$(uname -r)" ]
}
