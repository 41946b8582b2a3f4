#pragma once
// The life of one run, from slot to record: the supervisor waits for its admission and a
// host slot, takes a pooled sandbox or makes one, runs the compile and run stages under
// sbx's own timers (stage_pump), ends the run with one status (outcome) and removes what
// the run made.
#include <cstdint>

#include "runner/output_recorder.hpp"
#include "runner/run_service.hpp"
#include "store/run_store.hpp"

namespace sbx::runner {

/// Runs a submitted run to its end in this process and returns the final record. `live`
/// receives output as it comes (the foreground CLI's terminal). Throws Error(conflict)
/// when another process already supervises the run.
store::RunRecord supervise(app::AppContext& context, std::int64_t run_id, const OutputRecorder::LiveSink& live = {});

} // namespace sbx::runner
