#!/usr/bin/env bats
# The sandbox promise at the command line: an OCI runtime other than gVisor (runsc) is
# refused unless the config file itself says allow_unsandboxed_runtime = true; SBX_* and
# --set cannot say it. Nothing here starts a container (tests/e2e/hostile.bash runs one).
# shellcheck disable=SC2154 # status, output and lines are set by bats `run`
bats_require_minimum_version 1.5.0
load helpers

setup() {
    setup_config
    cd "$BATS_TEST_TMPDIR" || return 1 # the program files it writes stay out of the checkout
    STATE="$BATS_TEST_TMPDIR/state"
    # An instance of its own: were a refusal ever to fail, what ran would be this test's alone.
    sed -i -e "s|^state_dir = .*|state_dir = \"$STATE\"|" \
        -e "s|^instance = .*|instance = \"cli-oci-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')\"|" "$SBX_CONFIG"
}

refusal="oci_runtime 'runc' is not gVisor (runsc): user code would run on the host kernel; sbx refuses it unless the config file says allow_unsandboxed_runtime = true"

# Prints "VALUE SOURCE ORIGIN" of one setting from `config show --format=json` on stdin.
setting() { jq -r --arg key "$1" '.settings[] | select(.key == $key) | "\(.value) \(.source) \(.origin)"'; }

@test "oci_runtime = runc in sbx.toml is refused with exit 78, at its line, naming the key that allows it" {
    sed -i 's|^oci_runtime = .*|oci_runtime = "runc"|' "$SBX_CONFIG"
    line=$(grep -n '^oci_runtime = ' "$SBX_CONFIG" | cut -d: -f1)
    run sbx config show
    [ "$status" -eq 78 ]
    [ "$output" = "$SBX_CONFIG:$line:15: $refusal" ]
    run sbx runtime check
    [ "$status" -eq 78 ]
    [[ $output == *"$SBX_CONFIG:$line:15: $refusal"* ]]
}

@test "SBX_OCI_RUNTIME=runc and --set oci_runtime=runc are refused by every verb; sbx run exits 125 and records nothing" {
    SBX_OCI_RUNTIME=runc run sbx ps
    [ "$status" -eq 78 ]
    [ "$output" = "environment: SBX_OCI_RUNTIME: $refusal" ]

    run sbx config show --set oci_runtime=runc
    [ "$status" -eq 78 ]
    [ "$output" = "command line: --set oci_runtime=runc: $refusal" ]

    echo 'print("on the host kernel")' >main.py
    run --separate-stderr sbx run -r python-3.11 main.py --set oci_runtime=runc
    # sbx run's own failures are 125, as in docker run (sbx-run(1)); the message is the same.
    [ "$status" -eq 125 ]
    [ "$output" = "" ]
    [ "$stderr" = "command line: --set oci_runtime=runc: $refusal" ]
    SBX_OCI_RUNTIME=/usr/sbin/runc run --separate-stderr sbx run -r python-3.11 main.py
    [ "$status" -eq 125 ]
    [[ $stderr == "environment: SBX_OCI_RUNTIME: oci_runtime '/usr/sbin/runc' is not gVisor (runsc)"* ]]
    run sbx ps --all --format=json
    [ "$status" -eq 0 ]
    [ "$output" = "[]" ]
}

@test "allow_unsandboxed_runtime from SBX_* or --set is refused, even as false" {
    SBX_ALLOW_UNSANDBOXED_RUNTIME=true SBX_OCI_RUNTIME=runc run sbx config show
    [ "$status" -eq 78 ]
    [ "${lines[0]}" = "environment: SBX_ALLOW_UNSANDBOXED_RUNTIME: allow_unsandboxed_runtime is honoured only in the config file, not from the environment" ]
    [ "${lines[1]}" = "environment: SBX_OCI_RUNTIME: $refusal" ]

    run sbx config show --set allow_unsandboxed_runtime=true --set oci_runtime=runc
    [ "$status" -eq 78 ]
    [ "${lines[0]}" = "command line: --set allow_unsandboxed_runtime=true: allow_unsandboxed_runtime is honoured only in the config file, not from --set" ]
    [ "${lines[1]}" = "command line: --set oci_runtime=runc: $refusal" ]

    run sbx config show --set allow_unsandboxed_runtime=false
    [ "$status" -eq 78 ]
    [[ $output == *"allow_unsandboxed_runtime is honoured only in the config file, not from --set" ]]
}

@test "allow_unsandboxed_runtime = true in sbx.toml lets another runtime through, and config show says where" {
    # At the top level: appended at the end it would belong to the file's last [table].
    sed -i 's|^oci_runtime = .*|&\nallow_unsandboxed_runtime = true|' "$SBX_CONFIG"
    line=$(grep -n '^allow_unsandboxed_runtime = ' "$SBX_CONFIG" | cut -d: -f1)
    run sbx config show --set oci_runtime=runc --format=json
    [ "$status" -eq 0 ]
    [ "$(setting allow_unsandboxed_runtime <<<"$output")" = "true file $SBX_CONFIG:$line" ]
    [ "$(setting oci_runtime <<<"$output")" = "runc flag --set oci_runtime=runc" ]
    SBX_OCI_RUNTIME=runc run sbx ps
    [ "$status" -eq 0 ]
}

@test "without the key, config show says allow_unsandboxed_runtime is false by default" {
    run sbx config show --format=json
    [ "$status" -eq 0 ]
    [ "$(setting allow_unsandboxed_runtime <<<"$output")" = "false default default" ]
    [ "$(setting oci_runtime <<<"$output")" = "runsc file $SBX_CONFIG:$(grep -n '^oci_runtime = ' "$SBX_CONFIG" | cut -d: -f1)" ]
}

@test "a path to runsc is accepted, from the file, SBX_OCI_RUNTIME and --set" {
    run sbx config show --set oci_runtime=/usr/bin/runsc --format=json
    [ "$status" -eq 0 ]
    [ "$(setting oci_runtime <<<"$output")" = "/usr/bin/runsc flag --set oci_runtime=/usr/bin/runsc" ]
    SBX_OCI_RUNTIME=/usr/bin/runsc run sbx config show --format=json
    [ "$status" -eq 0 ]
    [ "$(setting oci_runtime <<<"$output")" = "/usr/bin/runsc environment SBX_OCI_RUNTIME" ]
    sed -i 's|^oci_runtime = .*|oci_runtime = "/usr/bin/runsc"|' "$SBX_CONFIG"
    run sbx config show --format=json
    [ "$status" -eq 0 ]
    [[ "$(setting oci_runtime <<<"$output")" == "/usr/bin/runsc file $SBX_CONFIG:"* ]]
    # A relative path would be looked up from wherever the engine runs: refused.
    run sbx config show --set oci_runtime=bin/runsc
    [ "$status" -eq 78 ]
    [[ $output == *"oci_runtime: 'bin/runsc' must be a runtime name or an absolute path"* ]]
}

@test "with docker, a path to runsc is refused with what to do instead" {
    run sbx config show --set engine=docker --set oci_runtime=/usr/bin/runsc
    [ "$status" -eq 78 ]
    [ "$output" = "command line: --set oci_runtime=/usr/bin/runsc: oci_runtime '/usr/bin/runsc' is a path, but docker takes the name of a runtime registered in /etc/docker/daemon.json: register it there (as \"runsc\", with \"runtimeArgs\": [\"--network=none\"]; contrib/docker/ensure-dockerd does) and set oci_runtime = \"runsc\"" ]
}
