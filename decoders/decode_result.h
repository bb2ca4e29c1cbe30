#pragma once

#include <string>
#include <utility>
#include <variant>

namespace preflight {

// Why a header could not be read or a frame could not be decoded. `detail` is short and machine-readable
// ("truncated", "bad_huffman_code", "frame_3:lzw_error"); it becomes the record's `decode_failed:<detail>`.
// `message` is the library's own words, for humans.
struct DecodeFailure {
  std::string detail;
  std::string message;
};

// The value of a decoder step, or the failure that stopped it. No exception leaves a decoder.
template <typename T>
class DecodeResult {
 public:
  DecodeResult(T value) : state_(std::move(value)) {}                  // NOLINT(google-explicit-constructor)
  DecodeResult(DecodeFailure failure) : state_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T& value() { return std::get<T>(state_); }
  const DecodeFailure& failure() const { return std::get<DecodeFailure>(state_); }

 private:
  std::variant<T, DecodeFailure> state_;
};

// A step that yields nothing but success or failure (decoding frames).
struct Decoded {};
using DecodeStatus = DecodeResult<Decoded>;

inline DecodeFailure decode_failure(std::string detail, std::string message = {}) {
  return DecodeFailure{std::move(detail), std::move(message)};
}

}  // namespace preflight
