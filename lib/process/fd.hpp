#pragma once
// An owned file descriptor, and the pipes a parent uses to talk to its children.
#include <string>

namespace sbx::process {

/// Owns one file descriptor and closes it on destruction; move-only.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Gives up ownership without closing.
    int release() noexcept;
    /// Closes the descriptor held, if any, and takes `fd` instead.
    void reset(int fd = -1) noexcept;

  private:
    int fd_ = -1;
};

/// Both ends of a pipe, close-on-exec.
struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

/// Creates a close-on-exec pipe; throws Error(internal) on failure.
Pipe make_pipe();

/// Puts `fd` into non-blocking mode; throws Error(internal) on failure.
void set_nonblocking(int fd);

/// What one non-blocking read found.
enum class ReadResult {
    data,        ///< bytes were appended
    would_block, ///< nothing available yet; poll for POLLIN and try again
    eof,         ///< the writer closed its end
};

/// Appends what one read(2) of `fd` returns to `into`; retries on EINTR.
/// Throws Error(internal) on a read error.
ReadResult read_some(int fd, std::string& into);

} // namespace sbx::process
