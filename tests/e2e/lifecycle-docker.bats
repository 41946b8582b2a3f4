#!/usr/bin/env bats
# The life of detached runs on docker with runsc: queue and slots, cancel, a lost supervisor
# and gc, following and paging logs. Bodies in lifecycle.bash; lifecycle-podman.bats has the
# same tests.
ENGINE=docker
load helpers
load lifecycle

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

@test "docker: lifecycle: cancel while queued: cancelled, never started" { cancel_queued; }
@test "docker: lifecycle: cancel while running: container and supervisor gone, follower exits 137" { cancel_running; }
@test "docker: lifecycle: cancel while building (compile stage): container gone" { cancel_building; }
@test "docker: lifecycle: SIGTERM to a foreground run cancels it (137)" { terminate_foreground; }
@test "docker: lifecycle: with one slot the second run is queued, then runs" { one_slot_queues; }
@test "docker: lifecycle: supervisor killed with -9: gc marks the run lost, removes its container, frees the slot" { supervisor_killed; }
@test "docker: lifecycle: two gc at once are safe; dry run; other containers untouched" { gc_twice_at_once; }
@test "docker: lifecycle: gc enforces retention and removes stale snapshots without following links" { gc_retention_and_snapshots; }
@test "docker: lifecycle: logs --follow streams and exits with the run's status" { follow_streams; }
@test "docker: lifecycle: logs pages by cursor with --from, --size, --stream and JSON next" { logs_paging; }
@test "docker: lifecycle: no cgroup of a run is left once it ended and gc ran" { no_cgroup_left; }
@test "docker: lifecycle: processes opening a fresh state at once all succeed" { fresh_state_at_once; }
