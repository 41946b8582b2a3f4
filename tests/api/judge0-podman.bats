#!/usr/bin/env bats
# Judge0 CE's API for real: /submissions, /languages, /statuses and /about at the root,
# through nginx and sbx-fcgi (helpers.bash) in front of podman with gVisor (runsc), run as
# compat.judge0.account. The answers checked are those Judge0's docs show for its examples.
# shellcheck disable=SC2154 # status_code, body and headers are set by api
# shellcheck disable=SC2016 # $n and the like are jq's, in jq programs
load helpers

setup_file() {
    note_podman
    start_stack
    sed -i -e '/^\[compat.judge0\]/,/^\[/ s/^enabled = false/enabled = true/' "$SBX_CONFIG"
    [[ $(setting compat.judge0.enabled) == true ]] || { echo "could not enable compat.judge0 in $SBX_CONFIG"; return 1; }
    add_user judge0
    add_user other
    restart_fcgi
}
teardown_file() { stop_stack; }

setup() {
    require_podman || return 1
    cd "$BATS_TEST_TMPDIR" || return 1
}

submit() { japi POST "/submissions?$1" "$2"; }

# Polls GET /submissions/TOKEN until its status is neither In Queue nor Processing.
poll() {
    local token=$1 query=${2:-} i
    for i in $(seq 100); do
        api GET "/submissions/$token?fields=status_id" >/dev/null
        [[ $status_code == 200 ]] || return 1
        if (($(jq .status_id <<<"$body") > 2)); then
            api GET "/submissions/$token?$query"
            return 0
        fi
        sleep 0.3
    done
    echo "submission $token did not end"
    return 1
}

@test "Judge0: python hello with wait=true is Accepted with its stdout" {
    submit "base64_encoded=false&wait=true" '{"source_code": "print(\"hello, world\")", "language_id": 71}'
    expect 201
    [[ $(jq -r .stdout <<<"$body") == "hello, world" ]]
    [[ $(jq -c '.status | [.id, .description]' <<<"$body") == '[3,"Accepted"]' ]]
    jq -e '.token | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")' <<<"$body"
    jq -e '(.time | test("^[0-9]+\\.[0-9]{3}$")) and (.memory | type == "number") and .stderr == null' <<<"$body"
    jq -e 'keys == (["compile_output","memory","message","status","stderr","stdout","time","token"])' <<<"$body"
}

@test "Judge0: base64_encoded round trip of source, stdin and stdout" {
    src=$(printf 'name = input()\nprint(f"hello, {name}")\n' | base64 -w0)
    stdin=$(printf 'Judge0' | base64 -w0)
    submit "base64_encoded=true&wait=true" "$(json '{source_code: $s, language_id: 71, stdin: $i}' --arg s "$src" --arg i "$stdin")"
    expect 201
    [[ $(jq -r .stdout <<<"$body" | base64 -d) == "hello, Judge0" ]]
    [[ $(jq .status.id <<<"$body") == 3 ]]
}

@test "Judge0: output that is not UTF-8 without base64 is Judge0's 400" {
    submit "wait=true" '{"source_code": "import sys; sys.stdout.buffer.write(b\"\\xff\\xfe\")", "language_id": 71}'
    expect 400
    jq -e '.error | test("use base64_encoded=true")' <<<"$body"
    jq -e '.token | length == 36' <<<"$body"
}

@test "Judge0: a C compile error is status 6 with compile_output" {
    submit "wait=true" '{"source_code": "int main(void) { return nope; }", "language_id": 50}'
    expect 201
    [[ $(jq -c '.status | [.id, .description]' <<<"$body") == '[6,"Compilation Error"]' ]]
    jq -e '.compile_output | test("nope")' <<<"$body"
    [[ $(jq .stdout <<<"$body") == null ]]
}

@test "Judge0: an endless loop with cpu_time_limit is Time Limit Exceeded" {
    submit "wait=true" '{"source_code": "while True: pass", "language_id": 71, "cpu_time_limit": 1}'
    expect 201
    [[ $(jq -c '.status | [.id, .description]' <<<"$body") == '[5,"Time Limit Exceeded"]' ]]
}

@test "Judge0: expected_output decides Accepted or Wrong Answer; a nonzero exit is NZEC" {
    submit "wait=true" '{"source_code": "print(41 + 1)", "language_id": 71, "expected_output": "42"}'
    expect 201
    [[ $(jq .status.id <<<"$body") == 3 ]]
    submit "wait=true" '{"source_code": "print(41)", "language_id": 71, "expected_output": "42"}'
    expect 201
    [[ $(jq -c '.status | [.id, .description]' <<<"$body") == '[4,"Wrong Answer"]' ]]
    submit "wait=true&fields=status,exit_code" '{"source_code": "raise SystemExit(3)", "language_id": 71}'
    expect 201
    [[ $(jq -c '[.status.id, .status.description, .exit_code, (keys | length)]' <<<"$body") == '[11,"Runtime Error (NZEC)",3,2]' ]]
}

@test "Judge0: wait=false answers 201 with a token; GET by token follows the run" {
    submit "wait=false" '{"source_code": "import time; time.sleep(1); print(7)", "language_id": 71}'
    expect 201
    token=$(jq -er .token <<<"$body")
    [[ $(jq -c 'keys' <<<"$body") == '["token"]' ]]
    poll "$token" "fields=stdout,status_id,token"
    [[ $(jq -c "[.stdout, .status_id, .token == \"$token\", (keys | length)]" <<<"$body") == '["7\n",3,true,3]' ]]
    api GET "/submissions/00000000-0000-4000-8000-000000000000"
    expect 404
    jq -e '.error' <<<"$body"
    api GET "/submissions/$token?fields=stdout,nonsense"
    expect 400
    [[ $(jq -r .error <<<"$body") == "invalid fields: [nonsense]" ]]
}

@test "Judge0: validation errors are 422 naming the field" {
    submit "wait=true" '{"source_code": "print(1)"}'
    expect 422
    [[ $(jq -c . <<<"$body") == '{"language_id":["can'"'"'t be blank"]}' ]]
    submit "wait=true" '{"source_code": "print(1)", "language_id": 9999}'
    expect 422
    [[ $(jq -r '.language_id[0]' <<<"$body") == "language with id 9999 doesn't exist" ]]
}

@test "Judge0: a batch is submitted with per-item errors and read back by tokens" {
    japi POST /submissions/batch '{"submissions": [{"source_code": "print(1)", "language_id": 71}, {"source_code": "x"}, {"source_code": "puts 2", "language_id": 72}]}'
    expect 201
    [[ $(jq length <<<"$body") == 3 ]]
    [[ $(jq -c '.[1]' <<<"$body") == '{"language_id":["can'"'"'t be blank"]}' ]]
    a=$(jq -er '.[0].token' <<<"$body")
    b=$(jq -er '.[2].token' <<<"$body")
    poll "$a"
    poll "$b"
    api GET "/submissions/batch?tokens=$a,$b&fields=token,stdout,status_id"
    expect 200
    [[ $(jq -c '[.submissions[] | [.stdout, .status_id]]' <<<"$body") == '[["1\n",3],["2\n",3]]' ]]
}

@test "Judge0: languages, one language, statuses and about" {
    api GET /languages
    expect 200
    jq -e '.[] | select(.id == 71 and (.name | test("Python")))' <<<"$body"
    jq -e '[.[].id] == ([.[].id] | sort) and all(.[]; has("id") and has("name"))' <<<"$body"
    api GET /languages/54
    expect 200
    jq -e '.id == 54 and .is_archived == false and .source_file != null' <<<"$body"
    api GET /languages/4242
    expect 404
    api GET /statuses
    expect 200
    [[ $(jq length <<<"$body") == 14 ]]
    [[ $(jq -c '.[6] | [.id, .description]' <<<"$body") == '[7,"Runtime Error (SIGSEGV)"]' ]]
    api GET /about
    expect 200
    jq -e '.version and .homepage' <<<"$body"
    # The web UI is still at /.
    api GET /
    expect 200
    grep -qi 'doctype html' <<<"$body"
}

@test "Judge0: a token of another account is not found; X-Auth-Token is required and checked" {
    submit "wait=false" '{"source_code": "print(1)", "language_id": 71}'
    token=$(jq -er .token <<<"$body")
    sed -i -e '/^\[compat.judge0\]/,/^\[/ s/^require_token = false/require_token = true/' "$SBX_CONFIG"
    restart_fcgi
    api GET /about
    expect 401
    jq -e '.error' <<<"$body"
    jar=$(login judge0)
    JAR=$jar japi POST /api/v1/me/tokens '{"name": "judge0"}'
    expect 201
    secret=$(jq -er .token <<<"$body")
    jar=$(login other)
    JAR=$jar japi POST /api/v1/me/tokens '{"name": "other"}'
    other_secret=$(jq -er .token <<<"$body")
    api GET /about -H "X-Auth-Token: $other_secret"
    expect 401
    api GET /about -H "X-Auth-Token: $secret"
    expect 200
    api GET "/submissions/$token" -H "Authorization: Bearer $secret"
    expect 200
    # The same token as another account's: the compat account is one, so the row says whose.
    sed -i -e '/^\[compat.judge0\]/,/^\[/ s/^account = "judge0"/account = "other"/' "$SBX_CONFIG"
    restart_fcgi
    api GET "/submissions/$token" -H "X-Auth-Token: $other_secret"
    expect 404
    sed -i -e '/^\[compat.judge0\]/,/^\[/ s/^account = "other"/account = "judge0"/' "$SBX_CONFIG"
    restart_fcgi
}

@test "Judge0: off, its paths are 404" {
    sed -i -e '/^\[compat.judge0\]/,/^\[/ s/^enabled = true/enabled = false/' "$SBX_CONFIG"
    restart_fcgi
    api GET /languages
    expect 404
    submit "wait=true" '{"source_code": "print(1)", "language_id": 71}'
    expect 404
}
