#!/usr/bin/env bats
# The warm pool on podman with runsc: a keeper fills it, runs claim from it and see what a
# cold run sees, nothing carries over, crashes leak nothing. Bodies in pool.bash;
# pool-docker.bats has the same tests.
ENGINE=podman
load helpers
load pool

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() { pool_teardown; }

@test "podman: pool: a pooled run's output and record match a cold one's, for every shipped runtime" { same_as_cold_for_every_runtime; }
@test "podman: pool: a pooled program sees what a cold one sees; stdin, args, env and exit code pass" { same_sandbox_as_cold; }
@test "podman: pool: nothing one pooled run leaves in /tmp, /work, /dev/shm or as a process reaches the next" { nothing_carries_over; }
@test "podman: pool: a run with limits that shape the sandbox goes cold and says why" { other_limits_go_cold; }
@test "podman: pool: kill -9 of the keeper mid-refill, then gc: nothing leaks, runs still work" { keeper_killed_mid_refill; }
@test "podman: pool: a restarted keeper adopts what it finds; stale sandboxes are replaced" { restart_adopts_and_ages; }
@test "podman: pool: SIGHUP reloads the keeper's config; one that does not load is refused and changes nothing" { reload_on_hangup; }
