# Shared by user.bats and project.bats: a private state dir per test (no containers are
# started), users with known passwords, and TOTP codes computed independently of sbx.
# shellcheck disable=SC2154 # status and output are set by bats `run`

# setup_config (helpers.bash), then a state dir inside the test's own tmpdir.
setup_accounts() {
    setup_config
    STATE="$BATS_TEST_TMPDIR/state"
    sed -i "s|^state_dir = .*|state_dir = \"$STATE\"|" "$SBX_CONFIG"
    grep -q "^state_dir = \"$STATE\"$" "$SBX_CONFIG" || { echo "no state_dir line in $SBX_CONFIG"; return 1; }
    cd "$BATS_TEST_TMPDIR" || return 1
}

# add_user NAME [--admin]: a user whose password is "password-of-NAME".
add_user() {
    local name=$1
    shift
    printf 'password-of-%s\n' "$name" | sbx user add "$name" --password-stdin "$@" >/dev/null
}

# The RFC 6238 code (HMAC-SHA1, 6 digits, 30 s) of base32 SECRET at the time step OFFSET
# steps from now (default 0).
totp_code() { "$ROOT/tests/tools/totp-code" "$1" "${2:-0}"; }

# A 6-digit code valid for SECRET at none of the steps a server may accept now (-1, 0, +1).
wrong_totp_code() {
    local valid code
    valid=" $(totp_code "$1" -1) $(totp_code "$1" 0) $(totp_code "$1" 1) "
    for code in 000000 123456 999999 314159 271828; do
        [[ $valid == *" $code "* ]] || { echo "$code"; return 0; }
    done
    return 1
}

# Like `run`, and sets ELAPSED_MS to how long the command took (in milliseconds).
# shellcheck disable=SC2034 # ELAPSED_MS is for the caller
run_timed() {
    local start
    start=$(date +%s%N)
    run "$@"
    ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
}
