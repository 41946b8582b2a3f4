// sbx-logs: a run's output, a page at a time or followed live until the run ends.
#include <cstring>
#include <unistd.h>

#include <iostream>

#include "cli/session.hpp"
#include "error.hpp"
#include "project/access.hpp"
#include "runner/run_json.hpp"
#include "runner/run_logs.hpp"

namespace {

namespace cli = sbx::cli;
namespace store = sbx::store;

const char* usage = "usage: sbx logs RUN [--as USER] [--from SEQ] [--size N] [--follow] [--stream stdout|stderr]\n"
                    "                [--format text|json]\n";

void write_line(const store::OutputLine& line)
{
    // sbx's own lines (the cut marker) start on a line of their own.
    static bool at_line_start = true;
    std::string bytes = line.stream == store::Stream::sbx && !at_line_start ? "\n" + line.data : line.data;
    at_line_start = line.eol;
    if (line.eol)
        bytes += '\n';
    int fd = line.stream == store::Stream::out ? STDOUT_FILENO : STDERR_FILENO;
    for (std::string_view rest = bytes; !rest.empty();) {
        ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw sbx::Error(sbx::ErrorKind::unavailable, std::string("cannot write output: ") + std::strerror(errno));
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

int logs(int argc, char** argv)
{
    cli::CommonOptions common;
    std::int64_t from = 1;
    std::int64_t size = 1000;
    bool follow = false;
    std::string stream_name;
    cli::po::options_description options("options");
    options.add_options()("from", cli::po::value(&from), "first line number (default 1)")(
        "size", cli::po::value(&size), "lines per page (default 1000)")("follow,f", cli::po::bool_switch(&follow),
                                                                        "stream new lines until the run ends")(
        "stream", cli::po::value(&stream_name), "only stdout or only stderr");
    cli::add_actor_option(options, common);
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    auto args = *parsed;
    if (args.size() != 1)
        throw sbx::Error(sbx::ErrorKind::usage, args.empty() ? "which run? give its id" : "one run at a time");
    auto stream = sbx::runner::stream_filter(stream_name);
    if (from < 1 || size < 1)
        throw sbx::Error(sbx::ErrorKind::usage, "--from and --size must be at least 1");
    auto page_size = static_cast<std::size_t>(size);

    cli::Session session(common);
    store::RunStore runs(session.db());
    std::int64_t id = cli::parse_run_id(args[0]);
    sbx::project::find_run(session.db(), session.actor(), id);
    if (follow) {
        store::RunRecord run = sbx::runner::follow(runs, id, from, stream, [&](const store::OutputLine& line) {
            if (common.json())
                std::cout << sbx::runner::output_line_json(line).dump() << std::endl;
            else
                write_line(line);
            return true;
        });
        if (!common.json())
            cli::explain_run(run);
        return cli::run_exit_status(run);
    }
    auto page = sbx::runner::read_page(runs, id, from, page_size, stream);
    if (common.json()) {
        auto lines = nlohmann::json::array();
        for (const auto& line : page.lines)
            lines.push_back(sbx::runner::output_line_json(line));
        cli::print_json({{"run", id},
                         {"lines", lines},
                         {"next", page.ended ? nlohmann::json(nullptr) : nlohmann::json(page.next)},
                         {"ended", page.ended}});
        return 0;
    }
    for (const auto& line : page.lines)
        write_line(line);
    if (page.more)
        std::cerr << "sbx: more lines follow: sbx logs " << id << " --from " << page.next << '\n';
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-logs", [&] { return logs(argc, argv); });
}
