#include "engine/runsc_messages.hpp"

#include <regex>
#include <string>

namespace sbx::engine {

bool is_runsc_lost_sandbox(std::string_view chunk)
{
    // One line, as runsc writes it in one write(); anything more is not runsc's alone.
    static const std::regex message(
        R"(waiting on pid [0-9]+: waiting on PID [0-9]+ in sandbox "[0-9a-f]+": urpc method "containerManager\.WaitPID" failed: [A-Za-z ]+\n?)");
    // Every stderr read of an exec stage comes here: the regex only for what may be it.
    return chunk.size() < 512 && chunk.starts_with("waiting on pid ") && std::regex_match(std::string(chunk), message);
}

} // namespace sbx::engine
