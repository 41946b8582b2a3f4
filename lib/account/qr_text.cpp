#include "account/qr_text.hpp"

#include <qrencode.h>

#include <memory>

#include "error.hpp"

namespace sbx::account {
namespace {

constexpr int quiet_zone = 2;
// Bytes a version 40 code holds at level M in 8-bit mode.
constexpr std::size_t max_bytes = 2331;

struct QrFree {
    void operator()(QRcode* code) const noexcept { QRcode_free(code); }
};

// Whether the module at (row, column) is light; the quiet zone is light, beyond it is the terminal.
bool light(const QRcode& code, int row, int column)
{
    int size = code.width + 2 * quiet_zone;
    if (row < 0 || row >= size || column < 0 || column >= size)
        return false;
    int r = row - quiet_zone;
    int c = column - quiet_zone;
    if (r < 0 || r >= code.width || c < 0 || c >= code.width)
        return true;
    return (code.data[static_cast<std::size_t>(r) * static_cast<std::size_t>(code.width) +
                      static_cast<std::size_t>(c)] &
            1) == 0;
}

} // namespace

std::string qr_text(std::string_view text)
{
    if (text.empty())
        throw Error(ErrorKind::usage, "there is no text to show as a QR code", "text");
    if (text.size() > max_bytes)
        throw Error(ErrorKind::usage,
                    "the text is longer than a QR code holds (" + std::to_string(text.size()) + " bytes, at most " +
                        std::to_string(max_bytes) + ")",
                    "text");
    std::unique_ptr<QRcode, QrFree> code(QRcode_encodeData(
        static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
    if (!code)
        throw Error(ErrorKind::internal, "QR encoding failed: out of memory");
    int size = code->width + 2 * quiet_zone;
    std::string out;
    for (int row = 0; row < size; row += 2) {
        for (int column = 0; column < size; ++column) {
            bool top = light(*code, row, column);
            bool bottom = light(*code, row + 1, column);
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        out += '\n';
    }
    return out;
}

} // namespace sbx::account
