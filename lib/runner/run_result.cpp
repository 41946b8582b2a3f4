#include "runner/run_result.hpp"

#include <thread>

namespace sbx::runner {
namespace {

// An answer comes as soon as the run ends: a look at one row is cheap, a late answer is not.
constexpr std::chrono::milliseconds poll_interval{10};
constexpr std::size_t page_size = 1000;

// Appends what fits under the cap; false once something did not.
bool append_capped(std::string& text, const std::string& piece, std::size_t cap)
{
    if (text.size() + piece.size() <= cap) {
        text += piece;
        return true;
    }
    text.append(piece, 0, cap - text.size());
    return false;
}

} // namespace

CollectedOutput collect_output(store::RunStore& runs, const store::RunRecord& record, std::size_t cap)
{
    CollectedOutput out;
    out.truncated = record.status == store::RunStatus::output_limit;
    std::int64_t from = 1;
    bool full = false;
    while (!full) {
        auto lines = runs.read_output(record.id, from, page_size);
        for (const auto& line : lines) {
            from = line.seq + 1;
            if (line.stream == store::Stream::sbx)
                continue;
            std::string piece = line.eol ? line.data + "\n" : line.data;
            auto& own = line.stream == store::Stream::out ? out.stdout_text : out.stderr_text;
            bool fits = append_capped(own, piece, cap);
            fits = append_capped(out.output, piece, cap) && fits;
            if (!fits)
                out.truncated = true;
            // Both streams' texts full: nothing more can be added to any of them.
            full = out.stdout_text.size() >= cap && out.stderr_text.size() >= cap;
        }
        if (lines.size() < page_size)
            break;
    }
    return out;
}

RunResult wait_for_result(store::Database& db, std::int64_t run_id, std::chrono::milliseconds wait, std::size_t cap)
{
    store::RunStore runs(db);
    RunResult result{runs.get(run_id), false, {}};
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (!store::is_final(result.record.status) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(poll_interval);
        result.record = runs.get(run_id);
    }
    result.ended = store::is_final(result.record.status);
    if (result.ended)
        result.output = collect_output(runs, result.record, cap);
    return result;
}

} // namespace sbx::runner
