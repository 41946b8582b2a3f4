#!/usr/bin/env bats
# The web API through a real nginx and a real sbx-fcgi (helpers.bash starts both, once for
# this file): every endpoint's answer and errors as share/openapi.yaml describes them,
# accounts, two-factor login, tokens, who may see what, CSRF, limits, nginx's part. No
# container is started here (runs-podman.bats does that).
# shellcheck disable=SC2154 # status_code, body and headers are set by api
# shellcheck disable=SC2016 # $n and the like are jq's, in jq programs
# shellcheck disable=SC2030,SC2031 # each test is a subshell of its own: JAR is the test's
load helpers

setup_file() { start_stack; }
teardown_file() { stop_stack; }
setup() { cd "$BATS_TEST_TMPDIR" || return 1; }

PY=python-3.11

# new_project NAME [public|private]: a project of $JAR's user; sets project_id.
new_project() {
    japi POST /api/v1/projects "$(json '{name: $n, runtime: $r, visibility: $v}' --arg n "$1" --arg r "$PY" \
        --arg v "${2:-private}")"
    expect 201 || return 1
    project_id=$(jq -er .id <<<"$body")
}

# ---------------------------------------------------------------- service and catalog

@test "GET /healthz: status ok, the engine, counts of runs and the uptime" {
    api GET /healthz
    expect 200
    [[ $(header content-type) == application/json* ]]
    [ "$(jq -r '"\(.status) \(.engine) \(.oci_runtime) \(.gvisor)"' <<<"$body")" = "ok podman runsc true" ]
    jq -e '(.runs_active | type) == "number" and (.runs_queued | type) == "number"
           and (.uptime_s | type) == "number" and .uptime_s >= 0' <<<"$body"
}

@test "GET /api/v1/runtimes and /runtimes/ID: the catalog as the CLI prints it; an unknown id is 404" {
    api GET /api/v1/runtimes
    expect 200
    [ "$(jq -S . <<<"$body")" = "$(sbx runtime list --format=json | jq -S .)" ]
    jq -e '[.[].id] == ([.[].id] | sort) and any(.[]; .id == "python-3.11")' <<<"$body"
    jq -e 'all(.[]; has("id") and has("name") and has("language") and has("version") and has("image"))' <<<"$body"

    api GET /api/v1/runtimes/python-3.11
    expect 200
    [ "$(jq -r '"\(.id) \(.file)"' <<<"$body")" = "python-3.11 main.py" ]
    jq -e '(.hello_world | length) > 0 and .limits.memory_bytes > 0 and (.run | length) > 0' <<<"$body"
    # The same as `sbx runtime show`, less the file it came from: a path on the server.
    [ "$(jq -S . <<<"$body")" = "$(sbx runtime show python-3.11 --format=json | jq -S 'del(.source)')" ]
    [[ $body != *"$STACK"* ]]

    api GET /api/v1/runtimes/no-such-runtime
    expect_error 404 not-found
    [[ $(jq -r .error.message <<<"$body") == *no-such-runtime* ]]
}

@test "GET /api/v1/faq: the global FAQ; ?runtime=ID merges the runtime's; an unknown runtime is 404" {
    api GET /api/v1/faq
    expect 200
    [ "$(jq -S . <<<"$body")" = "$(sbx runtime faq --format=json | jq -S .)" ]
    jq -e 'length > 0 and all(.[]; has("question") and has("answer"))' <<<"$body"
    global=$body

    api GET "/api/v1/faq?runtime=$PY"
    expect 200
    [ "$(jq -S . <<<"$body")" = "$(sbx runtime faq "$PY" --format=json | jq -S .)" ]
    # python's own entry ("packages") comes on top of the global ones.
    jq -e 'any(.[]; .id == "packages")' <<<"$body"
    jq -e 'all(.[]; .id != "packages")' <<<"$global"
    [ "$(jq length <<<"$body")" -gt "$(jq length <<<"$global")" ]

    api GET "/api/v1/faq?runtime=cobol-60"
    expect_error 404 not-found runtime
}

# ---------------------------------------------------------------- accounts

@test "POST /api/v1/users: 201 and a session cookie; a taken name 409; a bad name 422 naming 'name'" {
    local name
    name=$(unique carol)
    signup "$name" 'a good long password'
    [ "$(jq -r '"\(.name) \(.admin) \(.totp)"' <<<"$body")" = "$name false false" ]
    cookie=$(header set-cookie)
    [[ $cookie == sbx_session=* ]]
    [[ $cookie == *HttpOnly* ]]
    [[ $cookie == *SameSite=Strict* ]]
    # The sign-up is logged in.
    JAR=$(jar_of "$name") api GET /api/v1/me
    expect 200
    [ "$(jq -r .name <<<"$body")" = "$name" ]

    japi POST /api/v1/users "$(json '{name: $n, password: "another password"}' --arg n "$name")"
    expect_error 409 conflict name
    japi POST /api/v1/users '{"name": "Not A Name", "password": "a good long password"}'
    expect_error 422 usage name
    japi POST /api/v1/users "$(json '{name: $n, password: "short"}' --arg n "$(unique dave)")"
    expect_error 422 usage password
    japi POST /api/v1/users "$(json '{name: $n, password: "a good long password", admin: true}' --arg n "$(unique eve)")"
    expect_error 400 unknown-field admin
    api GET "/api/v1/me" # no cookie
    expect_error 401 unauthenticated
}

@test "POST /api/v1/users: the eleventh sign-up in a minute from one address is 429 with Retry-After" {
    local i
    for i in $(seq 10); do
        japi POST /api/v1/users "$(json '{name: $n, password: "a good long password"}' --arg n "$(unique "s$i")")"
        expect 201
    done
    japi POST /api/v1/users "$(json '{name: $n, password: "a good long password"}' --arg n "$(unique s11)")"
    expect_error 429 rate-limited
    [[ $(header retry-after) =~ ^[0-9]+$ ]]
    # Another address is not held to it.
    FROM=127.0.0.254 japi POST /api/v1/users "$(json '{name: $n, password: "a good long password"}' --arg n "$(unique s12)")"
    expect 201
}

@test "POST /api/v1/session: 200; the cookie is HttpOnly, SameSite=Strict and not Secure over http; it is rotated" {
    local name
    name=$(unique alice)
    add_user "$name"
    jar=$(jar_of "$name")
    JAR=$jar japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$name" --arg p "password-of-$name")"
    expect 200
    [ "$(jq -r '"\(.totp_required) \(.user.name)"' <<<"$body")" = "false $name" ]
    cookie=$(header set-cookie)
    [[ $cookie =~ ^sbx_session=[A-Za-z0-9_-]{22,}\; ]]
    [[ $cookie == *'; HttpOnly'* ]]
    [[ $cookie == *'; SameSite=Strict'* ]]
    [[ $cookie == *'; Path=/'* ]]
    [[ $cookie =~ \;\ Max-Age=[1-9][0-9]* ]]
    [[ $cookie != *Secure* ]]
    first=$(session_cookie "$jar")
    JAR=$jar api GET /api/v1/me
    expect 200
    [ "$(jq -r .name <<<"$body")" = "$name" ]

    # Logging in again with the session gives a new one and ends the old.
    JAR=$jar japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$name" --arg p "password-of-$name")"
    expect 200
    second=$(session_cookie "$jar")
    [ -n "$second" ] && [ "$second" != "$first" ]
    api GET /api/v1/me -H "Cookie: sbx_session=$first"
    expect_error 401 unauthenticated
    api GET /api/v1/me -H "Cookie: sbx_session=$second"
    expect 200
}

@test "POST /api/v1/session: a wrong password and an unknown user are the same 401, in about the same time" {
    local name
    name=$(unique alice)
    add_user "$name"
    japi POST /api/v1/session "$(json '{name: $n, password: "not the password"}' --arg n "$name")"
    expect_error 401 unauthenticated
    wrong=$body
    [ -z "$(header set-cookie)" ]
    japi POST /api/v1/session "$(json '{name: $n, password: "not the password"}' --arg n "$(unique nobody)")"
    expect_error 401 unauthenticated
    [ "$body" = "$wrong" ]
    # Timing: three of each, interleaved.
    local known=0 unknown=0 t i
    for i in 1 2 3; do
        t=$(curl -s -o /dev/null -w '%{time_total}' --interface "$(client_addr)" -H 'Content-Type: application/json' \
            -d "$(json '{name: $n, password: "not the password"}' --arg n "$name")" "$(stack_url)/api/v1/session")
        known=$(python3 -c "print($known + $t)")
        t=$(curl -s -o /dev/null -w '%{time_total}' --interface "$(client_addr)" -H 'Content-Type: application/json' \
            -d "$(json '{name: $n, password: "not the password"}' --arg n "$(unique "nobody$i")")" "$(stack_url)/api/v1/session")
        unknown=$(python3 -c "print($unknown + $t)")
    done
    echo "wrong password: ${known}s, unknown user: ${unknown}s (3 each)"
    python3 -c "import sys; r = $unknown / $known; sys.exit(0 if 0.5 < r < 2 else 1)"
}

@test "POST /api/v1/session: the 11th failed login of an account in a minute is 429 with Retry-After, per account and per address" {
    local name other
    name=$(unique victim)
    other=$(unique bystander)
    add_user "$name"
    add_user "$other"
    local i
    [ "$(setting web.login_attempts_per_minute)" = 10 ]
    for i in $(seq 10); do
        japi POST /api/v1/session "$(json '{name: $n, password: "guess"}' --arg n "$name")"
        expect_error 401 unauthenticated
    done
    japi POST /api/v1/session "$(json '{name: $n, password: "guess"}' --arg n "$name")"
    expect_error 429 rate-limited
    retry=$(header retry-after)
    [[ $retry =~ ^[0-9]+$ ]] && ((retry >= 1 && retry <= 60))
    # Now even the right password waits, from any address: the account is held.
    japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$name" --arg p "password-of-$name")"
    expect_error 429 rate-limited
    FROM=127.0.0.253 japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$name" --arg p "password-of-$name")"
    expect_error 429 rate-limited
    # And this address is held for every account.
    japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$other" --arg p "password-of-$other")"
    expect_error 429 rate-limited
    # Another account from another address is not.
    FROM=127.0.0.253 japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$other" --arg p "password-of-$other")"
    expect 200
}

@test "DELETE /api/v1/session: 204, the cookie cleared and the session gone on the server; /me is then 401" {
    local name
    name=$(unique alice)
    add_user "$name"
    jar=$(login "$name")
    token=$(session_cookie "$jar")
    JAR=$jar api DELETE /api/v1/session
    expect 204
    [[ $(header set-cookie) == sbx_session=\;* ]]
    [[ $(header set-cookie) == *Max-Age=0* ]]
    JAR=$jar api GET /api/v1/me
    expect_error 401 unauthenticated
    # The old cookie, sent again by hand, is dead too.
    api GET /api/v1/me -H "Cookie: sbx_session=$token"
    expect_error 401 unauthenticated
    # Without a session it is still 204.
    api DELETE /api/v1/session
    expect 204
}

@test "GET /api/v1/me: the user as sbx user show prints it; 401 without a session or with a made-up one" {
    local name
    name=$(unique alice)
    add_user "$name"
    jar=$(login "$name")
    JAR=$jar api GET /api/v1/me
    expect 200
    [ "$(jq -S . <<<"$body")" = "$(sbx user show "$name" --format=json | jq -S .)" ]
    jq -e '.quota.max_concurrent_runs > 0 and .admin == false and .totp == false' <<<"$body"
    api GET /api/v1/me
    expect_error 401 unauthenticated
    api GET /api/v1/me -H 'Cookie: sbx_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    expect_error 401 unauthenticated
}

@test "TOTP: enrol, confirm, then login is partial (/me 401) until a valid code; the cookie changes; a replayed code is 401" {
    local name
    name=$(unique tess)
    add_user "$name"
    jar=$(login "$name")
    JAR=$jar api POST /api/v1/me/totp
    expect 200
    secret=$(jq -er .secret <<<"$body")
    [[ $secret =~ ^[A-Z2-7]{32}$ ]]
    [[ $(jq -r .uri <<<"$body") == "otpauth://totp/sbx:$name?secret=$secret&issuer=sbx"* ]]
    # Still off until confirmed: a login is complete at once.
    JAR=$jar api GET /api/v1/me
    [ "$(jq -r .totp <<<"$body")" = false ]

    totp_settle
    confirm_code=$(totp_code "$secret" -1)
    JAR=$jar japi POST /api/v1/me/totp/confirm "$(json '{code: $c}' --arg c "$confirm_code")"
    expect 200
    [ "$(jq -r .totp <<<"$body")" = true ]
    JAR=$jar api POST /api/v1/me/totp
    expect_error 409 conflict

    # Password: a partial session.
    jar=$(jar_of "$name")
    rm -f "$jar"
    JAR=$jar japi POST /api/v1/session "$(credentials "$name")"
    expect 200
    [ "$(jq -r .totp_required <<<"$body")" = true ]
    [ "$(jq -c .user <<<"$body")" = "$(json '{name: $n}' --arg n "$name")" ]
    partial=$(session_cookie "$jar")
    [ -n "$partial" ]
    JAR=$jar api GET /api/v1/me
    expect_error 401 unauthenticated
    JAR=$jar api GET /api/v1/projects
    expect_error 401 unauthenticated
    JAR=$jar japi POST /api/v1/me/tokens '{"name": "sneaky"}'
    expect_error 401 unauthenticated
    # The code confirm used is spent already.
    JAR=$jar japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$confirm_code")"
    expect_error 401 unauthenticated code
    # A fresh code completes the login with a new cookie.
    code=$(totp_code "$secret" 0)
    JAR=$jar japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$code")"
    expect 200
    [ "$(jq -r '"\(.totp_required) \(.user.name) \(.user.totp)"' <<<"$body")" = "false $name true" ]
    complete=$(session_cookie "$jar")
    [ -n "$complete" ] && [ "$complete" != "$partial" ]
    JAR=$jar api GET /api/v1/me
    expect 200
    # The partial cookie is dead.
    api GET /api/v1/me -H "Cookie: sbx_session=$partial"
    expect_error 401 unauthenticated
    JAR=$jar japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$code")"
    expect_error 409 conflict

    # The same code again, on a new partial session: a replay.
    jar=$(login "$name")
    [ "$(jq -r .totp_required "$jar.json")" = true ]
    JAR=$jar japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$code")"
    expect_error 401 unauthenticated code
    JAR=$jar api GET /api/v1/me
    expect_error 401 unauthenticated
    # Without any session the step is 401 too.
    japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$code")"
    expect_error 401 unauthenticated
}

@test "TOTP: six codes in a minute for one account is 429; DELETE /me/totp turns it off" {
    local name
    name=$(unique tom)
    add_user "$name"
    jar=$(login "$name")
    JAR=$jar api POST /api/v1/me/totp
    secret=$(jq -er .secret <<<"$body")
    totp_settle
    JAR=$jar japi POST /api/v1/me/totp/confirm '{"code": "12345"}'
    expect_error 422 usage code
    JAR=$jar japi POST /api/v1/me/totp/confirm "$(json '{code: $c}' --arg c "$(totp_code "$secret")")"
    expect 200
    jar=$(login "$name")
    [ "$(jq -r .totp_required "$jar.json")" = true ]
    local valid i
    valid=" $(totp_code "$secret" -1) $(totp_code "$secret" 0) $(totp_code "$secret" 1) "
    for wrong in 000000 111111 222222 333333 444444 555555 666666; do
        [[ $valid == *" $wrong "* ]] || break
    done
    for i in 1 2 3 4 5; do
        JAR=$jar japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$wrong")"
        expect_error 401 unauthenticated code
    done
    JAR=$jar japi POST /api/v1/session/totp "$(json '{code: $c}' --arg c "$(totp_code "$secret" 1)")"
    expect_error 429 rate-limited
    [[ $(header retry-after) =~ ^[0-9]+$ ]]

    # Off again (by a complete session), the next login is complete at once.
    sbx user totp disable "$name" >/dev/null
    jar=$(login "$name")
    [ "$(jq -r .totp_required "$jar.json")" = false ]
    JAR=$jar api POST /api/v1/me/totp
    secret=$(jq -er .secret <<<"$body")
    JAR=$jar api DELETE /api/v1/me/totp
    expect 204
    JAR=$jar japi POST /api/v1/me/totp/confirm "$(json '{code: $c}' --arg c "$(totp_code "$secret")")"
    expect_error 409 conflict
}

@test "API tokens: create (shown once), list without secrets, Bearer acts as the user, revoked is 401" {
    local name other
    name=$(unique alice)
    other=$(unique bob)
    add_user "$name"
    add_user "$other"
    jar=$(login "$name")
    JAR=$jar japi POST /api/v1/me/tokens '{"name": "ci"}'
    expect 201
    token=$(jq -er .token <<<"$body")
    token_id=$(jq -er .id <<<"$body")
    [[ $token =~ ^sbx_ ]]
    [ "$(jq -r '"\(.name) \(.last_used_at)"' <<<"$body")" = "ci null" ]
    JAR=$jar api GET /api/v1/me/tokens
    expect 200
    [ "$(jq -r '[.[] | "\(.id) \(.name)"] | join(",")' <<<"$body")" = "$token_id ci" ]
    [[ $body != *"$token"* ]]
    [[ $body != *'"token"'* ]]

    api GET /api/v1/me -H "Authorization: Bearer $token"
    expect 200
    [ "$(jq -r .name <<<"$body")" = "$name" ]
    # A token is never sent by a browser on its own: no cross-site check for it.
    api POST /api/v1/projects -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -H 'Origin: http://evil.example' --data-binary "$(json '{name: "by-token", runtime: $r}' --arg r "$PY")"
    expect 201
    [ "$(jq -r .owner <<<"$body")" = "$name" ]
    JAR=$jar api GET /api/v1/me/tokens
    [ "$(jq -r '.[0].last_used_at' <<<"$body")" != null ]

    # Nobody else can revoke it.
    JAR=$(login "$other") api DELETE "/api/v1/me/tokens/$token_id"
    expect_error 404 not-found
    api GET /api/v1/me -H "Authorization: Bearer $token"
    expect 200

    JAR=$jar api DELETE "/api/v1/me/tokens/$token_id"
    expect 204
    api GET /api/v1/me -H "Authorization: Bearer $token"
    expect_error 401 unauthenticated
    JAR=$jar api DELETE "/api/v1/me/tokens/$token_id"
    expect_error 404 not-found
    api GET /api/v1/me -H "Authorization: Bearer sbx_made-up"
    expect_error 401 unauthenticated
    JAR=$jar japi POST /api/v1/me/tokens '{}'
    expect_error 422 missing name
}

# ---------------------------------------------------------------- projects

@test "projects: create, list, get, patch, delete; the same JSON as sbx project show" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    api GET /api/v1/projects
    expect 200
    [ "$body" = "[]" ]
    # A member set to null is one left out: private.
    japi POST /api/v1/projects "$(json '{name: "hello", runtime: $r, visibility: null}' --arg r "$PY")"
    expect 201
    id=$(jq -er .id <<<"$body")
    [ "$(jq -r '"\(.owner) \(.name) \(.full_name) \(.runtime) \(.visibility) \(.files) \(.forked_from)"' <<<"$body")" = \
        "$name hello $name/hello $PY private 1 null" ]
    [ "$(jq -S . <<<"$body")" = "$(sbx project show "$name/hello" --format=json | jq -S .)" ]
    # It starts from the runtime's hello world.
    api GET "/api/v1/projects/$id/files/main.py"
    expect 200
    [ "$body" = "$(sbx runtime show "$PY" --format=json | jq -r .hello_world)" ]

    japi POST /api/v1/projects "$(json '{name: "hello", runtime: $r}' --arg r "$PY")"
    expect_error 409 conflict name
    japi POST /api/v1/projects '{"name": "other", "runtime": "cobol-60"}'
    expect_error 404 not-found runtime
    new_project second public

    api GET /api/v1/projects
    expect 200
    [ "$(jq -r '[.[].name] | join(" ")' <<<"$body")" = "hello second" ]
    api GET "/api/v1/projects/$id"
    expect 200
    [ "$(jq -r .name <<<"$body")" = hello ]

    japi PATCH "/api/v1/projects/$id" '{"name": "renamed", "visibility": "public", "runtime": "bash-5.2"}'
    expect 200
    [ "$(jq -r '"\(.id) \(.name) \(.visibility) \(.runtime) \(.files)"' <<<"$body")" = "$id renamed public bash-5.2 1" ]
    japi PATCH "/api/v1/projects/$id" '{"visibility": "secret"}'
    expect_error 422 invalid visibility
    japi PATCH "/api/v1/projects/$id" '{"name": "second"}'
    expect_error 409 conflict
    japi PATCH "/api/v1/projects/$id" '{}'
    expect 200
    [ "$(jq -r .name <<<"$body")" = renamed ]

    api DELETE "/api/v1/projects/$id"
    expect 204
    api GET "/api/v1/projects/$id"
    expect_error 404 not-found
    api DELETE "/api/v1/projects/$id"
    expect_error 404 not-found
    api GET /api/v1/projects
    [ "$(jq -r '[.[].name] | join(" ")' <<<"$body")" = second ]
}

@test "projects: a bad project name is 422 usage naming the member 'name' (create, rename, fork, import)" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    new_project good
    local bad
    for bad in 'bad name!' 'a/b' '.hidden'; do
        japi POST /api/v1/projects "$(json '{name: $n, runtime: $r}' --arg n "$bad" --arg r "$PY")"
        expect_error 422 usage name
        japi PATCH "/api/v1/projects/$project_id" "$(json '{name: $n}' --arg n "$bad")"
        expect_error 422 usage name
        japi POST "/api/v1/projects/$project_id/fork" "$(json '{name: $n}' --arg n "$bad")"
        expect_error 422 usage name
    done
    curl -s -b "$JAR" -o good.tar.gz "$(stack_url)/api/v1/projects/$project_id/export"
    api POST "/api/v1/projects/import?name=bad%20name%21" --data-binary @good.tar.gz
    expect_error 422 usage name
}

@test "project files: raw bytes and JSON text/base64 put, get byte-exact, list, move, delete; bad paths 422" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    new_project files
    base="/api/v1/projects/$project_id/files"
    # Every byte value, twice, in random order: raw in, raw out.
    python3 -c 'import os, random; b = bytes(range(256)) * 2 + os.urandom(2000); print(end="", flush=True); open("blob.bin", "wb").write(b)'
    api PUT "$base/data/blob.bin" --data-binary @blob.bin -H 'Content-Type: application/octet-stream'
    expect 201
    [ "$(jq -c . <<<"$body")" = '{"created":true,"path":"data/blob.bin"}' ]
    curl -s -b "$JAR" -o got.bin -D got.headers "$(stack_url)$base/data/blob.bin"
    cmp blob.bin got.bin
    grep -qi '^content-type: application/octet-stream' got.headers
    grep -qi '^x-content-type-options: nosniff' got.headers
    # Replaced: 200. A body with no Content-Type (or text/plain) is raw too, even if it looks like JSON.
    api PUT "$base/data/blob.bin" --data-binary '{"text": "not a wrapper"}' -H 'Content-Type: text/plain'
    expect 200
    [ "$(jq -r .created <<<"$body")" = false ]
    [ "$(curl -s -b "$JAR" "$(stack_url)$base/data/blob.bin")" = '{"text": "not a wrapper"}' ]

    japi PUT "$base/notes.txt" "$(json '{text: "héllo\n\nwörld\n"}')"
    expect 201
    curl -s -b "$JAR" -o notes.txt "$(stack_url)$base/notes.txt"
    cmp notes.txt <(printf 'héllo\n\nwörld\n')
    printf '\x00\xff\xfe\r\n' >odd.bin
    japi PUT "$base/odd.bin" "$(json '{base64: $b}' --arg b "$(base64 -w0 odd.bin)")"
    expect 201
    curl -s -b "$JAR" -o odd.got "$(stack_url)$base/odd.bin"
    cmp odd.bin odd.got
    japi PUT "$base/x.txt" '{"text": "a", "base64": "YQ=="}'
    expect_error 422 invalid
    japi PUT "$base/x.txt" '{"base64": "@@not base64@@"}'
    expect_error 422 invalid base64
    japi PUT "$base/x.txt" '{"txt": "a"}'
    expect_error 400 unknown-field txt
    # %2F is a folder separator like /.
    api PUT "$base/src%2Futil.py" --data-binary 'X = 1'
    expect 201
    [ "$(jq -r .path <<<"$body")" = src/util.py ]

    api GET "$base"
    expect 200
    [ "$(jq -r '[.[] | select(.path != "main.py") | "\(.path):\(.size)"] | join(" ")' <<<"$body")" = \
        "data/blob.bin:25 notes.txt:15 odd.bin:5 src/util.py:5" ]
    [ "$(jq -r '[.[].path] | join(" ")' <<<"$body")" = "data/blob.bin main.py notes.txt odd.bin src/util.py" ]

    japi POST "/api/v1/projects/$project_id/move" '{"from": "notes.txt", "to": "docs/notes.txt"}'
    expect 200
    [ "$(jq -c . <<<"$body")" = '{"from":"notes.txt","to":"docs/notes.txt"}' ]
    curl -s -b "$JAR" -o moved.txt "$(stack_url)$base/docs/notes.txt"
    cmp moved.txt notes.txt
    api GET "$base/notes.txt"
    expect_error 404 not-found path
    japi POST "/api/v1/projects/$project_id/move" '{"from": "nope.txt", "to": "x.txt"}'
    expect_error 404 not-found from
    japi POST "/api/v1/projects/$project_id/move" '{"from": "odd.bin", "to": "docs/notes.txt"}'
    expect_error 409 conflict to
    japi POST "/api/v1/projects/$project_id/move" '{"from": "odd.bin"}'
    expect_error 422 missing to

    api DELETE "$base/odd.bin"
    expect 204
    api DELETE "$base/odd.bin"
    expect_error 404 not-found
    api GET "$base/odd.bin"
    expect_error 404 not-found

    # Paths the rules refuse.
    api PUT "$base/a/%2E%2E/b.txt" --data-binary x
    expect_error 422 usage path
    api PUT "$base/a%5Cb.txt" --data-binary x
    expect_error 422 usage path
    api PUT "$base/dir/" --data-binary x
    expect 422
    api PUT "$base/bad%FF.txt" --data-binary x
    expect_error 422 usage path
    # A file too large for projects.max_file_bytes (1M).
    head -c 1100000 /dev/zero >big.bin
    api PUT "$base/big.bin" --data-binary @big.bin
    expect_error 413 too-large
}

@test "project env: put, list, delete; bad names 422; values must be strings" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    new_project envs
    base="/api/v1/projects/$project_id/env"
    api GET "$base"
    expect 200
    [ "$body" = "{}" ]
    japi PUT "$base/GREETING" '{"value": "hello there"}'
    expect 204
    japi PUT "$base/_X1" '{"value": ""}'
    expect 204
    japi PUT "$base/GREETING" '{"value": "hi"}'
    expect 204
    api GET "$base"
    expect 200
    [ "$(jq -cS . <<<"$body")" = '{"GREETING":"hi","_X1":""}' ]
    japi PUT "$base/1BAD" '{"value": "x"}'
    expect_error 422 usage name
    japi PUT "$base/X" '{"value": 5}'
    expect_error 422 invalid value
    japi PUT "$base/X" '{}'
    expect_error 422 missing value
    api DELETE "$base/GREETING"
    expect 204
    api DELETE "$base/GREETING"
    expect_error 404 not-found name
    api GET "$base"
    [ "$(jq -c . <<<"$body")" = '{"_X1":""}' ]
}

@test "fork and gallery: a public project is forked with files and runtime, not env; the gallery shows public ones only" {
    local alice bob
    alice=$(unique alice)
    bob=$(unique bob)
    add_user "$alice"
    add_user "$bob"
    ajar=$(login "$alice")
    bjar=$(login "$bob")
    JAR=$ajar new_project shared public
    shared=$project_id
    JAR=$ajar japi PUT "/api/v1/projects/$shared/files/lib/x.py" '{"text": "X = 42\n"}'
    JAR=$ajar japi PUT "/api/v1/projects/$shared/env/SECRET" '{"value": "alice-only"}'
    expect 204
    JAR=$ajar new_project hidden private
    hidden=$project_id

    JAR=$bjar api GET /api/v1/gallery
    expect 200
    jq -e --argjson id "$shared" 'any(.[]; .id == $id and .visibility == "public")' <<<"$body"
    jq -e --argjson id "$hidden" 'all(.[]; .id != $id)' <<<"$body"
    jq -e 'all(.[]; .visibility == "public")' <<<"$body"
    api GET /api/v1/gallery
    expect_error 401 unauthenticated

    # No body: named as the source.
    JAR=$bjar api POST "/api/v1/projects/$shared/fork"
    expect 201
    fork=$(jq -er .id <<<"$body")
    [ "$(jq -r '"\(.owner) \(.name) \(.visibility) \(.forked_from) \(.runtime) \(.files)"' <<<"$body")" = \
        "$bob shared private $shared $PY 2" ]
    [ "$(curl -s -b "$bjar" "$(stack_url)/api/v1/projects/$fork/files/lib/x.py")" = "X = 42" ]
    JAR=$bjar api GET "/api/v1/projects/$fork/env"
    expect 200
    [ "$body" = "{}" ]
    # Again under the same name: 409; under another: 201.
    JAR=$bjar api POST "/api/v1/projects/$shared/fork"
    expect_error 409 conflict
    JAR=$bjar japi POST "/api/v1/projects/$shared/fork" '{"name": "my-copy"}'
    expect 201
    [ "$(jq -r .full_name <<<"$body")" = "$bob/my-copy" ]
    JAR=$bjar japi POST "/api/v1/projects/$shared/fork" '{"nmae": "typo"}'
    expect_error 400 unknown-field nmae
    # A private project of someone else cannot be forked: it is not there.
    JAR=$bjar api POST "/api/v1/projects/$hidden/fork"
    expect_error 404 not-found
    # The fork is bob's own: he may change it, alice's source is unchanged.
    JAR=$bjar japi PUT "/api/v1/projects/$fork/files/lib/x.py" '{"text": "X = 0\n"}'
    expect 200
    [ "$(curl -s -b "$ajar" "$(stack_url)/api/v1/projects/$shared/files/lib/x.py")" = "X = 42" ]
}

@test "import and export: a raw tar.gz body with ?name= and ?format=zip export round-trip byte-exact" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    mkdir -p src/lib
    printf 'from lib import util\nprint(util.X)\n' >src/main.py
    printf 'X = "imported"\n' >src/lib/util.py
    head -c 3000 /dev/urandom >src/lib/data.bin
    tar -C src -czf in.tar.gz main.py lib
    api POST "/api/v1/projects/import?name=imp" --data-binary @in.tar.gz -H 'Content-Type: application/gzip'
    expect 201
    id=$(jq -er .id <<<"$body")
    [ "$(jq -r '"\(.name) \(.runtime) \(.visibility) \(.files)"' <<<"$body")" = "imp $PY private 3" ]
    api GET "/api/v1/projects/$id/files"
    [ "$(jq -r '[.[].path] | join(" ")' <<<"$body")" = "lib/data.bin lib/util.py main.py" ]

    curl -s -b "$JAR" -D zip.headers -o out.zip "$(stack_url)/api/v1/projects/$id/export?format=zip"
    grep -qi '^content-type: application/zip' zip.headers
    grep -qi '^content-disposition: attachment; filename="imp.zip"' zip.headers
    mkdir unzipped
    (cd unzipped && unzip -q ../out.zip)
    diff -r src unzipped
    [ "$(unzip -Z1 out.zip | tr '\n' ' ')" = "lib/data.bin lib/util.py main.py " ]

    # The zip comes back in as the same project; tar.gz too; and exports are reproducible.
    api POST "/api/v1/projects/import?name=again&visibility=public" --data-binary @out.zip
    expect 201
    again=$(jq -er .id <<<"$body")
    [ "$(jq -r .visibility <<<"$body")" = public ]
    curl -s -b "$JAR" -o again.zip "$(stack_url)/api/v1/projects/$again/export?format=zip"
    cmp out.zip again.zip
    curl -s -b "$JAR" -D tgz.headers -o out.tar.gz "$(stack_url)/api/v1/projects/$id/export"
    grep -qi '^content-type: application/gzip' tgz.headers
    grep -qi '^content-disposition: attachment; filename="imp.tar.gz"' tgz.headers
    mkdir untarred
    tar -C untarred -xzf out.tar.gz
    diff -r src untarred
    [ "$(tar -tvzf out.tar.gz | awk '{print $1, $2}' | sort -u)" = "-rw-r--r-- 0/0" ]
    curl -s -b "$JAR" -o out.tar "$(stack_url)/api/v1/projects/$id/export?format=tar"
    tar -tf out.tar >/dev/null

    api GET "/api/v1/projects/$id/export?format=rar"
    expect_error 422 usage format
    api POST "/api/v1/projects/import?name=imp" --data-binary @out.zip
    expect_error 409 conflict name
    api POST "/api/v1/projects/import" --data-binary @out.zip
    expect_error 422 missing name
    api POST "/api/v1/projects/import?name=junk" --data-binary 'this is not an archive'
    expect_error 422 data
    # An absolute path in the archive is refused, naming it, and nothing is made.
    printf 'x' >abs.txt
    tar -czf abs.tar.gz --absolute-names "$PWD/abs.txt" 2>/dev/null
    api POST "/api/v1/projects/import?name=abs" --data-binary @abs.tar.gz
    expect 422
    [[ $(jq -r .error.message <<<"$body") == *"$PWD/abs.txt"* ]]
    api GET /api/v1/projects
    [ "$(jq -r '[.[].name] | join(" ")' <<<"$body")" = "again imp" ]
}

@test "authorization: bob gets 404 for alice's private project (GET, files, runs, export) and 403 changing her public one" {
    local alice bob
    alice=$(unique alice)
    bob=$(unique bob)
    add_user "$alice"
    add_user "$bob"
    ajar=$(login "$alice")
    bjar=$(login "$bob")
    JAR=$ajar new_project private-one private
    priv=$project_id
    JAR=$ajar new_project public-one public
    pub=$project_id
    export JAR=$bjar
    local path
    for path in "" /files /files/main.py /runs /env /export; do
        api GET "/api/v1/projects/$priv$path"
        expect_error 404 not-found
        [[ $body != *private-one* ]]
    done
    # The same answer as for a project that does not exist at all.
    api GET "/api/v1/projects/$priv"
    mine=$(jq -c '.error | del(.message)' <<<"$body")
    api GET /api/v1/projects/987654
    [ "$(jq -c '.error | del(.message)' <<<"$body")" = "$mine" ]
    japi PUT "/api/v1/projects/$priv/files/main.py" '{"text": "x"}'
    expect_error 404 not-found
    japi PATCH "/api/v1/projects/$priv" '{"visibility": "public"}'
    expect_error 404 not-found
    api DELETE "/api/v1/projects/$priv"
    expect_error 404 not-found
    api POST "/api/v1/projects/$priv/runs"
    expect_error 404 not-found

    # Her public project: readable, not changeable.
    api GET "/api/v1/projects/$pub"
    expect 200
    api GET "/api/v1/projects/$pub/files/main.py"
    expect 200
    api GET "/api/v1/projects/$pub/export"
    expect 200
    japi PUT "/api/v1/projects/$pub/files/main.py" '{"text": "print(\"bob was here\")"}'
    expect_error 403 forbidden
    api PUT "/api/v1/projects/$pub/files/new.py" --data-binary 'x'
    expect_error 403 forbidden
    japi PATCH "/api/v1/projects/$pub" '{"visibility": "private"}'
    expect_error 403 forbidden
    api DELETE "/api/v1/projects/$pub"
    expect_error 403 forbidden
    api DELETE "/api/v1/projects/$pub/files/main.py"
    expect_error 403 forbidden
    japi POST "/api/v1/projects/$pub/move" '{"from": "main.py", "to": "x.py"}'
    expect_error 403 forbidden
    api GET "/api/v1/projects/$pub/env"
    expect_error 403 forbidden
    japi PUT "/api/v1/projects/$pub/env/X" '{"value": "y"}'
    expect_error 403 forbidden
    # Nothing changed.
    JAR=$ajar api GET "/api/v1/projects/$pub/files"
    [ "$(jq -r '[.[].path] | join(" ")' <<<"$body")" = main.py ]
    [[ $(curl -s -b "$ajar" "$(stack_url)/api/v1/projects/$pub/files/main.py") != *bob* ]]
    # bob's project list is his own.
    api GET /api/v1/projects
    [ "$body" = "[]" ]
    # Without a session, nothing at all.
    JAR='' api GET "/api/v1/projects/$pub"
    expect_error 401 unauthenticated
}

# ---------------------------------------------------------------- requests and errors

@test "CSRF: a cookie POST with a foreign Origin or Sec-Fetch-Site: cross-site is 403; the same Origin works" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    doc=$(json '{name: "csrf", runtime: $r}' --arg r "$PY")
    japi POST /api/v1/projects "$doc" -H 'Origin: http://evil.example'
    expect_error 403 cross-site
    japi POST /api/v1/projects "$doc" -H 'Sec-Fetch-Site: cross-site'
    expect_error 403 cross-site
    japi POST /api/v1/projects "$doc" -H "Origin: $(stack_url)" -H 'Sec-Fetch-Site: cross-site'
    expect_error 403 cross-site
    api GET /api/v1/projects
    [ "$body" = "[]" ]
    japi POST /api/v1/projects "$doc" -H "Origin: $(stack_url)" -H 'Sec-Fetch-Site: same-origin'
    expect 201
    id=$(jq -er .id <<<"$body")
    # Every method that changes state, logout and login included.
    api DELETE "/api/v1/projects/$id" -H 'Origin: http://evil.example'
    expect_error 403 cross-site
    japi PATCH "/api/v1/projects/$id" '{"visibility": "public"}' -H 'Sec-Fetch-Site: cross-site'
    expect_error 403 cross-site
    api PUT "/api/v1/projects/$id/files/x.py" --data-binary x -H 'Origin: http://evil.example'
    expect_error 403 cross-site
    api DELETE /api/v1/session -H 'Origin: http://evil.example'
    expect_error 403 cross-site
    JAR='' japi POST /api/v1/session "$(json '{name: $n, password: $p}' --arg n "$name" --arg p "password-of-$name")" \
        -H 'Origin: http://evil.example'
    expect_error 403 cross-site
    # GET changes nothing and is answered.
    api GET /api/v1/me -H 'Origin: http://evil.example' -H 'Sec-Fetch-Site: cross-site'
    expect 200
    api GET "/api/v1/projects/$id"
    expect 200
}

@test "bad requests: malformed JSON 400 bad-json; unknown field 400 naming it; wrong type 422 naming it; 415" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    japi POST /api/v1/projects '{"name": "x", "runtime":'
    expect_error 400 bad-json
    japi POST /api/v1/projects '["name", "x"]'
    expect_error 400 bad-json
    japi POST /api/v1/projects ''
    expect_error 400 bad-json
    japi POST /api/v1/projects "$(json '{name: "x", runtime: $r, colour: "red"}' --arg r "$PY")"
    expect_error 400 unknown-field colour
    [[ $(jq -r .error.message <<<"$body") == *colour* ]]
    japi POST /api/v1/projects "$(json '{name: 5, runtime: $r}' --arg r "$PY")"
    expect_error 422 invalid name
    japi POST /api/v1/projects "$(json '{name: "x", runtime: [$r]}' --arg r "$PY")"
    expect_error 422 invalid runtime
    japi POST /api/v1/projects "$(json '{runtime: $r}' --arg r "$PY")"
    expect_error 422 missing name
    api POST /api/v1/projects --data-binary "$(json '{name: "x", runtime: $r}' --arg r "$PY")" -H 'Content-Type: text/plain'
    expect_error 415 unsupported-media-type
    japi POST /api/v1/runs '{"runtime": "python-3.11", "files": [{"name": "a.py", "text": "1"}], "args": "one"}'
    expect_error 422 invalid args
    japi POST /api/v1/runs '{"runtime": "python-3.11", "files": [{"name": "a.py", "text": "1"}], "limits": {"memroy": "1G"}}'
    expect_error 400 unknown-field limits.memroy
    japi POST /api/v1/runs '{"runtime": "python-3.11", "files": [{"name": "a.py", "text": "1"}], "limits": {"memory": "lots"}}'
    expect_error 422 invalid limits.memory
    japi POST /api/v1/runs '{"runtime": "python-3.11"}'
    expect_error 422 missing files
    # Nothing was made, and the server goes on.
    api GET /api/v1/projects
    [ "$body" = "[]" ]
    api GET /healthz
    expect 200
}

@test "routes: an unknown route is 404 JSON; a bad id 404; a known path with the wrong method 405 with Allow" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    local path
    for path in /api/v1/nope /api/v3/runtimes /api/nope /api/v1/runtimes/python-3.11/extra; do
        api GET "$path"
        expect_error 404 not-found
    done
    for path in abc 0 -1 1.5 99999999999999999999; do
        api GET "/api/v1/projects/$path"
        expect_error 404 not-found
        api GET "/api/v1/runs/$path"
        expect_error 404 not-found
    done
    api DELETE /api/v1/runtimes
    expect_error 405 method-not-allowed
    [ "$(header allow)" = GET ]
    api PUT /api/v1/projects/1
    expect_error 405 method-not-allowed
    [ "$(header allow)" = "GET, PATCH, DELETE" ]
    api GET /api/v1/session
    expect_error 405 method-not-allowed
    [ "$(header allow)" = "POST, DELETE" ]
    api GET /api/v1/runs
    expect 405
    [ "$(header allow)" = POST ]
}

@test "bodies: 100 MB is 413 from nginx; 10 MB reaches sbx-fcgi and is 413 too-large; the server goes on" {
    local name
    name=$(unique alice)
    add_user "$name"
    export JAR
    JAR=$(login "$name")
    new_project big
    head -c 100M /dev/zero >100M.bin
    api PUT "/api/v1/projects/$project_id/files/big.bin" --data-binary @100M.bin
    expect 413
    [[ $(header content-type) == text/html* ]]
    [[ $body == *"413 Request Entity Too Large"*nginx* ]]
    grep -q 'client intended to send too large body' "$STACK/nginx-error.log"
    # Past web.max_request_bytes (8M) but within nginx's 16m: sbx-fcgi's own JSON answer.
    [ "$(setting web.max_request_bytes)" = 8M ]
    grep -q '^ *client_max_body_size 16m;' "$STACK/sbx-site.conf"
    head -c 10M /dev/zero >10M.bin
    api PUT "/api/v1/projects/$project_id/files/big.bin" --data-binary @10M.bin
    expect_error 413 too-large
    [[ $(jq -r .error.message <<<"$body") == *8388608* ]]
    api GET "/api/v1/projects/$project_id/files"
    expect 200
    [ "$(jq -r '[.[].path] | join(" ")' <<<"$body")" = main.py ]
    api GET /healthz
    expect 200
}

@test "GET /metrics from 127.0.0.1: Prometheus text with sbx_http_requests_total and sbx_login_failures_total; elsewhere 403" {
    api GET /api/v1/runtimes
    japi POST /api/v1/session "$(json '{name: $n, password: "wrong password"}' --arg n "$(unique nobody)")"
    expect 401
    FROM=127.0.0.1 api GET /metrics
    expect 200
    [[ $(header content-type) == "text/plain; version=0.0.4"* ]]
    grep -qx '# TYPE sbx_http_requests_total counter' <<<"$body"
    grep -qE '^sbx_http_requests_total\{route="/api/v1/runtimes",status="200"\} [1-9][0-9]*$' <<<"$body"
    grep -qE '^sbx_http_requests_total\{route="/api/v1/session",status="401"\} [1-9][0-9]*$' <<<"$body"
    grep -qx '# TYPE sbx_login_failures_total counter' <<<"$body"
    grep -qE '^sbx_login_failures_total [1-9][0-9]*$' <<<"$body"
    grep -qE '^sbx_runs_active [0-9]+$' <<<"$body"
    grep -qE '^sbx_runs_queued [0-9]+$' <<<"$body"
    grep -qE '^sbx_run_duration_seconds_bucket\{le="\+Inf"\} [0-9]+$' <<<"$body"
    grep -qx '# TYPE sbx_pool_ready gauge' <<<"$body"
    grep -qx '# TYPE sbx_pool_claims_total counter' <<<"$body"
    grep -qx '# TYPE sbx_pool_misses_total counter' <<<"$body"
    # Routes by pattern, never the concrete path.
    [ "$(grep -cE 'route="/api/v1/(projects|runs)/[0-9]' <<<"$body")" -eq 0 ]
    # Every sample line is well-formed.
    bad=$(grep -vE '^(# (HELP|TYPE) .*|[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? (-?[0-9.e+]+|[+-]Inf|NaN))$' <<<"$body" || true)
    [ -z "$bad" ] || { echo "malformed lines: $bad"; return 1; }
    # nginx passes /metrics only from localhost (127.0.0.1 and ::1).
    api GET /metrics
    expect 403
    [[ $body != *sbx_http_requests_total* ]]
}

@test "security headers on /, on the API and on its errors: CSP without 'unsafe-inline', nosniff, no framing" {
    local path
    for path in / /index.html /api/v1/runtimes /api/v1/nope /healthz; do
        api GET "$path"
        csp=$(header content-security-policy)
        [[ $csp == *"default-src 'self'"* ]]
        [[ $csp == *"script-src 'self'"* ]]
        [[ $csp == *"frame-ancestors 'none'"* ]]
        [[ $csp != *unsafe-inline* ]]
        [[ $csp != *unsafe-eval* ]]
        [ "$(header x-content-type-options)" = nosniff ]
        [ "$(header x-frame-options)" = DENY ]
        [ -n "$(header referrer-policy)" ]
    done
    api GET /
    expect 200
    [[ $body == *"sbx api tests"* ]]
    # The UI's routes fall back to index.html.
    api GET /some/ui/route
    expect 200
    [[ $body == *"sbx api tests"* ]]
}

@test "limits: the 601st request in a minute from one address is 429 with Retry-After; other addresses go on" {
    local i
    [ "$(setting web.requests_per_minute)" = 600 ]
    : >urls.conf
    for i in $(seq 600); do
        printf 'url = "%s/api/v1/runtimes"\noutput = "/dev/null"\n' "$(stack_url)" >>urls.conf
    done
    curl -s --interface "$(client_addr)" -w '%{http_code}\n' -K urls.conf >codes.txt
    [ "$(sort codes.txt | uniq -c | awk '{print $1 ":" $2}' | tr '\n' ' ')" = "600:200 " ]
    api GET /api/v1/runtimes
    expect_error 429 rate-limited
    retry=$(header retry-after)
    [[ $retry =~ ^[0-9]+$ ]] && ((retry >= 1 && retry <= 60))
    FROM=127.0.0.252 api GET /api/v1/runtimes
    expect 200
}

@test "slow clients: past 16 connections from one address the rest are 429; other addresses are answered at once" {
    # Each holds a POST whose body drips a byte a second: nginx buffers bodies
    # (fastcgi_request_buffering), so they cost no sbx-fcgi thread, and limit_conn caps them.
    python3 "$BATS_TEST_DIRNAME/slow-clients.py" hold 127.0.0.1 "$PORT" "$(client_addr)" 20 6 >held.txt 2>&1 3>&- &
    holder=$!
    for _ in $(seq 100); do grep -q '^holding' held.txt && break; sleep 0.1; done
    cat held.txt
    [ "$(grep -c '^answered [0-9]*: 429$' held.txt)" -eq 4 ]
    grep -qx 'holding 16' held.txt
    # While they hold, another address gets its answers as fast as ever.
    for _ in 1 2 3; do
        FROM=127.0.0.1 api GET /healthz -m 5
        expect 200
        read -r took < <(curl -s -o /dev/null -w '%{time_total}\n' --interface 127.0.0.1 "$(stack_url)/healthz")
        echo "healthz from 127.0.0.1: ${took}s"
        awk -v t="$took" 'BEGIN { exit !(t < 1) }'
    done
    wait "$holder"
    cat held.txt
    # The byte-a-second drips were never cut off: nginx bounds the gap between reads of a
    # body, not its total time (see contrib/nginx/sbx.conf).
    grep -qx 'still open 16' held.txt
    grep -q 'limiting connections by zone "sbx_addr"' "$STACK/nginx-error.log"
}

@test "slow clients: a request header or a body that stalls is cut off after 10 s, not 60" {
    local slow="$BATS_TEST_DIRNAME/slow-clients.py"
    python3 "$slow" stall 127.0.0.1 "$PORT" "$(client_addr)" header 20 >header.txt 2>&1 3>&- &
    header_pid=$!
    python3 "$slow" stall 127.0.0.1 "$PORT" "$(client_addr)" body 20 >body.txt 2>&1 3>&- &
    body_pid=$!
    wait "$header_pid" "$body_pid"
    cat header.txt body.txt
    # A header trickled a byte a second is cut off at client_header_timeout (its total time).
    [[ $(cat header.txt) =~ ^closed\ after\ ([0-9]+)\.[0-9]\ s ]]
    ((BASH_REMATCH[1] >= 9 && BASH_REMATCH[1] <= 13))
    # A body that stops coming is cut off at client_body_timeout (the gap between reads).
    [[ $(cat body.txt) =~ ^closed\ after\ ([0-9]+)\.[0-9]\ s ]]
    ((BASH_REMATCH[1] >= 9 && BASH_REMATCH[1] <= 13))
    FROM=127.0.0.1 api GET /healthz -m 5
    expect 200
}

@test "kept-alive FastCGI connections: 12 held open at once (sbx-fcgi has 8 threads, nginx keeps 16 a worker) are all answered" {
    # nginx (fastcgi_keep_conn on; keepalive 16) holds idle connections open between
    # requests, up to 16 per worker process. Each must not cost sbx-fcgi a thread for as long
    # as it stays open, or the next connection waits, unanswered, until nginx drops one.
    run --separate-stderr timeout 60 python3 "$BATS_TEST_DIRNAME/fcgi-keepalive.py" "$FCGI_SOCKET" 12 /api/v1/runtimes 3
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': 200 ' <<<"$output")" -eq 12 ]
    # And it goes on answering through nginx.
    api GET /api/v1/runtimes -m 5
    expect 200
}

@test "the compatible APIs are off until sbx.toml enables them: Piston's and codapi's paths are 404" {
    api GET /api/v2/runtimes
    expect 404
    api POST /api/v2/execute -H 'Content-Type: application/json' --data-binary '{"language": "python", "version": "*", "files": [{"content": "print(1)"}]}'
    expect 404
    api POST /v1/exec -H 'Content-Type: application/json' --data-binary '{"sandbox": "python", "files": {"": "print(1)"}}'
    expect 404
    api OPTIONS /v1/exec -H 'Origin: https://docs.example.org' -H 'Access-Control-Request-Method: POST'
    expect 404
    [[ -z $(header access-control-allow-origin) ]]
}
