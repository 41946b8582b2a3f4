#!/usr/bin/env bats
# Runs of projects as users on podman with runsc: files and env in the sandbox, the code a
# run ran, history, whose runs are whose, one build per project and user, quotas. Bodies in
# projects.bash.
ENGINE=podman
load helpers
load projects

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

@test "podman: projects: a run as the owner runs main.py importing lib/greeting.py, with the env and args" { run_as_owner; }
@test "podman: projects: show --files prints exactly the code that ran, after the project was edited too" { show_files_after_edit; }
@test "podman: projects: run list --project shows a user's runs newest first; the admin sees all" { run_history; }
@test "podman: projects: bob's run of alice's public project is bob's, without her env; neither sees the other's runs (66)" { other_user_runs_public_project; }
@test "podman: projects: 50 runs of one project at once: one ends, 49 cancelled as replaced by a later run, no container left" { one_build_race; }
@test "podman: projects: a new run of a project cancels the same user's running one (replaced by run N)" { new_run_replaces_running; }
@test "podman: projects: deleting a project cancels its runs going on" { delete_cancels_runs; }
@test "podman: projects: quota max-concurrent-runs 1: a second project's run waits queued, then runs" { quota_queues; }
@test "podman: projects: quota max-concurrent-runs 1: six runs at once all run, never two together" { quota_one_at_a_time; }
@test "podman: projects: quotas.when_busy=refuse: a run over the quota exits 125 naming it, leaving no run" { quota_refuses_when_busy; }
@test "podman: projects: a run asking for more memory or CPUs than the quota is refused (125)" { quota_memory_and_cpus; }
@test "podman: projects: runs-per-hour 2: the third run is refused (125); the admin is not held to it" { quota_runs_per_hour; }
@test "podman: projects: runs-per-hour holds when 30 runs start at once (four users in turn)" { quota_runs_per_hour_at_once; }
