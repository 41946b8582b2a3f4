#!/usr/bin/env bats
# Hostile programs in pooled sandboxes on docker: the same bodies as hostile-docker.bats, each
# run taking a sandbox from the pool, with the same ends. pool-hostile-podman.bats has the
# same tests.
ENGINE=docker
load helpers
load hostile
load pool

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() { pool_teardown; }

@test "docker: pool: hostile: an endless loop times out (124)" { pooled_hostile endless_loop python-3.11; }
@test "docker: pool: hostile: an output flood is cut at the limit with a marker" { pooled_hostile output_flood python-3.11; }
@test "docker: pool: hostile: an output flood still times out soon after its limit" { pooled_hostile flood_times_out python-3.11; }
@test "docker: pool: hostile: a fork bomb is bounded and the host is fine" { pooled_hostile fork_bomb bash-5.2; }
@test "docker: pool: hostile: a C fork bomb ends failed at the process limit" { pooled_hostile fork_bomb_c c-gcc-12; }
@test "docker: pool: hostile: single writes of 64 KiB, 300 KB and 8 MB arrive whole" { pooled_hostile whole_output python-3.11 c-gcc-12 node-18 bash-5.2; }
@test "docker: pool: hostile: a background child holding the output does not hold the run" { pooled_hostile background_child_does_not_hold_the_run bash-5.2 c-gcc-12; }
@test "docker: pool: hostile: namespaces, chroot, mount, keyrings and ptrace are refused" { pooled_hostile namespaces_refused c-gcc-12; }
@test "docker: pool: hostile: host and sbx environment variables are not visible inside" { pooled_hostile host_env_hidden python-3.11; }
