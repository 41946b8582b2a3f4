#include "runner/run_json.hpp"

#include <openssl/evp.h>
#include <sodium.h>

namespace sbx::runner {
namespace {

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value)
{
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& text)
{
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

} // namespace

nlohmann::json run_json(store::RunStore& runs, const store::RunRecord& run)
{
    const bool queued = run.status == store::RunStatus::queued;
    return {
        {"queue_position", queued ? nlohmann::json(runs.queue_position(run.id)) : nlohmann::json(nullptr)},
        {"id", run.id},
        {"project_id", optional_json(run.project_id)},
        {"user_id", optional_json(run.user_id)},
        {"runtime", run.runtime},
        {"engine", run.engine},
        {"oci_runtime", text_or_null(run.oci_runtime)},
        {"pooled", run.pooled},
        {"pool_miss", text_or_null(run.pool_miss)},
        {"sandbox", text_or_null(run.container)},
        {"via", run.via},
        {"status", store::status_name(run.status)},
        {"stage", text_or_null(run.stage)},
        {"reason", text_or_null(run.reason)},
        {"exit_code", optional_json(run.exit_code)},
        {"signal", optional_json(run.signal)},
        {"created_at", run.created_at},
        {"started_at", text_or_null(run.started_at)},
        {"finished_at", text_or_null(run.finished_at)},
        {"wall_ms", optional_json(run.wall_ms)},
        {"cpu_ms", optional_json(run.cpu_ms)},
        {"peak_memory_bytes", optional_json(run.peak_memory_bytes)},
        {"limits", nlohmann::json::parse(run.limits, nullptr, false)},
        {"request", nlohmann::json::parse(run.request, nullptr, false)},
        {"output_bytes", run.output_bytes},
        {"supervisor_pid", optional_json(run.supervisor_pid)},
        {"cancel_requested", run.cancel_requested},
    };
}

bool is_utf8(std::string_view bytes)
{
    static constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    std::size_t i = 0;
    while (i < bytes.size()) {
        auto c = static_cast<unsigned char>(bytes[i]);
        std::size_t extra = 0;
        if (c >= 0x80) {
            if ((c & 0xe0) == 0xc0)
                extra = 1;
            else if ((c & 0xf0) == 0xe0)
                extra = 2;
            else if ((c & 0xf8) == 0xf0)
                extra = 3;
            else
                return false;
        }
        if (bytes.size() - i <= extra)
            return false;
        std::uint32_t code = extra == 0 ? c : c & (0x3fu >> extra);
        for (std::size_t k = 1; k <= extra; ++k) {
            auto next = static_cast<unsigned char>(bytes[i + k]);
            if ((next & 0xc0) != 0x80)
                return false;
            code = (code << 6) | (next & 0x3f);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if (code < least[extra] || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
            return false;
        i += extra + 1;
    }
    return true;
}

std::string base64(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (sodium_init() < 0)
        return std::nullopt;
    std::string out(text.size() / 4 * 3 + 3, '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(length);
    return out;
}

nlohmann::json run_file_json(const store::RunFileRecord& file)
{
    nlohmann::json json = {{"path", file.path}, {"size", file.content.size()}};
    if (is_utf8(file.content))
        json["text"] = file.content;
    else
        json["base64"] = base64(file.content);
    return json;
}

nlohmann::json output_line_json(const store::OutputLine& line)
{
    nlohmann::json json = {{"seq", line.seq}, {"stream", store::stream_name(line.stream)}, {"eol", line.eol}};
    if (is_utf8(line.data))
        json["text"] = line.data;
    else
        json["base64"] = base64(line.data);
    return json;
}

} // namespace sbx::runner
