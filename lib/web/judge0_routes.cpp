// Judge0 CE's API (HTTP): submissions (one, or a batch), languages, statuses and about,
// answered as Judge0 answers them, run as compat.judge0.account. Errors are
// {"error": ...}; a submission's validation errors are {"field": ["message"]} with 422.
#include <sodium.h>

#include "runner/run_json.hpp"
#include "store/judge0_store.hpp"
#include "web/api_error.hpp"
#include "web/call.hpp"
#include "web/compat_account.hpp"
#include "web/judge0_request.hpp"

namespace sbx::web {
namespace {

// Judge0 accepts at most 20 submissions in a batch (MAX_SUBMISSION_BATCH_SIZE).
constexpr std::size_t max_batch = 20;

CompatApi judge0(const Call& call)
{
    return {"judge0", call.context.settings.compat.judge0, "x-auth-token"};
}

nlohmann::json judge0_error(int, const std::string& message)
{
    return {{"error", message}};
}

bool flag(const Call& call, const std::string& name)
{
    auto value = call.request.param(name);
    if (!value || value->empty() || *value == "false")
        return false;
    if (*value == "true")
        return true;
    throw HttpError(400, "invalid", name + " must be true or false", name);
}

// A UUID v4 from libsodium's generator: a token is all a client needs to read a run.
std::string new_token()
{
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    std::string h(hex);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

struct Started {
    store::Judge0Submission row;
    nlohmann::json errors; ///< non-empty: nothing started
};

Started submit(Call& call, const account::Actor& actor, const nlohmann::json& body, bool base64)
{
    auto parse = parse_judge0_submission(body, base64, call.context.catalog, call.context.settings.caps);
    if (!parse.input)
        return {{}, parse.errors};
    auto id = start_run(call, judge0(call), actor, judge0_run_request(*parse.input, *parse.runtime));
    store::Judge0Submission row{new_token(),
                                id,
                                *actor.user_id,
                                parse.input->language_id,
                                parse.input->expected_output,
                                parse.input->redirect_stderr};
    store::Judge0Store(call.context.db).add(row);
    return {row, {}};
}

nlohmann::json answer_of(Call& call, const store::Judge0Submission& row, std::chrono::milliseconds wait, bool base64,
                         const std::optional<std::string>& fields)
{
    auto cap = static_cast<std::size_t>(call.context.settings.caps.output_bytes);
    auto result = runner::wait_for_result(call.context.db, row.run_id, wait, cap);
    Judge0Submission submission{row.token, row.language_id, row.expected_output, row.redirect_stderr};
    try {
        return judge0_select(judge0_view(submission, result, base64), fields);
    } catch (const HttpError& e) {
        if (e.field() == "fields")
            throw;
        // Judge0 names the submission whose output it cannot show.
        return {{"token", row.token}, {"error", e.what()}};
    }
}

// A submission's answer with `status`; one whose output cannot be shown is Judge0's 400.
void reply_answer(Call& call, int status, const nlohmann::json& answer)
{
    call.reply(answer.contains("error") && !answer.contains("status") ? 400 : status, answer);
}

void create(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        auto actor = compat_actor(call, judge0(call));
        bool base64 = flag(call, "base64_encoded");
        bool wait = flag(call, "wait");
        auto fields = call.request.param("fields");
        auto started = submit(call, actor, body_json(call), base64);
        if (!started.errors.empty())
            return call.reply(422, started.errors);
        if (!wait)
            return call.reply(201, nlohmann::json{{"token", started.row.token}});
        // Under nginx's 120 s: a run still going then is answered as it stands (status 1 or 2).
        reply_answer(call, 201, answer_of(call, started.row, std::chrono::seconds(110), base64, fields));
    });
}

void show(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        auto actor = compat_caller(call, judge0(call));
        bool base64 = flag(call, "base64_encoded");
        auto row = store::Judge0Store(call.context.db).find(call.params.at("token"), *actor.user_id);
        if (!row)
            throw HttpError(404, "not-found", "Not Found", "token");
        reply_answer(call, 200,
                     answer_of(call, *row, std::chrono::milliseconds(0), base64, call.request.param("fields")));
    });
}

void create_batch(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        auto actor = compat_actor(call, judge0(call));
        bool base64 = flag(call, "base64_encoded");
        auto body = body_json(call);
        if (!body.is_object() || !body.contains("submissions") || !body["submissions"].is_array() ||
            body["submissions"].empty())
            throw HttpError(400, "invalid", "there should be at least one submission in a batch", "submissions");
        if (body["submissions"].size() > max_batch)
            throw HttpError(400, "invalid",
                            "number of submissions in a batch should be less than or equal to " +
                                std::to_string(max_batch),
                            "submissions");
        auto list = nlohmann::json::array();
        for (const auto& item : body["submissions"]) {
            auto started = submit(call, actor, item, base64);
            list.push_back(started.errors.empty() ? nlohmann::json{{"token", started.row.token}} : started.errors);
        }
        call.reply(201, list);
    });
}

void show_batch(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        auto actor = compat_caller(call, judge0(call));
        bool base64 = flag(call, "base64_encoded");
        auto tokens = call.request.param("tokens").value_or("");
        auto fields = call.request.param("fields");
        store::Judge0Store submissions(call.context.db);
        auto list = nlohmann::json::array();
        std::string token;
        for (char c : tokens + ",") {
            if (c != ',') {
                token += c;
                continue;
            }
            if (token.empty())
                continue;
            if (list.size() == max_batch)
                throw HttpError(400, "invalid",
                                "number of tokens should be less than or equal to " + std::to_string(max_batch),
                                "tokens");
            auto row = submissions.find(token, *actor.user_id);
            list.push_back(row ? answer_of(call, *row, std::chrono::milliseconds(0), base64, fields)
                               : nlohmann::json(nullptr));
            token.clear();
        }
        if (list.empty())
            throw HttpError(400, "invalid", "there should be at least one token", "tokens");
        call.reply(200, nlohmann::json{{"submissions", list}});
    });
}

nlohmann::json language_of(int id, const config::Runtime& runtime)
{
    return {{"id", id}, {"name", runtime.name}};
}

void languages(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        compat_caller(call, judge0(call));
        std::vector<std::pair<int, const config::Runtime*>> mapped;
        for (const auto& runtime : call.context.catalog.runtimes())
            for (int id : runtime.judge0_ids)
                mapped.emplace_back(id, &runtime);
        std::sort(mapped.begin(), mapped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        auto list = nlohmann::json::array();
        for (const auto& [id, runtime] : mapped)
            list.push_back(language_of(id, *runtime));
        call.reply(200, list);
    });
}

void language(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        compat_caller(call, judge0(call));
        const auto& text = call.params.at("id");
        const config::Runtime* runtime = nullptr;
        int id = 0;
        if (!text.empty() && text.size() < 8 && text.find_first_not_of("0123456789") == std::string::npos) {
            id = std::stoi(text);
            runtime = call.context.catalog.find_judge0(id);
        }
        if (!runtime)
            throw HttpError(404, "not-found", "Not Found", "id");
        auto json = language_of(id, *runtime);
        json["is_archived"] = false;
        json["source_file"] = runtime->file;
        json["compile_cmd"] = runtime->compile.empty() ? nlohmann::json(nullptr) : nlohmann::json(runtime->compile);
        json["run_cmd"] = runtime->run;
        call.reply(200, json);
    });
}

void statuses(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        compat_caller(call, judge0(call));
        call.reply(200, judge0_statuses());
    });
}

void about(Call& call)
{
    allow_listed_origin(call);
    with_api_errors(call, judge0_error, [&] {
        compat_caller(call, judge0(call));
        // The Judge0 CE version whose API this follows; clients check it, not sbx's.
        call.reply(200, nlohmann::json{{"version", "1.13.1"},
                                       {"homepage", "https://judge0.com"},
                                       {"source_code", "https://github.com/judge0/judge0"},
                                       {"maintainer", "sbx (a Judge0-compatible API)"}});
    });
}

void preflight(Call& call)
{
    with_api_errors(call, judge0_error, [&] { answer_preflight(call, judge0(call)); });
}

} // namespace

void add_judge0_routes(Routes& routes)
{
    // batch before {token}: the first route that matches answers.
    routes.add_open("POST", "/submissions/batch", create_batch);
    routes.add_open("GET", "/submissions/batch", show_batch);
    routes.add_open("POST", "/submissions", create);
    routes.add_open("GET", "/submissions/{token}", show);
    routes.add_open("GET", "/languages", languages);
    routes.add_open("GET", "/languages/{id}", language);
    routes.add_open("GET", "/statuses", statuses);
    routes.add_open("GET", "/about", about);
    for (const char* path : {"/submissions", "/submissions/batch", "/submissions/{token}", "/languages", "/statuses"})
        routes.add_open("OPTIONS", path, preflight);
}

} // namespace sbx::web
