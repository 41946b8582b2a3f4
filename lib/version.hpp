#pragma once

namespace sbx {

inline constexpr const char* version = "0.1.0";

} // namespace sbx
