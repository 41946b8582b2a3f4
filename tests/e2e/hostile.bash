# Test bodies for hostile programs, shared by hostile-podman.bats and hostile-docker.bats.
# Each program must end in the right status, within a bound, with the host unaffected.
# shellcheck disable=SC2154 # status, output, stderr and lines are set by bats `run`

# The host still works: it can start processes, and sbx can run a program.
host_is_fine() {
    run true
    [ "$status" -eq 0 ]
    echo 'echo still fine' >fine.sh
    run_within 60 sbx run -r bash-5.2 fine.sh
    [ "$status" -eq 0 ]
    [ "$output" = "still fine" ]
}

# A program allocating without end is killed at its memory limit: status oom, exit 137,
# and a message naming the limit.
memory_hog() {
    cat >main.py <<'EOF'
chunks = []
while True:
    chunks.append(bytearray(16 * 1024 * 1024))
EOF
    run_within 60 --separate-stderr sbx run -r python-3.11 main.py --memory 64M --timeout 20s
    [ "$status" -eq 137 ]
    [[ $stderr == *"was killed: out of memory (limit 64M)"* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = oom ]
    [ "$(field "$id" reason)" = "out of memory (limit 64M)" ]
    [ "$(field "$id" limits.memory)" = 64M ]
    # runsc drops an empty "oom" file where the engine runs: never in the caller's folder.
    [ ! -e oom ]
    host_is_fine
}

# An endless loop is stopped by sbx's own timer: status timeout, exit 124, soon after the
# limit.
endless_loop() {
    echo 'while True: pass' >main.py
    run_within 30 --separate-stderr sbx run -r python-3.11 main.py --timeout 2s
    [ "$status" -eq 124 ]
    [[ $stderr == *"timed out: run time limit of 2s reached"* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = timeout ]
    [ "$(field "$id" stage)" = run ]
    wall=$(field "$id" wall_ms)
    echo "wall_ms: $wall"
    ((wall >= 2000 && wall < 8000))
}

# The compile stage has a time limit of its own.
slow_compile() {
    sbx runtime show go-1.19 --format=json | jq -r .hello_world >main.go
    run_within 30 --separate-stderr sbx run -r go-1.19 main.go --compile-timeout 1s
    [ "$status" -eq 124 ]
    [[ $stderr == *"timed out: compile time limit of 1s reached"* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = timeout ]
    [ "$(field "$id" stage)" = compile ]
}

# A program printing without end is cut at the output limit with a marker, ends as
# output-limit with exit 137, soon; neither sbx's output nor its database grows past the cap.
output_flood() {
    cat >main.py <<'EOF'
import sys
while True:
    sys.stdout.write("x" * 1000 + "\n")
EOF
    run_within 30 --separate-stderr sbx run -r python-3.11 main.py --output-limit 64K --timeout 20s
    [ "$status" -eq 137 ]
    [[ $stderr == *"[sbx: output cut here: the run reached its output limit of 64K bytes]"* ]]
    [[ $stderr == *"was stopped: output limit of 64K reached"* ]]
    echo "stdout bytes: ${#output}"
    ((${#output} <= 64 * 1024))
    id=$(last_run)
    [ "$(field "$id" status)" = output-limit ]
    [ "$(field "$id" reason)" = "output limit of 64K reached" ]
    (($(field "$id" output_bytes) <= 64 * 1024))
    # The marker is stored with the output, last (after the cut line, which has no newline).
    [[ $(sbx logs "$id" 2>&1 | tail -n 1) == *"[sbx: output cut here: the run reached its output limit of 64K bytes]" ]]
    [ "$(sbx logs "$id" --format=json --from 1000000 | jq -r .ended)" = true ]
    db_bytes=$(cat "$STATE"/sbx.db* | wc -c)
    echo "database bytes: $db_bytes"
    ((db_bytes < 4 * 1024 * 1024))
}

# A program printing without end under a generous output limit is still stopped by its
# time limit, soon after it (sbx keeps reading its output while it kills the sandbox).
flood_times_out() {
    cat >main.py <<'EOF'
import sys
while True:
    sys.stdout.write("y" * 1000 + "\n")
EOF
    run_within 30 --separate-stderr sbx run -r python-3.11 main.py --output-limit 16M --timeout 1s
    id=$(last_run)
    [[ $(field "$id" status) =~ ^(timeout|output-limit)$ ]]
    [[ $status -eq 124 || $status -eq 137 ]]
}

# A shell fork bomb is bounded: the run ends (failed at the process limit, oom or
# timeout), the host still works and no container is left (teardown checks that).
fork_bomb() {
    cat >main.sh <<'EOF'
bomb() { bomb | bomb & }
bomb
wait
sleep 30
echo "still here"
EOF
    run_within 60 --separate-stderr sbx run -r bash-5.2 main.sh --timeout 5s
    id=$(last_run)
    [[ $(field "$id" status) =~ ^(failed|oom|timeout)$ ]]
    [ "$status" -ne 0 ]
    host_is_fine
}

# No network: only loopback, and neither the host (through its loopback or its own
# address) nor the outside can be reached; the host's listener sees no connection.
no_network() {
    local port host_ip listener
    python3 - >port <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 0))
s.listen()
print(s.getsockname()[1], flush=True)
s.settimeout(60)
try:
    conn, peer = s.accept()
    open("connected", "w").write(str(peer))
except OSError:
    pass
EOF
    listener=$!
    for _ in $(seq 50); do [[ -s port ]] && break; sleep 0.1; done
    port=$(cat port)
    host_ip=$(hostname -I | awk '{print $1}')
    cat >main.py <<'EOF'
import socket, sys
print("interfaces:", " ".join(sorted(name for _, name in socket.if_nameindex())))
port = int(sys.argv[1])
for host, p in [("127.0.0.1", port), (sys.argv[2], port), ("1.1.1.1", 80), ("8.8.8.8", 53)]:
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((host, p))
        print("CONNECTED", host, p)
    except OSError as e:
        print("no connection", host, p, e)
try:
    print("RESOLVED", socket.getaddrinfo("example.com", 80))
except OSError as e:
    print("no dns:", e)
EOF
    run_within 60 sbx run -r python-3.11 main.py --timeout 30s -- "$port" "$host_ip"
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null || true
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "interfaces: lo" ]
    [[ $output != *CONNECTED* ]]
    [[ $output != *RESOLVED* ]]
    [ "$(grep -c '^no connection' <<<"$output")" -eq 4 ]
    [ ! -e connected ]
}

# Only /work and /tmp are writable; the root, system dirs, the snapshot and HOME (unless
# it is /tmp) are not.
no_writes_outside_work() {
    cat >main.sh <<'EOF'
for dir in / /etc /usr /usr/local /var /var/tmp /root /run /sbx/src /bin "$HOME" /work /tmp; do
    if (echo data >"$dir/probe" && mkdir "$dir/probe-dir") 2>/dev/null; then
        echo "writable $dir"
    else
        echo "refused $dir"
    fi
done
echo "HOME=$HOME"
EOF
    run_within 60 sbx run -r bash-5.2 main.sh
    [ "$status" -eq 0 ]
    for dir in / /etc /usr /usr/local /var /var/tmp /root /run /sbx/src /bin; do
        [[ $output == *"refused $dir"$'\n'* ]] || { echo "$dir is writable"; return 1; }
    done
    [[ $output == *"writable /work"* ]]
    [[ $output == *"writable /tmp"* ]]
    home=$(sed -n 's/^HOME=//p' <<<"$output")
    [[ $home == /tmp || $home == /work || $output == *"refused $home"* ]]
}

# The work dir (and /tmp) hold --disk at most: the program gets ENOSPC, carries on and ends
# normally; the host is fine.
fill_work_dir() {
    cat >main.py <<'EOF'
import errno
for path in ["/work/fill", "/tmp/fill"]:
    written = 0
    try:
        with open(path, "wb") as f:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
                written += 1
    except OSError as e:
        print(path, errno.errorcode.get(e.errno), "after", written, "MiB")
EOF
    run_within 60 sbx run -r python-3.11 main.py --disk 16M
    [ "$status" -eq 0 ]
    [[ ${lines[0]} =~ ^/work/fill\ ENOSPC\ after\ ([0-9]+)\ MiB$ ]]
    ((BASH_REMATCH[1] <= 16))
    [[ ${lines[1]} =~ ^/tmp/fill\ ENOSPC\ after\ ([0-9]+)\ MiB$ ]]
    ((BASH_REMATCH[1] <= 16))
    [ "$(field "$(last_run)" limits.disk)" = 16M ]
    host_is_fine
}

# Symlinks the program makes to host paths (a secret file, /etc/shadow, sbx's state and
# database) resolve inside the sandbox, if at all: sbx neither reads nor changes the host
# files, and their content never shows in its output.
symlinks_to_host() {
    local secret="$BATS_TEST_TMPDIR/host-secret" before_secret before_shadow
    echo "host secret $(od -An -N16 -tx1 /dev/urandom | tr -d ' ')" >"$secret"
    chmod 600 "$secret"
    before_secret=$(stat -c '%Y %s' "$secret"; sha256sum <"$secret")
    before_shadow=$(stat -c '%Y %s' /etc/shadow; sha256sum </etc/shadow)
    cat >main.sh <<'EOF'
n=0
for target in "$@"; do
    n=$((n + 1))
    for dir in /work /tmp /dev/shm; do
        ln -s "$target" "$dir/link-$n" 2>/dev/null && echo "linked $dir/link-$n"
        cat "$dir/link-$n" >/dev/null 2>&1 && echo "READ $dir/link-$n"
        echo overwritten 2>/dev/null >"$dir/link-$n" && echo "WROTE $dir/link-$n"
    done
done
# The entry file itself, replaced by a link to the secret.
rm -f /work/main.sh && ln -s "$1" /work/main.sh && echo "replaced main.sh"
ln "$1" /work/hard 2>/dev/null && echo "HARDLINKED"
echo done
EOF
    run_within 60 --separate-stderr sbx run -r bash-5.2 main.sh -- "$secret" /etc/shadow "$STATE/sbx.db" "$STATE" \
        "$STATE/run"
    [ "$status" -eq 0 ]
    [[ $output == *"linked /work/link-1"* ]]
    [[ $output == *"replaced main.sh"* ]]
    [ "${lines[-1]}" = "done" ]
    [[ $output != *READ* && $output != *WROTE* && $output != *HARDLINKED* ]]
    # The host files are as they were, and nothing of the secret came out of sbx.
    [ "$(stat -c '%Y %s' "$secret"; sha256sum <"$secret")" = "$before_secret" ]
    [ "$(stat -c '%Y %s' /etc/shadow; sha256sum </etc/shadow)" = "$before_shadow" ]
    # shellcheck disable=SC2143 # the files named, should it fail
    [ -z "$(grep -rlF "$(cat "$secret")" "$STATE")" ]
    id=$(last_run)
    logs=$(sbx logs "$id" 2>&1)
    [[ $logs != *"host secret"* && $output != *"host secret"* && $stderr != *"host secret"* ]]
    [ "$(field "$id" status)" = succeeded ]
    # The run's snapshot is gone, as after any run.
    [ -z "$(ls -A "$STATE/run/runs")" ]
}

# Nothing of the host's or sbx's environment reaches the program: it sees the runtime's
# env, what the request gives (--env), HOME, PATH and LANG, PWD (set by the shell that
# seeds the work dir), and what the engine adds (HOSTNAME; podman also TERM, container).
host_env_hidden() {
    local secret
    secret="s3cret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' ')"
    cat >main.py <<'EOF'
import os
for name in sorted(os.environ):
    print(f"{name}={os.environ[name]}")
EOF
    # Real sbx settings (SBX_*) as well as host variables a careless engine would copy in.
    export SBX_LIMITS_MEMORY=256M SBX_RETENTION_MAX_AGE=7d FOO_SECRET=$secret
    export http_proxy=http://proxy.invalid:3128 HTTPS_PROXY=http://proxy.invalid:3128
    export TZ=Antarctica/Troll
    run_within 60 sbx run -r python-3.11 main.py --env MY_VAR=given
    [ "$status" -eq 0 ]
    [[ $output != *"$secret"* && $output != *proxy.invalid* && $output != *Troll* ]]
    [[ $output == *"MY_VAR=given"* ]]
    [[ $output == *"PYTHONUNBUFFERED=1"* ]]
    local allowed="HOME PATH LANG PWD HOSTNAME MY_VAR"
    allowed+=" $(sbx runtime show python-3.11 --format=json | jq -r '.env | keys | join(" ")')"
    [[ $ENGINE == podman ]] && allowed+=" TERM container"
    while IFS='=' read -r name _; do
        [[ " $allowed " == *" $name "* ]] || { echo "unexpected variable in the sandbox: $name"; return 1; }
    done <<<"$output"
}

# A program that kills itself with SIGKILL did not run out of memory: it failed, exit 137.
self_kill_is_not_oom() {
    cat >main.sh <<'EOF'
echo "about to kill myself"
kill -KILL $$
EOF
    run_within 60 --separate-stderr sbx run -r bash-5.2 main.sh --memory 256M
    [ "$status" -eq 137 ]
    id=$(last_run)
    echo "status: $(field "$id" status), reason: $(field "$id" reason)"
    [[ $stderr != *"out of memory"* ]]
    [ "$(field "$id" status)" = failed ]
}

# The kernel a program sees: gVisor's own, or the host's. uname in the sandbox says which.
kernel_of_run() {
    echo 'import platform; print(platform.release())' >kernel.py
    run_within 60 --separate-stderr sbx run -r python-3.11 kernel.py
}

# The sandbox promise: runsc by its path works as by its name where the engine takes paths
# (podman); docker takes registered names only, and says what to do. Either way the record,
# `sbx show` text and JSON, names the runtime that ran, and that runtime is gVisor.
runsc_by_path() {
    local runsc host_kernel id
    runsc=$(command -v runsc) || { echo "runsc is not installed (tests/e2e/setup-engines)"; return 1; }
    host_kernel=$(uname -r)
    set_config oci_runtime "\"$runsc\""
    if [[ $ENGINE == docker ]]; then
        kernel_of_run
        [ "$status" -eq 125 ]
        [[ $stderr == *"oci_runtime '$runsc' is a path, but docker takes the name of a runtime registered in /etc/docker/daemon.json: register it there (as \"runsc\""* ]]
        # Every verb refuses this config: ask with the runtime set right.
        run sbx ps --all --format=json --set oci_runtime=runsc
        [ "$output" = "[]" ]
        set_config oci_runtime '"runsc"'
        runsc=runsc
    fi
    kernel_of_run
    [ "$status" -eq 0 ]
    echo "kernel in the sandbox: $output; on the host: $host_kernel"
    [ -n "$output" ]
    [ "$output" != "$host_kernel" ]
    id=$(last_run)
    [ "$(field "$id" status)" = succeeded ]
    [ "$(field "$id" oci_runtime)" = "$runsc" ]
    [ "$(field "$id" engine)" = "$ENGINE" ]
    run sbx show "$id"
    [[ $output =~ (^|$'\n')oci_runtime:\ +$runsc($'\n'|$) ]]
}

# Another runtime is refused until sbx.toml allows it; allowed, the run is on the host
# kernel and its record says so: the record is true either way.
runc_only_when_allowed() {
    local host_kernel id
    host_kernel=$(uname -r)
    set_config oci_runtime '"runc"'
    kernel_of_run
    [ "$status" -eq 125 ]
    [[ $stderr == *"oci_runtime 'runc' is not gVisor (runsc): user code would run on the host kernel; sbx refuses it unless the config file says allow_unsandboxed_runtime = true"* ]]
    # Every verb refuses this config: ask with the runtime set right.
    run sbx ps --all --format=json --set oci_runtime=runsc
    [ "$output" = "[]" ]
    # Only the file can allow it: the variable is refused, and nothing runs.
    export SBX_ALLOW_UNSANDBOXED_RUNTIME=true
    kernel_of_run
    unset SBX_ALLOW_UNSANDBOXED_RUNTIME
    [ "$status" -eq 125 ]
    [[ $stderr == *"environment: SBX_ALLOW_UNSANDBOXED_RUNTIME: allow_unsandboxed_runtime is honoured only in the config file, not from the environment"* ]]

    sed -i 's|^oci_runtime = .*|&\nallow_unsandboxed_runtime = true|' "$SBX_CONFIG"
    kernel_of_run
    [ "$status" -eq 0 ]
    echo "kernel in the sandbox: $output; on the host: $host_kernel"
    [ "$output" = "$host_kernel" ]
    id=$(last_run)
    [ "$(field "$id" oci_runtime)" = runc ]
}

# Every byte a program writes is recorded, whatever the size of its writes: single writes
# of 64 KiB, 300 KB and 8 MB to stdout, 300 KB to stderr between them, from each kind of
# runtime (interpreted, compiled in two stages, JavaScript, shell). gVisor stops a write
# to the host's pipe at the pipe's free space; sbx-init relays it whole.
whole_output() {
    local expected_out=$((65536 + 300000 + 8000000)) expected_err=300000 runtime file
    cat >main.py <<'EOF'
import os
for fd, size in ((1, 65536), (1, 300000), (2, 300000), (1, 8000000)):
    n = os.write(fd, b"p" * size)
    assert n == size, f"os.write({fd}, {size}) returned {n}"
EOF
    cat >main.c <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
    const int fds[] = {1, 1, 2, 1};
    const size_t sizes[] = {65536, 300000, 300000, 8000000};
    char *buffer = malloc(8000000);
    memset(buffer, 'c', 8000000);
    for (int i = 0; i < 4; ++i) {
        ssize_t n = write(fds[i], buffer, sizes[i]);
        if (n != (ssize_t)sizes[i]) {
            fprintf(stderr, "write(%d, %zu) returned %zd\n", fds[i], sizes[i], n);
            return 1;
        }
    }
    return 0;
}
EOF
    cat >main.js <<'EOF'
const fs = require("fs");
for (const [fd, size] of [[1, 65536], [1, 300000], [2, 300000], [1, 8000000]]) {
  const n = fs.writeSync(fd, Buffer.alloc(size, "n"));
  if (n !== size) throw new Error(`writeSync(${fd}, ${size}) returned ${n}`);
}
EOF
    cat >main.sh <<'EOF'
printf '%65536s' '' | tr ' ' b
printf '%300000s' '' | tr ' ' b
printf '%300000s' '' | tr ' ' b >&2
printf '%8000000s' ''
EOF
    for runtime in python-3.11:main.py c-gcc-12:main.c node-18:main.js bash-5.2:main.sh; do
        file=${runtime#*:}
        runtime=${runtime%%:*}
        run_within 90 --separate-stderr sbx run -r "$runtime" "$file" --output-limit 16M --timeout 60s
        echo "$runtime: stdout ${#output} bytes, stderr ${#stderr} bytes"
        [ "$status" -eq 0 ]
        [ "${#output}" -eq "$expected_out" ]
        [ "${#stderr}" -eq "$expected_err" ]
        id=$(last_run)
        [ "$(field "$id" status)" = succeeded ]
        [ "$(field "$id" output_bytes)" -eq $((expected_out + expected_err)) ]
    done
}

# A program's end is the run's end, even when a process it started in the background
# still holds its output open; what it wrote is all there.
background_child_does_not_hold_the_run() {
    printf 'sleep 60 &\necho started\nexit 3\n' >main.sh
    run_within 20 --separate-stderr sbx run -r bash-5.2 main.sh
    [ "$status" -eq 3 ]
    [ "$output" = started ]
    cat >main.c <<'EOF'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    if (fork() == 0) {
        sleep(60);
        return 0;
    }
    printf("parent done\n");
    return 4;
}
EOF
    run_within 40 --separate-stderr sbx run -r c-gcc-12 main.c
    [ "$status" -eq 4 ]
    [ "$output" = "parent done" ]
}

# Inside gVisor a program still may not make namespaces, chroot, mount, use keyrings or
# trace: each call fails with EPERM (clone3 with ENOSYS, so libc falls back to clone),
# while fork, threads and the rest work.
namespaces_refused() {
    local call
    cat >main.c <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static void report(const char *name, long rc)
{
    printf("%s %s\n", name, rc == -1 ? strerrorname_np(errno) : "ok");
}
static void *thread(void *arg) { return arg; }
int main(void)
{
    report("unshare-user", unshare(CLONE_NEWUSER));
    report("unshare-mount", unshare(CLONE_NEWNS));
    report("unshare-net", unshare(CLONE_NEWNET));
    report("clone-pid", syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0));
    report("clone3", syscall(SYS_clone3, 0, 0));
    report("setns", setns(0, 0));
    report("chroot", chroot("/tmp"));
    report("mount", mount("none", "/tmp", "tmpfs", 0, 0));
    report("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    report("add_key", syscall(SYS_add_key, "user", "k", "v", 1, 0));
    report("ptrace", ptrace(PTRACE_ATTACH, 1, 0, 0));
    report("bpf", syscall(SYS_bpf, 0, 0, 0));
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    report("fork", child > 0 ? waitpid(child, 0, 0) : -1);
    pthread_t t;
    report("thread", pthread_create(&t, 0, thread, 0) == 0 ? pthread_join(t, 0) : -1);
    return 0;
}
EOF
    run_within 60 --separate-stderr sbx run -r c-gcc-12 main.c
    echo "$stderr"
    [ "$status" -eq 0 ]
    for call in unshare-user unshare-mount unshare-net clone-pid setns chroot mount keyctl add_key ptrace bpf; do
        [[ $output == *"$call EPERM"* ]] || { echo "$call was not refused with EPERM"; return 1; }
    done
    [[ $output == *"clone3 ENOSYS"* ]]
    [[ $output == *"fork ok"* ]]
    [[ $output == *"thread ok"* ]]
    printf 'unshare -U -r id\necho "unshare: $?"\n' >main.sh
    run_within 30 --separate-stderr sbx run -r bash-5.2 main.sh
    [ "$status" -eq 0 ]
    [[ $output != *"uid=0"* ]]
    [ "$output" = "unshare: 1" ]
}

# Nothing of the host's network setup shows inside: /etc/resolv.conf names no name server
# (docker copies the host's) and /etc/hosts has localhost only (podman copies the host's
# entries and adds its own), whatever the host's files say.
host_network_files_hidden() {
    printf '%s\n' 'cat /etc/resolv.conf' 'echo "--- hosts"' 'cat /etc/hosts' >main.sh
    run_within 60 --separate-stderr sbx run -r bash-5.2 main.sh
    [ "$status" -eq 0 ]
    local resolv=${output%%--- hosts*} hosts=${output#*--- hosts} ns address names name
    echo "host's resolv.conf: $(grep '^nameserver' /etc/resolv.conf | tr '\n' ' ')"
    while read -r _ ns _; do
        [[ $output != *"$ns"* ]] || { echo "the host's name server $ns is visible"; return 1; }
    done < <(grep '^nameserver' /etc/resolv.conf)
    ! grep -E '^[[:space:]]*(nameserver|search|domain)' <<<"$resolv"
    # Every entry of /etc/hosts names localhost, at a loopback address.
    while read -r address names; do
        [[ -z $address || $address == \#* ]] && continue
        [[ $address == 127.0.0.1 || $address == ::1 ]] || { echo "host entry: $address $names"; return 1; }
        for name in $names; do
            [[ $name =~ ^(localhost|ip6-localhost|ip6-loopback)$ ]] || { echo "host entry: $address $names"; return 1; }
        done
    done <<<"$hosts"
    # The host's own addresses appear nowhere.
    for address in $(hostname -I); do
        [[ $output != *"$address"* ]] || { echo "the host's address $address is visible"; return 1; }
    done
    # And a program cannot change them.
    printf '%s\n' 'echo "nameserver 10.9.9.9" >>/etc/resolv.conf && echo wrote' >write.sh
    run_within 60 --separate-stderr sbx run -r bash-5.2 write.sh
    [[ $output != *wrote* ]]
}

# The process limit is met inside: fork() fails with EAGAIN at about --pids processes,
# and a program that handles it goes on and ends as it chooses.
fork_fails_at_the_limit() {
    cat >main.c <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    int started = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid == 0) {
            pause();
            _exit(0);
        }
        if (pid < 0) {
            printf("fork failed with %s after %d\n", strerrorname_np(errno), started);
            break;
        }
        ++started;
    }
    fflush(stdout);
    signal(SIGTERM, SIG_IGN); /* the children keep the default and end */
    kill(0, SIGTERM);
    return 0;
}
EOF
    run_within 60 --separate-stderr sbx run -r c-gcc-12 main.c --pids 32
    [[ $output =~ "fork failed with EAGAIN after "([0-9]+) ]]
    local started=${BASH_REMATCH[1]}
    echo "started $started"
    ((started >= 16 && started <= 32))
}

# A C fork bomb, which under gVisor's ptrace platform grows host threads without end
# although fork() fails inside: stopped before the host's backstop, which would crash
# gVisor, as `failed` (137) with a reason naming the process limit, never runsc's own
# messages.
fork_bomb_c() {
    printf '#include <unistd.h>\nint main(void) { for (;;) fork(); }\n' >main.c
    run_within 60 --separate-stderr sbx run -r c-gcc-12 main.c --timeout 10s
    [ "$status" -eq 137 ]
    [[ $stderr == *"was killed: process limit of 256 reached"* ]]
    [[ $stderr != *urpc* && $stderr != *WaitPID* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = failed ]
    [[ $(field "$id" reason) == "process limit of 256 reached"* ]]
    host_is_fine
}

# The disk limit covers files as well as bytes: one file per 4 KiB of --disk (2048 for
# 8M), past which creating one fails with ENOSPC, in /work and in /tmp alike, and the
# run goes on (gVisor's own tmpfs had no cap: a million files ended it out of memory).
many_files_fill_the_disk() {
    cat >main.py <<'EOF'
import errno
for folder in ("/work", "/tmp"):
    n = 0
    try:
        while True:
            open(f"{folder}/f{n}", "w").close()
            n += 1
    except OSError as e:
        print(folder, n, errno.errorcode[e.errno])
EOF
    run_within 120 --separate-stderr sbx run -r python-3.11 main.py --disk 8M --timeout 60s
    echo "$stderr"
    [ "$status" -eq 0 ]
    [[ ${lines[0]} =~ ^/work\ (20[0-9][0-9])\ ENOSPC$ ]]
    [[ ${lines[1]} =~ ^/tmp\ (20[0-9][0-9])\ ENOSPC$ ]]
    [ "$(field "$(last_run)" status)" = succeeded ]
    # Nothing of the run's disks stays mounted on the host.
    ! grep -q "$STATE" /proc/self/mountinfo
}

# A compiled program allocating without end is oom too: under exec the memory limit kills
# the whole sandbox and runsc answers 128, which must not read as the program's failure.
memory_hog_compiled() {
    cat >main.c <<'EOF'
#include <stdlib.h>
#include <string.h>
int main(void)
{
    for (;;) {
        char *p = malloc(16 << 20);
        if (!p)
            return 3;
        memset(p, 1, 16 << 20);
    }
}
EOF
    run_within 60 --separate-stderr sbx run -r c-gcc-12 main.c --memory 64M --timeout 20s
    [ "$status" -eq 137 ]
    [[ $stderr == *"was killed: out of memory (limit 64M)"* ]]
    # gVisor's own report of the sandbox it lost is not the program's output.
    [[ $stderr != *urpc* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = oom ]
    [ "$(field "$id" exit_code)" = 137 ]
    run sbx logs "$id"
    [[ $output != *urpc* ]]
    host_is_fine
}
