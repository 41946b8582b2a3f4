#include "account/admission.hpp"

#include <string>

#include "error.hpp"

namespace sbx::account {

void check_runs_per_hour(std::int64_t started, std::uint32_t per_hour)
{
    if (started >= per_hour)
        throw Error(ErrorKind::limit,
                    "you started " + std::to_string(per_hour) +
                        " runs in the last hour, as many as your quota allows; try again later",
                    "runs_per_hour");
}

void check_concurrent(std::int64_t going, std::uint32_t max_runs)
{
    if (going >= max_runs)
        throw Error(ErrorKind::limit,
                    "you have " + std::to_string(going) +
                        " runs going, as many as your quota allows; wait for one to end or cancel one",
                    "max_concurrent_runs");
}

bool fits(const store::AdmittedUsage& used, std::int64_t memory_bytes, double cpus, const Admission& admission)
{
    // CPUs are fractions (0.25 + 0.5 ...): a sum that equals the quota must fit.
    constexpr double epsilon = 1e-9;
    return used.runs < static_cast<std::int64_t>(admission.max_runs) &&
           used.memory_bytes + memory_bytes <= admission.max_memory_bytes &&
           used.cpus + cpus <= admission.max_cpus + epsilon;
}

AdmitResult admit(store::RunStore& runs, std::int64_t id, const Admission& admission)
{
    AdmitResult result = AdmitResult::wait;
    runs.in_transaction("admit a run", [&] {
        store::RunRecord run = runs.get(id);
        if (store::is_final(run.status))
            result = AdmitResult::ended;
        else if (run.admitted)
            result = AdmitResult::admitted;
        else if (fits(runs.admitted_usage(run.user_id), run.memory_bytes, run.cpus, admission)) {
            runs.mark_admitted(id);
            result = AdmitResult::admitted;
        }
    });
    return result;
}

} // namespace sbx::account
