#include "runner/stage_pump.hpp"

#include <poll.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/runsc_messages.hpp"
#include "error.hpp"

namespace sbx::runner {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// What the kill threads of one stage share with it.
struct KillState {
    std::atomic<bool> in_flight{false};
    std::mutex mutex;
    std::string error; // the last failure, under mutex
};

} // namespace

StageOutcome pump_stage(process::Child& child, milliseconds limit, OutputRecorder& recorder,
                        const StageSandbox& sandbox, const PumpTimers& timers)
{
    StageOutcome outcome;
    const auto start = steady_clock::now();
    const auto deadline = start + limit;
    auto next_check = start + timers.check;
    std::optional<steady_clock::time_point> killed_at;
    auto empty_since = steady_clock::time_point::max(); // max: the sandbox has processes
    auto last_kill = start;
    // Kills run beside this loop, which must keep draining the sandbox's output: a
    // flooding program blocks on a full pipe, and docker's kill then waits for it forever.
    // The engine may also fail a kill while the sandbox starts or exits (podman: "timed out
    // waiting for file .../exits/..."), so kills are retried until the CLI ends.
    auto kills = std::make_shared<KillState>();
    auto kill_sandbox = [&] {
        last_kill = steady_clock::now();
        if (kills->in_flight.exchange(true))
            return;
        std::thread([kills, kill = sandbox.kill] {
            try {
                kill();
            } catch (const Error& e) {
                std::lock_guard lock(kills->mutex);
                kills->error = e.what();
            }
            kills->in_flight = false;
        }).detach();
    };
    auto kill = [&](StageEnd why) {
        if (killed_at)
            return;
        outcome.why = why;
        killed_at = steady_clock::now();
        kill_sandbox();
    };

    process::UniqueFd fds[2] = {child.take_stdout(), child.take_stderr()};
    const store::Stream streams[2] = {store::Stream::out, store::Stream::err};
    std::string buffer;
    // Until the CLI has ended, not just its output: docker's CLI may close its streams and
    // then wait on a daemon that is still killing the sandbox, and the limits must still
    // hold while it does.
    std::optional<process::ExitStatus> ended;
    for (;;) {
        if (!fds[0] && !fds[1] && (ended = child.try_wait()))
            break;
        pollfd polled[2];
        nfds_t count = 0;
        int index_of[2] = {-1, -1};
        for (int i = 0; i < 2; ++i)
            if (fds[i]) {
                index_of[count] = i;
                polled[count++] = {fds[i].get(), POLLIN, 0};
            }
        // With the output closed, only the CLI's exit is awaited: look again soon.
        const int timeout_ms = count ? static_cast<int>(timers.poll.count()) : 2;
        if (::poll(polled, count, timeout_ms) < 0 && errno != EINTR)
            throw Error(ErrorKind::internal, std::string("poll: ") + std::strerror(errno));
        for (nfds_t p = 0; p < count; ++p) {
            if (!(polled[p].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int i = index_of[p];
            buffer.clear();
            process::ReadResult read = process::read_some(fds[i].get(), buffer);
            if (read == process::ReadResult::eof) {
                fds[i].reset();
                continue;
            }
            if (read != process::ReadResult::data)
                continue;
            // runsc's own report that the sandbox died under the exec is not the program's
            // output; the stage's end (sandbox gone, or runsc's 128) says what happened.
            if (sandbox.exec && streams[i] == store::Stream::err && engine::is_runsc_lost_sandbox(buffer))
                continue;
            if (!recorder.feed(streams[i], buffer))
                kill(StageEnd::output_full);
        }
        recorder.flush_if_due();

        auto now = steady_clock::now();
        if (now >= deadline)
            kill(StageEnd::timed_out);
        if (!killed_at && sandbox.near_task_backstop && sandbox.near_task_backstop())
            kill(StageEnd::process_limit);
        if (now >= next_check && !killed_at) {
            next_check = now + timers.check;
            if (!sandbox.exec || !sandbox.processes || sandbox.processes() != 0)
                empty_since = steady_clock::time_point::max();
            else if (empty_since == steady_clock::time_point::max())
                empty_since = now;
            if (now - empty_since >= timers.sandbox_gone_after) {
                // Nothing is left to kill: only the CLI still waits.
                outcome.why = StageEnd::sandbox_gone;
                killed_at = now;
                child.kill(SIGKILL);
            } else if (sandbox.cancel_requested && sandbox.cancel_requested()) {
                kill(StageEnd::cancelled);
            }
        }
        if (killed_at) {
            // A sandbox still being created when killed is killed again once it exists.
            if (now - last_kill >= timers.kill_retry) {
                kill_sandbox();
                if (sandbox.kill_processes && now - *killed_at >= timers.kill_backstop)
                    sandbox.kill_processes();
            }
            if (now - *killed_at >= timers.engine_grace) {
                child.kill(SIGKILL);
                std::lock_guard lock(kills->mutex);
                if (!kills->error.empty())
                    throw Error(ErrorKind::unavailable, "cannot stop the sandbox: " + kills->error);
            }
        }
    }
    outcome.status = *ended;
    outcome.wall = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
    return outcome;
}

} // namespace sbx::runner
