// sbx-fcgi: the web API as a FastCGI program behind nginx. Worker threads answer requests
// from the connections of one socket (web::ConnectionPool); each has its own database
// connection, and live-log streams get threads of their own. Runs are handed to detached
// supervisors: no request waits on a container except ?wait=, which is bounded.
#include <fcgiapp.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/session.hpp"
#include "config/faq.hpp"
#include "error.hpp"
#include "runner/run_service.hpp"
#include "web/api.hpp"
#include "web/api_error.hpp"
#include "web/connection_pool.hpp"

namespace {

namespace cli = sbx::cli;
namespace web = sbx::web;
using sbx::Error;
using sbx::ErrorKind;

constexpr std::chrono::seconds shutdown_grace{10};

const char* usage = "usage: sbx-fcgi [--listen SOCKET|HOST:PORT] [--threads N] [--max-streams N] [--socket-mode MODE]\n"
                    "                [--socket-group GROUP] [--config FILE] [--set KEY=VALUE]...\n";

std::string param(FCGX_Request& request, const char* name)
{
    const char* value = FCGX_GetParam(name, request.envp);
    return value ? value : "";
}

// HTTP_X_FOO -> x-foo
std::map<std::string, std::string> headers_of(FCGX_Request& request)
{
    std::map<std::string, std::string> headers;
    for (char** env = request.envp; *env; ++env) {
        std::string_view entry = *env;
        auto equals = entry.find('=');
        if (equals == std::string_view::npos || !entry.starts_with("HTTP_"))
            continue;
        std::string name;
        for (char c : entry.substr(5, equals - 5))
            name += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers[name] = std::string(entry.substr(equals + 1));
    }
    if (auto type = param(request, "CONTENT_TYPE"); !type.empty())
        headers["content-type"] = type;
    return headers;
}

void put(FCGX_Request& request, std::string_view bytes)
{
    FCGX_PutStr(bytes.data(), static_cast<int>(bytes.size()), request.out);
}

void write_head(FCGX_Request& request, const web::Response& response, bool with_length)
{
    std::string head =
        "Status: " + std::to_string(response.status) + " " + web::reason_phrase(response.status) + "\r\n";
    for (const auto& [name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    if (with_length)
        head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    head += "\r\n";
    put(request, head);
}

// Reads the request into `out`; false (with the error answered) when it cannot be.
bool read_request(FCGX_Request& request, const sbx::config::Settings& settings, web::Request& out,
                  web::Response& response)
{
    out.method = param(request, "REQUEST_METHOD");
    std::string uri = param(request, "REQUEST_URI");
    auto question = uri.find('?');
    auto path = web::percent_decode(uri.substr(0, question));
    if (!path) {
        web::set_error(response, 400, "bad-path", "the path has a malformed %-escape");
        return false;
    }
    out.path = *path;
    out.query = web::parse_query(param(request, "QUERY_STRING"));
    out.headers = headers_of(request);
    out.remote_addr = param(request, "REMOTE_ADDR");
    out.https = param(request, "HTTPS") == "on";
    std::string length_text = param(request, "CONTENT_LENGTH");
    std::uint64_t length = 0;
    for (char c : length_text) {
        if (c < '0' || c > '9' || length > settings.web.max_request_bytes) {
            length = settings.web.max_request_bytes + 1;
            break;
        }
        length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (length > settings.web.max_request_bytes) {
        web::set_error(response, web::http_status(sbx::ErrorKind::too_large), "too-large",
                       "the request body is larger than " + std::to_string(settings.web.max_request_bytes) + " bytes");
        return false;
    }
    out.body.resize(length);
    std::size_t got = 0;
    while (got < length) {
        int n = FCGX_GetStr(out.body.data() + got, static_cast<int>(length - got), request.in);
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    out.body.resize(got);
    return true;
}

struct Server {
    const sbx::config::Settings& settings;
    web::Api& api;
    web::ConnectionPool& connections;
    unsigned max_streams;
    std::atomic<int> busy{0};         // requests being answered (not idle kept-alive connections)
    std::atomic<unsigned> streams{0}; // event streams, each on a thread of its own

    void serve()
    {
        sbx::store::Database db(settings.database);
        for (;;) {
            int fd = connections.next();
            if (fd < 0)
                break;
            // On the heap: a stream takes its request to another thread, and libfcgi's
            // streams point back into the request.
            auto request = std::make_unique<FCGX_Request>();
            // No listening socket of its own: libfcgi only reads the connection handed to
            // it, and when that ends it fails to accept (EBADF) instead of blocking here.
            FCGX_InitRequest(request.get(), -1, 0);
            request->ipcFd = fd;
            request->keepConnection = 1; // or FCGX_Accept_r would close the fd before reading it
            if (FCGX_Accept_r(request.get()) < 0)
                continue; // the peer hung up (libfcgi closed the connection)
            ++busy;
            web::Request in;
            web::Response response;
            bool readable = read_request(*request, settings, in, response);
            if (readable && api.streams(in)) {
                // A live-log stream lasts as long as its run: it must not hold a worker.
                if (++streams <= max_streams) {
                    std::thread([this, r = std::move(request), in = std::move(in)]() mutable {
                        try {
                            sbx::store::Database stream_db(settings.database);
                            web::Response unused;
                            answer(*r, &in, stream_db, unused);
                        } catch (const std::exception& e) {
                            std::cerr << "sbx-fcgi: stream ended: " << e.what() << '\n';
                            r->keepConnection = 0; // closed: nginx sees the stream end
                            FCGX_Finish_r(r.get());
                        }
                        --streams;
                        --busy;
                    }).detach();
                    continue;
                }
                --streams;
                web::set_error(response, web::http_status(sbx::ErrorKind::unavailable), "busy",
                               "too many live streams at once; try again soon, or page with /logs");
                response.set_header("Retry-After", "5");
                readable = false;
            }
            answer(*request, readable ? &in : nullptr, db, response);
            --busy;
        }
    }

    // Answers `in` (nullptr: `response` already holds the error) and hands a kept-alive
    // connection back to the pool.
    void answer(FCGX_Request& request, const web::Request* in, sbx::store::Database& db, web::Response& response)
    {
        bool streamed = false;
        if (in) {
            web::StreamWriter stream{[&](const web::Response& head) {
                                         streamed = true;
                                         write_head(request, head, false);
                                         return FCGX_FFlush(request.out) == 0;
                                     },
                                     [&](std::string_view chunk) {
                                         put(request, chunk);
                                         return FCGX_FFlush(request.out) == 0 && FCGX_GetError(request.out) == 0;
                                     }};
            api.handle(*in, db, response, stream);
        }
        if (!streamed) {
            write_head(request, response, true);
            if (!in || in->method != "HEAD")
                put(request, response.body);
        }
        FCGX_Finish_r(&request);
        if (request.ipcFd >= 0) { // kept alive by nginx: idle until its next request
            connections.park(request.ipcFd);
            request.ipcFd = -1;
        }
    }
};

int run(int argc, char** argv)
{
    cli::CommonOptions common;
    std::string listen, socket_mode = "0660", socket_group;
    unsigned threads = 32, max_streams = 256;
    cli::po::options_description options("options");
    options.add_options()("listen", cli::po::value(&listen), "unix socket path or HOST:PORT (default: web.socket)")(
        "threads", cli::po::value(&threads), "worker threads: requests answered at once (default 32)")(
        "max-streams", cli::po::value(&max_streams), "live-log streams at once, beside the workers (default 256)")(
        "socket-mode", cli::po::value(&socket_mode), "permissions of the unix socket (default 0660)")(
        "socket-group", cli::po::value(&socket_group), "group of the unix socket (nginx's, e.g. www-data)");
    auto parsed = cli::parse_command(argc, argv, options, common, usage);
    if (!parsed)
        return 0;
    if (!parsed->empty())
        throw Error(ErrorKind::usage, "unexpected argument '" + parsed->front() + "'");
    if (threads < 1 || threads > 256)
        throw Error(ErrorKind::usage, "--threads must be from 1 to 256", "threads");
    if (max_streams > 4096)
        throw Error(ErrorKind::usage, "--max-streams must be from 0 to 4096", "max-streams");

    cli::Session session(common);
    const auto& settings = session.settings();
    if (listen.empty())
        listen = settings.web.socket.string();
    bool is_unix = listen.find('/') != std::string::npos;
    if (is_unix)
        ::unlink(listen.c_str()); // a stale socket from a previous run
    if (FCGX_Init() != 0)
        throw Error(ErrorKind::unavailable, "cannot initialise libfcgi");
    int socket = FCGX_OpenSocket(listen.c_str(), 256);
    if (socket < 0)
        throw Error(ErrorKind::unavailable, "cannot listen on " + listen + ": " + std::strerror(errno));
    if (is_unix) {
        auto mode = static_cast<mode_t>(std::stoul(socket_mode, nullptr, 8));
        if (::chmod(listen.c_str(), mode) != 0)
            throw Error(ErrorKind::unavailable, "cannot chmod " + listen + ": " + std::strerror(errno));
        if (!socket_group.empty()) {
            const group* g = ::getgrnam(socket_group.c_str());
            if (!g || ::chown(listen.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0)
                throw Error(ErrorKind::unavailable, "cannot give " + listen + " to group " + socket_group);
        }
    }

    web::Api api({settings, session.context().catalog, sbx::config::load_faq(settings.faq_file),
                  session.context().supervisor_command});
    web::ConnectionPool connections(socket);
    Server server{settings, api, connections, max_streams};

    // TERM/INT: stop accepting; requests in flight get a grace period, then the process
    // exits. Workers idle on nginx's kept-alive connections are not waited for: they would
    // keep a stopped server answering on connections nginx still holds.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    std::thread([&server, &connections, socket, signals, listen, is_unix] {
        int received = 0;
        sigwait(&signals, &received);
        connections.stop();
        ::shutdown(socket, SHUT_RDWR);
        auto deadline = std::chrono::steady_clock::now() + shutdown_grace;
        while (server.busy > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (is_unix)
            ::unlink(listen.c_str());
        std::cerr << "sbx-fcgi: stopped by " << strsignal(received) << '\n';
        std::_Exit(0);
    }).detach();

    std::cerr << "sbx-fcgi: listening on " << listen << " with " << threads << " threads\n";
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i)
        workers.emplace_back([&server] {
            try {
                server.serve();
            } catch (const std::exception& e) {
                std::cerr << "sbx-fcgi: worker stopped: " << e.what() << '\n';
            }
        });
    for (auto& worker : workers)
        worker.join();
    if (is_unix)
        ::unlink(listen.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return cli::run_main("sbx-fcgi", [&] { return run(argc, argv); });
}
