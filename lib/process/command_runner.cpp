#include "process/command_runner.hpp"

namespace sbx::process {

Captured RealRunner::run(const Command& command)
{
    SpawnOptions options;
    options.own_process_group = true;
    Child child = spawn(command, options);
    return collect(child);
}

Child RealRunner::start(const Command& command, int stdin_fd)
{
    SpawnOptions options;
    options.stdin_fd = stdin_fd;
    options.own_process_group = true;
    return spawn(command, options);
}

RecordingRunner::RecordingRunner(Command stand_in) : stand_in_(std::move(stand_in)) {}

void RecordingRunner::reply(int exit_code, std::string out, std::string err)
{
    replies_.push_back(Captured{ExitStatus{exit_code, 0}, std::move(out), std::move(err)});
}

Captured RecordingRunner::run(const Command& command)
{
    commands_.push_back(command);
    if (replies_.empty())
        return {};
    Captured next = std::move(replies_.front());
    replies_.pop_front();
    return next;
}

Child RecordingRunner::start(const Command& command, int stdin_fd)
{
    commands_.push_back(command);
    SpawnOptions options;
    options.stdin_fd = stdin_fd;
    return spawn(stand_in_, options);
}

std::vector<std::vector<std::string>> RecordingRunner::argvs() const
{
    std::vector<std::vector<std::string>> all;
    for (const auto& command : commands_)
        all.push_back(command.argv);
    return all;
}

} // namespace sbx::process
