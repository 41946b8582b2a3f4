#include "runner/run_logs.hpp"

#include <thread>

#include "error.hpp"

namespace sbx::runner {
namespace {

constexpr std::chrono::milliseconds follow_poll{100};
constexpr std::size_t follow_batch = 1000;

// The page after `record` was read: a run that had ended then has all its lines stored.
LogPage page_after(store::RunStore& runs, const store::RunRecord& record, std::int64_t from, std::size_t size,
                   std::optional<store::Stream> stream)
{
    LogPage page;
    page.lines = runs.read_output(record.id, from, size + 1, stream);
    page.more = page.lines.size() > size;
    if (page.more)
        page.lines.pop_back();
    page.next = page.lines.empty() ? from : page.lines.back().seq + 1;
    page.ended = store::is_final(record.status) && !page.more;
    return page;
}

} // namespace

std::optional<store::Stream> stream_filter(const std::string& name)
{
    if (name.empty())
        return std::nullopt;
    if (name == "stdout")
        return store::Stream::out;
    if (name == "stderr")
        return store::Stream::err;
    throw Error(ErrorKind::usage, "the stream must be stdout or stderr", "stream");
}

LogPage read_page(store::RunStore& runs, std::int64_t id, std::int64_t from, std::size_t size,
                  std::optional<store::Stream> stream)
{
    return page_after(runs, runs.get(id), from, size, stream);
}

store::RunRecord follow_pages(store::RunStore& runs, std::int64_t id, std::int64_t from,
                              std::optional<store::Stream> stream,
                              const std::function<bool(const store::RunRecord&, const LogPage&)>& poll)
{
    for (;;) {
        auto record = runs.get(id);
        LogPage page = page_after(runs, record, from, follow_batch, stream);
        if (!poll(record, page) || page.ended)
            return record;
        from = page.next;
        if (!page.more)
            std::this_thread::sleep_for(follow_poll);
    }
}

store::RunRecord follow(store::RunStore& runs, std::int64_t id, std::int64_t from, std::optional<store::Stream> stream,
                        const std::function<bool(const store::OutputLine&)>& sink)
{
    return follow_pages(runs, id, from, stream, [&](const store::RunRecord&, const LogPage& page) {
        for (const auto& line : page.lines)
            if (!sink(line))
                return false;
        return true;
    });
}

} // namespace sbx::runner
