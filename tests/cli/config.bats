#!/usr/bin/env bats
load helpers

setup() { setup_config; }

@test "config show prints every setting with its origin" {
    run sbx config show
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "# config file: $CONF/sbx.toml" ]]
    [[ "$output" =~ engine\ +podman\ +$CONF/sbx.toml:[0-9]+ ]]
    [[ "$output" =~ database\ +/var/lib/sbx/sbx.db\ +default ]]
}

# Prints "VALUE SOURCE ORIGIN" of one setting from `config show --format=json` on stdin.
setting() {
    python3 -c 'import json,sys; s=[s for s in json.load(sys.stdin)["settings"] if s["key"]==sys.argv[1]][0]; print(s["value"], s["source"], s["origin"])' "$1"
}

@test "precedence: file < environment < --set" {
    run sbx config show --format=json
    [ "$status" -eq 0 ]
    [[ "$(setting engine <<<"$output")" =~ ^podman\ file\ $CONF/sbx.toml:[0-9]+$ ]]

    SBX_ENGINE=docker run sbx config show --format=json
    [ "$status" -eq 0 ]
    [ "$(setting engine <<<"$output")" = "docker environment SBX_ENGINE" ]

    SBX_ENGINE=docker run sbx config show --set engine=podman --format=json
    [ "$status" -eq 0 ]
    [ "$(setting engine <<<"$output")" = "podman flag --set engine=podman" ]
}

@test "--config wins over SBX_CONFIG" {
    printf 'instance = "other"\n' > "$BATS_TEST_TMPDIR/other.toml"
    run sbx config show --config "$BATS_TEST_TMPDIR/other.toml"
    [ "$status" -eq 0 ]
    [[ "$output" =~ instance\ +other ]]
}

@test "a named config file that does not exist exits 66" {
    run sbx config show --config "$BATS_TEST_TMPDIR/nope.toml"
    [ "$status" -eq 66 ]
    [[ "$output" == *"nope.toml: config file not found (from --config)"* ]]
}

@test "bad settings exit 78 with file:line:col for each" {
    printf 'engine = "lxc"\n[limits]\nmemory = "lots"\n' > "$CONF/sbx.toml"
    run sbx config show
    [ "$status" -eq 78 ]
    [ "${lines[0]}" = "$CONF/sbx.toml:1:10: engine: 'lxc' is not one of: podman, docker" ]
    [ "${lines[1]}" = "$CONF/sbx.toml:3:10: limits.memory: 'lots' is not a size such as 256M or 1G" ]
}

@test "an unknown SBX_ variable is an error with a suggestion" {
    SBX_ENIGNE=docker run sbx config show
    [ "$status" -eq 78 ]
    [[ "$output" == *"environment: SBX_ENIGNE: not an sbx setting (did you mean SBX_ENGINE?)"* ]]
}

@test "--format takes only text or json" {
    run sbx config show --format=yaml
    [ "$status" -eq 64 ]
    [[ "$output" == *"--format must be text or json"* ]]
}

@test "an unknown subcommand is a usage error" {
    run sbx config shwo
    [ "$status" -eq 64 ]
    [[ "$output" == *"unknown subcommand 'shwo' (did you mean 'show'?)"* ]]
}
