#!/usr/bin/env bats
# The web UI in a real headless Chromium (playwright-core, /usr/bin/chromium) against a
# real stack: nginx + sbx-fcgi from tests/api/helpers.bash serving the built share/www,
# with runs under podman and runsc. Each test is one scenario of scenarios/*.mjs.
# Screenshots go to build/ui-artifacts/ (FAILED-NAME.png when a scenario fails).

load ../api/helpers

setup_file() {
    [[ -x /usr/bin/chromium ]] || { echo "chromium is not installed: apt-get install chromium (or make deps)"; return 1; }
    command -v node >/dev/null || { echo "node is not installed: apt-get install nodejs"; return 1; }
    [[ -d $ROOT/web/node_modules/playwright-core ]] || { echo "web/node_modules is missing: make ui"; return 1; }
    [[ -f $ROOT/share/www/app.js ]] || { echo "share/www/app.js is not built: make ui"; return 1; }
    start_stack || return 1
    # The UI itself: the built share/www in place of the API tests' page.
    cp -r "$ROOT/share/www/." "$STACK/www/"
    export UI_URL
    UI_URL=$(stack_url)
    export UI_ARTIFACTS="$ROOT/build/ui-artifacts"
    mkdir -p "$UI_ARTIFACTS"
    rm -f "$UI_ARTIFACTS"/FAILED-*.png
}

teardown_file() { stop_stack; }

# scenario NAME [USER [ADD-ARGS...]]: runs it with a user of its own, made by the CLI
# (with ADD-ARGS, such as --admin) unless USER is given: that scenario signs up itself.
# $USER2, when set, is a second user made by the CLI for it.
scenario() {
    local name=$1 user=${2:-} more=()
    if [[ -z $user ]]; then
        user=$(unique "ui")
        add_user "$user" "${@:3}"
    fi
    if [[ -n ${USER2:-} ]]; then
        add_user "$USER2"
        more=("$USER2" "password-of-$USER2")
    fi
    run timeout 240 node "$ROOT/tests/ui/run.mjs" "$name" "$user" "password-of-$user" "${more[@]}"
    echo "$output"
    if ((status != 0)); then
        stack_logs
        return 1
    fi
}

@test "sign up, create a Python project, type, run, see the output; a second file imported by the first" {
    scenario signup-python "$(unique signup)"
}

@test "an endless loop is stopped with Stop; a run replaced while active shows cancelled; history shows the old code" {
    scenario stop-and-replace
}

@test "a Go project compiles and runs; a compile error is shown as one" {
    scenario go
}

@test "output with <script>, HTML and terminal escapes stays inert text" {
    scenario inert-output
}

@test "long output stays paged in the page; output past the cap ends with the cut marker" {
    scenario long-output
}

@test "a public project in the gallery: another user runs it read-only and forks it" {
    USER2=$(unique other) scenario gallery-fork
}

@test "stdin and arguments reach the program; a run waiting for a place shows Queued (n ahead), counting down" {
    scenario input-and-queue
}

@test "a run past its time or memory limit ends as such, naming the limit" {
    scenario limits
}

@test "each shipped language is highlighted in the editor" {
    scenario languages
}

@test "a save the network drops is retried and nothing typed is lost" {
    scenario save-retry
}

@test "two-factor enrolment with the QR page, then login with a code computed in the test" {
    scenario totp
}

@test "admin catalog, FAQ, env vars masked until revealed; the editor at phone width" {
    scenario screens "" --admin
}

@test "an admin lists users, sets one's memory quota to 512M (a bad value named at its field), disables and enables them" {
    USER2=$(unique other) scenario admin-users "" --admin
}
