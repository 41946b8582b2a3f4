#pragma once
// What runsc itself writes into a sandbox's output streams, to be told from the program's.
#include <string_view>

namespace sbx::engine {

/// True when `chunk` (one read from an exec stage's stderr) is exactly runsc's own report
/// that the sandbox died under the exec ("waiting on pid 8: ... urpc method
/// \"containerManager.WaitPID\" failed: EOF"): gVisor's internals, not the program's output.
bool is_runsc_lost_sandbox(std::string_view chunk);

} // namespace sbx::engine
