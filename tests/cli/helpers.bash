# Shared setup for the CLI tests: the built binaries first on PATH, and a private
# copy of the shipped etc/ so each test can break its own config.
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

setup_config() {
    export PATH="$ROOT/bin:$PATH"
    # Nothing from the caller's environment may steer these tests.
    while read -r name; do unset "$name"; done < <(env | grep -o '^SBX_[A-Z_]*')
    CONF="$BATS_TEST_TMPDIR/etc"
    cp -r "$ROOT/etc" "$CONF"
    export SBX_CONFIG="$CONF/sbx.toml"
}
