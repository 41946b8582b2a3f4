#!/usr/bin/env bats
load helpers

setup() { setup_config; }

@test "runtime list shows every shipped runtime" {
    run sbx runtime list
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^ID\ +NAME\ +LANGUAGE\ +VERSION\ +OS/ARCH\ +IMAGE$ ]]
    [ "${#lines[@]}" -eq 10 ]
    [[ "$output" =~ python-3.11\ +Python\ 3.11\ +python\ +3.11\ +linux/amd64\ +localhost/sbx/python:3.11 ]]
}

@test "runtime list --format=json is an array of summaries" {
    run sbx runtime list --format=json
    [ "$status" -eq 0 ]
    count=$(echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), sorted(d[0]))')
    [ "$count" = "9 ['arch', 'description', 'id', 'image', 'language', 'name', 'os', 'version']" ]
}

@test "runtime show prints everything about one runtime" {
    run sbx runtime show go-1.19
    [ "$status" -eq 0 ]
    [[ "$output" == *'compile:      ["go","build","-o","main","{file}"]'* ]]
    [[ "$output" == *"memory 512M"* ]]
    [[ "$output" == *'fmt.Println("Hello, world!")'* ]]
    run sbx runtime show go-1.19 --format=json
    [[ $(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["limits"]["compile_time"])') == "2m" ]]
    # Its pool: no size of its own (the settings' pool.size), no warm-up; python's has both.
    [[ $(jq -c .pool <<<"$output") == '{"size":null,"warmup":[]}' ]]
    run sbx runtime show python-3.11 --format=json
    [[ $(jq -c .pool <<<"$output") == '{"size":2,"warmup":["python3","-c","pass"]}' ]]
    [[ $(jq -c '.aliases | index("py") != null' <<<"$output") == true ]]
}

@test "runtime show of an unknown id exits 66 with a suggestion" {
    run sbx runtime show pyhton-3.11
    [ "$status" -eq 66 ]
    [[ "$output" == *"no runtime 'pyhton-3.11' (did you mean 'python-3.11'?)"* ]]
}

@test "runtime show without an id is a usage error" {
    run sbx runtime show
    [ "$status" -eq 64 ]
}

@test "runtime check passes on the shipped catalog" {
    run sbx runtime check
    [ "$status" -eq 0 ]
    [ "$output" = "ok: 9 runtimes in $CONF/runtimes.d, 5 global FAQ entries" ]
}

@test "runtime check reports every problem with file:line:col and exits 78" {
    sed -i '1i oops = 1' "$CONF/runtimes.d/python-3.11.toml"
    sed -i 's|^run = \["ruby", "{file}"\]|run = "ruby main.rb"|' "$CONF/runtimes.d/ruby-3.1.toml"
    sed -i 's|^image = .*|image = "-v /:/host"|' "$CONF/runtimes.d/bash-5.2.toml"
    sed -i 's|^id = "cpp-gcc-11"|id = "cpp-gcc-12"|' "$CONF/runtimes.d/cpp-gcc-11.toml"
    run sbx runtime check
    [ "$status" -eq 78 ]
    [[ "$output" == *"$CONF/runtimes.d/bash-5.2.toml:8:9: image: '-v /:/host' must not start with '-'"* ]]
    [[ "$output" == *"$CONF/runtimes.d/cpp-gcc-12.toml:1:1: duplicate runtime id 'cpp-gcc-12' (already defined in $CONF/runtimes.d/cpp-gcc-11.toml)"* ]]
    [[ "$output" == *"$CONF/runtimes.d/python-3.11.toml:1:1: unknown key 'oops'"* ]]
    [[ "$output" =~ $CONF/runtimes.d/ruby-3.1.toml:[0-9]+:7:\ run:\ expected\ an\ argv\ array\ of\ strings,\ found\ string ]]
    [[ "${lines[-1]}" == "4 problems found" ]]
}

@test "runtime check --format=json lists the errors" {
    sed -i '1i oops = 1' "$CONF/runtimes.d/python-3.11.toml"
    run sbx runtime check --format=json
    [ "$status" -eq 78 ]
    summary=$(echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); e=d["errors"][0]; print(d["ok"], e["column"], e["message"])')
    [ "$summary" = "False 1 unknown key 'oops'" ]
}

@test "other verbs refuse a broken catalog with exit 78" {
    sed -i '1i oops = 1' "$CONF/runtimes.d/python-3.11.toml"
    run sbx runtime list
    [ "$status" -eq 78 ]
    [[ "$output" == *"python-3.11.toml:"*"unknown key 'oops'"* ]]
}

@test "runtime faq merges the global FAQ with the runtime's own" {
    run sbx runtime faq
    [ "$status" -eq 0 ]
    [[ "$output" == *"Q: Can my program use the network?"* ]]
    [[ "$output" != *"pip install"* ]]
    run sbx runtime faq python-3.11 --format=json
    [ "$status" -eq 0 ]
    ids=$(echo "$output" | python3 -c 'import json,sys; print(" ".join(e.get("id","") for e in json.load(sys.stdin)))')
    [ "$ids" = "limits network files input ls-l packages" ]
}

@test "settings from the environment reach the catalog" {
    SBX_CAPS_MEMORY=512M run sbx runtime check
    [ "$status" -eq 78 ]
    [[ "$output" == *"java-17.toml:"*"limits.memory (768M) exceeds the admin cap caps.memory (512M)"* ]]
}
