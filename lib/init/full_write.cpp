#include "init/full_write.hpp"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace sbx::init {

int write_all(int fd, const char* data, std::size_t size) noexcept
{
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd writable{fd, POLLOUT, 0};
            if (::poll(&writable, 1, -1) < 0 && errno != EINTR)
                return errno;
        } else if (n < 0 && errno != EINTR) {
            return errno;
        }
    }
    return 0;
}

} // namespace sbx::init
