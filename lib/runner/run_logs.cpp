#include "runner/run_logs.hpp"

#include <thread>

namespace sbx::runner {
namespace {

constexpr std::chrono::milliseconds follow_poll{100};
constexpr std::size_t follow_batch = 1000;

} // namespace

LogPage read_page(store::RunStore& runs, std::int64_t id, std::int64_t from, std::size_t size,
                  std::optional<store::Stream> stream)
{
    // Read the status first: a run that had ended then has all its lines stored.
    bool ended = store::is_final(runs.get(id).status);
    LogPage page;
    page.lines = runs.read_output(id, from, size + 1, stream);
    page.more = page.lines.size() > size;
    if (page.more)
        page.lines.pop_back();
    page.next = page.lines.empty() ? from : page.lines.back().seq + 1;
    page.ended = ended && !page.more;
    return page;
}

store::RunRecord follow(store::RunStore& runs, std::int64_t id, std::int64_t from, std::optional<store::Stream> stream,
                        const std::function<bool(const store::OutputLine&)>& sink)
{
    for (;;) {
        LogPage page = read_page(runs, id, from, follow_batch, stream);
        for (const auto& line : page.lines)
            if (!sink(line))
                return runs.get(id);
        from = page.next;
        if (page.ended)
            return runs.get(id);
        if (!page.more)
            std::this_thread::sleep_for(follow_poll);
    }
}

} // namespace sbx::runner
