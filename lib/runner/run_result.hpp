#pragma once
// A run's end and its output in one piece, for answers that carry the output inline:
// `POST /api/v1/runs?wait=` and the compatible APIs (Piston, codapi).
#include <chrono>
#include <cstdint>
#include <string>

#include "store/run_store.hpp"

namespace sbx::runner {

/// What a run printed, each text cut at the cap given.
struct CollectedOutput {
    std::string stdout_text;
    std::string stderr_text;
    std::string output;     ///< stdout and stderr interleaved, in the order the lines came
    bool truncated = false; ///< a text was cut here, or the run's own output cap cut it
};

struct RunResult {
    store::RunRecord record;
    bool ended = false;     ///< false: `wait` passed first; `output` is what came so far
    CollectedOutput output; ///< empty unless collected
};

/// Waits up to `wait` for the run to end (a supervisor drives it meanwhile) and then
/// reads its output, each text at most `cap` bytes. Lines sbx adds itself (the marker of
/// a cut) are left out; `truncated` says so instead. Throws what RunStore throws.
RunResult wait_for_result(store::Database& db, std::int64_t run_id, std::chrono::milliseconds wait, std::size_t cap);

/// The output of a run as it stands, each text at most `cap` bytes.
CollectedOutput collect_output(store::RunStore& runs, const store::RunRecord& record, std::size_t cap);

} // namespace sbx::runner
