# Test bodies for every runtime of the shipped catalog, shared by runtimes-podman.bats and
# runtimes-docker.bats. Each body takes a runtime id and writes its program under the
# runtime's own file name (main.py, Main.java, ...).
# shellcheck disable=SC2154 # status, output, stderr and lines are set by bats `run`

# Arguments and stdin given to the I/O program, and what it must print back.
IO_ARGS=(one "two words" --flag=x "" héllo)
IO_STDIN=$'first line\nsecond line\n'
IO_STDOUT=$'arg: one\narg: two words\narg: --flag=x\narg: \narg: héllo\nin: first line\nin: second line'

# A program that prints each argument ("arg: A"), each line of stdin ("in: L"), says
# "exiting with 3" on stderr and exits 3.
io_program() {
    case $1 in
    bash-*) cat <<'EOF' ;;
for a in "$@"; do echo "arg: $a"; done
while IFS= read -r line; do echo "in: $line"; done
echo "exiting with 3" >&2
exit 3
EOF
    c-*) cat <<'EOF' ;;
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        printf("arg: %s\n", argv[i]);
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        printf("in: %s\n", line);
    }
    fflush(stdout);
    fprintf(stderr, "exiting with 3\n");
    return 3;
}
EOF
    cpp-*) cat <<'EOF' ;;
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        std::cout << "arg: " << argv[i] << '\n';
    for (std::string line; std::getline(std::cin, line);)
        std::cout << "in: " << line << '\n';
    std::cout.flush();
    std::cerr << "exiting with 3\n";
    return 3;
}
EOF
    go-*) cat <<'EOF' ;;
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	for _, a := range os.Args[1:] {
		fmt.Println("arg: " + a)
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Println("in: " + in.Text())
	}
	fmt.Fprintln(os.Stderr, "exiting with 3")
	os.Exit(3)
}
EOF
    java-*) cat <<'EOF' ;;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class Main {
    public static void main(String[] args) throws IOException {
        for (String a : args)
            System.out.println("arg: " + a);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null;)
            System.out.println("in: " + line);
        System.err.println("exiting with 3");
        System.exit(3);
    }
}
EOF
    node-*) cat <<'EOF' ;;
for (const a of process.argv.slice(2)) console.log("arg: " + a);
const input = require("fs").readFileSync(0, "utf8");
for (const line of input.split("\n").slice(0, -1)) console.log("in: " + line);
console.error("exiting with 3");
process.exit(3);
EOF
    python-*) cat <<'EOF' ;;
import sys

for a in sys.argv[1:]:
    print("arg: " + a)
for line in sys.stdin:
    print("in: " + line.rstrip("\n"))
print("exiting with 3", file=sys.stderr)
sys.exit(3)
EOF
    ruby-*) cat <<'EOF' ;;
ARGV.each { |a| puts "arg: #{a}" }
$stdin.each_line { |line| puts "in: #{line.chomp}" }
$stderr.puts "exiting with 3"
exit 3
EOF
    *) echo "io_program: no program for runtime $1: add one" >&2; return 1 ;;
    esac
}

# A program that dies of an uncaught error: its exit status and a piece of its message.
crash_program() {
    case $1 in
    bash-*) CRASH_STATUS=1 CRASH_MESSAGE="undefined_variable: unbound variable"; cat <<'EOF' ;;
set -u
echo "$undefined_variable"
echo "not reached"
EOF
    c-*) CRASH_STATUS=134 CRASH_MESSAGE="Assertion \`answer == 41' failed"; cat <<'EOF' ;;
#include <assert.h>

int main(void)
{
    int answer = 42;
    assert(answer == 41);
    return 0;
}
EOF
    cpp-*) CRASH_STATUS=134 CRASH_MESSAGE="what():  boom"; cat <<'EOF' ;;
#include <stdexcept>

int main()
{
    throw std::runtime_error("boom");
}
EOF
    go-*) CRASH_STATUS=2 CRASH_MESSAGE="panic: boom"; cat <<'EOF' ;;
package main

func main() {
	panic("boom")
}
EOF
    java-*) CRASH_STATUS=1 CRASH_MESSAGE="java.lang.IllegalStateException: boom"; cat <<'EOF' ;;
public class Main {
    public static void main(String[] args) {
        throw new IllegalStateException("boom");
    }
}
EOF
    node-*) CRASH_STATUS=1 CRASH_MESSAGE="Error: boom"; cat <<'EOF' ;;
throw new Error("boom");
EOF
    python-*) CRASH_STATUS=1 CRASH_MESSAGE="ValueError: boom"; cat <<'EOF' ;;
raise ValueError("boom")
EOF
    ruby-*) CRASH_STATUS=1 CRASH_MESSAGE="boom (RuntimeError)"; cat <<'EOF' ;;
raise "boom"
EOF
    *) echo "crash_program: no program for runtime $1: add one" >&2; return 1 ;;
    esac
}

# A program that does not compile: it uses the undeclared name undeclared_thing, which the
# compiler's message names.
broken_program() {
    case $1 in
    c-*) cat <<'EOF' ;;
int main(void)
{
    return undeclared_thing;
}
EOF
    cpp-*) cat <<'EOF' ;;
int main()
{
    return undeclared_thing;
}
EOF
    go-*) cat <<'EOF' ;;
package main

func main() {
	undeclared_thing()
}
EOF
    java-*) cat <<'EOF' ;;
public class Main {
    public static void main(String[] args) {
        undeclared_thing();
    }
}
EOF
    *) echo "broken_program: no program for runtime $1: add one" >&2; return 1 ;;
    esac
}

# The entry's name in the names test: one that, read as an option by the runtime's
# compiler or interpreter, would do something else (print a version, name gcc's output).
# Java runs the entry's class by name, and no class can be called "-x"; Go refuses to
# build a file whose name begins with "-" (see option_names): their usual names.
option_entry() {
    case $1 in
    bash-* | node-* | python-* | ruby-*) echo --version ;;
    c-*) echo -omain.c ;;
    cpp-*) echo -omain.cpp ;;
    go-*) echo main.go ;;
    java-*) echo Main.java ;;
    *) echo "option_entry: no name for runtime $1: add one" >&2; return 1 ;;
    esac
}

# A program that prints "ran", then "-o: " and the first line of the file "-o" beside it,
# then each argument ("arg: A").
names_program() {
    case $1 in
    bash-*) cat <<'EOF' ;;
echo ran
printf '%s\n' "-o: $(<./-o)"
for a in "$@"; do printf 'arg: %s\n' "$a"; done
EOF
    c-*) cat <<'EOF' ;;
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv)
{
    char line[256] = "";
    FILE* in = fopen("-o", "r");
    if (!in || !fgets(line, sizeof line, in))
        return 1;
    line[strcspn(line, "\n")] = '\0';
    printf("ran\n-o: %s\n", line);
    for (int i = 1; i < argc; ++i)
        printf("arg: %s\n", argv[i]);
    return 0;
}
EOF
    cpp-*) cat <<'EOF' ;;
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    std::ifstream in("-o");
    std::string line;
    if (!std::getline(in, line))
        return 1;
    std::cout << "ran\n-o: " << line << '\n';
    for (int i = 1; i < argc; ++i)
        std::cout << "arg: " << argv[i] << '\n';
}
EOF
    go-*) cat <<'EOF' ;;
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	data, err := os.ReadFile("-o")
	if err != nil {
		panic(err)
	}
	fmt.Println("ran")
	fmt.Println("-o: " + strings.TrimSpace(string(data)))
	for _, a := range os.Args[1:] {
		fmt.Println("arg: " + a)
	}
}
EOF
    java-*) cat <<'EOF' ;;
import java.nio.file.Files;
import java.nio.file.Path;

public class Main {
    public static void main(String[] args) throws Exception {
        System.out.println("ran");
        System.out.println("-o: " + Files.readString(Path.of("-o")).strip());
        for (String a : args)
            System.out.println("arg: " + a);
    }
}
EOF
    node-*) cat <<'EOF' ;;
console.log("ran");
console.log("-o: " + require("fs").readFileSync("-o", "utf8").trim());
for (const a of process.argv.slice(2)) console.log("arg: " + a);
EOF
    python-*) cat <<'EOF' ;;
import sys

print("ran")
print("-o: " + open("-o").read().strip())
for a in sys.argv[1:]:
    print("arg: " + a)
EOF
    ruby-*) cat <<'EOF' ;;
puts "ran"
puts "-o: " + File.read("-o").strip
ARGV.each { |a| puts "arg: #{a}" }
EOF
    *) echo "names_program: no program for runtime $1: add one" >&2; return 1 ;;
    esac
}

# The runtime's own hello world prints exactly "Hello, world!" and the run succeeds.
hello_world() {
    local runtime=$1 file id
    file=$(runtime_file "$runtime")
    runtime_hello "$runtime" >"$file"
    run_within 120 --separate-stderr sbx run -r "$runtime" "$file"
    [ "$status" -eq 0 ]
    [ "$output" = "Hello, world!" ]
    [ "$stderr" = "" ]
    id=$(last_run)
    [ "$(field "$id" status)" = succeeded ]
    [ "$(field "$id" exit_code)" = 0 ]
    [ "$(field "$id" stage)" = run ]
}

# Arguments and stdin reach the program; it exits 3, which is the run's exit status and
# exit_code, with status failed; stdout and stderr arrive on their own streams.
args_stdin_exit_code() {
    local runtime=$1 file id
    file=$(runtime_file "$runtime")
    io_program "$runtime" >"$file"
    printf '%s' "$IO_STDIN" >input.txt
    run_within 120 --separate-stderr sbx run -r "$runtime" "$file" --stdin input.txt -- "${IO_ARGS[@]}"
    [ "$status" -eq 3 ]
    [ "$output" = "$IO_STDOUT" ]
    [ "$stderr" = "exiting with 3" ]
    id=$(last_run)
    [ "$(field "$id" status)" = failed ]
    [ "$(field "$id" stage)" = run ]
    [ "$(field "$id" exit_code)" = 3 ]
    # What was stored is what was printed, stream by stream.
    [ "$(sbx logs "$id" --stream stdout)" = "$IO_STDOUT" ]
    [ "$(sbx logs "$id" --stream stderr 2>&1)" = "exiting with 3" ]
}

# An uncaught error (exception, panic, failed assertion) ends the run as failed with the
# language's own exit status, and its message is on stderr.
uncaught_error() {
    local runtime=$1 file id
    file=$(runtime_file "$runtime")
    crash_program "$runtime" >"$file" # also sets CRASH_STATUS and CRASH_MESSAGE
    run_within 120 --separate-stderr sbx run -r "$runtime" "$file"
    [ "$status" -eq "$CRASH_STATUS" ]
    [[ $stderr == *"$CRASH_MESSAGE"* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = failed ]
    [ "$(field "$id" stage)" = run ]
    [ "$(field "$id" exit_code)" = "$CRASH_STATUS" ]
}

# A compile error ends the run as failed at the compile stage, with the compiler's message
# in the output (stderr live, and stored) and a non-zero exit status; nothing is run.
compile_error() {
    local runtime=$1 file id
    file=$(runtime_file "$runtime")
    broken_program "$runtime" >"$file"
    run_within 120 --separate-stderr sbx run -r "$runtime" "$file"
    [ "$status" -ne 0 ]
    [ "$status" -lt 124 ]
    [[ $stderr == *undeclared_thing* ]]
    [[ $stderr == *"sbx: run "*" did not compile"* ]]
    id=$(last_run)
    [ "$(field "$id" status)" = failed ]
    [ "$(field "$id" stage)" = compile ]
    [ "$(field "$id" exit_code)" = "$status" ]
    [[ $(sbx logs "$id" --stream stderr 2>&1) == *undeclared_thing* ]]
}

# File names that begin with "-" are files, never options: the entry (named as an option
# of the runtime's compiler or interpreter would be, see option_entry) and a second file
# "-o" that the program reads; arguments after "--" still reach the program. Java runs the
# entry by its stem, its class name, which no "./" protects: an entry "-x.java" is refused,
# naming it, before anything runs. Go reads "./-x.go" as a file and refuses to build it
# (Go allows no input file name that could be a flag): had it been read as an option, go
# would have said "flag provided but not defined".
option_names() {
    local runtime=$1 entry id
    entry=$(option_entry "$runtime")
    names_program "$runtime" >"./$entry"
    echo "second file" >./-o
    run_within 120 --separate-stderr sbx run -r "$runtime" "./$entry" ./-o -- --flag -o
    [ "$status" -eq 0 ]
    [ "$output" = $'ran\n-o: second file\narg: --flag\narg: -o' ]
    id=$(last_run)
    [ "$(field "$id" status)" = succeeded ]
    [ "$(sbx show "$id" --format=json | jq -r .request.entry)" = "$entry" ]
    case $runtime in
    java-*)
        mv "./$entry" ./-x.java
        run_within 60 --separate-stderr sbx run -r "$runtime" ./-x.java ./-o
        [ "$status" -eq 125 ]
        [[ $stderr == *"entry file '-x.java'"*option* ]]
        [ "$(last_run)" = "$id" ]
        ;;
    go-*)
        mv "./$entry" ./-x.go
        run_within 120 --separate-stderr sbx run -r "$runtime" ./-x.go ./-o
        [ "$status" -eq 1 ]
        [[ $stderr == *'invalid input file name "-x.go"'* ]]
        [[ $stderr != *"flag provided but not defined"* ]]
        id=$(last_run)
        [ "$(field "$id" stage)" = compile ]
        ;;
    esac
}

# The test file ($1) has each test above for every runtime of the shipped catalog, and a
# compile error test for every runtime that compiles.
covers_catalog() {
    local file=$1 id missing=()
    for id in $(sbx runtime list --format=json | jq -r '.[].id'); do
        for body in hello_world args_stdin_exit_code uncaught_error option_names; do
            grep -q "{ $body $id; }" "$file" || missing+=("$body $id")
        done
        if [[ $(sbx runtime show "$id" --format=json | jq '.compile | length') -gt 0 ]]; then
            grep -q "{ compile_error $id; }" "$file" || missing+=("compile_error $id")
        fi
    done
    if ((${#missing[@]})); then
        printf 'no test in %s for: %s\n' "$file" "${missing[@]}"
        return 1
    fi
}

# The tools that look at files work: the shipped gVisor refuses statx() with
# AT_NO_AUTOMOUNT, which coreutils always passes, and sbx-preload.so drops the flag.
coreutils_see_files() {
    cat >main.sh <<'EOF2'
set -e
mkdir -p /tmp/d/sub && echo hello >/tmp/d/sub/f && ln -s sub/f /tmp/d/link
ls /
ls -la /work | grep -c main.sh
stat -c '%s %F' /tmp/d/sub/f
cp -a /tmp/d /tmp/e && cat /tmp/e/link
du -s /tmp/e >/dev/null && echo du ok
test -e /etc/ld.so.preload && cat /etc/ld.so.preload
EOF2
    run_within 60 --separate-stderr sbx run -r bash-5.2 main.sh
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ $output == *$'\nusr\n'* ]]
    [[ $output == *$'\n1\n6 regular file\nhello\ndu ok\n/sbx/preload.so'* ]]
}
