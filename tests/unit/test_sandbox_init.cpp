// sbx-init's parts, on the host kernel: the full-write loop against a non-blocking pipe
// (where short writes and EAGAIN are real), the relay of a program's output, its exit
// status, and the syscall filter in a child process.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <future>
#include <string>

#include "init/full_write.hpp"
#include "init/program.hpp"
#include "init/seed.hpp"
#include "init/syscall_filter.hpp"
#include "temp_dir.hpp"

using namespace sbx;
using sbx::test::TempDir;

namespace {

struct Pipe {
    int read = -1, write = -1;
    Pipe()
    {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        read = fds[0];
        write = fds[1];
    }
    ~Pipe()
    {
        close_read();
        close_write();
    }
    void close_read()
    {
        if (read >= 0)
            ::close(read);
        read = -1;
    }
    void close_write()
    {
        if (write >= 0)
            ::close(write);
        write = -1;
    }
};

std::string read_to_end(int fd)
{
    std::string all;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        REQUIRE(n > 0);
        all.append(buffer, static_cast<std::size_t>(n));
    }
    return all;
}

struct Ran {
    int status;
    std::string out, err;
    std::chrono::steady_clock::duration took; // until run_program returned
};

Ran run(std::vector<std::string> argv)
{
    Pipe out, err;
    init::ProgramOptions options;
    options.argv = std::move(argv);
    options.filter_syscalls = false;
    options.stdout_fd = out.write;
    options.stderr_fd = err.write;
    // As in sbx-init, which has no other thread: a SIGCHLD taken by the readers would be lost.
    sigset_t handled, old;
    sigemptyset(&handled);
    sigaddset(&handled, SIGCHLD);
    ::pthread_sigmask(SIG_BLOCK, &handled, &old);
    auto start = std::chrono::steady_clock::now();
    auto out_text = std::async(std::launch::async, [&] { return read_to_end(out.read); });
    auto err_text = std::async(std::launch::async, [&] { return read_to_end(err.read); });
    int status = init::run_program(options);
    auto took = std::chrono::steady_clock::now() - start;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    out.close_write();
    err.close_write();
    return {status, out_text.get(), err_text.get(), took};
}

} // namespace

TEST_CASE("write_all delivers every byte through a non-blocking pipe that takes a piece at a time", "[init]")
{
    Pipe pipe;
    ::fcntl(pipe.write, F_SETFL, O_NONBLOCK);
    const std::string data(8'000'000, 'x');
    auto received = std::async(std::launch::async, [&] { return read_to_end(pipe.read); });
    CHECK(init::write_all(pipe.write, data.data(), data.size()) == 0);
    pipe.close_write();
    CHECK(received.get() == data);

    Pipe gone;
    gone.close_read();
    ::signal(SIGPIPE, SIG_IGN);
    CHECK(init::write_all(gone.write, data.data(), data.size()) == EPIPE);
}

TEST_CASE("run_program relays both streams whole and ends with the program's status", "[init]")
{
    auto ran = run({"sh", "-c", "head -c 3000000 /dev/zero; head -c 200000 /dev/zero >&2; exit 7"});
    CHECK(ran.status == 7);
    CHECK(ran.out.size() == 3'000'000);
    CHECK(ran.err.size() == 200'000);

    CHECK(run({"sh", "-c", "kill -9 $$"}).status == 137);

    auto missing = run({"/nonexistent/program"});
    CHECK(missing.status == 127);
    CHECK_THAT(missing.err, Catch::Matchers::Contains("cannot run '/nonexistent/program'"));
}

TEST_CASE("run_program ends when the program does, though its background child holds the pipe", "[init]")
{
    auto ran = run({"sh", "-c", "sleep 4 & echo started; exit 3"});
    CHECK(ran.status == 3);
    CHECK(ran.out == "started\n");
    CHECK(ran.took < std::chrono::seconds(2));
}

TEST_CASE("the syscall filter refuses namespaces, chroot and keyrings, and leaves fork alone", "[init]")
{
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Bit n of the exit code: check n failed.
        int failed = 0;
        try {
            init::apply_syscall_filter();
        } catch (...) {
            ::_exit(255);
        }
        auto refused = [](long rc, int expected) { return rc == -1 && errno == expected; };
        failed |= refused(::unshare(CLONE_NEWUSER), EPERM) ? 0 : 1;
        failed |= refused(::syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0), EPERM) ? 0 : 2;
        failed |= refused(::chroot("/"), EPERM) ? 0 : 4;
        failed |= refused(::syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM) ? 0 : 8;
        failed |= refused(::syscall(SYS_clone3, 0, 0), ENOSYS) ? 0 : 16;
        pid_t grandchild = ::fork();
        if (grandchild == 0)
            ::_exit(0);
        failed |= grandchild > 0 && ::waitpid(grandchild, nullptr, 0) == grandchild ? 0 : 32;
        ::_exit(failed);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("seed_tree copies the snapshot's directories and files into the work dir", "[init]")
{
    TempDir from, to;
    from.write("main.py", "print(1)\n");
    from.write("pkg/sub/-x.py", "x = 1\n");
    init::seed_tree(from.path(), to.path());
    CHECK(std::filesystem::file_size(to.path() / "main.py") == 9);
    CHECK(std::filesystem::is_regular_file(to.path() / "pkg" / "sub" / "-x.py"));
    CHECK_THROWS_AS(init::seed_tree(from.path() / "missing", to.path()), std::filesystem::filesystem_error);
}
