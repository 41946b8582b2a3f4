#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "web/connection_pool.hpp"

using namespace sbx;

namespace {

// A listening unix socket in a fresh temporary folder, and clients for it.
struct Listener {
    std::filesystem::path dir;
    std::string path;
    int fd = -1;

    Listener()
    {
        char templ[] = "/tmp/sbx-pool.XXXXXX";
        REQUIRE(::mkdtemp(templ));
        dir = templ;
        path = (dir / "s").string();
        fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, path.c_str());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd, 64) == 0);
    }
    ~Listener()
    {
        ::close(fd);
        std::filesystem::remove_all(dir);
    }

    int connect() const
    {
        int client = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, path.c_str());
        REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        return client;
    }
};

char read_one(int fd)
{
    char c = 0;
    REQUIRE(::read(fd, &c, 1) == 1);
    return c;
}

} // namespace

TEST_CASE("ConnectionPool: idle kept-alive connections cost no worker", "[web]")
{
    Listener listener;
    web::ConnectionPool pool(listener.fd);
    // One worker, many clients that each send a request, get an answer and stay connected.
    std::atomic<int> answered{0};
    std::thread worker([&] {
        for (int fd; (fd = pool.next()) >= 0;) {
            char c = 0;
            if (::read(fd, &c, 1) != 1) {
                ::close(fd); // the client hung up
                continue;
            }
            ++answered;
            pool.park(fd); // before the answer, so that the client's next request finds it parked
            REQUIRE(::write(fd, &c, 1) == 1);
        }
    });
    std::vector<int> clients;
    for (int i = 0; i < 20; ++i) {
        int client = listener.connect();
        char c = static_cast<char>('a' + i);
        REQUIRE(::write(client, &c, 1) == 1);
        CHECK(read_one(client) == c); // answered although 19 others hold connections open
        clients.push_back(client);
    }
    // A second request on the oldest connection goes to the same worker.
    REQUIRE(::write(clients.front(), "z", 1) == 1);
    CHECK(read_one(clients.front()) == 'z');
    CHECK(answered == 21);
    CHECK(pool.parked() == 20);

    // A client that hangs up is handed over once more, read as closed, and forgotten.
    ::close(clients.back());
    clients.pop_back();
    for (int i = 0; i < 100 && pool.parked() != 19; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(pool.parked() == 19);

    pool.stop();
    worker.join();
    CHECK(pool.next() == -1);
    for (int client : clients)
        ::close(client);
}

TEST_CASE("ConnectionPool: a connection parked past max_parked is closed", "[web]")
{
    Listener listener;
    web::ConnectionPool pool(listener.fd, 2);
    std::vector<int> clients, accepted;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(listener.connect());
        REQUIRE(::write(clients.back(), "x", 1) == 1);
    }
    while (accepted.size() < 3)
        accepted.push_back(pool.next());
    CHECK(pool.parked() == 0);
    for (int fd : accepted) {
        char byte;
        REQUIRE(::read(fd, &byte, 1) == 1);
        pool.park(fd);
    }
    CHECK(pool.parked() == 2);
    int closed = 0;
    for (int client : clients) {
        pollfd p{client, POLLIN, 0};
        if (::poll(&p, 1, 0) == 1) {
            char byte;
            CHECK(::read(client, &byte, 1) == 0);
            ++closed;
        }
    }
    CHECK(closed == 1);
    for (int fd : clients)
        ::close(fd);
}

TEST_CASE("ConnectionPool: a client that connects and says nothing holds no worker", "[web]")
{
    Listener listener;
    web::ConnectionPool pool(listener.fd);
    int silent = listener.connect();
    int talker = listener.connect();
    REQUIRE(::write(talker, "x", 1) == 1);
    int fd = pool.next();
    char byte;
    REQUIRE(::read(fd, &byte, 1) == 1); // the talker's, though the silent one came first
    CHECK(pool.parked() == 1);
    ::close(fd);
    ::close(silent);
    ::close(talker);
}

TEST_CASE("ConnectionPool: stop() wakes every waiting worker", "[web]")
{
    Listener listener;
    web::ConnectionPool pool(listener.fd);
    std::vector<std::thread> workers;
    std::atomic<int> ended{0};
    for (int i = 0; i < 4; ++i)
        workers.emplace_back([&] {
            CHECK(pool.next() == -1);
            ++ended;
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(ended == 0);
    pool.stop();
    for (auto& w : workers)
        w.join();
    CHECK(ended == 4);
}
