#pragma once
// Reading a run's output back: a page at a time by cursor, or followed live to the end.
#include <functional>
#include <optional>
#include <string>

#include "store/run_store.hpp"

namespace sbx::runner {

struct LogPage {
    std::vector<store::OutputLine> lines;
    std::int64_t next = 1; ///< the cursor to ask for next (one past the last line returned)
    bool more = false;     ///< lines beyond this page exist already
    bool ended = false;    ///< the run has ended: no line will be added after `next`
};

/// "stdout" or "stderr" as a filter, nullopt for "" (both); Error(usage, field "stream") else.
std::optional<store::Stream> stream_filter(const std::string& name);

/// Up to `size` lines with seq >= `from`, of one stream or all. Throws Error(not_found).
LogPage read_page(store::RunStore& runs, std::int64_t id, std::int64_t from, std::size_t size,
                  std::optional<store::Stream> stream = std::nullopt);

/// Hands every line from `from` on to `sink` as it is stored, until the run has ended and
/// everything is read; returns the final record. `sink` returning false stops early.
/// Like follow, a page per poll: `poll` gets the record as read before that page's lines and
/// the page (often empty); the last page has `ended` set. `poll` returning false stops early.
store::RunRecord follow_pages(store::RunStore& runs, std::int64_t id, std::int64_t from,
                              std::optional<store::Stream> stream,
                              const std::function<bool(const store::RunRecord&, const LogPage&)>& poll);

store::RunRecord follow(store::RunStore& runs, std::int64_t id, std::int64_t from, std::optional<store::Stream> stream,
                        const std::function<bool(const store::OutputLine&)>& sink);

} // namespace sbx::runner
