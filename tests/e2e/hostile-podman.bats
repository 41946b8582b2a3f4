#!/usr/bin/env bats
# Hostile programs on podman with runsc: each ends in the right status, within a bound, with
# the host unaffected and no container left. Bodies in hostile.bash; hostile-docker.bats has
# the same tests.
ENGINE=podman
load helpers
load hostile

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

@test "podman: hostile: a memory hog is killed at its limit (oom, 137)" { memory_hog; }
@test "podman: hostile: a compiled memory hog is oom too, though runsc answers exec with 128" { memory_hog_compiled; }
@test "podman: hostile: an endless loop times out (124)" { endless_loop; }
@test "podman: hostile: a slow compile times out at stage compile" { slow_compile; }
@test "podman: hostile: an output flood is cut at the limit with a marker (output-limit, 137)" { output_flood; }
@test "podman: hostile: an output flood still times out soon after its limit" { flood_times_out; }
@test "podman: hostile: a fork bomb is bounded and the host is fine" { fork_bomb; }
@test "podman: hostile: a C fork bomb ends failed at the process limit, naming it; gVisor does not crash" { fork_bomb_c; }
@test "podman: hostile: fork() fails with EAGAIN at the process limit, and the program goes on" { fork_fails_at_the_limit; }
@test "podman: hostile: there is no network but loopback" { no_network; }
@test "podman: hostile: nothing outside /work and /tmp is writable" { no_writes_outside_work; }
@test "podman: hostile: filling the work dir hits its cap (ENOSPC)" { fill_work_dir; }
@test "podman: hostile: files are capped with the disk: past one per 4 KiB, ENOSPC in /work and /tmp" { many_files_fill_the_disk; }
@test "podman: hostile: symlinks to host files do not make sbx read or touch them" { symlinks_to_host; }
@test "podman: hostile: host and sbx environment variables are not visible inside" { host_env_hidden; }
@test "podman: hostile: /etc/resolv.conf and /etc/hosts show nothing of the host's network" { host_network_files_hidden; }
@test "podman: hostile: a program killing itself with SIGKILL is not reported as oom" { self_kill_is_not_oom; }
@test "podman: hostile: runsc given as a path runs under gVisor, and the record names it" { runsc_by_path; }
@test "podman: hostile: runc is refused unless sbx.toml allows it, and the record says when it ran" { runc_only_when_allowed; }
@test "podman: hostile: single writes of 64 KiB, 300 KB and 8 MB arrive whole, from four runtimes" { whole_output; }
@test "podman: hostile: a background child holding the output does not hold the run" { background_child_does_not_hold_the_run; }
@test "podman: hostile: namespaces, chroot, mount, keyrings and ptrace are refused inside (EPERM)" { namespaces_refused; }
