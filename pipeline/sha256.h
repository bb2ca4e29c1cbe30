#pragma once

#include <string>

#include "decoders/byte_view.h"

namespace preflight {

// Lower-case hex SHA-256 of the content (OpenSSL).
std::string sha256_hex(ByteView bytes);

}  // namespace preflight
