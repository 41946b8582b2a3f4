#include "process/capture.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>

#include "error.hpp"

namespace sbx::process {

Captured collect(Child& child)
{
    Captured result;
    UniqueFd out = child.take_stdout();
    UniqueFd err = child.take_stderr();
    // Both pipes are drained together: a child that fills one while we block on the other
    // would otherwise deadlock with us.
    while (out || err) {
        pollfd fds[2] = {{out.get(), POLLIN, 0}, {err.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
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
