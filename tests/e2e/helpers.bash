# Shared setup of the end-to-end tests: the real binaries in bin/ against a real engine
# (podman or docker, as the including file sets ENGINE) with gVisor (runsc). Nothing is
# mocked and nothing is skipped: an engine or image that is missing fails every test with
# a message saying what to install or run (see setup-engines).
#
# Each test gets a private copy of etc/ whose sbx.toml names its own state dir (inside
# BATS_TEST_TMPDIR), its own instance and the engine, so tests never see each other's
# runs or containers. Teardown fails a test that leaves a container or a supervisor
# behind, after removing them so that the next tests start clean.
# shellcheck disable=SC2154 # status, output and stderr are set by bats `run`
bats_require_minimum_version 1.5.0

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
E2E="$ROOT/tests/e2e"

# setup_file: is the engine ready? Checked once per file; every test reports the answer.
e2e_setup_file() {
    : "${ENGINE:?the test file sets ENGINE=podman or ENGINE=docker before loading helpers}"
    if ! "$E2E/setup-engines" "$ENGINE" >"$BATS_FILE_TMPDIR/engine-check" 2>&1; then
        touch "$BATS_FILE_TMPDIR/engine-missing"
    fi
}

e2e_setup() {
    if [[ -e $BATS_FILE_TMPDIR/engine-missing ]]; then
        cat "$BATS_FILE_TMPDIR/engine-check"
        echo "FAIL: $ENGINE is not ready for the end-to-end tests; fix the above (tests/e2e/setup-engines $ENGINE)"
        return 1
    fi
    export PATH="$ROOT/bin:$PATH"
    # Nothing from the caller's environment may steer these tests.
    while read -r name; do unset "$name"; done < <(env | grep -o '^SBX_[A-Z_]*')
    CONF="$BATS_TEST_TMPDIR/etc"
    STATE="$BATS_TEST_TMPDIR/state"
    INSTANCE="e2e-${ENGINE}-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
    cp -r "$ROOT/etc" "$CONF"
    export SBX_CONFIG="$CONF/sbx.toml"
    set_config instance "\"$INSTANCE\""
    set_config state_dir "\"$STATE\""
    set_config engine "\"$ENGINE\""
    cd "$BATS_TEST_TMPDIR" || return 1
}

# Sets a top-level key of the test's sbx.toml, e.g. `set_config max_concurrent_runs 1`.
set_config() {
    local key=$1 value=$2
    grep -q "^$key = " "$SBX_CONFIG" || { echo "set_config: no line '$key = ...' in $SBX_CONFIG"; return 1; }
    sed -i "s|^$key = .*|$key = $value|" "$SBX_CONFIG"
}

e2e_teardown() {
    [[ -n ${INSTANCE:-} ]] || return 0
    local problems=() id pids leftovers
    # Runs a failed test left going are cancelled: what remains after that is sbx's doing.
    for id in $(timeout 30 sbx ps --format=json 2>/dev/null | jq -r '.[].id' 2>/dev/null); do
        timeout 30 sbx cancel "$id" >/dev/null 2>&1
    done
    # Detached supervisors run as `sbx-supervise --config $SBX_CONFIG ... ID`.
    for _ in $(seq 100); do
        pids=$(pgrep -f -- "--config $SBX_CONFIG( |$)") || break
        sleep 0.1
    done
    if [[ -n $pids ]]; then
        problems+=("supervisors still running after their runs ended: $(ps -o pid=,args= -p "${pids//$'\n'/,}")")
        # shellcheck disable=SC2086 # one pid a word
        kill -9 $pids 2>/dev/null
    fi
    # Containers a test made itself, outside sbx's labels.
    if [[ -s $BATS_TEST_TMPDIR/foreign-containers ]]; then
        # shellcheck disable=SC2046 # one id a word
        timeout 60 "$ENGINE" rm -f $(cat "$BATS_TEST_TMPDIR/foreign-containers") >/dev/null 2>&1
    fi
    # A removal sbx started and stopped waiting for (docker can take minutes over a sandbox
    # that held thousands of threads) is the engine's to finish, not a leftover.
    leftovers=$(for id in $(containers -q); do
        [ "$("$ENGINE" inspect -f '{{.State.Status}}' "$id" 2>/dev/null)" = removing ] ||
            "$ENGINE" ps -a --filter "id=$id" --format '{{.Names}} {{.Status}}'
    done)
    if [[ -n $leftovers ]]; then
        problems+=("containers of instance $INSTANCE left behind: $leftovers")
        # shellcheck disable=SC2046 # one id a word
        timeout 60 "$ENGINE" rm -f $(containers -q) >/dev/null 2>&1
    fi
    # Runs start under cgroups /sbx-INSTANCE/run-ID. sbx removes the run level (lifecycle's
    # "no cgroup" test checks it) but keeps /sbx-INSTANCE, one per hierarchy. Every test has
    # an instance of its own: remove its (empty) cgroups, deepest first.
    find /sys/fs/cgroup/*/"sbx-$INSTANCE" -depth -type d -exec rmdir {} + 2>/dev/null
    if ((${#problems[@]})); then
        printf 'teardown: %s\n' "${problems[@]}"
        return 1
    fi
}

# The containers of this test's instance, one "name status" per line (-q: ids only).
containers() {
    if [[ ${1:-} == -q ]]; then
        "$ENGINE" ps -a -q --filter "label=sbx.instance=$INSTANCE"
    else
        "$ENGINE" ps -a --filter "label=sbx.instance=$INSTANCE" --format '{{.Names}} {{.Status}}'
    fi
}

# Like `run`, but fails the test when the command has not ended within LIMIT seconds
# (sbx hanging is a failure, not a reason for the suite to hang).
# usage: run_within LIMIT [--separate-stderr] COMMAND...
run_within() {
    local limit=$1 start flags=()
    shift
    [[ $1 == --separate-stderr ]] && { flags=("$1"); shift; }
    start=$(date +%s%N)
    run "${flags[@]}" timeout -k 5 "$limit" "$@"
    # Shown only when the test fails.
    printf '$ %s\nstatus: %s\noutput: %s\n' "$*" "$status" "${output:0:600}"
    [[ ${flags[*]-} ]] && printf 'stderr: %s\n' "${stderr:0:600}"
    if (($(date +%s%N) - start >= limit * 1000000000)); then
        echo "'$*' did not end within ${limit}s: killed (status $status)"
        return 1
    fi
}

# The id of the newest run of this test.
last_run() {
    sbx ps --all --limit 1 --format=json | jq -er '.[0].id'
}

# One field of a run's record, as jq prints it raw: `field 3 status`, `field 3 limits.memory`.
field() {
    sbx show "$1" --format=json | jq -r ".$2"
}

# Waits until run ID has status STATUS (a regex such as 'running|building'), at most
# LIMIT seconds (default 30).
wait_for_status() {
    local id=$1 want=$2 limit=${3:-30} now=""
    for _ in $(seq $((limit * 10))); do
        now=$(field "$id" status)
        [[ $now =~ ^($want)$ ]] && return 0
        sleep 0.1
    done
    echo "run $id: still '$now' after ${limit}s, waiting for '$want'"
    return 1
}

# Waits until a run has ended, at most LIMIT seconds (default 30).
wait_for_end() {
    wait_for_status "$1" 'succeeded|failed|timeout|oom|output-limit|cancelled|error' "${2:-30}"
}

# The file name and hello world program of a runtime, from the catalog.
runtime_file() { sbx runtime show "$1" --format=json | jq -er .file; }
runtime_hello() { sbx runtime show "$1" --format=json | jq -er .hello_world; }
