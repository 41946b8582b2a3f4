#include "process/capture.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>

#include <algorithm>
#include <csignal>
#include <optional>

#include "error.hpp"

namespace sbx::process {

namespace {

// `limit` none: no limit.
Captured collect_until(Child& child, std::optional<std::chrono::milliseconds> limit)
{
    using clock = std::chrono::steady_clock;
    const auto deadline = limit ? clock::now() + *limit : clock::time_point::max();
    Captured result;
    UniqueFd out = child.take_stdout();
    UniqueFd err = child.take_stderr();
    // Both pipes are drained together: a child that fills one while we block on the other
    // would otherwise deadlock with us.
    while (out || err) {
        pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
        int timeout_ms = -1;
        if (limit) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
            if (left <= 0) {
                // Its pipes may be held by grandchildren: stop reading, not only the child.
                child.kill(SIGKILL);
                result.timed_out = true;
                break;
            }
            timeout_ms = static_cast<int>(std::min<long long>(left, 1000));
        }
        if (::poll(fds, 2, timeout_ms) < 0) {
            if (errno == EINTR)
                continue;
            throw Error(ErrorKind::internal, std::string("poll: ") + std::strerror(errno));
        }
        auto drain = [](UniqueFd& fd, short revents, std::string& into) {
            if (!fd || revents == 0)
                return;
            ReadResult r;
            while ((r = read_some(fd.get(), into)) == ReadResult::data) {
            }
            if (r == ReadResult::eof)
                fd.reset();
        };
        drain(out, fds[0].revents, result.out);
        drain(err, fds[1].revents, result.err);
    }
    result.status = child.wait();
    return result;
}

} // namespace

Captured collect(Child& child)
{
    return collect_until(child, std::nullopt);
}

Captured collect(Child& child, std::chrono::milliseconds limit)
{
    return collect_until(child, limit);
}

Captured run_capture(const Command& command)
{
    Child child = spawn(command);
    return collect(child);
}

Captured run_capture(const std::vector<std::string>& argv, const Environment& env)
{
    return run_capture(Command{argv, env});
}

} // namespace sbx::process
