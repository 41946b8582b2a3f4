#include "runner/output_recorder.hpp"

#include "config/units.hpp"

namespace sbx::runner {

OutputRecorder::OutputRecorder(std::uint64_t cap, BatchSink batch, LiveSink live)
    : cap_(cap), batch_(std::move(batch)), live_(std::move(live))
{
}

bool OutputRecorder::feed(store::Stream stream, std::string_view bytes)
{
    if (truncated_)
        return false;
    if (total_ + bytes.size() > cap_) {
        bytes = bytes.substr(0, cap_ - total_);
        truncated_ = true;
    }
    total_ += bytes.size();
    pending_bytes_ += static_cast<std::int64_t>(bytes.size());
    if (live_ && !bytes.empty()) {
        live_(stream, bytes);
        live_at_line_start_ = bytes.back() == '\n';
    }

    std::string& partial = partial_[stream == store::Stream::err ? 1 : 0];
    for (std::size_t newline; (newline = bytes.find('\n')) != std::string_view::npos;) {
        partial.append(bytes.substr(0, newline));
        add_row(stream, std::move(partial), true);
        partial.clear();
        bytes.remove_prefix(newline + 1);
    }
    partial.append(bytes);
    while (partial.size() >= max_row_bytes) {
        add_row(stream, partial.substr(0, max_row_bytes), false);
        partial.erase(0, max_row_bytes);
    }

    if (truncated_) {
        for (auto s : {store::Stream::out, store::Stream::err}) {
            std::string& tail = partial_[s == store::Stream::err ? 1 : 0];
            if (!tail.empty())
                add_row(s, std::move(tail), false);
            tail.clear();
        }
        std::string marker =
            "[sbx: output cut here: the run reached its output limit of " + config::format_bytes(cap_) + " bytes]";
        if (live_)
            live_(store::Stream::sbx, (live_at_line_start_ ? "" : "\n") + marker + "\n");
        add_row(store::Stream::sbx, std::move(marker), true);
        flush();
        return false;
    }
    if (pending_bytes_ >= static_cast<std::int64_t>(flush_bytes))
        flush();
    return true;
}

void OutputRecorder::flush_if_due()
{
    if (!pending_.empty() && std::chrono::steady_clock::now() - last_flush_ >= flush_interval)
        flush();
}

void OutputRecorder::finish()
{
    for (auto s : {store::Stream::out, store::Stream::err}) {
        std::string& tail = partial_[s == store::Stream::err ? 1 : 0];
        if (!tail.empty())
            add_row(s, std::move(tail), false);
        tail.clear();
    }
    flush();
}

void OutputRecorder::add_row(store::Stream stream, std::string data, bool eol)
{
    pending_.push_back({next_seq_++, stream, std::move(data), eol});
}

void OutputRecorder::flush()
{
    last_flush_ = std::chrono::steady_clock::now();
    if (pending_.empty() && pending_bytes_ == 0)
        return;
    batch_(pending_, pending_bytes_);
    pending_.clear();
    pending_bytes_ = 0;
}

} // namespace sbx::runner
