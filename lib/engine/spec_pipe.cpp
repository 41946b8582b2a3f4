#include "engine/spec_pipe.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "error.hpp"
#include "process/fd.hpp"

namespace sbx::engine {

namespace {

[[noreturn]] void fail(const std::string& what, int error)
{
    throw Error(ErrorKind::internal, what + ": " + std::strerror(error));
}

// The reader may die between opening the pipe and reading it: that must cost an EPIPE
// here, not a SIGPIPE that ends a process which does not ignore it.
class SigpipeBlocked {
  public:
    SigpipeBlocked()
    {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeBlocked()
    {
        if (raised_ && !sigismember(&old_, SIGPIPE)) {
            timespec now{};
            while (::sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;
    void raised() noexcept { raised_ = true; }

  private:
    sigset_t pipe_;
    sigset_t old_;
    bool raised_ = false;
};

} // namespace

SpecPipe::SpecPipe(const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (!ec)
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    if (ec)
        throw Error(ErrorKind::internal, "cannot make " + dir.string() + ": " + ec.message());
    static std::atomic<unsigned> serial{0};
    std::random_device random;
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::filesystem::path path = dir / ("spec-" + std::to_string(::getpid()) + "-" + std::to_string(++serial) +
                                            "-" + std::to_string(random()));
        if (::mkfifo(path.c_str(), 0600) == 0) {
            path_ = std::move(path);
            return;
        }
        if (errno != EEXIST)
            fail("mkfifo " + path.string(), errno);
    }
    throw Error(ErrorKind::internal, "cannot make a fresh pipe in " + dir.string());
}

SpecPipe::~SpecPipe()
{
    ::unlink(path_.c_str());
}

bool SpecPipe::hand_over(const std::string& text, process::Child& reader, std::chrono::milliseconds timeout)
{
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + timeout;
    const auto too_late = [&] {
        return Error(ErrorKind::unavailable, "the process given " + path_.string() + " did not read it within " +
                                                 std::to_string(timeout.count()) + " ms");
    };
    // A non-blocking open for writing fails (ENXIO) until the reader has opened its end;
    // blocking would hang for good on a reader that fails before it gets there.
    process::UniqueFd fd;
    while (!fd) {
        fd.reset(::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
        if (fd)
            break;
        if (errno != ENXIO && errno != EINTR)
            fail("open " + path_.string(), errno);
        if (reader.try_wait())
            return false;
        if (clock::now() >= deadline)
            throw too_late();
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    SigpipeBlocked blocked;
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EPIPE) {
            blocked.raised();
            return false;
        }
        if (errno != EAGAIN)
            fail("write " + path_.string(), errno);
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        pollfd out{fd.get(), POLLOUT, 0};
        if (left <= 0 || ::poll(&out, 1, static_cast<int>(left)) == 0)
            throw too_late();
    }
    return true;
}

} // namespace sbx::engine
