#pragma once
// Turns the bytes a run writes into numbered lines, keeps at most the output cap, and
// hands lines to a sink in batches (the store) and bytes to a live sink (a terminal).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/run_store.hpp"

namespace sbx::runner {

class OutputRecorder {
  public:
    using BatchSink = std::function<void(const std::vector<store::OutputLine>& lines, std::int64_t bytes)>;
    using LiveSink = std::function<void(store::Stream stream, std::string_view bytes)>;

    /// Longest row stored; a longer line is stored as several rows with eol=false.
    static constexpr std::size_t max_row_bytes = std::size_t{64} * 1024;
    /// Lines are held at most this long, or this many bytes, before going to the batch sink.
    static constexpr std::chrono::milliseconds flush_interval{100};
    static constexpr std::size_t flush_bytes = std::size_t{256} * 1024;

    OutputRecorder(std::uint64_t cap, BatchSink batch, LiveSink live = {});

    /// Takes bytes as they were read. Returns false once the cap has been reached: the
    /// caller should stop the run; later input is ignored.
    bool feed(store::Stream stream, std::string_view bytes);
    /// Sends held lines to the batch sink if they are due (call on every wake-up).
    void flush_if_due();
    /// Ends unterminated lines (eol=false) and flushes everything.
    void finish();

    bool truncated() const noexcept { return truncated_; }
    std::uint64_t bytes() const noexcept { return total_; }

  private:
    void add_row(store::Stream stream, std::string data, bool eol);
    void flush();

    std::uint64_t cap_;
    BatchSink batch_;
    LiveSink live_;
    std::uint64_t total_ = 0;
    bool truncated_ = false;
    std::int64_t next_seq_ = 1;
    bool live_at_line_start_ = true;
    std::string partial_[2]; // unterminated tail of stdout and stderr
    std::vector<store::OutputLine> pending_;
    std::int64_t pending_bytes_ = 0;
    std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

} // namespace sbx::runner
