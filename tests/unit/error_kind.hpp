#pragma once
// The kind of the sbx::Error a call throws, for tests of what a failure is.
#include <catch2/catch.hpp>

#include <functional>

#include "error.hpp"

namespace sbx::test {

/// The kind of the sbx::Error `body` throws; a test failure when it throws none.
inline ErrorKind kind_of(const std::function<void()>& body)
{
    try {
        body();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no sbx::Error thrown");
    return ErrorKind::internal;
}

} // namespace sbx::test
