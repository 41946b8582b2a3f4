#!/usr/bin/env bats
# Every runtime of the shipped catalog on docker with runsc: hello world, arguments and stdin
# with an exit code, an uncaught error, file names that look like options, and a compile
# error where the runtime compiles.
# The bodies are in runtimes.bash; runtimes-podman.bats has the same tests.
ENGINE=docker
load helpers
load runtimes

setup_file() { e2e_setup_file; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

@test "docker: these tests cover every runtime of the shipped catalog" { covers_catalog "$BATS_TEST_FILENAME"; }

@test "docker: bash-5.2: hello world" { hello_world bash-5.2; }
@test "docker: bash-5.2: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code bash-5.2; }
@test "docker: bash-5.2: an uncaught error is failed with its exit status" { uncaught_error bash-5.2; }
@test "docker: bash-5.2: file names beginning with - are files, not options" { option_names bash-5.2; }
@test "docker: bash-5.2: ls, stat, cp -a and du see the files (gVisor's statx flag is made up for)" { coreutils_see_files; }

@test "docker: c-gcc-12: hello world" { hello_world c-gcc-12; }
@test "docker: c-gcc-12: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code c-gcc-12; }
@test "docker: c-gcc-12: an uncaught error is failed with its exit status" { uncaught_error c-gcc-12; }
@test "docker: c-gcc-12: file names beginning with - are files, not options" { option_names c-gcc-12; }
@test "docker: c-gcc-12: a compile error is failed at stage compile" { compile_error c-gcc-12; }

@test "docker: cpp-gcc-11: hello world" { hello_world cpp-gcc-11; }
@test "docker: cpp-gcc-11: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code cpp-gcc-11; }
@test "docker: cpp-gcc-11: an uncaught error is failed with its exit status" { uncaught_error cpp-gcc-11; }
@test "docker: cpp-gcc-11: file names beginning with - are files, not options" { option_names cpp-gcc-11; }
@test "docker: cpp-gcc-11: a compile error is failed at stage compile" { compile_error cpp-gcc-11; }

@test "docker: cpp-gcc-12: hello world" { hello_world cpp-gcc-12; }
@test "docker: cpp-gcc-12: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code cpp-gcc-12; }
@test "docker: cpp-gcc-12: an uncaught error is failed with its exit status" { uncaught_error cpp-gcc-12; }
@test "docker: cpp-gcc-12: file names beginning with - are files, not options" { option_names cpp-gcc-12; }
@test "docker: cpp-gcc-12: a compile error is failed at stage compile" { compile_error cpp-gcc-12; }

@test "docker: go-1.19: hello world" { hello_world go-1.19; }
@test "docker: go-1.19: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code go-1.19; }
@test "docker: go-1.19: an uncaught error is failed with its exit status" { uncaught_error go-1.19; }
@test "docker: go-1.19: file names beginning with - are files, not options" { option_names go-1.19; }
@test "docker: go-1.19: a compile error is failed at stage compile" { compile_error go-1.19; }

@test "docker: java-17: hello world" { hello_world java-17; }
@test "docker: java-17: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code java-17; }
@test "docker: java-17: an uncaught error is failed with its exit status" { uncaught_error java-17; }
@test "docker: java-17: file names beginning with - are files, not options" { option_names java-17; }
@test "docker: java-17: a compile error is failed at stage compile" { compile_error java-17; }

@test "docker: node-18: hello world" { hello_world node-18; }
@test "docker: node-18: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code node-18; }
@test "docker: node-18: an uncaught error is failed with its exit status" { uncaught_error node-18; }
@test "docker: node-18: file names beginning with - are files, not options" { option_names node-18; }

@test "docker: python-3.11: hello world" { hello_world python-3.11; }
@test "docker: python-3.11: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code python-3.11; }
@test "docker: python-3.11: an uncaught error is failed with its exit status" { uncaught_error python-3.11; }
@test "docker: python-3.11: file names beginning with - are files, not options" { option_names python-3.11; }

@test "docker: ruby-3.1: hello world" { hello_world ruby-3.1; }
@test "docker: ruby-3.1: args and stdin reach the program, exit 3 is failed" { args_stdin_exit_code ruby-3.1; }
@test "docker: ruby-3.1: an uncaught error is failed with its exit status" { uncaught_error ruby-3.1; }
@test "docker: ruby-3.1: file names beginning with - are files, not options" { option_names ruby-3.1; }
