#!/usr/bin/env bats
# sbx project: projects, files, limits, env, who may do what, forks, archives; against a
# private state dir. Nothing here starts a container (runs of projects: tests/e2e/projects.bash).
# shellcheck disable=SC2154 # status, output and lines are set by bats `run`
bats_require_minimum_version 1.5.0
load helpers
load accounts

setup() {
    setup_accounts
    add_user alice
    add_user bob
}

# The hello world of a runtime, byte for byte, into FILE.
hello_world_of() { sbx runtime show "$1" --format=json | jq -j .hello_world >"$2"; }

# One field of a project's JSON: `project_field alice/p runtime [--as USER]`.
project_field() {
    local ref=$1 key=$2
    shift 2
    sbx project show "$ref" --format=json "$@" | jq -r ".$key"
}

# The paths of a project's files, one line: `file_list alice/p [--as USER]`.
file_list() { sbx project ls "$@" --format=json | jq -r '[.[].path] | join(" ")'; }

# Some bytes no text tool would leave alone: NULs, 0xff, CR, no final newline.
binary_file() {
    python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64 + b"\0\0\r\n\xff\0end")' >"$1"
}

# Writes hostile archives into the current directory, one per way of attacking an unpacker;
# each also holds a harmless main.py before the bad entry.
make_hostile_archives() {
    python3 - <<'EOF'
import io, tarfile, zipfile

def tar(name, entries):
    with tarfile.open(name, "w", format=tarfile.GNU_FORMAT) as t:
        for info, data in [regular("main.py")] + entries:
            t.addfile(info, io.BytesIO(data) if data is not None else None)

def regular(name, data=b"print('hi')\n", mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    return info, data

def special(name, kind, target=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None

tar("absolute.tar", [regular("/etc/evil.py")])
tar("dotdot.tar", [regular("../evil.py")])
tar("dotdot-deep.tar", [regular("a/../../evil.py")])
tar("symlink.tar", [special("passwd", tarfile.SYMTYPE, "/etc/passwd")])
tar("hardlink.tar", [special("shadow", tarfile.LNKTYPE, "/etc/shadow")])
tar("setuid.tar", [regular("suid", b"#!/bin/sh\n", 0o4755)])
tar("fifo.tar", [special("pipe", tarfile.FIFOTYPE)])
tar("device.tar", [special("mem", tarfile.CHRTYPE)])
tar("twice.tar", [regular("main.py")])
tar("file-and-folder.tar", [regular("main.py/x.py")])

def zip_(name, entries):
    with zipfile.ZipFile(name, "w") as z:
        z.writestr("main.py", "print('hi')\n")
        for info, data in entries:
            z.writestr(info, data)

def zinfo(name, mode):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info

zip_("absolute.zip", [(zinfo("/etc/evil.py", 0o100644), "x")])
zip_("dotdot.zip", [(zinfo("../evil.py", 0o100644), "x")])
zip_("backslash-dotdot.zip", [(zinfo("..\\..\\evil.py", 0o100644), "x")])
zip_("symlink.zip", [(zinfo("passwd", 0o120777), "/etc/passwd")])
zip_("setuid.zip", [(zinfo("suid", 0o104755), "#!/bin/sh\n")])
# A FIFO only by its mode, which libarchive would read as a regular file.
zip_("fifo-mode.zip", [(zinfo("pipe", 0o010644), "x")])

# Names with a NUL inside, which libarchive would cut there: written with an X, then
# patched (zipfile and tarfile cut a name at a NUL themselves).
def patched(name, old, new):
    with open(name, "rb") as f:
        data = f.read()
    assert old in data
    with open(name, "wb") as f:
        f.write(data.replace(old, new))

zip_("nul-name.zip", [(zinfo("main2.pyXevil.txt", 0o100644), "x")])
patched("nul-name.zip", b"main2.pyXevil.txt", b"main2.py\0evil.txt")
with tarfile.open("nul-pax.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for info, data in [regular("main.py"), regular("a\u00e9.py")]:
        t.addfile(info, io.BytesIO(data))
patched("nul-pax.tar", b"path=a\xc3\xa9.py", b"path=a\0b.py")
EOF
}

# A tar.gz holding one file of MB megabytes of zeros, written by streaming (never in memory).
make_gzip_bomb() {
    python3 - "$1" "$2" <<'EOF'
import io, sys, tarfile
path, size = sys.argv[1], int(sys.argv[2]) << 20

class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n

with tarfile.open(path, "w:gz") as t:
    info = tarfile.TarInfo("main.py")
    info.size = size
    t.addfile(info, io.BufferedReader(Zeros(size), 1 << 20))
EOF
}

# --- projects ------------------------------------------------------------------------------

@test "project create: OWNER/NAME as admin, NAME with --as" {
    run sbx project create alice/first -r python-3.11
    [ "$status" -eq 0 ]
    [[ "$output" =~ name:\ +alice/first ]]
    [[ "$output" =~ runtime:\ +python-3.11 ]]
    [[ "$output" =~ visibility:\ +private ]]
    run sbx project create second -r bash-5.2 --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r '"\(.owner) \(.name) \(.full_name) \(.runtime) \(.visibility) \(.forked_from) \(.files)"' <<<"$output")" = \
        "alice second alice/second bash-5.2 private null 1" ]
    run sbx project create third -r python-3.11 --public --as alice --format=json
    [ "$(jq -r .visibility <<<"$output")" = public ]
    # --as alice may still spell it out.
    run sbx project create alice/fourth -r python-3.11 --as alice
    [ "$status" -eq 0 ]
}

@test "project create as admin without an owner exits 64 saying to give OWNER/NAME or --as" {
    run sbx project create hello -r python-3.11
    [ "$status" -eq 64 ]
    [[ "$output" == *"say whose project 'hello' is: OWNER/hello, or --as OWNER"* ]]
    run sbx project list --format=json
    [ "$output" = "[]" ]
}

@test "project create refuses bad names (64), unknown runtimes (66), no runtime (64), taken names (75), others' names (77)" {
    local name
    for name in "" "-x" ".x" "a b" "a/b/c" "$(printf 'p%.0s' {1..65})" "é"; do
        run sbx project create "$name" -r python-3.11 --as alice
        echo "'$name': $status $output"
        [ "$status" -eq 64 ]
    done
    run sbx project create "$(printf 'p%.0s' {1..64})" -r python-3.11 --as alice
    [ "$status" -eq 0 ]
    run sbx project create x -r cobol-85 --as alice
    [ "$status" -eq 66 ]
    [[ "$output" == *"no runtime 'cobol-85'"* ]]
    run sbx project create x --as alice
    [ "$status" -eq 64 ]
    [[ "$output" == *"-r RUNTIME"* ]]
    sbx project create x -r python-3.11 --as alice >/dev/null
    run sbx project create x -r bash-5.2 --as alice
    [ "$status" -eq 75 ]
    [[ "$output" == *"you already have a project named 'x'"* ]]
    [ "$(project_field alice/x runtime)" = python-3.11 ]
    # bob has no x: his own is fine; one in alice's name is not his to make.
    run sbx project create x -r python-3.11 --as bob
    [ "$status" -eq 0 ]
    run sbx project create alice/y -r python-3.11 --as bob
    [ "$status" -eq 77 ]
    run sbx project show alice/y
    [ "$status" -eq 66 ]
    run sbx project create nobody/y -r python-3.11
    [ "$status" -eq 66 ]
}

@test "a new project holds its runtime's hello world as the runtime's file" {
    sbx project create alice/py -r python-3.11 >/dev/null
    hello_world_of python-3.11 expected
    sbx project get alice/py main.py >got
    cmp expected got
    [ "$(file_list alice/py)" = main.py ]
    sbx project create alice/sh -r bash-5.2 >/dev/null
    hello_world_of bash-5.2 expected
    sbx project get alice/sh main.sh >got
    cmp expected got
    sbx project create alice/java -r java-17 >/dev/null
    [ "$(file_list alice/java)" = Main.java ]
}

@test "project list shows one's own; --public is everyone's public ones; the admin sees all" {
    sbx project create a1 -r python-3.11 --as alice >/dev/null
    sbx project create a2 -r python-3.11 --public --as alice >/dev/null
    sbx project create b1 -r bash-5.2 --as bob >/dev/null
    sbx project create b2 -r bash-5.2 --public --as bob >/dev/null
    run sbx project list --as alice
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^PROJECT\ +RUNTIME\ +VISIBILITY\ +FILES\ +UPDATED$ ]]
    [[ "${lines[1]}" =~ ^alice/a1\ +python-3.11\ +private\ +1\ + ]]
    [[ "${lines[2]}" =~ ^alice/a2\ +python-3.11\ +public\ +1\ + ]]
    [ "${#lines[@]}" -eq 3 ]
    run sbx project list --as bob --format=json
    [ "$(jq -r '[.[].full_name] | join(" ")' <<<"$output")" = "bob/b1 bob/b2" ]
    run sbx project list --public --as bob --format=json
    [ "$(jq -r '[.[].full_name] | sort | join(" ")' <<<"$output")" = "alice/a2 bob/b2" ]
    run sbx project list --public --format=json
    [ "$(jq -r '[.[].full_name] | sort | join(" ")' <<<"$output")" = "alice/a2 bob/b2" ]
    run sbx project list --format=json
    [ "$(jq -r '[.[].full_name] | sort | join(" ")' <<<"$output")" = "alice/a1 alice/a2 bob/b1 bob/b2" ]
    run sbx project list extra --as alice
    [ "$status" -eq 64 ]
}

@test "project show, as text and as JSON" {
    sbx project create alice/p -r python-3.11 >/dev/null
    printf 'abc' | sbx project put alice/p data.txt
    run sbx project show p --as alice
    [ "$status" -eq 0 ]
    [[ "$output" =~ name:\ +alice/p ]]
    [[ "$output" =~ runtime:\ +python-3.11 ]]
    [[ "$output" =~ visibility:\ +private ]]
    [[ "$output" =~ forked\ from:\ +- ]]
    [[ "$output" =~ files:\ +2\ \(26\ bytes\) ]]
    run sbx project show alice/p --format=json
    [ "$(jq -c 'keys' <<<"$output")" = '["bytes","created_at","files","forked_from","full_name","id","name","owner","runtime","updated_at","visibility"]' ]
    [ "$(jq -c '[.files, .bytes]' <<<"$output")" = '[2,26]' ]
    run sbx project show alice/nope
    [ "$status" -eq 66 ]
    [[ "$output" == *"no project 'alice/nope'"* ]]
}

@test "project rename; to a taken name 75, to a bad name 64" {
    sbx project create alice/old -r python-3.11 >/dev/null
    sbx project create alice/other -r python-3.11 >/dev/null
    run sbx project rename old new --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .full_name <<<"$output")" = alice/new ]
    run sbx project show alice/old
    [ "$status" -eq 66 ]
    [ "$(file_list alice/new)" = main.py ]
    run sbx project rename new other --as alice
    [ "$status" -eq 75 ]
    [[ "$output" == *"already have a project named 'other'"* ]]
    run sbx project rename new "bad name" --as alice
    [ "$status" -eq 64 ]
    run sbx project rename new ../etc --as alice
    [ "$status" -eq 64 ]
    [ "$(project_field alice/new name)" = new ]
    run sbx project rename missing x --as alice
    [ "$status" -eq 66 ]
}

@test "project set-runtime; an unknown runtime exits 66" {
    sbx project create alice/p -r python-3.11 >/dev/null
    run sbx project set-runtime alice/p ruby-3.1 --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .runtime <<<"$output")" = ruby-3.1 ]
    run sbx project set-runtime alice/p pyhton-3.11
    [ "$status" -eq 66 ]
    [[ "$output" == *"no runtime 'pyhton-3.11'"* ]]
    [ "$(project_field alice/p runtime)" = ruby-3.1 ]
    # The files stay as they were.
    [ "$(file_list alice/p)" = main.py ]
}

@test "project set-visibility public and private; anything else 64" {
    sbx project create alice/p -r python-3.11 >/dev/null
    run sbx project set-visibility p public --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .visibility <<<"$output")" = public ]
    [ "$(sbx project list --public --format=json | jq -r '.[].full_name')" = alice/p ]
    run sbx project set-visibility p private --as alice
    [ "$status" -eq 0 ]
    [[ "$output" =~ visibility:\ +private ]]
    [ "$(sbx project list --public --format=json)" = "[]" ]
    run sbx project set-visibility p open --as alice
    [ "$status" -eq 64 ]
    [[ "$output" == *"visibility is public or private, not 'open'"* ]]
}

@test "project delete removes it with its files and env; the name is free again" {
    sbx project create alice/p -r python-3.11 >/dev/null
    echo data | sbx project put alice/p data.txt
    sbx project env set alice/p TOKEN=t1
    run sbx project delete p --as alice
    [ "$status" -eq 0 ]
    run sbx project show p --as alice
    [ "$status" -eq 66 ]
    run sbx project delete p --as alice
    [ "$status" -eq 66 ]
    sbx project create p -r bash-5.2 --as alice >/dev/null
    [ "$(file_list p --as alice)" = main.sh ]
    [ "$(sbx project env ls p --as alice)" = "" ]
    [ "$(sqlite3 "$STATE/sbx.db" 'SELECT count(*) FROM project_files')" -eq 1 ]
    [ "$(sqlite3 "$STATE/sbx.db" 'SELECT count(*) FROM project_env')" -eq 0 ]
}

# --- files ---------------------------------------------------------------------------------

@test "files: put from --from FILE and from stdin, get, ls; put replaces" {
    sbx project create alice/p -r python-3.11 >/dev/null
    printf 'def f():\n    return 1\n' >util.py
    run sbx project put p lib/util.py --from util.py --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -c . <<<"$output")" = '{"created":true,"path":"lib/util.py"}' ]
    run sbx project put p notes.txt --as alice --format=json <<<"from stdin"
    [ "$status" -eq 0 ]
    [ "$(jq -r .created <<<"$output")" = true ]
    printf 'from stdin, explicitly' | sbx project put p notes2.txt --from - --as alice
    sbx project get p lib/util.py --as alice >got
    cmp util.py got
    [ "$(sbx project get p notes.txt --as alice)" = "from stdin" ]
    [ "$(sbx project get p notes2.txt --as alice)" = "from stdin, explicitly" ]
    run sbx project ls p --as alice
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^PATH\ +SIZE\ +UPDATED$ ]]
    [[ "${lines[1]}" =~ ^lib/util.py\ +22\ +[0-9]{4}- ]]
    [[ "${lines[2]}" =~ ^main.py\ +23\ + ]]
    [[ "${lines[3]}" =~ ^notes.txt\ +11\ + ]]
    [[ "${lines[4]}" =~ ^notes2.txt\ +22\ + ]]
    run sbx project ls p --as alice --format=json
    [ "$(jq -c '[.[] | [.path, .size]]' <<<"$output")" = '[["lib/util.py",22],["main.py",23],["notes.txt",11],["notes2.txt",22]]' ]
    # A second put replaces the content.
    run sbx project put p notes.txt --as alice --format=json <<<"new"
    [ "$(jq -r .created <<<"$output")" = false ]
    [ "$(sbx project get p notes.txt --as alice)" = new ]
    # An empty file is a file.
    sbx project put p empty.txt --as alice </dev/null
    [ "$(sbx project ls p --as alice --format=json | jq '.[] | select(.path == "empty.txt") | .size')" = 0 ]
    run sbx project put p x.py --from no-such-file --as alice
    [ "$status" -eq 66 ]
}

@test "files: binary content with NUL bytes round-trips byte-exact" {
    sbx project create alice/p -r python-3.11 >/dev/null
    binary_file blob.bin
    sbx project put alice/p data/blob.bin --from blob.bin
    sbx project get alice/p data/blob.bin >got.bin
    cmp blob.bin got.bin
    sbx project put alice/p stdin.bin <blob.bin
    sbx project get alice/p stdin.bin >got2.bin
    cmp blob.bin got2.bin
    [ "$(sbx project ls alice/p --format=json | jq '.[] | select(.path == "stdin.bin") | .size')" -eq "$(stat -c %s blob.bin)" ]
}

@test "files: paths are normalised: ./a//b is a/b" {
    sbx project create alice/p -r python-3.11 >/dev/null
    echo one | sbx project put alice/p ./src//x.py
    [ "$(file_list alice/p)" = "main.py src/x.py" ]
    [ "$(sbx project get alice/p src/./x.py)" = one ]
    echo two | sbx project put alice/p src/x.py
    [ "$(sbx project get alice/p ./src/x.py)" = two ]
    # Names are otherwise kept as given: UTF-8, spaces, case.
    echo three | sbx project put alice/p "docs/Notes é.md"
    [ "$(sbx project get alice/p "docs/Notes é.md")" = three ]
}

@test "files: rm; rm and get of a missing file exit 66" {
    sbx project create alice/p -r python-3.11 >/dev/null
    echo x | sbx project put alice/p a.py
    run sbx project rm alice/p a.py
    [ "$status" -eq 0 ]
    [ "$(file_list alice/p)" = main.py ]
    run sbx project rm alice/p a.py
    [ "$status" -eq 66 ]
    [[ "$output" == *"no file 'a.py' in the project"* ]]
    run sbx project get alice/p a.py
    [ "$status" -eq 66 ]
    [[ "$output" == *"no file 'a.py' in the project"* ]]
}

@test "files: mv; onto an existing file 75, from a missing file 66" {
    sbx project create alice/p -r python-3.11 >/dev/null
    echo a | sbx project put alice/p a.py
    echo b | sbx project put alice/p b.py
    run sbx project mv alice/p a.py lib/c.py
    [ "$status" -eq 0 ]
    [ "$(file_list alice/p)" = "b.py lib/c.py main.py" ]
    [ "$(sbx project get alice/p lib/c.py)" = a ]
    run sbx project mv alice/p lib/c.py b.py
    [ "$status" -eq 75 ]
    [[ "$output" == *"file 'b.py' already exists"* ]]
    [ "$(sbx project get alice/p b.py)" = b ]
    [ "$(sbx project get alice/p lib/c.py)" = a ]
    run sbx project mv alice/p missing.py d.py
    [ "$status" -eq 66 ]
    [[ "$output" == *"no file 'missing.py' in the project"* ]]
    run sbx project mv alice/p lib/c.py ../c.py
    [ "$status" -eq 64 ]
    [ "$(file_list alice/p)" = "b.py lib/c.py main.py" ]
}

@test "files: hostile paths are refused with 64 naming the problem, by put, get, rm and mv" {
    sbx project create alice/p -r python-3.11 >/dev/null
    long=$(printf 'a%.0s' {1..300})
    deep="$(printf 'd/%.0s' {1..20})f.py"
    declare -A problem=(
        [/etc/passwd]="is absolute"
        [../x]="contains '..'"
        [a/../../x]="contains '..'"
        [$'a\x01b']="contains a control character"
        [$'a\nb']="contains a control character"
        ['a\b']="contains a backslash"
        [$long]="is too long (300 bytes, at most 255)"
        [$deep]="is too deep (at most 16 levels)"
        [dir/]="names a directory"
        [.]="names a directory"
        [$'\xff\xfe']="is not valid UTF-8"
    )
    for path in "${!problem[@]}"; do
        run sbx project put alice/p "$path" <<<"x"
        echo "put '$path': $status $output"
        [ "$status" -eq 64 ]
        [[ "$output" == *"${problem[$path]}"* ]]
        run sbx project get alice/p "$path"
        [ "$status" -eq 64 ]
        run sbx project rm alice/p "$path"
        [ "$status" -eq 64 ]
        run sbx project mv alice/p main.py "$path"
        [ "$status" -eq 64 ]
    done
    run sbx project put alice/p "" <<<"x"
    [ "$status" -eq 64 ]
    # The control character is shown escaped, not sent to the terminal.
    run sbx project put alice/p $'a\x1b[31mb' <<<"x"
    [[ "$output" == *"'a\\x1b[31mb'"* ]]
    [[ "$output" != *$'\x1b'* ]]
    [ "$(file_list alice/p)" = main.py ]
}

@test "files: a file and a folder of the same name cannot both exist" {
    # A project holding both "lib" and "lib/x.py" can be neither unpacked nor re-imported:
    # its own export is refused ("is inside 'lib', which is a file").
    sbx project create alice/p -r python-3.11 >/dev/null
    echo file | sbx project put alice/p lib
    run sbx project put alice/p lib/x.py <<<"x = 1"
    echo "put lib/x.py beside file lib: $status $output"
    [ "$status" -ne 0 ]
    [ "$status" -ne 70 ]
    [[ "$output" == *lib* ]]
    echo y | sbx project put alice/p src/y.py
    run sbx project put alice/p src <<<"file"
    [ "$status" -ne 0 ]
    run sbx project mv alice/p lib src
    [ "$status" -ne 0 ]
    [ "$(file_list alice/p)" = "lib main.py src/y.py" ]
    # Whatever a project holds, its export imports again.
    sbx project export alice/p -o p.tar.gz
    run sbx project import alice/copy p.tar.gz
    [ "$status" -eq 0 ]
}

@test "files: path length and depth limits come from [projects]" {
    sbx project create alice/p -r python-3.11 >/dev/null
    run sbx project put alice/p a/b/c.py --set projects.max_path_depth=2 <<<"x"
    [ "$status" -eq 64 ]
    [[ "$output" == *"is too deep (at most 2 levels)"* ]]
    run sbx project put alice/p abcdefghijk.py --set projects.max_path_length=10 <<<"x"
    [ "$status" -eq 64 ]
    [[ "$output" == *"is too long (14 bytes, at most 10)"* ]]
    [ "$(file_list alice/p)" = main.py ]
}

# --- limits --------------------------------------------------------------------------------

@test "limits: file size, file count and project size exit 65 naming the limit; nothing is written" {
    sbx project create alice/p -r python-3.11 >/dev/null
    head -c 2000 /dev/zero >2k
    run sbx project put alice/p big.bin --from 2k --set projects.max_file_bytes=1K
    [ "$status" -eq 65 ]
    [[ "$output" == *"file 'big.bin' is 2000 bytes; the largest file allowed is 1K"* ]]
    head -c 1024 /dev/zero >1k
    run sbx project put alice/p ok.bin --from 1k --set projects.max_file_bytes=1K
    [ "$status" -eq 0 ]
    run sbx project put alice/p two.bin --from 1k --set projects.max_files=2
    [ "$status" -eq 65 ]
    [[ "$output" == *"a project may have at most 2 files"* ]]
    # Replacing a file adds no file.
    run sbx project put alice/p ok.bin --from 2k --set projects.max_files=2
    [ "$status" -eq 0 ]
    run sbx project put alice/p more.bin --from 2k --set projects.max_project_bytes=3K
    [ "$status" -eq 65 ]
    [[ "$output" == *"a project may hold 3K"* ]]
    [ "$(file_list alice/p)" = "main.py ok.bin" ]
    [ "$(project_field alice/p bytes)" -eq 2023 ]
    # Creating a project is held to them too.
    run sbx project create alice/q -r python-3.11 --set projects.max_file_bytes=10
    [ "$status" -eq 65 ]
    run sbx project show alice/q
    [ "$status" -eq 66 ]
}

@test "limits: a user's storage quota counts all their projects; 65 names the quota" {
    sbx project create alice/p -r python-3.11 >/dev/null
    sbx project create alice/q -r python-3.11 >/dev/null
    sbx user quota alice --max-storage 2K >/dev/null
    head -c 1500 /dev/zero >1500-bytes
    sbx project put p a.bin --from 1500-bytes --as alice
    run sbx project put q b.bin --from 1500-bytes --as alice
    [ "$status" -eq 65 ]
    [[ "$output" == *"storage quota is 2K"* ]]
    [ "$(file_list alice/q)" = main.py ]
    # The admin's writes into alice's projects count against alice.
    run sbx project put alice/q b.bin --from 1500-bytes
    [ "$status" -eq 65 ]
    # bob's quota is his own.
    sbx project create bob/q -r python-3.11 >/dev/null
    run sbx project put q b.bin --from 1500-bytes --as bob
    [ "$status" -eq 0 ]
    # Forks and imports are held to it as well.
    run sbx project fork alice/p p2 --as alice
    [ "$status" -eq 65 ]
    run sbx project show alice/p2
    [ "$status" -eq 66 ]
    sbx project export alice/p -o p.tar
    run sbx project import p3 p.tar --as alice
    [ "$status" -eq 65 ]
    run sbx project show alice/p3
    [ "$status" -eq 66 ]
    # Room again once the quota grows.
    sbx user quota alice --max-storage 10K >/dev/null
    run sbx project put q b.bin --from 1500-bytes --as alice
    [ "$status" -eq 0 ]
}

# --- env -----------------------------------------------------------------------------------

@test "env: set, ls masked, ls --show, JSON, unset" {
    sbx project create alice/p -r python-3.11 >/dev/null
    run sbx project env set p API_KEY=s3cr3t OTHER=a=b EMPTY= --as alice
    [ "$status" -eq 0 ]
    run sbx project env ls p --as alice
    [ "$status" -eq 0 ]
    [ "$output" = $'API_KEY=********\nEMPTY=********\nOTHER=********' ]
    run sbx project env ls p --show --as alice
    [ "$output" = $'API_KEY=s3cr3t\nEMPTY=\nOTHER=a=b' ]
    run sbx project env ls p --show --as alice --format=json
    [ "$(jq -c . <<<"$output")" = '{"API_KEY":"s3cr3t","EMPTY":"","OTHER":"a=b"}' ]
    run sbx project env ls p --as alice --format=json
    [ "$(jq -c . <<<"$output")" = '{"API_KEY":"********","EMPTY":"********","OTHER":"********"}' ]
    sbx project env set p API_KEY=rotated --as alice
    [ "$(sbx project env ls alice/p --show --format=json | jq -r .API_KEY)" = rotated ]
    run sbx project env unset p OTHER EMPTY --as alice
    [ "$status" -eq 0 ]
    [ "$(sbx project env ls p --as alice)" = "API_KEY=********" ]
    run sbx project env unset p OTHER --as alice
    [ "$status" -eq 66 ]
    [[ "$output" == *"no variable 'OTHER' in the project"* ]]
}

@test "env: invalid names and malformed assignments exit 64" {
    sbx project create alice/p -r python-3.11 >/dev/null
    local item
    for item in 1BAD=x A-B=x "A B=x" =x "$(printf 'A%.0s' {1..129})=x" 'É=x'; do
        run sbx project env set alice/p "$item"
        echo "'$item': $status $output"
        [ "$status" -eq 64 ]
        [[ "$output" == *"is not a valid variable name"* ]]
    done
    run sbx project env set alice/p NOEQUALS
    [ "$status" -eq 64 ]
    [[ "$output" == *"expected K=V, not 'NOEQUALS'"* ]]
    run sbx project env set alice/p
    [ "$status" -eq 64 ]
    [ "$(sbx project env ls alice/p)" = "" ]
}

@test "env set and unset stop at the first variable refused; those before it stay done" {
    # As sbx-project(1) says. (All or nothing, as `sbx cancel` does with run ids, would be
    # kinder; this test pins down what is documented.)
    sbx project create alice/p -r python-3.11 >/dev/null
    run sbx project env set alice/p GOOD=1 1BAD=2 LATER=3
    [ "$status" -eq 64 ]
    [[ "$output" == *"'1BAD' is not a valid variable name"* ]]
    [ "$(sbx project env ls alice/p --show)" = "GOOD=1" ]
    run sbx project env unset alice/p GOOD MISSING
    [ "$status" -eq 66 ]
    [ "$(sbx project env ls alice/p)" = "" ]
}

# --- who may do what -----------------------------------------------------------------------

@test "authorization: bob cannot see alice's private project at all: 66 'no project'" {
    sbx project create alice/secret -r python-3.11 >/dev/null
    sbx project env set alice/secret TOKEN=t
    local args
    for args in "show alice/secret" "get alice/secret main.py" "ls alice/secret" "fork alice/secret" \
        "fork alice/secret mine" "env ls alice/secret" "export alice/secret -o out.tar" \
        "put alice/secret x.py" "rm alice/secret main.py" "rename alice/secret x" "delete alice/secret" \
        "env set alice/secret A=1"; do
        # shellcheck disable=SC2086 # one argument a word
        run sbx project $args --as bob </dev/null
        echo "$args: $status $output"
        [ "$status" -eq 66 ]
        [[ "$output" == *"no project 'alice/secret'"* ]]
    done
    # Exactly as for a project that does not exist.
    run sbx project show alice/nothing --as bob
    [ "$status" -eq 66 ]
    [[ "$output" == *"no project 'alice/nothing'"* ]]
    # sbx run says so too (its own failures exit 125, as docker run's do).
    run sbx run --project alice/secret --as bob
    [ "$status" -eq 125 ]
    [[ "$output" == *"no project 'alice/secret'"* ]]
    run sbx run list --project alice/secret --as bob
    [ "$status" -eq 125 ]
    [[ "$output" == *"no project 'alice/secret'"* ]]
    run sbx project list --public --as bob --format=json
    [ "$output" = "[]" ]
    [ ! -e out.tar ]
    [ "$(sbx project list --as bob --format=json)" = "[]" ]
    # Nothing changed.
    [ "$(file_list alice/secret)" = main.py ]
    [ "$(sbx project env ls alice/secret --show)" = TOKEN=t ]
}

@test "authorization: bob may read, get, export and fork alice's public project but not change it (77)" {
    sbx project create alice/pub -r python-3.11 --public >/dev/null
    echo 'x = 1' | sbx project put alice/pub lib.py
    sbx project env set alice/pub TOKEN=alice-token
    run sbx project show alice/pub --as bob --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .full_name <<<"$output")" = alice/pub ]
    [ "$(sbx project get alice/pub lib.py --as bob)" = "x = 1" ]
    [ "$(file_list alice/pub --as bob)" = "lib.py main.py" ]
    run sbx project export alice/pub --format tar -o pub.tar --as bob
    [ "$status" -eq 0 ]
    run sbx run list --project alice/pub --as bob --format=json
    [ "$status" -eq 0 ]
    [ "$output" = "[]" ]
    local args
    for args in "put alice/pub x.py" "put alice/pub lib.py" "rm alice/pub lib.py" "mv alice/pub lib.py x.py" \
        "rename alice/pub mine" "delete alice/pub" "set-runtime alice/pub bash-5.2" \
        "set-visibility alice/pub private" "env set alice/pub TOKEN=bob" "env unset alice/pub TOKEN" \
        "env ls alice/pub" "env ls alice/pub --show"; do
        # shellcheck disable=SC2086 # one argument a word
        run sbx project $args --as bob <<<"print('bob was here')"
        echo "$args: $status $output"
        [ "$status" -eq 77 ]
        [[ "$output" == *"project 'alice/pub' belongs to alice; fork it to change it"* ]]
        [[ "$output" != *alice-token* ]]
    done
    # Nothing changed.
    [ "$(file_list alice/pub)" = "lib.py main.py" ]
    [ "$(sbx project get alice/pub lib.py)" = "x = 1" ]
    [ "$(project_field alice/pub visibility)" = public ]
    [ "$(project_field alice/pub runtime)" = python-3.11 ]
    [ "$(sbx project env ls alice/pub --show)" = TOKEN=alice-token ]
    # The admin may do everything.
    run sbx project env ls alice/pub --show
    [ "$status" -eq 0 ]
    echo y | sbx project put alice/pub admin.txt
}

@test "fork copies files and runtime but not env; the fork is private and names its source" {
    sbx project create alice/pub -r python-3.11 --public >/dev/null
    sbx project set-runtime alice/pub ruby-3.1 >/dev/null
    binary_file blob.bin
    sbx project put alice/pub data/blob.bin --from blob.bin
    echo 'puts 1' | sbx project put alice/pub main.rb
    sbx project env set alice/pub TOKEN=alice-token
    source_id=$(project_field alice/pub id)
    run sbx project fork alice/pub --as bob --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r '"\(.full_name) \(.runtime) \(.visibility) \(.forked_from)"' <<<"$output")" = \
        "bob/pub ruby-3.1 private $source_id" ]
    [ "$(file_list pub --as bob)" = "$(file_list alice/pub)" ]
    local path
    for path in data/blob.bin main.py main.rb; do
        cmp <(sbx project get pub "$path" --as bob) <(sbx project get alice/pub "$path")
    done
    [ "$(sbx project env ls pub --as bob --show)" = "" ]
    run sbx project show bob/pub --as alice
    [ "$status" -eq 66 ]
    # The fork is bob's to change; the source is untouched by it.
    echo 'puts 2' | sbx project put pub main.rb --as bob
    [ "$(sbx project get alice/pub main.rb)" = "puts 1" ]
    # A name of bob's choosing; a name he has already is 75.
    run sbx project fork alice/pub copy2 --as bob --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .full_name <<<"$output")" = bob/copy2 ]
    run sbx project fork alice/pub --as bob
    [ "$status" -eq 75 ]
    # Forking into someone else's name is not allowed.
    run sbx project fork alice/pub alice/copy3 --as bob
    [ "$status" -eq 77 ]
    # An owner's fork of their own project does not copy the env either.
    sbx project fork alice/pub mine --as alice >/dev/null
    [ "$(sbx project env ls mine --as alice)" = "" ]
}

# --- archives ------------------------------------------------------------------------------

@test "export as tar.gz, zip and tar, and import each back byte-exact" {
    sbx project create alice/p -r python-3.11 >/dev/null
    binary_file blob.bin
    sbx project put alice/p data/blob.bin --from blob.bin
    echo 'def f(): return 1' | sbx project put alice/p lib/deep/er/util.py
    echo 'hé' | sbx project put alice/p "docs/ünïcode name.txt"
    sbx project env set alice/p TOKEN=t
    run sbx project export alice/p -o p.tar.gz
    [ "$status" -eq 0 ]
    [ "$(head -c 2 p.tar.gz | od -An -tx1 | tr -d ' ')" = 1f8b ]
    sbx project export alice/p --format zip -o p.zip
    [ "$(head -c 4 p.zip | od -An -tx1 | tr -d ' ')" = 504b0304 ]
    sbx project export alice/p --format=tar >p.tar
    [ "$(dd if=p.tar bs=1 skip=257 count=5 2>/dev/null)" = ustar ]
    # The same files give the same bytes.
    sbx project export alice/p --format zip >p2.zip
    cmp p.zip p2.zip
    # Other tools read them.
    [ "$(tar -tzf p.tar.gz | sort | tr '\n' ' ')" = "data/blob.bin docs/ünïcode name.txt lib/deep/er/util.py main.py " ]
    python3 -c 'import sys, zipfile; assert zipfile.ZipFile(sys.argv[1]).testzip() is None' p.zip
    local format
    for format in tar.gz zip tar; do
        name="copy-${format//./-}"
        run sbx project import "$name" "p.$format" -r python-3.11 --as alice --format=json
        echo "import $format: $status $output"
        [ "$status" -eq 0 ]
        [ "$(jq -r '"\(.full_name) \(.runtime) \(.visibility) \(.files)"' <<<"$output")" = "alice/$name python-3.11 private 4" ]
        [ "$(file_list "alice/$name")" = "$(file_list alice/p)" ]
        for path in data/blob.bin lib/deep/er/util.py "docs/ünïcode name.txt" main.py; do
            cmp <(sbx project get "alice/$name" "$path") <(sbx project get alice/p "$path")
        done
        # No env in an archive.
        [ "$(sbx project env ls "alice/$name")" = "" ]
    done
    # From stdin, public.
    run sbx project import alice/from-stdin - --public <p.tar.gz
    [ "$status" -eq 0 ]
    [ "$(project_field alice/from-stdin visibility)" = public ]
    run sbx project export alice/p --format rar -o x
    [ "$status" -eq 64 ]
    [[ "$output" == *"unknown archive format 'rar'"* ]]
}

@test "export then import gives back the same paths when every file sits in one folder" {
    # sbx-project(1): "a folder that holds everything in the archive stays part of every path".
    sbx project create alice/p -r python-3.11 >/dev/null
    sbx project mv alice/p main.py src/main.py
    echo 'X = 1' | sbx project put alice/p src/lib/x.py
    local format
    for format in tar.gz zip tar; do
        sbx project export alice/p --format "$format" -o "p.$format"
        name="copy-${format//./-}"
        run sbx project import "$name" "p.$format" -r python-3.11 --as alice
        [ "$status" -eq 0 ]
        echo "$format: $(file_list "alice/$name")"
        [ "$(file_list "alice/$name")" = "src/lib/x.py src/main.py" ]
    done
}

@test "import guesses the runtime from the entry file; with none or several it asks for -r (64)" {
    mkdir py cpp none
    echo 'print(1)' >py/main.py
    echo 'int main() {}' >cpp/main.cpp
    echo 'text' >none/readme.txt
    (cd py && tar -czf ../py.tar.gz main.py)
    (cd cpp && tar -czf ../cpp.tar.gz main.cpp)
    (cd none && tar -czf ../none.tar.gz readme.txt)
    run sbx project import py py.tar.gz --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .runtime <<<"$output")" = python-3.11 ]
    run sbx project import cpp cpp.tar.gz --as alice
    [ "$status" -eq 64 ]
    [[ "$output" == *"which runtime? the archive fits cpp-gcc-11, cpp-gcc-12; give --runtime"* ]]
    run sbx project import none none.tar.gz --as alice
    [ "$status" -eq 64 ]
    [[ "$output" == *"which runtime? no runtime's entry file is in the archive"* ]]
    run sbx project import cpp cpp.tar.gz -r cpp-gcc-12 --as alice --format=json
    [ "$status" -eq 0 ]
    [ "$(jq -r .runtime <<<"$output")" = cpp-gcc-12 ]
    run sbx project import other py.tar.gz -r cobol-85 --as alice
    [ "$status" -eq 66 ]
    [ "$(sbx project list --as alice --format=json | jq -r '[.[].name] | join(" ")')" = "cpp py" ]
}

@test "import into a name already taken exits 75 and leaves the project as it was" {
    sbx project create alice/p -r python-3.11 >/dev/null
    mkdir src && echo 'print(2)' >src/main.py && echo x >src/other.py
    (cd src && tar -cf ../src.tar main.py other.py)
    run sbx project import p src.tar --as alice
    [ "$status" -eq 75 ]
    [ "$(file_list alice/p)" = main.py ]
    hello_world_of python-3.11 expected
    cmp expected <(sbx project get alice/p main.py)
    # bob may not import into alice's name.
    run sbx project import alice/q src.tar --as bob
    [ "$status" -eq 77 ]
}

@test "import refuses hostile archives with 65 naming the entry, and creates nothing" {
    make_hostile_archives
    declare -A problem=(
        [absolute.tar]="archive entry path '/etc/evil.py' is absolute"
        [dotdot.tar]="archive entry path '../evil.py' contains '..'"
        [dotdot-deep.tar]="archive entry path 'a/../../evil.py' contains '..'"
        [symlink.tar]="archive entry 'passwd' is a symbolic link to '/etc/passwd'"
        [hardlink.tar]="archive entry 'shadow' is a hard link to '/etc/shadow'"
        [setuid.tar]="archive entry 'suid' has the setuid, setgid or sticky bit set"
        [fifo.tar]="archive entry 'pipe' is a FIFO"
        [device.tar]="archive entry 'mem' is a character device"
        [twice.tar]="archive entry 'main.py' appears twice"
        [file-and-folder.tar]="archive entry 'main.py/x.py' is inside 'main.py', which is a file"
        [absolute.zip]="archive entry path '/etc/evil.py' is absolute"
        [dotdot.zip]="archive entry path '../evil.py' contains '..'"
        [backslash-dotdot.zip]="archive entry path '../../evil.py' contains '..'"
        [symlink.zip]="archive entry 'passwd' is a symbolic link"
        [setuid.zip]="archive entry 'suid' has the setuid, setgid or sticky bit set"
        [fifo-mode.zip]="archive entry 'pipe' is a FIFO by its mode"
        [nul-name.zip]="archive entry 'main2.py\\x00evil.txt' contains a NUL byte"
        [nul-pax.tar]="archive entry 'a\\x00b.py' contains a NUL byte"
    )
    local archive
    for archive in "${!problem[@]}"; do
        name="imp-${archive//./-}"
        run sbx project import "$name" "$archive" -r python-3.11 --as alice
        echo "$archive: $status $output"
        [ "$status" -eq 65 ]
        [[ "$output" == *"${problem[$archive]}"* ]]
        run sbx project show "$name" --as alice
        [ "$status" -eq 66 ]
    done
    [ "$(sbx project list --as alice --format=json)" = "[]" ]
    [ "$(sqlite3 "$STATE/sbx.db" 'SELECT count(*) FROM projects')" -eq 0 ]
    [ "$(sqlite3 "$STATE/sbx.db" 'SELECT count(*) FROM project_files')" -eq 0 ]
}

@test "import refuses what is not an archive, or an empty one, with 65" {
    echo 'just text' >notes.txt
    run sbx project import p notes.txt -r python-3.11 --as alice
    [ "$status" -eq 65 ]
    [[ "$output" == *"not a tar, tar.gz or zip archive"* ]]
    python3 -c 'import zipfile; zipfile.ZipFile("empty.zip", "w").close()'
    run sbx project import p empty.zip -r python-3.11 --as alice
    [ "$status" -eq 65 ]
    [[ "$output" == *"the archive holds no files"* ]]
    sbx project create alice/src -r python-3.11 >/dev/null
    sbx project export alice/src -o whole.tar.gz
    head -c 60 whole.tar.gz >cut.tar.gz
    run sbx project import p cut.tar.gz -r python-3.11 --as alice
    [ "$status" -eq 65 ]
    run sbx project show p --as alice
    [ "$status" -eq 66 ]
}

@test "import refuses a gzip bomb (200 MB of zeros) with 65 within 2 s, creating nothing" {
    make_gzip_bomb bomb.tar.gz 200
    [ "$(stat -c %s bomb.tar.gz)" -lt $((1 << 20)) ]
    run_timed sbx project import bomb bomb.tar.gz --as alice
    echo "default limits: ${ELAPSED_MS} ms: $output"
    [ "$status" -eq 65 ]
    [[ "$output" == *"archive entry 'main.py'"* ]]
    [ "$ELAPSED_MS" -lt 2000 ]
    # With the size limits out of the way, the expansion ratio stops it.
    run_timed sbx project import bomb bomb.tar.gz --as alice --set projects.max_file_bytes=1G \
        --set projects.max_project_bytes=1G --set quotas.max_storage=2G
    echo "raised limits: ${ELAPSED_MS} ms: $output"
    [ "$status" -eq 65 ]
    [[ "$output" == *"archive entry 'main.py' expands the archive more than 100 times"*"likely a decompression bomb"* ]]
    [ "$ELAPSED_MS" -lt 2000 ]
    run sbx project show bomb --as alice
    [ "$status" -eq 66 ]
    [ "$(sqlite3 "$STATE/sbx.db" 'SELECT count(*) FROM project_files')" -eq 0 ]
}

@test "import of many small files past the project's limits is refused whole" {
    mkdir many
    for i in $(seq 30); do echo "print($i)" >"many/f$i.py"; done
    echo 'print(0)' >many/main.py
    (cd many && tar -czf ../many.tar.gz ./*.py)
    run sbx project import many many.tar.gz --as alice --set projects.max_files=10
    [ "$status" -eq 65 ]
    run sbx project show many --as alice
    [ "$status" -eq 66 ]
    run sbx project import many many.tar.gz --as alice
    [ "$status" -eq 0 ]
    [ "$(project_field many files --as alice)" -eq 31 ]
}
