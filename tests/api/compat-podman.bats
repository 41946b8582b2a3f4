#!/usr/bin/env bats
# The compatible APIs for real: Piston v2 (/api/v2/) and codapi (/v1/exec) through nginx
# and sbx-fcgi (helpers.bash) in front of podman with gVisor (runsc), run as the accounts
# sbx.toml names; and the native POST /api/v1/runs?wait= with its output inline. The
# answers checked are the ones Piston's and codapi's docs show for their examples.
# shellcheck disable=SC2154 # status_code, body and headers are set by api; status, output by run
# shellcheck disable=SC2016 # $n and the like are jq's, in jq programs
load helpers

ORIGIN=https://docs.example.org

setup_file() {
    note_podman
    start_stack
    # Both APIs on, one browser origin allowed, and a Piston rate a test can reach.
    sed -i -e 's/^enabled = false/enabled = true/' \
        -e "s|^# cors_origins = .*|cors_origins = [\"$ORIGIN\"]|" \
        -e '/^\[compat.piston\]/,/^\[/ s/^requests_per_minute = .*/requests_per_minute = 6/' "$SBX_CONFIG"
    [[ $(setting compat.piston.enabled) == true && $(setting compat.codapi.enabled) == true &&
        $(setting compat.cors_origins) == "$ORIGIN" && $(setting compat.piston.requests_per_minute) == 6 ]] ||
        { echo "could not enable the compatible APIs in $SBX_CONFIG"; return 1; }
    cp "$ROOT"/share/www/codapi-demo.* "$STACK/www/"
    add_user piston
    add_user codapi
    restart_fcgi
}
teardown_file() { stop_stack; }

setup() {
    require_podman || return 1
    cd "$BATS_TEST_TMPDIR" || return 1
}

# POST /api/v2/execute with a JSON body.
execute() { japi POST /api/v2/execute "$1"; }

@test "Piston: GET /api/v2/runtimes lists the catalog with Piston's language names and aliases" {
    api GET /api/v2/runtimes
    expect 200
    jq -e '.[] | select(.language == "python" and .version == "3.11" and (.aliases | index("py")) and .runtime == "python-3.11")' <<<"$body"
    jq -e '.[] | select(.language == "c++" and (.aliases | index("cpp")))' <<<"$body"
    jq -e '.[] | select(.language == "javascript" and (.aliases | index("node")))' <<<"$body"
    jq -e 'all(.[]; has("language") and has("version") and (.aliases | type == "array"))' <<<"$body"
}

@test "Piston: the documented python example answers run.stdout, output and code 0" {
    execute '{"language": "py", "version": "3.x", "files": [{"name": "my_cool_code.py", "content": "import sys\nprint(sys.argv[1:])\nprint(input())"}], "stdin": "hello from stdin", "args": ["1", "2", "3"], "compile_timeout": 10000, "run_timeout": 3000, "compile_memory_limit": -1, "run_memory_limit": -1}'
    expect 200
    [[ $(jq -r .language <<<"$body") == python ]]
    [[ $(jq -r .version <<<"$body") == 3.11 ]]
    [[ $(jq -r .run.stdout <<<"$body") == "['1', '2', '3']
hello from stdin" ]]
    [[ $(jq -r .run.stderr <<<"$body") == "" ]]
    [[ $(jq .run.code <<<"$body") == 0 ]]
    [[ $(jq .run.signal <<<"$body") == null ]]
    [[ $(jq -r .run.output <<<"$body") == "$(jq -r .run.stdout <<<"$body")" ]]
    jq -e 'has("compile") | not' <<<"$body"
    # The run is counted in the metrics, labelled by the API it came through.
    FROM=127.0.0.1 api GET /metrics >/dev/null
    expect 200
    grep -E '^sbx_runs\{.*status="succeeded",via="piston"\} [1-9]' <<<"$body"
}

@test "Piston: output interleaves stdout and stderr in order" {
    execute "$(json '{language: "python", version: "*", files: [{content: $c}]}' --arg c 'import sys, time
# Apart in time: two pipes read at once keep no order between writes a moment apart.
print("one", flush=True)
time.sleep(0.3)
print("two", file=sys.stderr, flush=True)
time.sleep(0.3)
print("three", flush=True)')"
    expect 200
    [[ $(jq -r .run.output <<<"$body") == "one
two
three" ]]
    [[ $(jq -r .run.stderr <<<"$body") == two ]]
}

@test "Piston: a C compile error answers compile with a non-zero code" {
    execute "$(json '{language: "c", version: "*", files: [{name: "main.c", content: "int main(void) { return nope; }"}]}')"
    expect 200
    jq -e '.compile.code != 0 and .compile.code != null' <<<"$body"
    jq -e '.compile.stderr | test("nope")' <<<"$body"
}

@test "Piston: a program past run_timeout is killed: signal SIGKILL" {
    execute '{"language": "python", "version": "3.11", "files": [{"content": "while True: pass"}], "run_timeout": 1000}'
    expect 200
    [[ $(jq -r .run.signal <<<"$body") == SIGKILL ]]
    [[ $(jq .run.code <<<"$body") == null ]]
}

@test "Piston: an unknown language is 400 with Piston's message; a base64 file runs" {
    execute '{"language": "brainfuck", "version": "*", "files": [{"content": "+"}]}'
    expect 400
    [[ $(jq -r .message <<<"$body") == "brainfuck-* runtime is unknown" ]]
    execute '{"language": "python", "files": [{"content": "x"}]}'
    expect 400
    [[ $(jq -r .message <<<"$body") == "version is required as a string" ]]
    execute "$(json '{language: "python", version: "3.11", files: [{content: "print(open(\"data.txt\").read())"}, {name: "data.txt", content: $b, encoding: "base64"}]}' --arg b "$(printf 'bytes\n' | base64)")"
    expect 200
    [[ $(jq -r .run.stdout <<<"$body") == bytes ]]
}

@test "Piston: a JSON body sent as text/plain is read as JSON" {
    api POST /api/v2/execute -H 'Content-Type: text/plain' --data-binary '{"language": "python", "version": "3.11", "files": [{"content": "print(6 * 7)"}]}'
    expect 200
    [[ $(jq -r .run.stdout <<<"$body") == 42 ]]
}

@test "Piston: past compat.piston.requests_per_minute an address gets 429 with Retry-After" {
    for _ in 1 2 3 4 5 6; do
        execute '{}'
        expect 400
    done
    execute '{}'
    expect 429
    [[ $(header retry-after) =~ ^[0-9]+$ ]]
    jq -e '.message | test("requests_per_minute")' <<<"$body"
}

@test "codapi: /v1/exec runs a sandbox's code: ok, stdout, duration" {
    japi POST /v1/exec '{"sandbox": "python", "command": "run", "files": {"": "print(\"hello world\")"}}'
    expect 200
    [[ $(jq -r .ok <<<"$body") == true ]]
    [[ $(jq -r .stdout <<<"$body") == "hello world" ]]
    [[ $(jq -r .stderr <<<"$body") == "" ]]
    jq -e '(.id | test("^python_run_[0-9]+$")) and (.duration | type == "number")' <<<"$body"
}

@test "codapi: a failing program answers ok false with its stderr; an unknown sandbox is 404" {
    japi POST /v1/exec '{"sandbox": "python", "command": "run", "files": {"": "import sys\nsys.exit(\"bad\")"}}'
    expect 200
    [[ $(jq -r .ok <<<"$body") == false ]]
    [[ $(jq -r .stderr <<<"$body") == bad ]]
    japi POST /v1/exec '{"sandbox": "cobol", "command": "run", "files": {"": "x"}}'
    expect 404
    [[ $(jq -r .ok <<<"$body") == false ]]
    jq -e '.stderr | test("unknown sandbox")' <<<"$body"
    japi POST /v1/exec '{"command": "run", "files": {"": "x"}}'
    expect 400
}

@test "codapi: CORS: a listed origin's preflight and request are allowed; another's are not" {
    api OPTIONS /v1/exec -H "Origin: $ORIGIN" -H 'Access-Control-Request-Method: POST' \
        -H 'Access-Control-Request-Headers: content-type'
    expect 204
    [[ $(header access-control-allow-origin) == "$ORIGIN" ]]
    [[ $(header access-control-allow-methods) == *POST* ]]
    [[ $(header access-control-allow-headers) == *content-type* ]]
    japi POST /v1/exec '{"sandbox": "python", "files": {"": "print(1)"}}' -H "Origin: $ORIGIN"
    expect 200
    [[ $(header access-control-allow-origin) == "$ORIGIN" ]]

    api OPTIONS /v1/exec -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: POST'
    expect 403
    [[ -z $(header access-control-allow-origin) ]]
    japi POST /v1/exec '{"sandbox": "python", "files": {"": "print(1)"}}' -H 'Origin: https://evil.example'
    [[ -z $(header access-control-allow-origin) ]]
}

@test "native: POST /api/v1/runs?wait= answers stdout and stderr inline, cut past web.inline_output_bytes" {
    NAME=$(unique alice)
    add_user "$NAME"
    JAR=$(login "$NAME")
    export JAR
    japi POST '/api/v1/runs?wait=30' "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}]}' --arg p 'import sys
print("out")
print("err", file=sys.stderr)')"
    expect 200
    [[ $(jq -r .stdout <<<"$body") == out ]]
    [[ $(jq -r .stderr <<<"$body") == err ]]
    [[ $(jq -r .output_truncated <<<"$body") == false ]]
    [[ $(jq -r .via <<<"$body") == api ]]
    # 100 KB of output, past the 64K the answer carries.
    japi POST '/api/v1/runs?wait=30' "$(json '{runtime: "python-3.11", files: [{name: "main.py", text: $p}]}' --arg p 'print("x" * 100000)')"
    expect 200
    [[ $(jq -r .output_truncated <<<"$body") == true ]]
    [[ $(jq '.stdout | length' <<<"$body") == 65536 ]]
}

@test "codapi: the demo page and its script are served by nginx, and its request runs" {
    api GET /codapi-demo.html
    expect 200
    [[ $body == *'data-url="/v1"'* && $body == *'src="/codapi-demo.js"'* ]]
    api GET /codapi-demo.js
    expect 200
    [[ $body == *'/exec'* ]]
    # What the page's script sends, from the page's own origin.
    japi POST /v1/exec "$(json '{sandbox: "python", command: "run", files: {"": "print(sum([1, 2, 3]))"}}')" \
        -H "Origin: $(stack_url)"
    expect 200
    [[ $(jq -r .stdout <<<"$body") == 6 ]]
}

@test "Piston: the npm client piston-client runs code through sbx as it would through Piston" {
    [[ -d $ROOT/tests/api/clients/node_modules/piston-client ]] ||
        { echo "tests/api/clients/node_modules is missing: make api-clients"; return 1; }
    # It asks for the runtimes, takes the newest version of the language, and posts the
    # request as text/plain (node-fetch's type for a string body).
    run --separate-stderr node "$ROOT/tests/api/clients/piston-client.mjs" "$(stack_url)" python \
        'print(input()[::-1])' 'stressed'
    echo "$output $stderr"
    [ "$status" -eq 0 ]
    [ "$(jq -r .language <<<"$output")" = python ]
    [ "$(jq -r .version <<<"$output")" = 3.11 ]
    [ "$(jq -r .run.stdout <<<"$output")" = desserts ]
    [ "$(jq .run.code <<<"$output")" = 0 ]
}
