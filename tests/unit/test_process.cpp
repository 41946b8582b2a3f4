#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "error.hpp"
#include "process/command_runner.hpp"

using namespace sbx::process;

namespace {

std::set<std::string> words(const std::string& text)
{
    std::istringstream in(text);
    std::set<std::string> result;
    for (std::string word; in >> word;)
        result.insert(word);
    return result;
}

} // namespace

TEST_CASE("exit codes and signals are told apart", "[process]")
{
    Captured three = run_capture({"sh", "-c", "exit 3"});
    CHECK(three.status == ExitStatus{3, 0});
    CHECK_FALSE(three.status.success());
    CHECK(three.status.describe() == "exit code 3");

    Captured killed = run_capture({"sh", "-c", "kill -TERM $$"});
    CHECK(killed.status == ExitStatus{0, SIGTERM});
    CHECK(killed.status.shell_code() == 143);
    CHECK(killed.status.describe() == "signal 15 (Terminated)");

    CHECK(run_capture({"true"}).status.success());
}

TEST_CASE("stdout and stderr arrive apart and whole", "[process]")
{
    Captured c = run_capture({"sh", "-c", "echo out; echo err >&2; printf 'no newline'"});
    CHECK(c.out == "out\nno newline");
    CHECK(c.err == "err\n");

    // Far more than a pipe buffer on both streams at once: reading one while the child
    // blocks on the other would hang.
    Captured big = run_capture({"sh", "-c", "head -c 3000000 /dev/zero >&2 & head -c 2000000 /dev/zero; wait"});
    CHECK(big.out.size() == 2000000);
    CHECK(big.err.size() == 3000000);
}

TEST_CASE("the child's environment is exactly the one given", "[process]")
{
    ::setenv("SBX_TEST_PARENT_ONLY", "leak", 1);
    Captured c = run_capture({"env"}, {{"A", "1"}, {"B", "two words"}, {"PATH", "/usr/bin:/bin"}});
    ::unsetenv("SBX_TEST_PARENT_ONLY");
    CHECK(c.out == "A=1\nB=two words\nPATH=/usr/bin:/bin\n");
}

TEST_CASE("a command with a cwd runs there; without one, where the parent is", "[process]")
{
    Command in_tmp{{"pwd"}, {}, "/tmp"};
    CHECK(run_capture(in_tmp).out == "/tmp\n");
    CHECK(run_capture({"pwd"}).out == std::filesystem::current_path().string() + "\n");
}

TEST_CASE("no descriptor of the parent leaks into the child", "[process]")
{
    int plain = ::open("/dev/null", O_RDONLY); // deliberately without O_CLOEXEC
    REQUIRE(plain >= 0);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    // ls itself holds one more descriptor open: the directory it lists.
    Captured c = run_capture({"ls", "/proc/self/fd"});
    ::close(plain);
    ::close(fds[0]);
    ::close(fds[1]);
    CHECK(words(c.out) == std::set<std::string>{"0", "1", "2", "3"});
}

TEST_CASE("signals the parent ignores are default again in the child", "[process]")
{
    auto previous = std::signal(SIGPIPE, SIG_IGN);
    Captured c = run_capture({"grep", "^SigIgn:", "/proc/self/status"});
    std::signal(SIGPIPE, previous);
    // Bit n-1 is signal n. glibc's posix_spawn leaves its own internal signals 32 and 33
    // ignored; no program has any business with them.
    REQUIRE(c.out.size() == 25);
    CHECK((std::stoull(c.out.substr(8, 16), nullptr, 16) & 0x7fffffff) == 0);
}

TEST_CASE("stdin comes from a given descriptor or from /dev/null", "[process]")
{
    Pipe in = make_pipe();
    REQUIRE(::write(in.write.get(), "hello", 5) == 5);
    in.write.reset();
    SpawnOptions options;
    options.stdin_fd = in.read.get();
    Child cat = spawn({{"cat"}, {}}, options);
    Captured fed = collect(cat);
    CHECK(fed.out == "hello");

    Captured none = run_capture({"cat"});
    CHECK(none.out.empty());
    CHECK(none.status.success());
}

TEST_CASE("pipes are non-blocking and report end of file", "[process]")
{
    Child child = spawn({{"sleep", "30"}, {}});
    std::string out;
    CHECK(read_some(child.stdout_fd(), out) == ReadResult::would_block);
    CHECK_FALSE(child.try_wait().has_value());
    child.kill(SIGKILL);
    CHECK(child.wait() == ExitStatus{0, SIGKILL});
    CHECK(child.wait() == ExitStatus{0, SIGKILL});
    CHECK(read_some(child.stdout_fd(), out) == ReadResult::eof);

    SpawnOptions quiet;
    quiet.stdout_sink = Sink::null;
    Child silent = spawn({{"echo", "hi"}, {}}, quiet);
    CHECK(silent.stdout_fd() == -1);
    CHECK(silent.wait().success());
}

TEST_CASE("a child dropped unwaited is killed and reaped", "[process]")
{
    pid_t pid;
    {
        Child child = spawn({{"sleep", "30"}, {}});
        pid = child.pid();
        REQUIRE(::kill(pid, 0) == 0);
    }
    CHECK(::kill(pid, 0) == -1);
}

TEST_CASE("a released child runs on, neither killed nor waited for", "[process]")
{
    pid_t pid;
    {
        Child child = spawn({{"sleep", "30"}, {}});
        pid = child.pid();
        child.release();
        CHECK(child.stdout_fd() == -1);
    }
    CHECK(::kill(pid, 0) == 0);
    ::kill(pid, SIGKILL);
    CHECK(::waitpid(pid, nullptr, 0) == pid); // still this process's child to reap
}

TEST_CASE("a child can lead its own process group", "[process]")
{
    SpawnOptions options;
    options.own_process_group = true;
    Child child = spawn({{"sleep", "30"}, {}}, options);
    CHECK(::getpgid(child.pid()) == child.pid());
    Child same = spawn({{"sleep", "30"}, {}});
    CHECK(::getpgid(same.pid()) == ::getpgrp());
}

TEST_CASE("programs are found in the given PATH only", "[process]")
{
    CHECK(find_program("sh", {{"PATH", "/nonexistent:/bin"}}) == "/bin/sh");
    CHECK(find_program("/bin/sh", {}) == "/bin/sh");
    try {
        spawn({{"sbx-no-such-program"}, {}});
        FAIL("spawned a program that does not exist");
    } catch (const sbx::Error& e) {
        CHECK(e.kind() == sbx::ErrorKind::unavailable);
        CHECK(std::string(e.what()).find("sbx-no-such-program") != std::string::npos);
    }
    CHECK_THROWS_AS(find_program("sh", {{"PATH", ""}}), sbx::Error);
    CHECK_THROWS_AS(find_program("/nonexistent/sh", {}), sbx::Error);
    CHECK_THROWS_AS(spawn({{}, {}}), sbx::Error);
}

TEST_CASE("the recording runner records and answers in order", "[process]")
{
    RecordingRunner runner({{"echo", "stand-in"}, {}});
    runner.reply(0, "first\n");
    runner.reply(2, "", "second failed\n");
    Captured one = runner.run({{"tool", "a"}, {{"K", "V"}}});
    Captured two = runner.run({{"tool", "b"}, {}});
    Captured three = runner.run({{"tool", "c"}, {}});
    CHECK(one.out == "first\n");
    CHECK(two.status.code == 2);
    CHECK(two.err == "second failed\n");
    CHECK(three.status.success());

    Child started = runner.start({{"tool", "d"}, {}}, -1);
    CHECK(collect(started).out == "stand-in\n");

    using Argv = std::vector<std::string>;
    CHECK(runner.argvs() == std::vector<Argv>{{"tool", "a"}, {"tool", "b"}, {"tool", "c"}, {"tool", "d"}});
    CHECK(runner.commands().front().env == Environment{{"K", "V"}});
}
