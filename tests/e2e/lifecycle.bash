# Test bodies for the life of detached runs (queue, cancel, supervisors, gc, logs), shared
# by lifecycle-podman.bats and lifecycle-docker.bats.
# shellcheck disable=SC2154 # status, output, stderr and lines are set by bats `run`

# A program that prints "tick N" every 0.2 s for about 20 s.
ticker() {
    cat >ticker.py <<'EOF'
import time
for i in range(100):
    print("tick", i, flush=True)
    time.sleep(0.2)
EOF
}

# Starts a detached run of the ticker and prints its id.
start_ticker() {
    ticker
    sbx run -r python-3.11 ticker.py --timeout 60s --detach
}

# Starts a detached run that prints "started" and then sleeps quietly for 60 s, and prints
# its id. Quiet matters where its supervisor is killed: a program that goes on printing dies
# of the broken pipe, while this one lives on until someone removes its container.
start_sleeper() {
    printf 'import time\nprint("started", flush=True)\ntime.sleep(60)\n' >sleeper.py
    sbx run -r python-3.11 sleeper.py --timeout 90s --detach
}

# Waits until run ID has printed at least one line (its program is really running).
wait_for_output() {
    local id=$1
    for _ in $(seq 300); do
        [[ $(sbx logs "$id" --size 1 2>/dev/null) ]] && return 0
        sleep 0.1
    done
    echo "run $id printed nothing within 30 s (status $(field "$id" status))"
    return 1
}

# Waits until run ID has no container left (at most 15 s).
wait_for_no_container() {
    for _ in $(seq 150); do
        [[ -z $("$ENGINE" ps -a -q --filter "label=sbx.run=$1" --filter "label=sbx.instance=$INSTANCE") ]] && return 0
        sleep 0.1
    done
    echo "run $1 still has a container: $(containers)"
    return 1
}

# The pid of the detached supervisor of run ID: `sbx-supervise --config CONF ... ID`
# (the record does not show it).
supervisor_pid() {
    pgrep -f -- "^[^ ]*sbx-supervise --config $SBX_CONFIG( .*)? $1\$"
}

# With one slot, a second run waits as queued; cancelled there, it ends as cancelled
# without ever starting.
cancel_queued() {
    set_config max_concurrent_runs 1
    first=$(start_ticker)
    wait_for_status "$first" running
    echo 'print("the second run ran")' >second.py
    second=$(sbx run -r python-3.11 second.py --detach)
    sleep 1 # time enough to start, were it not queued
    [ "$(field "$second" status)" = queued ]
    run sbx cancel "$second"
    [ "$status" -eq 0 ]
    [ "$output" = "run $second: cancelled" ]
    [ "$(field "$second" status)" = cancelled ]
    [ "$(field "$second" reason)" = "cancelled with sbx cancel" ]
    [ "$(field "$second" started_at)" = null ]
    [ "$(field "$second" output_bytes)" = 0 ]
    [ -z "$(sbx logs "$second" 2>&1)" ]
    # The first run was not disturbed.
    [ "$(field "$first" status)" = running ]
    sbx cancel "$first"
    wait_for_end "$first"
    wait_for_no_container "$first"
}

# A running run is cancelled: its container (named sbx-INSTANCE-ID, labelled with the
# instance and the run) is gone, its supervisor ends, and a follower exits 137.
cancel_running() {
    id=$(start_ticker)
    wait_for_output "$id"
    [ "$(field "$id" status)" = running ]
    [ "$("$ENGINE" ps --filter "label=sbx.run=$id" --filter "label=sbx.instance=$INSTANCE" --format '{{.Names}}')" = \
        "sbx-$INSTANCE-$id" ]
    pid=$(supervisor_pid "$id")
    [[ $pid =~ ^[0-9]+$ ]] || { echo "no supervisor found for run $id: '$pid'"; return 1; }
    timeout 60 sbx logs "$id" --follow >follow.out 2>follow.err &
    follower=$!
    run_within 30 sbx cancel "$id"
    [ "$status" -eq 0 ]
    [ "$output" = "run $id: cancelled" ]
    [ "$(field "$id" status)" = cancelled ]
    [ "$(field "$id" signal)" = 9 ]
    wait_for_no_container "$id"
    wait "$follower" && follow_status=0 || follow_status=$?
    cat follow.err
    [ "$follow_status" -eq 137 ]
    grep -q '^tick 0$' follow.out
    grep -q "sbx: run $id was cancelled: cancelled with sbx cancel" follow.err
    # Its supervisor is gone too.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "supervisor $pid of run $id still alive"; return 1; fi
}

# A run cancelled while it compiles ends as cancelled at stage compile; its container (which
# outlives a stage: compile and run share it) is gone.
cancel_building() {
    sbx runtime show go-1.19 --format=json | jq -r .hello_world >main.go
    id=$(sbx run -r go-1.19 main.go --detach)
    wait_for_status "$id" building
    sleep 0.5
    run_within 30 sbx cancel "$id"
    [ "$status" -eq 0 ]
    [ "$output" = "run $id: cancelled" ]
    [ "$(field "$id" status)" = cancelled ]
    [ "$(field "$id" stage)" = compile ]
    wait_for_no_container "$id"
}

# SIGTERM to a foreground `sbx run` cancels the run: it exits 137, says why, and leaves no
# container behind.
terminate_foreground() {
    ticker
    sbx ps >/dev/null # the state exists before two processes open it (see fresh_state_at_once)
    timeout 60 sbx run -r python-3.11 ticker.py >fg.out 2>fg.err &
    foreground=$!
    id=""
    for _ in $(seq 100); do id=$(last_run 2>/dev/null) && break; sleep 0.1; done
    wait_for_output "$id"
    # `timeout` runs sbx-run as its child: signal that one.
    kill -TERM "$(pgrep -P "$foreground")"
    wait "$foreground" && fg_status=0 || fg_status=$?
    cat fg.err
    [ "$fg_status" -eq 137 ]
    grep -q "sbx: run $id was cancelled" fg.err
    [ "$(field "$id" status)" = cancelled ]
    wait_for_no_container "$id"
}

# With one slot the second run is queued (first in line) while the first runs, then runs
# to completion once the slot is free.
one_slot_queues() {
    set_config max_concurrent_runs 1
    cat >first.py <<'EOF'
import time
print("first", flush=True)
time.sleep(3)
EOF
    echo 'print("second")' >second.py
    first=$(sbx run -r python-3.11 first.py --detach)
    second=$(sbx run -r python-3.11 second.py --detach)
    wait_for_output "$first"
    [ "$(field "$first" status)" = running ]
    [ "$(field "$second" status)" = queued ]
    run sbx ps
    echo "$output"
    [[ $output =~ $second\ +queued\ +python-3.11\ .*position\ 1\ in\ the\ queue ]]
    [[ $output =~ $first\ +running\ +python-3.11 ]]
    [ "$(sbx ps --format=json | jq -r 'map("\(.id):\(.status)") | join(" ")')" = "$second:queued $first:running" ]
    wait_for_end "$second" 60
    [ "$(field "$first" status)" = succeeded ]
    [ "$(field "$second" status)" = succeeded ]
    [ "$(sbx logs "$second")" = second ]
    # The second started only once the first had finished.
    [[ ! $(field "$second" started_at) < $(field "$first" finished_at) ]]
    [ "$(sbx ps --format=json | jq length)" -eq 0 ]
    [ "$(sbx ps --all --format=json | jq length)" -eq 2 ]
}

# kill -9 of a detached run's supervisor: `sbx gc` marks the run error ("supervisor
# lost"), removes its container, and the slot it held is free again.
supervisor_killed() {
    set_config max_concurrent_runs 1
    id=$(start_sleeper)
    wait_for_output "$id"
    pid=$(supervisor_pid "$id")
    [[ $pid =~ ^[0-9]+$ ]] || { echo "no supervisor found for run $id: $pid"; return 1; }
    kill -KILL "$pid"
    sleep 0.5
    [ "$(field "$id" status)" = running ] # nobody has noticed yet
    run_within 60 sbx gc
    [ "$status" -eq 0 ]
    [[ $output == *"mark-lost run $id (was running; supervisor lost)"* ]]
    [[ $output == *"remove-container sbx-$INSTANCE-$id (supervisor lost)"* ]]
    [ "$(field "$id" status)" = error ]
    [ "$(field "$id" reason)" = "supervisor lost" ]
    wait_for_no_container "$id"
    # The kernel released the dead supervisor's slot: with one slot, a new run runs.
    echo 'print("next")' >next.py
    run_within 60 sbx run -r python-3.11 next.py
    [ "$status" -eq 0 ]
    [ "$output" = next ]
    # A second gc finds the snapshot and whatever else is left, then nothing.
    run_within 60 sbx gc
    [ "$status" -eq 0 ]
    run_within 60 sbx gc
    [ "$output" = "gc: 0 actions taken" ]
    [ -z "$(ls -A "$STATE/run/runs")" ]
}

# Two collectors at once: both succeed and each piece of garbage is dealt with once;
# --dry-run changes nothing; containers of other instances or without labels are never
# touched.
gc_twice_at_once() {
    local image other stray unlabelled
    image=$(sbx runtime show bash-5.2 --format=json | jq -r .image)
    id=$(start_sleeper)
    wait_for_output "$id"
    kill -KILL "$(supervisor_pid "$id")"
    # A container of this instance for a run the database never heard of, one of
    # another instance and one without labels.
    stray=$("$ENGINE" create --label "sbx.instance=$INSTANCE" --label sbx.run=999999 "$image" true)
    other=$("$ENGINE" create --label "sbx.instance=$INSTANCE-other" --label sbx.run=1 "$image" true)
    unlabelled=$("$ENGINE" create "$image" true)
    echo "$other $unlabelled" >>"$BATS_TEST_TMPDIR/foreign-containers" # teardown removes them
    run_within 60 sbx gc --dry-run
    [ "$status" -eq 0 ]
    [[ $output == *"would mark-lost run $id"* ]]
    [[ $output == *"would remove-container"* ]]
    [ "$(field "$id" status)" = running ]
    [ "$(containers -q | wc -l)" -eq 2 ]

    timeout 60 sbx gc --format=json >gc1.json 2>gc1.err &
    gc1=$!
    timeout 60 sbx gc --format=json >gc2.json 2>gc2.err &
    gc2=$!
    wait "$gc1" && status1=0 || status1=$?
    wait "$gc2" && status2=0 || status2=$?
    cat gc1.json gc1.err gc2.json gc2.err
    [ "$status1" -eq 0 ]
    [ "$status2" -eq 0 ]
    [ "$(jq -s '[.[].actions[] | select(.action == "mark-lost")] | length' gc1.json gc2.json)" -eq 1 ]
    [ "$(jq -s '[.[].actions[] | select(.action == "remove-container")] | length' gc1.json gc2.json)" -eq 2 ]
    [ "$(field "$id" status)" = error ]
    wait_for_no_container "$id"
    [ -z "$(containers)" ]
    # Not ours: untouched.
    [ "$("$ENGINE" ps -a -q --no-trunc --filter "id=$other" | wc -l)" -eq 1 ]
    [ "$("$ENGINE" ps -a -q --no-trunc --filter "id=$unlabelled" | wc -l)" -eq 1 ]
    [ -n "$stray" ]
}

# `sbx logs --follow` prints lines as the run prints them and exits with the run's exit
# status when it ends.
follow_streams() {
    cat >main.py <<'EOF'
import sys, time
for i in range(6):
    print("line", i, flush=True)
    time.sleep(0.5)
print("bye", file=sys.stderr, flush=True)
sys.exit(3)
EOF
    id=$(sbx run -r python-3.11 main.py --detach)
    timeout 60 sbx logs "$id" --follow >follow.out 2>follow.err &
    follower=$!
    # A line arrives while the run is still going.
    for _ in $(seq 100); do grep -q '^line 0$' follow.out && break; sleep 0.1; done
    grep -q '^line 0$' follow.out
    [ "$(field "$id" status)" = running ]
    if grep -q '^line 5$' follow.out; then echo "the follower got line 5 before the run ended?"; return 1; fi
    wait "$follower" && follow_status=0 || follow_status=$?
    [ "$follow_status" -eq 3 ]
    [ "$(cat follow.out)" = "$(printf 'line %s\n' 0 1 2 3 4 5)" ]
    [ "$(cat follow.err)" = bye ]
    [ "$(field "$id" status)" = failed ]
    # Following a run that has ended prints it all and exits at once, the same way.
    run_within 10 sbx logs "$id" --follow --stream stdout
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" -eq 6 ]
}

# `sbx logs` pages by cursor: --from/--size, JSON with next (null at the end), one stream
# at a time; empty lines, a last line without newline and bytes that are not UTF-8 are
# kept as they were.
logs_paging() {
    cat >main.py <<'EOF'
import sys, time
for i in range(1, 9):
    print("out", i, flush=True)
print(flush=True)
time.sleep(0.3)
print("err 1", file=sys.stderr, flush=True)
time.sleep(0.3)
sys.stdout.buffer.write(b"\xff\xfe\n")
sys.stdout.write("no newline")
EOF
    run_within 60 sbx run -r python-3.11 main.py
    [ "$status" -eq 0 ]
    id=$(last_run)
    run sbx logs "$id" --size 4 --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -c '[.lines[].seq]' <<<"$output")" = "[1,2,3,4]" ]
    [ "$(jq -r '.lines[0].text' <<<"$output")" = "out 1" ]
    [ "$(jq -c '[.next, .ended]' <<<"$output")" = "[5,false]" ]
    run sbx logs "$id" --from 5 --size 4 --format=json
    [ "$(jq -c '[.lines[].seq]' <<<"$output")" = "[5,6,7,8]" ]
    [ "$(jq -c '.next' <<<"$output")" = 9 ]
    run sbx logs "$id" --from 9 --size 4 --format=json
    echo "$output"
    [ "$(jq -c '[.lines[] | [.seq, .stream, .text, .base64, .eol]]' <<<"$output")" = \
        '[[9,"stdout","",null,true],[10,"stderr","err 1",null,true],[11,"stdout",null,"//4=",true],[12,"stdout","no newline",null,false]]' ]
    [ "$(jq -c '[.next, .ended]' <<<"$output")" = "[null,true]" ]
    # Text pages: the lines as printed, and a hint on stderr when more follow.
    run --separate-stderr sbx logs "$id" --from 3 --size 2
    [ "$output" = $'out 3\nout 4' ]
    [ "$stderr" = "sbx: more lines follow: sbx logs $id --from 5" ]
    run --separate-stderr sbx logs "$id" --stream stderr --format=json
    [ "$(jq -c '[.lines[] | [.seq, .text]]' <<<"$output")" = '[[10,"err 1"]]' ]
    run --separate-stderr sbx logs "$id" --from 11
    [ "$output" = $'\xff\xfe\nno newline' ]
}

# Once a run has ended and gc has run, no cgroup of the run is left in any hierarchy (sbx
# starts sandboxes under /sbx-INSTANCE/run-ID to read their CPU time and peak memory).
no_cgroup_left() {
    echo 'print("hi")' >main.py
    run_within 60 sbx run -r python-3.11 main.py
    [ "$status" -eq 0 ]
    id=$(last_run)
    run_within 60 sbx gc
    [ "$status" -eq 0 ]
    left=$(find /sys/fs/cgroup/*/"sbx-$INSTANCE" -mindepth 1 -type d 2>/dev/null)
    if [[ -n $left ]]; then
        echo "cgroups left after run $id ended and gc ran:"
        echo "$left"
        return 1
    fi
}

# gc enforces retention (runs_per_project; loose runs count as one project), deleting the
# expired runs with their output, and removes stale snapshot dirs without following the
# symlinks in them.
gc_retention_and_snapshots() {
    set_config runs_per_project 2
    # shellcheck disable=SC2016 # $1 is the program's
    echo 'echo "run $1"' >main.sh
    for n in 1 2 3; do
        run_within 60 sbx run -r bash-5.2 main.sh -- "$n"
        [ "$output" = "run $n" ]
    done
    # A snapshot dir left by a run the database does not know, holding links to host files.
    mkdir -p precious-dir "$STATE/run/runs/999999/src"
    echo precious >precious
    echo precious >precious-dir/file
    ln -s "$PWD/precious" "$STATE/run/runs/999999/src/main.sh"
    ln -s "$PWD/precious-dir" "$STATE/run/runs/999999/src/dir"
    ln -s "$PWD/precious-dir" "$STATE/run/runs/999999/dir"
    run_within 60 sbx gc
    [ "$status" -eq 0 ]
    [[ $output == *"expire-run run 1 (past retention)"* ]]
    [[ $output == *"remove-snapshot $STATE/run/runs/999999 (no such run)"* ]]
    [[ $output != *"expire-run run 2"* && $output != *"expire-run run 3"* ]]
    run sbx show 1
    [ "$status" -eq 66 ]
    run sbx logs 1
    [ "$status" -eq 66 ]
    [ "$(sbx logs 3)" = "run 3" ]
    [ "$(sbx ps --all --format=json | jq -c 'map(.id)')" = "[3,2]" ]
    [ ! -e "$STATE/run/runs/999999" ]
    [ "$(cat precious precious-dir/file)" = $'precious\nprecious' ]
}

# Several sbx processes opening a state that does not exist yet all succeed: one creates and
# migrates the database while the others wait for it (as the web, cron's gc and a shell may
# well do on a new host).
fresh_state_at_once() {
    local attempt n pids failed=0
    for attempt in $(seq 10); do
        pids=()
        for n in 1 2 3 4; do
            sbx ps --set state_dir="$BATS_TEST_TMPDIR/fresh-$attempt" >/dev/null 2>"fresh-$attempt-$n.err" &
            pids+=($!)
        done
        for n in 1 2 3 4; do
            if ! wait "${pids[n - 1]}"; then
                echo "attempt $attempt, process $n: $(cat "fresh-$attempt-$n.err")"
                failed=$((failed + 1))
            fi
        done
    done
    [ "$failed" -eq 0 ]
}
