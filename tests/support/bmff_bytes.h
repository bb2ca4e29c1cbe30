#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/support/container_samples.h"

// Byte surgery on encoded HEIF/AVIF fixtures, for tests that damage or relabel them.
namespace preflight::samples::bmff {

inline constexpr std::size_t kBoxTypeSize = 4;
inline constexpr std::size_t kFullBoxPrefix = 4;  // version and flags of a "full box"

// Offset of the first occurrence of `pattern` (a box type), or bytes.size() when absent.
std::size_t find(const Bytes& bytes, std::string_view pattern);

std::uint32_t read_be32(const Bytes& bytes, std::size_t at);
void write_be32(Bytes& bytes, std::size_t at, std::uint32_t value);

// The file with the width and height of its (only) `ispe` property rewritten.
Bytes with_declared_size(Bytes bytes, std::uint32_t width, std::uint32_t height);

// Where the coded payload starts: the body of the `mdat` box (the encoders write it last).
std::size_t payload_start(const Bytes& bytes);

}  // namespace preflight::samples::bmff
