#include "common/digest.hpp"

#include <openssl/sha.h>

namespace sbx::common {

std::string sha256(const std::string& text)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return {reinterpret_cast<const char*>(digest), sizeof digest};
}

std::string sha256_hex(const std::string& text)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char byte : sha256(text)) {
        out += hex[byte >> 4];
        out += hex[byte & 0xf];
    }
    return out;
}

} // namespace sbx::common
