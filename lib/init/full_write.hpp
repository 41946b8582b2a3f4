#pragma once
// Writing a whole buffer to a descriptor that may take it a piece at a time. Inside
// gVisor a write to the sandbox's stdout (a host pipe) stops at the pipe's free space and
// returns short, though the descriptor is blocking: a program that trusts one write()
// loses the rest. sbx-init relays every program's output through this loop.
#include <cstddef>

namespace sbx::init {

/// Writes all `size` bytes, resuming after short writes and waiting (poll) when the
/// descriptor is non-blocking and full. Returns 0, or the errno that stopped it (EPIPE
/// when the reader is gone).
int write_all(int fd, const char* data, std::size_t size) noexcept;

} // namespace sbx::init
