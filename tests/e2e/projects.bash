# Test bodies for runs of projects as users (sbx run --project ... --as USER): files and env
# reaching the sandbox, the code a run ran, history, who may see whose runs, one build per
# project and user, and quotas. projects-podman.bats runs them on podman with runsc.
# shellcheck disable=SC2154 # status, output, stderr and lines are set by bats `run`

# add_users NAME...: users with the password "password-of-NAME".
add_users() {
    local name
    for name in "$@"; do
        printf 'password-of-%s\n' "$name" | sbx user add "$name" --password-stdin >/dev/null || return 1
    done
}

user_id() { sbx user show "$1" --format=json | jq -er .id; }
project_id() { sbx project show "$1" --format=json | jq -er .id; }

# put_program REF PATH: the program on stdin becomes the file PATH of project REF.
put_program() { sbx project put "$1" "$2"; }

# A program that prints "started" and then sleeps SECONDS (default 60), unless its first
# argument is "quick": then it prints "quick" and ends.
sleeper_program() {
    cat <<EOF
import sys, time
if sys.argv[1:] == ["quick"]:
    print("quick")
    sys.exit(0)
print("started", flush=True)
time.sleep(${1:-60})
print("woke")
EOF
}

# Waits until run ID has printed at least one line (its program is really running).
wait_for_printed() {
    local id=$1
    for _ in $(seq 300); do
        [[ $(sbx logs "$id" --size 1 2>/dev/null) ]] && return 0
        sleep 0.1
    done
    echo "run $id printed nothing within 30 s (status $(field "$id" status))"
    return 1
}

# Waits until no container of this test's instance is left (at most 30 s).
wait_for_no_containers() {
    for _ in $(seq 300); do
        [[ -z $(containers -q) ]] && return 0
        sleep 0.1
    done
    echo "containers left: $(containers)"
    return 1
}

# Waits until USER has no unfinished run (at most LIMIT seconds, default 120).
wait_until_idle() {
    local user=$1 limit=${2:-120} left=""
    for _ in $(seq $((limit * 2))); do
        left=$(sbx ps --as "$user" --format=json | jq -r '[.[] | "\(.id):\(.status)"] | join(" ")')
        [[ -z $left ]] && return 0
        sleep 0.5
    done
    echo "$user still has runs going after ${limit}s: $left"
    return 1
}

# Starts COUNT `sbx run ARGS... --detach` at once as background jobs and waits for all of
# them; the ids they printed go to started.ids, what failed to start to refused.txt
# ("status: output" a line).
start_at_once() {
    local count=$1 i pids=()
    shift
    : >started.ids
    : >refused.txt
    for i in $(seq "$count"); do
        timeout 120 sbx run "$@" --detach >"start.$i.out" 2>&1 &
        pids+=($!)
    done
    for i in $(seq "$count"); do
        if wait "${pids[i - 1]}"; then
            cat "start.$i.out" >>started.ids
        else
            echo "$?: $(tr '\n' ' ' <"start.$i.out")" >>refused.txt
        fi
    done
}

# A project's main.py imports a second file (in a folder); the run as its owner prints
# what both say, with the owner's env, and belongs to the owner.
run_as_owner() {
    add_users alice
    sbx project create alice/p -r python-3.11 >/dev/null
    put_program alice/p main.py <<'EOF'
import os, sys
from lib.greeting import greet
print(greet("world"))
print("GREETING_STYLE=" + str(os.environ.get("GREETING_STYLE")))
print("args=" + ",".join(sys.argv[1:]))
EOF
    put_program alice/p lib/greeting.py <<'EOF'
def greet(name):
    return "hello, " + name + " (from lib/greeting.py)"
EOF
    sbx project env set alice/p GREETING_STYLE=warm
    run_within 60 --separate-stderr sbx run --project p --as alice -- one two
    [ "$status" -eq 0 ]
    [ "$output" = $'hello, world (from lib/greeting.py)\nGREETING_STYLE=warm\nargs=one,two' ]
    id=$(sbx ps --all --as alice --format=json | jq -er '.[0].id')
    run sbx show "$id" --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r '"\(.status) \(.user_id) \(.project_id) \(.runtime) \(.request.entry)"' <<<"$output")" = \
        "succeeded $(user_id alice) $(project_id alice/p) python-3.11 main.py" ]
    [ "$(jq -c .request.files <<<"$output")" = '["lib/greeting.py","main.py"]' ]
    # The env's names are recorded, never its values.
    [ "$(jq -c .request.env <<<"$output")" = '["GREETING_STYLE"]' ]
    [[ $output != *warm* ]]
    # The program's exit status is sbx run's.
    printf 'import sys\nprint("bye")\nsys.exit(3)\n' | put_program alice/p main.py
    run_within 60 sbx run --project p --as alice
    [ "$status" -eq 3 ]
    [ "$output" = bye ]
}

# `sbx show RUN --files` prints the code the run ran, also after the project changed.
show_files_after_edit() {
    add_users alice bob
    sbx project create alice/p -r python-3.11 --public >/dev/null
    printf 'import helper\nprint(helper.VALUE)\n' | put_program alice/p main.py
    printf 'VALUE = "first version"\n' | put_program alice/p helper.py
    run_within 60 sbx run --project p --as alice
    [ "$status" -eq 0 ]
    [ "$output" = "first version" ]
    id=$(sbx ps --all --as alice --format=json | jq -er '.[0].id')
    # Edit the project: change one file, remove the other, add a third.
    printf 'print("second version")\n' | put_program alice/p main.py
    sbx project rm alice/p helper.py
    echo 'x = 1' | put_program alice/p new.py
    run sbx show "$id" --files --as alice
    [ "$status" -eq 0 ]
    [ "$output" = $'==> helper.py <==\nVALUE = "first version"\n==> main.py <==\nimport helper\nprint(helper.VALUE)' ]
    run sbx show "$id" --files --as alice --format=json
    [ "$(jq -c '[.[] | .path]' <<<"$output")" = '["helper.py","main.py"]' ]
    [ "$(jq -r '.[] | select(.path == "helper.py") | .text' <<<"$output")" = 'VALUE = "first version"' ]
    [ "$(jq -r '.[] | select(.path == "helper.py") | .size' <<<"$output")" -eq 24 ]
    # The next run runs the new code.
    run_within 60 sbx run --project p --as alice
    [ "$output" = "second version" ]
    # Nobody else sees the code of alice's run, even of a public project.
    run sbx show "$id" --files --as bob
    [ "$status" -eq 66 ]
    [[ "$output" == *"no run $id"* ]]
    [[ "$output" != *"first version"* ]]
}

# `sbx run list --project` shows the project's runs, newest first: a user's own; the admin's
# all of them.
run_history() {
    add_users alice bob
    sbx project create alice/p -r python-3.11 --public >/dev/null
    printf 'import sys\nsys.exit(int(sys.argv[1]))\n' | put_program alice/p main.py
    local code
    for code in 0 1 2; do
        run_within 60 sbx run --project p --as alice -- "$code"
        [ "$status" -eq "$code" ]
    done
    run_within 60 sbx run --project alice/p --as bob -- 0
    [ "$status" -eq 0 ]
    run sbx run list --project p --as alice
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^RUN\ +STATUS\ +EXIT\ +CREATED\ +WALL\ +REASON$ ]]
    [ "${#lines[@]}" -eq 4 ]
    [[ "${lines[1]}" =~ ^[0-9]+\ +failed\ +2\ + ]]
    [[ "${lines[2]}" =~ ^[0-9]+\ +failed\ +1\ + ]]
    [[ "${lines[3]}" =~ ^[0-9]+\ +succeeded\ +0\ + ]]
    run sbx run list --project p --as alice --format=json
    [ "$(jq -c '[.[] | .exit_code]' <<<"$output")" = '[2,1,0]' ]
    [ "$(jq -c '[.[] | .user_id] | unique' <<<"$output")" = "[$(user_id alice)]" ]
    [ "$(jq '[.[].id] | . == (sort | reverse)' <<<"$output")" = true ]
    run sbx run list --project alice/p --as bob --format=json
    [ "$(jq -c '[.[] | [.user_id, .status]]' <<<"$output")" = "[[$(user_id bob),\"succeeded\"]]" ]
    run sbx run list --project alice/p --format=json
    [ "$(jq length <<<"$output")" -eq 4 ]
    # Another project's history is its own.
    sbx project create alice/q -r python-3.11 >/dev/null
    run sbx run list --project q --as alice --format=json
    [ "$output" = "[]" ]
}

# bob runs alice's public project: the run is bob's and gets none of alice's env; neither
# sees the other's runs.
other_user_runs_public_project() {
    add_users alice bob
    sbx project create alice/pub -r python-3.11 --public >/dev/null
    sbx project env set alice/pub SECRET=alice-secret
    put_program alice/pub main.py <<'EOF'
import os, sys, time
print("SECRET=" + str(os.environ.get("SECRET")), flush=True)
if sys.argv[1:] == ["sleep"]:
    time.sleep(60)
EOF
    run_within 60 --separate-stderr sbx run --project alice/pub --as bob
    [ "$status" -eq 0 ]
    [ "$output" = "SECRET=None" ]
    bobs=$(sbx ps --all --as bob --format=json | jq -er '.[0].id')
    [ "$(sbx show "$bobs" --as bob --format=json | jq -r .user_id)" = "$(user_id bob)" ]
    [ "$(sbx show "$bobs" --as bob --format=json | jq -c .request.env)" = '[]' ]
    run sbx logs "$bobs" --as bob
    [ "$output" = "SECRET=None" ]
    # alice's own run has her env.
    run_within 60 sbx run --project pub --as alice
    [ "$output" = "SECRET=alice-secret" ]
    # A run of alice's going on: bob can neither see, read nor cancel it.
    alices=$(sbx run --project pub --as alice --detach --timeout 90s -- sleep)
    wait_for_printed "$alices"
    local verb
    for verb in show logs cancel; do
        run sbx "$verb" "$alices" --as bob
        echo "$verb: $status $output"
        [ "$status" -eq 66 ]
        [[ "$output" == *"no run $alices"* ]]
        [[ "$output" != *alice-secret* ]]
    done
    run sbx show "$alices" --files --as bob
    [ "$status" -eq 66 ]
    [ "$(sbx ps --as bob --format=json)" = "[]" ]
    [ "$(field "$alices" status)" = running ]
    # bob's run of the same project does not replace alice's: one build per project *and user*.
    run_within 60 sbx run --project alice/pub --as bob
    [ "$status" -eq 0 ]
    [ "$(field "$alices" status)" = running ]
    # Nor can alice touch bob's run.
    run sbx show "$bobs" --as alice
    [ "$status" -eq 66 ]
    run sbx cancel "$alices" --as alice
    [ "$status" -eq 0 ]
    wait_for_end "$alices"
    [ "$(field "$alices" status)" = cancelled ]
}

# 50 runs of one project started at once by one user: one build per project, so exactly one
# runs to its end and the other 49 end as cancelled, replaced by a later run.
one_build_race() {
    add_users alice
    sbx project create alice/p -r python-3.11 >/dev/null
    printf 'import time\nprint("ran", flush=True)\ntime.sleep(1)\n' | put_program alice/p main.py
    sbx ps >/dev/null # the state exists before 50 processes open it
    start_at_once 50 --project p --as alice
    cat refused.txt
    [ ! -s refused.txt ]
    [ "$(sort -u started.ids | grep -c '^[0-9][0-9]*$')" -eq 50 ]
    wait_until_idle alice 120
    runs=$(sbx run list --project p --as alice --format=json)
    [ "$(jq length <<<"$runs")" -eq 50 ]
    [ "$(jq -r '[.[].id] | sort | map(tostring) | join(" ")' <<<"$runs")" = "$(sort -n started.ids | tr '\n' ' ' | sed 's/ $//')" ]
    jq -r '.[] | "\(.id) \(.status) \(.reason)"' <<<"$runs" | sort -n
    [ "$(jq '[.[] | select(.status != "cancelled")] | length' <<<"$runs")" -eq 1 ]
    winner=$(jq -r '.[] | select(.status != "cancelled") | .id' <<<"$runs")
    [ "$(jq -r ".[] | select(.id == $winner) | .status" <<<"$runs")" = succeeded ]
    # The winner is the newest: every other was replaced by a later run of the 50.
    [ "$winner" -eq "$(jq '[.[].id] | max' <<<"$runs")" ]
    [ "$(jq '[.[] | select(.status == "cancelled")] | length' <<<"$runs")" -eq 49 ]
    bad=$(jq -r --argjson ids "$(jq -c '[.[].id]' <<<"$runs")" '.[] | select(.status == "cancelled")
        | select((.reason | test("^replaced by run [0-9]+$") | not)
            or ((.reason | ltrimstr("replaced by run ") | tonumber) as $n | ($n <= .id or ($ids | index($n)) == null)))
        | "\(.id): \(.reason)"' <<<"$runs")
    [ -z "$bad" ] || { echo "cancelled without being replaced by a later run: $bad"; return 1; }
    # The same, seen in the state database.
    [ "$(sqlite3 "$STATE/sbx.db" "SELECT status, count(*) FROM runs WHERE project_id = $(project_id alice/p) GROUP BY status ORDER BY status")" = \
        $'cancelled|49\nsucceeded|1' ]
    [ "$(sbx logs "$winner" --as alice)" = ran ]
    wait_for_no_containers
    [ -z "$("$ENGINE" ps -a -q --filter "label=sbx.instance=$INSTANCE")" ]
}

# A run started while another of the same project (and user) runs makes the first end as
# cancelled, replaced by the new one, its sandbox gone.
new_run_replaces_running() {
    add_users alice
    sbx project create alice/p -r python-3.11 >/dev/null
    sleeper_program 60 | put_program alice/p main.py
    first=$(sbx run --project p --as alice --detach --timeout 90s)
    wait_for_printed "$first"
    [ "$(field "$first" status)" = running ]
    run_within 60 sbx run --project p --as alice -- quick
    [ "$status" -eq 0 ]
    [ "$output" = quick ]
    second=$(sbx ps --all --as alice --format=json | jq -er '.[0].id')
    [ "$second" -gt "$first" ]
    wait_for_end "$first"
    [ "$(field "$first" status)" = cancelled ]
    [ "$(field "$first" reason)" = "replaced by run $second" ]
    [ "$(field "$second" status)" = succeeded ]
    [[ $(sbx logs "$first" --as alice) != *woke* ]]
    wait_for_no_containers
    # The admin's own runs of it are not alice's: they replace none of hers.
    third=$(sbx run --project p --as alice --detach --timeout 90s)
    wait_for_printed "$third"
    run_within 60 sbx run --project alice/p -- quick
    [ "$status" -eq 0 ]
    [ "$(field "$third" status)" = running ]
    sbx cancel "$third" >/dev/null
    wait_for_end "$third"
}

# Deleting a project cancels its runs going on.
delete_cancels_runs() {
    add_users alice
    sbx project create alice/p -r python-3.11 >/dev/null
    sleeper_program 60 | put_program alice/p main.py
    id=$(sbx run --project p --as alice --detach --timeout 90s)
    wait_for_printed "$id"
    run sbx project delete p --as alice
    [ "$status" -eq 0 ]
    wait_for_end "$id"
    [ "$(field "$id" status)" = cancelled ]
    [ "$(field "$id" reason)" = "project deleted" ]
    wait_for_no_containers
    # The run and the code it ran stay in its owner's history.
    run sbx show "$id" --files --as alice
    [ "$status" -eq 0 ]
    [[ "$output" == *"time.sleep(60)"* ]]
}

# With a quota of one run at a time, a second project's run waits as queued while the first
# runs, then runs.
quota_queues() {
    add_users alice
    sbx user quota alice --max-concurrent-runs 1 >/dev/null
    sbx project create alice/slow -r python-3.11 >/dev/null
    sbx project create alice/fast -r python-3.11 >/dev/null
    sleeper_program 3 | put_program alice/slow main.py
    printf 'print("fast ran")\n' | put_program alice/fast main.py
    first=$(sbx run --project slow --as alice --detach --timeout 60s)
    wait_for_printed "$first"
    second=$(sbx run --project fast --as alice --detach)
    sleep 1 # time enough to start, were it not queued
    [ "$(field "$second" status)" = queued ]
    [ "$(field "$first" status)" = running ]
    wait_for_end "$second" 60
    [ "$(field "$first" status)" = succeeded ]
    [ "$(field "$second" status)" = succeeded ]
    [ "$(sbx logs "$second" --as alice)" = "fast ran" ]
    # It started only once the first had finished.
    [[ ! "$(field "$second" started_at)" < "$(field "$first" finished_at)" ]]
    wait_for_no_containers
}

# Several projects started at once with a quota of one: all run, never two at the same time.
quota_one_at_a_time() {
    add_users alice
    sbx user quota alice --max-concurrent-runs 1 >/dev/null
    local i
    for i in 1 2 3 4 5 6; do
        sbx project create "alice/p$i" -r python-3.11 >/dev/null
        printf 'import time\nprint("p%s", flush=True)\ntime.sleep(0.5)\n' "$i" | put_program "alice/p$i" main.py
    done
    sbx ps >/dev/null
    pids=()
    for i in 1 2 3 4 5 6; do
        sbx run --project "p$i" --as alice --detach >"start.$i.out" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    wait_until_idle alice 120
    runs=$(sbx ps --all --as alice --format=json)
    [ "$(jq '[.[] | select(.status == "succeeded")] | length' <<<"$runs")" -eq 6 ]
    # Sorted by start, each run started after the one before it finished.
    overlaps=$(jq -r 'sort_by(.started_at) | [range(1; length) as $i | select(.[$i].started_at < .[$i - 1].finished_at)
        | "\(.[$i - 1].id) and \(.[$i].id)"] | join(", ")' <<<"$runs")
    [ -z "$overlaps" ] || { echo "ran at the same time: $overlaps"; return 1; }
}

# With quotas.when_busy = "refuse", a run over the concurrency quota is refused at once
# (125, naming the quota) instead of queued, and leaves no run behind.
quota_refuses_when_busy() {
    add_users alice
    sbx user quota alice --max-concurrent-runs 1 >/dev/null
    sbx project create alice/slow -r python-3.11 >/dev/null
    sbx project create alice/fast -r python-3.11 >/dev/null
    sleeper_program 60 | put_program alice/slow main.py
    printf 'print("fast ran")\n' | put_program alice/fast main.py
    first=$(sbx run --project slow --as alice --detach --timeout 90s --set quotas.when_busy=refuse)
    wait_for_printed "$first"
    run_within 30 sbx run --project fast --as alice --set quotas.when_busy=refuse
    [ "$status" -eq 125 ]
    [[ "$output" == *"you have 1 runs going, as many as your quota allows"* ]]
    run_within 30 sbx run --project fast --as alice --detach --set quotas.when_busy=refuse
    [ "$status" -eq 125 ]
    [ "$(sbx run list --project fast --as alice --format=json)" = "[]" ]
    [ "$(field "$first" status)" = running ]
    sbx cancel "$first" --as alice >/dev/null
    wait_for_end "$first"
    # With the place free again it runs.
    run_within 60 sbx run --project fast --as alice --set quotas.when_busy=refuse
    [ "$status" -eq 0 ]
    [ "$output" = "fast ran" ]
}

# A run asking for more memory or CPUs than the user's quota is refused (125) before it is
# queued; within the quota it runs.
quota_memory_and_cpus() {
    add_users alice
    sbx user quota alice --max-memory 256M --max-cpus 1 >/dev/null
    sbx project create alice/p -r python-3.11 >/dev/null
    run_within 30 sbx run --project p --as alice --memory 512M
    [ "$status" -eq 125 ]
    [[ "$output" == *"the run asks for 512M of memory; your quota is 256M"* ]]
    run_within 30 sbx run --project p --as alice --cpus 2
    [ "$status" -eq 125 ]
    [[ "$output" == *"the run asks for 2 CPUs; your quota is 1"* ]]
    [ "$(sbx run list --project p --as alice --format=json)" = "[]" ]
    run_within 60 sbx run --project p --as alice --memory 128M
    [ "$status" -eq 0 ]
    [ "$output" = "Hello, world!" ]
    [ "$(sbx ps --all --as alice --format=json | jq -r '.[0].limits.memory')" = 128M ]
    # Loose files run as alice are held to the same quota.
    printf 'print(1)\n' >loose.py
    run_within 30 sbx run -r python-3.11 loose.py --as alice --memory 512M
    [ "$status" -eq 125 ]
    [[ "$output" == *"your quota is 256M"* ]]
}

# runs_per_hour 2: the third run within the hour is refused (125); the admin is not held to it.
quota_runs_per_hour() {
    add_users alice
    sbx user quota alice --runs-per-hour 2 >/dev/null
    sbx project create alice/p -r python-3.11 >/dev/null
    run_within 60 sbx run --project p --as alice
    [ "$status" -eq 0 ]
    run_within 60 sbx run --project p --as alice
    [ "$status" -eq 0 ]
    run_within 30 sbx run --project p --as alice
    [ "$status" -eq 125 ]
    [[ "$output" == *"you started 2 runs in the last hour, as many as your quota allows"* ]]
    [ "$(sbx run list --project p --as alice --format=json | jq length)" -eq 2 ]
    run_within 60 sbx run --project alice/p
    [ "$status" -eq 0 ]
    # A higher quota lets alice go on.
    sbx user quota alice --runs-per-hour 3 >/dev/null
    run_within 60 sbx run --project p --as alice
    [ "$status" -eq 0 ]
}

# runs_per_hour holds when many runs start at once: of 30 starts with a quota of 4, 4 are
# accepted and 26 refused. Four users try in turn, to give a race every chance to show.
quota_runs_per_hour_at_once() {
    local user i accepted refusals results=() failed=0
    sbx ps >/dev/null
    for user in carol dave erin frank; do
        add_users "$user"
        sbx user quota "$user" --runs-per-hour 4 >/dev/null
        sbx project create "$user/p" -r python-3.11 >/dev/null
        pids=()
        for i in $(seq 30); do
            timeout 120 sbx run --project p --as "$user" --detach >"start.$user.$i.out" 2>&1 &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do wait "$pid" || true; done
        accepted=$(sbx ps --all --as "$user" --format=json | jq length)
        refusals=$(cat start."$user".*.out | grep -c "runs in the last hour" || true)
        results+=("$user: $accepted of 30 starts accepted with runs-per-hour 4, $refusals refused")
        [[ $accepted -eq 4 && $refusals -eq 26 ]] || failed=1
        wait_until_idle "$user" 120
    done
    printf '%s\n' "${results[@]}"
    [ "$failed" -eq 0 ]
}
