#!/usr/bin/env bats
# dockerd killed with -9 while sbx uses it: contrib/docker/ensure-dockerd brings it back, and
# `sbx gc` reaps what a run left behind while it was down. These tests kill this machine's
# dockerd, so they live with the other docker end-to-end files (bats runs the files one
# after another) and always leave dockerd running.
# shellcheck disable=SC2154 # status, output and stderr are set by bats `run`
ENGINE=docker
load helpers

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() {
    [[ -n ${squatter:-} ]] && kill "$squatter" 2>/dev/null
    # Whatever happened, dockerd is up again for the tests that follow.
    docker info >/dev/null 2>&1 || "$ROOT/contrib/docker/ensure-dockerd"
    e2e_teardown
}

# True while process PID exists and is not a zombie.
alive() {
    [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# Kills dockerd with SIGKILL, as the OOM killer or an impatient admin would, and waits
# until it is gone.
kill_dockerd() {
    local pid
    pid=$(cat /var/run/docker.pid)
    [ "$(cat "/proc/$pid/comm")" = dockerd ]
    kill -9 "$pid"
    for _ in $(seq 100); do
        alive "$pid" || return 0
        sleep 0.1
    done
    echo "dockerd ($pid) still there 10 s after SIGKILL"
    return 1
}

# The pids in every cgroup of run ID (all hierarchies, the engine's cgroups inside too).
run_cgroup_pids() {
    find /sys/fs/cgroup/*/"sbx-$INSTANCE/run-$1" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un
}

@test "docker: ensure-dockerd brings dockerd back after kill -9, though its pid files now name other processes" {
    kill_dockerd
    # pids wrap within minutes here (pid_max is 32768): the pids in the files dockerd left
    # come to belong to other processes, and dockerd will not start while its file names one.
    sleep 300 3>&- &
    squatter=$!
    echo "$squatter" >/var/run/docker.pid
    echo "$squatter" >/var/run/docker/containerd/containerd.pid
    run_within 90 "$ROOT/contrib/docker/ensure-dockerd"
    [ "$status" -eq 0 ]
    [[ $output == *"removing stale /var/run/docker.pid"* ]]
    [[ $output == *"removing stale /var/run/docker/containerd/containerd.pid"* ]]
    docker info >/dev/null
    local dockerd
    dockerd=$(cat /var/run/docker.pid)
    [ "$(cat "/proc/$dockerd/comm")" = dockerd ]
    # It holds none of its caller's pipes (bats' own among them): else bats, and CI with
    # it, would wait for ever for their end after the last test.
    local mine held
    mine=$(find "/proc/$BASHPID/fd/" -lname 'pipe:*' -printf '%l\n' 2>/dev/null | sort -u)
    held=$(find "/proc/$dockerd/fd/" -lname 'pipe:*' -printf '%l\n' | sort -u)
    [ -n "$mine" ]
    run comm -12 <(echo "$mine") <(echo "$held")
    [ -z "$output" ]
    # The process that had the old pid is untouched.
    alive "$squatter"
    echo 'echo back' >main.sh
    run_within 60 sbx run -r bash-5.2 main.sh
    [ "$status" -eq 0 ]
    [ "$output" = back ]
}

@test "docker: with dockerd and the supervisor gone, gc kills what is left of a run through its cgroup" {
    echo 'echo started; sleep 300' >main.sh
    id=$(sbx run --detach -r bash-5.2 main.sh --timeout 200s)
    wait_for_status "$id" running 60
    for _ in $(seq 150); do
        [[ $(sbx logs "$id" 2>/dev/null) == *started* ]] && break
        sleep 0.2
    done
    [[ $(sbx logs "$id") == *started* ]]
    # docker placed the sandbox under the run's cgroup (--cgroup-parent).
    pids=$(run_cgroup_pids "$id")
    echo "in the run's cgroups: $(ps -o pid=,comm= -p "${pids//$'\n'/,}" | tr '\n' ' ')"
    [ -n "$pids" ]

    # The supervisor dies with dockerd (a host in trouble): nothing of sbx is left
    # running to stop the sandbox, and it outlives them both.
    kill -9 "$(field "$id" supervisor_pid)"
    kill_dockerd
    sleep 1
    local left=""
    for pid in $pids; do alive "$pid" && left+=" $pid"; done
    echo "still alive with dockerd and the supervisor gone:$left"
    [ -n "$left" ]

    run_within 60 --separate-stderr sbx gc
    # The engine's failure is a warning: the rest of gc is done all the same.
    [ "$status" -eq 69 ]
    [[ $stderr == *"warning: containers not checked"*docker* ]]
    [[ $output == *"kill-processes run $id"* ]]
    [[ $output == *"remove-cgroup /sys/fs/cgroup/memory/sbx-$INSTANCE/run-$id "* ]]
    for pid in $pids; do
        ! alive "$pid" || { echo "pid $pid ($(cat "/proc/$pid/comm")) survived gc"; return 1; }
    done
    [ -z "$(run_cgroup_pids "$id")" ]
    [ -z "$(find /sys/fs/cgroup/*/"sbx-$INSTANCE" -mindepth 1 -maxdepth 1 -name "run-$id" 2>/dev/null)" ]

    # With dockerd back, the next gc removes the container, which teardown checks.
    run_within 90 "$ROOT/contrib/docker/ensure-dockerd"
    [ "$status" -eq 0 ]
    run_within 60 sbx gc
    [ "$status" -eq 0 ]
}

# Starts a run that prints "started" and sleeps, and waits until it has printed.
start_sleeper() {
    echo 'echo started; sleep 300' >main.sh
    id=$(sbx run --detach -r bash-5.2 main.sh --timeout 200s)
    wait_for_status "$id" running 60
    for _ in $(seq 150); do
        [[ $(sbx logs "$id" 2>/dev/null) == *started* ]] && break
        sleep 0.2
    done
    [[ $(sbx logs "$id") == *started* ]]
    pids=$(run_cgroup_pids "$id")
    [ -n "$pids" ]
}

# The run that lost its engine ended `error` naming docker, and sbx itself killed what
# the engine had left running.
ended_by_engine_loss() {
    wait_for_end "$id" 60
    echo "run $id: $(field "$id" status): $(field "$id" reason)"
    [ "$(field "$id" status)" = error ]
    [[ $(field "$id" reason) == "docker went away during the run stage"* ]]
    sleep 1
    for pid in $pids; do
        ! alive "$pid" || { echo "pid $pid ($(cat "/proc/$pid/comm")) outlived the run"; return 1; }
    done
}

@test "docker: dockerd killed with -9 mid-run: the run ends error naming docker, its sandbox killed by sbx" {
    start_sleeper
    kill_dockerd
    ended_by_engine_loss
}

@test "docker: dockerd stopped (SIGTERM) mid-run: the run ends error naming docker, not failed 143" {
    start_sleeper
    local dockerd
    dockerd=$(cat /var/run/docker.pid)
    kill -TERM "$dockerd"
    for _ in $(seq 300); do
        alive "$dockerd" || break
        sleep 0.1
    done
    ended_by_engine_loss
}
