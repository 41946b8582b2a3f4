# Test bodies for the warm pool (a keeper, pooled sandboxes, claims), shared by
# pool-podman.bats and pool-docker.bats.
# shellcheck disable=SC2154 # status, output and lines are set by bats `run`

# Starts `sbx pool keep` in the background (its log in keeper.log), with pool.size
# SIZE for every runtime without its own (python-3.11 has 2 in the shipped catalog).
start_keeper() {
    export SBX_POOL_SIZE=${1:-0}
    # fd 3 is bats' own: a background child holding it would keep bats waiting.
    sbx pool keep 3>&- >>"$BATS_TEST_TMPDIR/keeper.log" 2>&1 &
    KEEPER=$!
    echo "$KEEPER" >"$BATS_TEST_TMPDIR/keeper.pid"
}

# Stops the keeper (SIGTERM), then removes every idle pooled sandbox.
stop_keeper() {
    if [[ -n ${KEEPER:-} ]]; then
        kill -TERM "$KEEPER" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$KEEPER" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$KEEPER" 2>/dev/null || true
        KEEPER=
    fi
    sbx pool drain >/dev/null
}

pool_teardown() {
    local keeper_failed=0
    [[ -n ${KEEPER:-} ]] && ! kill -0 "$KEEPER" 2>/dev/null && keeper_failed=1
    stop_keeper
    if ((keeper_failed)); then
        echo "the keeper died during the test; its log:"
        cat "$BATS_TEST_TMPDIR/keeper.log"
    fi
    e2e_teardown
}

# `sbx pool` figure FIELD (ready, starting, claimed, claims, misses) of RUNTIME.
pool_figure() {
    sbx pool --format=json | jq -r --arg r "$1" --arg f "$2" '(.runtimes[] | select(.runtime == $r) | .[$f]) // 0'
}

# Waits until RUNTIME has at least N ready pooled sandboxes, at most LIMIT seconds.
wait_for_ready() {
    local runtime=$1 want=$2 limit=${3:-60} now=0
    for _ in $(seq $((limit * 10))); do
        now=$(pool_figure "$runtime" ready)
        ((now >= want)) && return 0
        sleep 0.1
    done
    echo "$runtime: $now pooled sandboxes ready after ${limit}s, waiting for $want; keeper log:"
    tail -n 20 "$BATS_TEST_TMPDIR/keeper.log"
    return 1
}

# The names of this instance's pooled containers, sorted, one a line.
pooled_containers() {
    "$ENGINE" ps -a --filter "label=sbx.instance=$INSTANCE" --filter "label=sbx.pool" --format '{{.Names}}' | sort
}

# Stops the keeper and leaves its sandboxes, for the next keeper to find.
stop_keeper_only() {
    kill -TERM "$KEEPER"
    wait "$KEEPER" 2>/dev/null
    KEEPER=
}

# What a program can see of its sandbox, the sandbox's own name left out.
write_inspector() {
    cat >inspect.py <<'EOF'
import subprocess
subprocess.run(["sh", "-c", """
env | grep -v '^HOSTNAME=' | sort
id
pwd
ls -la /work | sed 1d | awk '{print $1, $3, $4, $NF}'
ls -A /tmp /dev/shm
ulimit -a
mount | awk '{print $1, $3, $5, $6}' | sed -E 's/,[rw]fdno=[0-9]+//g' | sort
"""], check=True)
EOF
}

# A run from the pool gives the same output and record as a cold one, for every shipped
# runtime's hello world, compiled ones too.
same_as_cold_for_every_runtime() {
    local runtimes runtime file cold warm
    runtimes=$(sbx runtime list --format=json | jq -r '.[].id')
    for runtime in $runtimes; do
        file=$(runtime_file "$runtime")
        mkdir -p "$runtime" && runtime_hello "$runtime" >"$runtime/$file"
        run_within 120 sbx run -r "$runtime" "$runtime/$file"
        [ "$status" -eq 0 ]
        echo "$output" >"$runtime/cold.out"
        [ "$(field "$(last_run)" pooled)" = false ]
    done
    start_keeper 1
    for runtime in $runtimes; do wait_for_ready "$runtime" 1 180; done
    for runtime in $runtimes; do
        file=$(runtime_file "$runtime")
        run_within 120 sbx run -r "$runtime" "$runtime/$file"
        [ "$status" -eq 0 ]
        cold=$(cat "$runtime/cold.out")
        [ "$output" = "$cold" ] || { echo "$runtime: warm '$output', cold '$cold'"; return 1; }
        warm=$(last_run)
        [ "$(field "$warm" pooled)" = true ] || { echo "$runtime: not pooled: $(field "$warm" pool_miss)"; return 1; }
        [ "$(field "$warm" status)" = succeeded ]
        [ "$(field "$warm" exit_code)" = 0 ]
        [[ $(field "$warm" sandbox) == "sbx-$INSTANCE-pool-"* ]] || { echo "$runtime: sandbox $(field "$warm" sandbox)"; return 1; }
        [ "$(field "$warm" cpu_ms)" != null ]
        [ "$(field "$warm" peak_memory_bytes)" != null ]
    done
}

# What the program sees (env, user, mounts, limits, empty /tmp) is the same warm and cold;
# stdin, args and the run's env reach it; its exit code is its own.
same_sandbox_as_cold() {
    write_inspector
    run_within 60 sbx run -r python-3.11 inspect.py
    [ "$status" -eq 0 ]
    local cold=$output
    start_keeper 0
    wait_for_ready python-3.11 2
    run_within 60 sbx run -r python-3.11 inspect.py
    [ "$status" -eq 0 ]
    [ "$(field "$(last_run)" pooled)" = true ]
    diff <(echo "$cold") <(echo "$output")

    wait_for_ready python-3.11 1
    printf 'import os, sys\nprint(sys.stdin.read().strip(), sys.argv[1:], os.environ["GREETING"])\nsys.exit(3)\n' >args.py
    echo fed >fed.txt
    run_within 60 sbx run -r python-3.11 args.py --env GREETING=hi --stdin fed.txt -- a b
    [ "$status" -eq 3 ]
    [ "$output" = "fed ['a', 'b'] hi" ]
    [ "$(field "$(last_run)" pooled)" = true ]
}

# Nothing one pooled run leaves (files in /tmp, /work, /dev/shm; a process) reaches the next.
nothing_carries_over() {
    start_keeper 0
    wait_for_ready python-3.11 2
    cat >leave.py <<'EOF'
import subprocess
for path in ("/tmp/left", "/work/left", "/dev/shm/left"):
    open(path, "w").write("secret")
subprocess.Popen(["sleep", "300"], start_new_session=True)
print("left")
EOF
    cat >look.py <<'EOF'
import os
print([p for p in ("/tmp/left", "/work/left", "/dev/shm/left") if os.path.exists(p)])
print([open(f"/proc/{p}/comm").read().strip() for p in os.listdir("/proc") if p.isdigit()])
EOF
    # Claims take the oldest ready sandbox: the one with the lowest id.
    local first_sandbox
    first_sandbox=$(pooled_containers | sort -t- -k5 -n | head -n 1)
    run_within 60 sbx run -r python-3.11 leave.py
    [ "$output" = left ]
    [ "$(field "$(last_run)" pooled)" = true ]
    run_within 60 sbx run -r python-3.11 look.py
    [ "$(field "$(last_run)" pooled)" = true ]
    [ "${lines[0]}" = "[]" ]
    [[ ${lines[1]} != *sleep* ]]
    # The first run's sandbox, and its leftover process, are gone soon after it ended.
    for _ in $(seq 100); do
        pooled_containers | grep -qx "$first_sandbox" || break
        sleep 0.1
    done
    ! pooled_containers | grep -qx "$first_sandbox"
}

# A run asking for limits that shape the sandbox goes cold and says why; the pool keeps
# its sandbox for the next run that fits.
other_limits_go_cold() {
    start_keeper 0
    wait_for_ready python-3.11 2
    printf 'print("hi")\n' >hi.py
    run_within 60 sbx run -r python-3.11 --memory 300M hi.py
    [ "$output" = hi ]
    [ "$(field "$(last_run)" pooled)" = false ]
    [ "$(field "$(last_run)" pool_miss)" = limits ]
    [ "$(pool_figure python-3.11 ready)" -eq 2 ]
    # A longer time limit does not shape the sandbox: that run is pooled.
    run_within 60 sbx run -r python-3.11 --timeout 20s hi.py
    [ "$(field "$(last_run)" pooled)" = true ]
}

# kill -9 of the keeper while it makes a sandbox, then gc: no container, cgroup or
# directory is left that no row accounts for, and runs still work (and a new keeper
# takes over).
keeper_killed_mid_refill() {
    start_keeper 1
    local starting=0
    for _ in $(seq 300); do
        starting=$(sbx pool --format=json | jq '[.runtimes[].starting] | add')
        ((starting > 0)) && break
        sleep 0.05
    done
    ((starting > 0))
    kill -9 "$KEEPER"
    KEEPER=
    run_within 120 sbx gc
    [ "$status" -eq 0 ]
    # Every pooled container left is a ready row's, and alive.
    local rows
    rows=$(sbx pool --format=json | jq '[.runtimes[].ready] | add')
    [ "$(sbx pool --format=json | jq '[.runtimes[].starting] | add')" -eq 0 ]
    [ "$(pooled_containers | wc -l)" -eq "$rows" ]
    printf 'print("still works")\n' >ok.py
    run_within 60 sbx run -r python-3.11 ok.py
    [ "$output" = "still works" ]
    start_keeper 0
    wait_for_ready python-3.11 2
    run_within 60 sbx run -r python-3.11 ok.py
    [ "$(field "$(last_run)" pooled)" = true ]
    stop_keeper
    run_within 60 sbx gc
    [ -z "$(pooled_containers)" ]
    [ -z "$(find /sys/fs/cgroup/*/"sbx-$INSTANCE" -name 'pool-*' 2>/dev/null)" ]
    [ -z "$(find "$STATE" -path '*/pool/*' -type d 2>/dev/null)" ]
}

# A restarted keeper adopts the ready sandboxes it finds; stale ones (past max_age) are
# replaced; `sbx pool` reports claims and misses.
restart_adopts_and_ages() {
    start_keeper 0
    wait_for_ready python-3.11 2
    local before mark
    before=$(pooled_containers)
    stop_keeper_only
    [ "$(pooled_containers)" = "$before" ]
    mark=$(wc -l <"$BATS_TEST_TMPDIR/keeper.log")
    start_keeper 0
    sleep 2
    [ "$(pooled_containers)" = "$before" ]
    ! tail -n +$((mark + 1)) "$BATS_TEST_TMPDIR/keeper.log" | grep "made "
    stop_keeper_only
    # Past max_age they are replaced (the keeper looks every 10 s).
    export SBX_POOL_MAX_AGE=2s
    start_keeper 0
    local now=""
    for _ in $(seq 300); do
        now=$(pooled_containers)
        [[ -n $now ]] && ! grep -qxF -f <(echo "$before") <<<"$now" && [[ $(wc -l <<<"$now") -eq 2 ]] && break
        sleep 0.1
    done
    ! grep -qxF -f <(echo "$before") <<<"$now"
    grep -q "older than pool.max_age" "$BATS_TEST_TMPDIR/keeper.log"
    unset SBX_POOL_MAX_AGE
    run sbx pool
    [ "$status" -eq 0 ]
    [[ $output == *"keeper: running"* ]]
    [[ $output == *python-3.11* ]]
}

# A hostile program in a pooled sandbox ends as it does in a cold one: BODY is a test of
# hostile.bash, run with a keeper holding a sandbox of each of RUNTIMES, whose first run
# (the hostile one) must have been pooled.
pooled_hostile() {
    local body=$1 runtime
    shift
    start_keeper 1
    for runtime in "$@"; do wait_for_ready "$runtime" 1 120; done
    "$body"
    local first
    first=$(sbx ps --all --limit 1000 --format=json | jq -r '.[-1] | "\(.id) \(.pooled) \(.pool_miss)"')
    [[ $first == *" true "* ]] || { echo "the hostile run was not pooled: $first"; return 1; }
}

# SIGHUP: the keeper reads its config again. A runtime given a pool gets one, and a
# config that no longer loads is refused with the error, the pool kept as it was.
reload_on_hangup() {
    start_keeper 0
    wait_for_ready python-3.11 2
    [ "$(pool_figure bash-5.2 ready)" = 0 ]
    local bash_toml=${SBX_CONFIG%/*}/runtimes.d/bash-5.2.toml
    sed -i 's/^\[pool\]$/[pool]\nsize = 1/' "$bash_toml"
    grep -qx "size = 1" "$bash_toml"
    kill -HUP "$KEEPER"
    wait_for_ready bash-5.2 1 60
    grep -q "reloaded the config" "$BATS_TEST_TMPDIR/keeper.log"
    cp "$SBX_CONFIG" "$BATS_TEST_TMPDIR/sbx.toml.good"
    echo "this is not toml" >>"$SBX_CONFIG"
    kill -HUP "$KEEPER"
    for _ in $(seq 100); do grep -q "reload refused" "$BATS_TEST_TMPDIR/keeper.log" && break; sleep 0.1; done
    grep "reload refused" "$BATS_TEST_TMPDIR/keeper.log" | grep -q "sbx.toml:"
    cp "$BATS_TEST_TMPDIR/sbx.toml.good" "$SBX_CONFIG" # for `sbx pool` below; the keeper is not told
    sleep 1
    kill -0 "$KEEPER"
    [ "$(pool_figure bash-5.2 ready)" = 1 ]
    [ "$(pool_figure python-3.11 ready)" = 2 ]
}
