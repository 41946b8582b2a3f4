#!/usr/bin/env bats
load helpers

setup() { setup_config; }

@test "sbx --version prints the version" {
    run sbx --version
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^sbx\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "sbx help lists the installed verbs with a summary" {
    run sbx help
    [ "$status" -eq 0 ]
    [[ "$output" == *"runtime     list, show and check the runtime catalog"* ]]
    [[ "$output" == *"config      show effective settings"* ]]
    # Internal binaries beside the verbs are none.
    [[ "$output" != *"  init"* ]]
    [[ "$output" != *"  supervise"* ]]
}

@test "sbx with no verb shows help and exits 64" {
    run sbx
    [ "$status" -eq 64 ]
    [[ "$output" == *"usage: sbx"* ]]
}

@test "sbx VERB runs sbx-VERB with the remaining arguments" {
    run sbx runtime list --format=json
    [ "$status" -eq 0 ]
    [[ "$output" == "["* ]]
}

@test "an unknown verb gets 'did you mean' and exit 64" {
    run sbx runtim list
    [ "$status" -eq 64 ]
    [[ "$output" == *"'runtim' is not an sbx verb. Did you mean 'runtime'?"* ]]
}

@test "a verb that looks like a path is refused" {
    run sbx ../sbx-config show
    [ "$status" -eq 64 ]
}

@test "sbx help VERB shows that verb's help" {
    run sbx help runtime
    [ "$status" -eq 0 ]
    [[ "$output" == *"usage: sbx runtime list"* ]]
}

@test "installed, the dispatcher finds its verbs in libexec" {
    make -C "$ROOT" -s install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr >/dev/null
    [ -x "$BATS_TEST_TMPDIR/root/usr/libexec/sbx/sbx-runtime" ]
    [ -x "$BATS_TEST_TMPDIR/root/usr/libexec/sbx/sbx-supervise" ]
    [ ! -e "$BATS_TEST_TMPDIR/root/usr/bin/sbx-runtime" ]
    [ -f "$BATS_TEST_TMPDIR/root/usr/share/man/man1/sbx.1" ]
    run "$BATS_TEST_TMPDIR/root/usr/bin/sbx" runtime list
    [ "$status" -eq 0 ]
    [[ "$output" == *"python-3.11"* ]]
}
