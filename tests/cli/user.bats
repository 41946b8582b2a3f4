#!/usr/bin/env bats
# sbx user: accounts, quotas and two-factor login, against a private state dir (no containers).
# shellcheck disable=SC2154 # status, output and lines are set by bats `run`
bats_require_minimum_version 1.5.0
load helpers
load accounts

setup() { setup_accounts; }

@test "user add with --password-stdin creates a user; --admin makes an admin" {
    run sbx user add alice --password-stdin <<<'correct horse battery'
    [ "$status" -eq 0 ]
    [[ "$output" =~ name:\ +alice ]]
    [[ "$output" =~ admin:\ +no ]]
    run sbx user add root2 --admin --password-stdin --format=json <<<'correct horse battery'
    [ "$status" -eq 0 ]
    [ "$(jq -r '"\(.name) \(.admin) \(.disabled) \(.totp)"' <<<"$output")" = "root2 true false false" ]
    run sbx user show alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r '"\(.name) \(.admin) \(.disabled) \(.totp)"' <<<"$output")" = "alice false false false" ]
    jq -e '.id | type == "number"' <<<"$output"
    jq -e '.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' <<<"$output"
}

@test "user add without --password-stdin and without a terminal is a usage error" {
    run sbx user add alice </dev/null
    [ "$status" -eq 64 ]
    [[ "$output" == *"--password-stdin"* ]]
    run sbx user add alice --password-stdin </dev/null
    [ "$status" -eq 64 ]
    [[ "$output" == *"no password on stdin"* ]]
}

@test "user add refuses bad names with 64 and a message naming the problem" {
    local name
    for name in Alice ALICE 1alice _alice; do
        run sbx user add "$name" --password-stdin <<<'correct horse battery'
        echo "$name: $status $output"
        [ "$status" -eq 64 ]
        [[ "$output" == *"user name '$name' must start with a lowercase letter"* ]]
    done
    for name in a "$(printf 'a%.0s' {1..33})"; do
        run sbx user add "$name" --password-stdin <<<'correct horse battery'
        [ "$status" -eq 64 ]
        [[ "$output" == *"user name '$name' must be 2 to 32 characters long"* ]]
    done
    # shellcheck disable=SC2016 # a literal '$'
    for name in alIce al.ice "al ice" al/ice 'al$ice' "al'ice" "$(printf 'al\tice')" "alicé"; do
        run sbx user add "$name" --password-stdin <<<'correct horse battery'
        echo "$name: $status $output"
        [ "$status" -eq 64 ]
        [[ "$output" == *"may contain only lowercase letters, digits, '-' and '_'"* ]]
    done
    # 2 and 32 characters are fine.
    run sbx user add ab --password-stdin <<<'correct horse battery'
    [ "$status" -eq 0 ]
    run sbx user add "$(printf 'b%.0s' {1..32})" --password-stdin <<<'correct horse battery'
    [ "$status" -eq 0 ]
    run sbx user list --format=json
    [ "$(jq length <<<"$output")" -eq 2 ]
}

@test "a short password and a 1 MB password are refused with 64 in under a second" {
    run_timed sbx user add alice --password-stdin <<<'seven77'
    [ "$status" -eq 64 ]
    [[ "$output" == *"the password is shorter than 8 bytes"* ]]
    [ "$ELAPSED_MS" -lt 1000 ]
    head -c $((1 << 20)) /dev/zero | tr '\0' x >big-password
    run_timed sbx user add alice --password-stdin <big-password
    echo "1 MB password: ${ELAPSED_MS} ms"
    [ "$status" -eq 64 ]
    [[ "$output" == *"the password is longer than 1024 bytes"* ]]
    [ "$ELAPSED_MS" -lt 1000 ]
    run sbx user show alice
    [ "$status" -eq 66 ]
    # The same for a new password of an existing user; the old one stays.
    add_user alice
    run_timed sbx user passwd alice --password-stdin <big-password
    [ "$status" -eq 64 ]
    [[ "$output" == *"longer than 1024 bytes"* ]]
    [ "$ELAPSED_MS" -lt 1000 ]
    run sbx user passwd alice --password-stdin <<<'short'
    [ "$status" -eq 64 ]
    # 8 bytes exactly is enough.
    run sbx user passwd alice --password-stdin <<<'eight888'
    [ "$status" -eq 0 ]
    [ "$output" = "password changed" ]
}

@test "user add of a name already taken exits 75" {
    add_user alice
    run sbx user add alice --password-stdin <<<'another password'
    [ "$status" -eq 75 ]
    [[ "$output" == *"user 'alice' already exists"* ]]
    run sbx user add alice --admin --password-stdin <<<'another password'
    [ "$status" -eq 75 ]
    run sbx user show alice --format=json
    [ "$(jq -r .admin <<<"$output")" = false ]
}

@test "user list and show, as text and as JSON" {
    add_user alice
    add_user bob --admin
    run sbx user list
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^NAME\ +ADMIN\ +DISABLED\ +2FA\ +CREATED$ ]]
    [ "${#lines[@]}" -eq 3 ]
    [[ "${lines[1]}" =~ ^alice\ +[0-9]{4}- ]]
    [[ "${lines[2]}" =~ ^bob\ +yes\ +[0-9]{4}- ]]
    run sbx user list --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -c '[.[] | [.name, .admin, .disabled, .totp]]' <<<"$output")" = '[["alice",false,false,false],["bob",true,false,false]]' ]
    [ "$(jq -c '.[0] | keys' <<<"$output")" = '["admin","created_at","disabled","id","name","quota","totp"]' ]
    # The config's [quotas] are everyone's quota until set.
    [ "$(jq -c '.[0].quota' <<<"$output")" = \
        '{"max_concurrent_runs":2,"max_cpus":2,"max_memory":1073741824,"max_storage":52428800,"own":[],"runs_per_hour":300}' ]
    run sbx user show bob
    [ "$status" -eq 0 ]
    [[ "$output" =~ name:\ +bob ]]
    [[ "$output" =~ admin:\ +yes ]]
    [[ "$output" =~ disabled:\ +no ]]
    [[ "$output" =~ two-factor:\ +off ]]
    [[ "$output" =~ max\ concurrent\ runs:\ +2\ \(default\) ]]
    [[ "$output" =~ max\ memory:\ +1G\ \(default\) ]]
    [[ "$output" =~ max\ storage:\ +50M\ \(default\) ]]
    [[ "$output" =~ runs\ per\ hour:\ +300\ \(default\) ]]
    run sbx user show nobody
    [ "$status" -eq 66 ]
    [[ "$output" == *"no user 'nobody'"* ]]
}

@test "no output ever shows a password hash or a TOTP secret" {
    add_user alice
    add_user bob --admin
    # The hashes are there to be leaked: argon2id strings in the database.
    [ "$(sqlite3 "$STATE/sbx.db" "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" -eq 2 ]
    run sbx user totp enable alice --format=json </dev/null
    [ "$status" -eq 0 ]
    secret=$(jq -er .secret <<<"$output")
    [[ $secret =~ ^[A-Z2-7]{32}$ ]]
    # alice's enrolment is pending, bob's confirmed.
    bob_secret=$(sbx user totp enable bob --format=json </dev/null | jq -er .secret)
    sbx user totp confirm bob "$(totp_code "$bob_secret")"
    all=""
    for args in "list" "list --format=json" "show alice" "show alice --format=json" "show bob --format=json" \
        "quota alice --max-cpus 1" "quota alice --format=json" "disable alice" "enable alice --format=json" \
        "show alice --as alice --format=json" "show bob --as bob"; do
        # shellcheck disable=SC2086 # one argument a word
        run sbx user $args
        [ "$status" -eq 0 ]
        all+="$output"$'\n'
    done
    # shellcheck disable=SC2016 # a literal '$'
    [[ $all != *'$argon2'* ]]
    [[ $all != *"$secret"* ]]
    [[ $all != *"$bob_secret"* ]]
    [[ $all != *password_hash* ]]
    [[ $all != *totp_secret* ]]
    [[ $all == *alice* ]]
}

@test "disable and enable a user; --as a disabled user exits 77" {
    add_user alice
    run sbx user disable alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .disabled <<<"$output")" = true ]
    run sbx user show alice
    [[ "$output" =~ disabled:\ +yes ]]
    run sbx user list
    [[ "${lines[1]}" =~ ^alice\ +yes\ + ]]
    run sbx user show alice --as alice
    [ "$status" -eq 77 ]
    [[ "$output" == *"user 'alice' is disabled"* ]]
    run sbx project list --as alice
    [ "$status" -eq 77 ]
    [[ "$output" == *"user 'alice' is disabled"* ]]
    run sbx ps --as alice
    [ "$status" -eq 77 ]
    run sbx user enable alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .disabled <<<"$output")" = false ]
    run sbx user show alice --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .name <<<"$output")" = alice ]
}

@test "--as an unknown user exits 66" {
    run sbx user show alice --as nobody
    [ "$status" -eq 66 ]
    [[ "$output" == *"no user 'nobody'"* ]]
}

@test "a non-admin cannot list, add or manage users, and sees only themselves" {
    add_user alice
    add_user bob
    run sbx user list --as bob
    [ "$status" -eq 77 ]
    [[ "$output" == *"only an admin may list users"* ]]
    run sbx user show alice --as bob
    [ "$status" -eq 66 ]
    [[ "$output" == *"no user 'alice'"* ]]
    run sbx user show bob --as bob --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .name <<<"$output")" = bob ]
    run sbx user add carol --as bob --password-stdin <<<'correct horse battery'
    [ "$status" -eq 77 ]
    run sbx user disable alice --as bob
    [ "$status" -eq 77 ]
    run sbx user quota bob --max-concurrent-runs 100 --as bob
    [ "$status" -eq 77 ]
    [[ "$output" == *"only an admin may set quotas"* ]]
    run sbx user passwd alice --as bob --password-stdin <<<'new password 1'
    [ "$status" -eq 66 ]
    run sbx user totp enable alice --as bob </dev/null
    [ "$status" -eq 66 ]
    # One's own password, though, one may change.
    run sbx user passwd bob --as bob --password-stdin <<<'new password 1'
    [ "$status" -eq 0 ]
    run sbx user show carol
    [ "$status" -eq 66 ]
}

@test "an admin user may list users and manage others" {
    add_user root2 --admin
    add_user alice
    run sbx user list --as root2 --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r '[.[].name] | sort | join(" ")' <<<"$output")" = "alice root2" ]
    run sbx user disable alice --as root2 --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .disabled <<<"$output")" = true ]
    run sbx user disable root2 --as root2
    [ "$status" -eq 75 ]
    [[ "$output" == *"cannot disable your own account"* ]]
}

@test "quota: set, show (own vs default) and --reset" {
    add_user alice
    run sbx user quota alice --max-concurrent-runs 3 --max-memory 512M --max-cpus 1.5 --max-storage 2K \
        --runs-per-hour 7 --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -c .quota <<<"$output")" = \
        '{"max_concurrent_runs":3,"max_cpus":1.5,"max_memory":536870912,"max_storage":2048,"own":["max_concurrent_runs","max_memory","max_cpus","max_storage","runs_per_hour"],"runs_per_hour":7}' ]
    run sbx user show alice
    [[ "$output" =~ max\ concurrent\ runs:\ +3$'\n' ]]
    [[ "$output" =~ max\ memory:\ +512M$'\n' ]]
    [[ "$output" =~ max\ cpus:\ +1.5$'\n' ]]
    [[ "$output" =~ max\ storage:\ +2K$'\n' ]]
    [[ "$output" =~ runs\ per\ hour:\ +7 ]]
    [[ "$output" != *"(default)"* ]]
    # A later call changes only what it names.
    run sbx user quota alice --runs-per-hour 9 --format=json
    [ "$(jq -c '[.quota.runs_per_hour, .quota.max_concurrent_runs, (.quota.own | length)]' <<<"$output")" = '[9,3,5]' ]
    # --reset goes back to the config's defaults first, then applies what is given.
    run sbx user quota alice --reset --max-memory 256M --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -c .quota <<<"$output")" = \
        '{"max_concurrent_runs":2,"max_cpus":2,"max_memory":268435456,"max_storage":52428800,"own":["max_memory"],"runs_per_hour":300}' ]
    run sbx user quota alice --reset --format=json
    [ "$(jq -c .quota.own <<<"$output")" = '[]' ]
    run sbx user show alice
    [[ "$output" =~ max\ memory:\ +1G\ \(default\) ]]
    # The defaults follow the config.
    run sbx user show alice --format=json --set quotas.max_concurrent_runs=5
    [ "$(jq -r .quota.max_concurrent_runs <<<"$output")" = 5 ]
}

@test "quota values out of range or malformed are usage errors (64)" {
    add_user alice
    run sbx user quota alice --max-concurrent-runs 0
    [ "$status" -eq 64 ]
    [[ "$output" == *"max-concurrent-runs must be at least 1"* ]]
    run sbx user quota alice --max-memory 1M
    [ "$status" -eq 64 ]
    [[ "$output" == *"max-memory must be at least 4M"* ]]
    run sbx user quota alice --max-cpus 0
    [ "$status" -eq 64 ]
    run sbx user quota alice --runs-per-hour -1
    [ "$status" -eq 64 ]
    run sbx user quota alice --max-storage lots
    [ "$status" -eq 64 ]
    [[ "$output" == *"--max-storage: 'lots' is not a size"* ]]
    run sbx user quota nobody --max-cpus 1
    [ "$status" -eq 66 ]
    run sbx user show alice --format=json
    [ "$(jq -c .quota.own <<<"$output")" = '[]' ]
}

@test "totp enable without a code leaves two-factor pending and prints an otpauth URI" {
    add_user alice
    run --separate-stderr sbx user totp enable alice </dev/null
    [ "$status" -eq 0 ]
    uri=$(grep -o 'otpauth://[^ ]*' <<<"$output")
    [[ $uri =~ ^otpauth://totp/sbx:alice\?secret=([A-Z2-7]+)\&issuer=sbx\&algorithm=SHA1\&digits=6\&period=30$ ]]
    secret=${BASH_REMATCH[1]}
    [ "${#secret}" -eq 32 ] # 20 bytes
    [[ "$output" == *"type the secret $secret"* ]]
    [[ "$output" == *"not confirmed yet: run \`sbx user totp confirm alice CODE\`"* ]]
    run sbx user show alice
    [[ "$output" =~ two-factor:\ +off ]]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = false ]
    [[ $output != *"$secret"* ]]
}

@test "totp confirm with the code an app would show turns two-factor on" {
    add_user alice
    secret=$(sbx user totp enable alice --format=json </dev/null | jq -er .secret)
    run sbx user totp confirm alice "$(totp_code "$secret")"
    [ "$status" -eq 0 ]
    [ "$output" = "two-factor login is on for alice" ]
    run sbx user show alice
    [[ "$output" =~ two-factor:\ +on ]]
    run sbx user list
    [[ "${lines[1]}" =~ ^alice\ +on\ + ]]
    for args in "show alice --format=json" "list --format=json" "show alice" "list"; do
        # shellcheck disable=SC2086 # one argument a word
        run sbx user $args
        [[ $output != *"$secret"* ]]
    done
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = true ]
}

@test "totp enable reads the code from stdin and confirms at once" {
    add_user alice
    # The secret exists only once enable runs: answer its prompt through a FIFO with the
    # code of the secret it printed.
    mkfifo to-sbx from-sbx
    sbx user totp enable alice <to-sbx >from-sbx 2>&1 &
    pid=$!
    exec 7>to-sbx 8<from-sbx
    secret=""
    while IFS= read -r -t 10 line <&8; do
        if [[ $line =~ type\ the\ secret\ ([A-Z2-7]+): ]]; then secret=${BASH_REMATCH[1]}; break; fi
    done
    [ -n "$secret" ] || { exec 7>&- 8<&-; wait "$pid"; false; }
    totp_code "$secret" >&7
    exec 7>&-
    out=$(timeout 10 cat <&8)
    exec 8<&-
    wait "$pid"
    [[ $out == *"otpauth://totp/sbx:alice?secret=$secret&"* ]]
    [[ $out == *"two-factor login is on for alice"* ]]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = true ]
}

@test "totp enable --code with a wrong code exits 64 and leaves it off" {
    add_user alice
    run sbx user totp enable alice --code 000000 </dev/null
    [ "$status" -eq 64 ]
    [[ "$output" == *"that code is not valid now"* ]]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = false ]
}

@test "totp confirm with a wrong or malformed code exits 64 and leaves it off" {
    add_user alice
    secret=$(sbx user totp enable alice --format=json </dev/null | jq -er .secret)
    run sbx user totp confirm alice "$(wrong_totp_code "$secret")"
    [ "$status" -eq 64 ]
    [[ "$output" == *"that code is not valid now"* ]]
    for code in abcdef 12345 1234567 "" " 123456"; do
        run sbx user totp confirm alice "$code"
        [ "$status" -eq 64 ]
    done
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = false ]
    # The pending secret is still the one to confirm.
    run sbx user totp confirm alice "$(totp_code "$secret")"
    [ "$status" -eq 0 ]
}

@test "totp confirm without a pending enrolment fails" {
    add_user alice
    run sbx user totp confirm alice 123456
    [ "$status" -ne 0 ]
    [ "$status" -ne 70 ]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = false ]
}

@test "totp enable while on exits 75; disable turns it off and forgets the secret" {
    add_user alice
    secret=$(sbx user totp enable alice --format=json </dev/null | jq -er .secret)
    sbx user totp confirm alice "$(totp_code "$secret")"
    run sbx user totp enable alice </dev/null
    [ "$status" -eq 75 ]
    [[ "$output" == *"two-factor login is already on for 'alice'; disable it first"* ]]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = true ]
    run sbx user totp disable alice
    [ "$status" -eq 0 ]
    [ "$output" = "two-factor login is off" ]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = false ]
    # The old secret is gone: its codes confirm nothing.
    run sbx user totp confirm alice "$(totp_code "$secret")"
    [ "$status" -ne 0 ]
    run sbx user show alice --format=json
    [ "$(jq -r .totp <<<"$output")" = false ]
    # A new enrolment gets a new secret.
    run sbx user totp enable alice --format=json </dev/null
    [ "$status" -eq 0 ]
    [ "$(jq -r .secret <<<"$output")" != "$secret" ]
}

@test "a user may enrol their own TOTP with --as" {
    add_user alice
    secret=$(sbx user totp enable alice --as alice --format=json </dev/null | jq -er .secret)
    run sbx user totp confirm alice "$(totp_code "$secret")" --as alice
    [ "$status" -eq 0 ]
    run sbx user show alice --as alice --format=json
    [ "$(jq -r .totp <<<"$output")" = true ]
}
