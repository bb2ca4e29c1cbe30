#include "billing/spill_run.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace preflight::billing {
namespace {

constexpr std::size_t kIoBufferBytes = 64 * 1024;

// The fixed-size part of a record after the key: day (4 bytes), service (2), billable flag (1), units (8).
constexpr std::size_t kTailBytes = 15;

std::unique_ptr<char[]> attach_buffer(std::FILE* file) {
  auto buffer = std::make_unique_for_overwrite<char[]>(kIoBufferBytes);
  std::setvbuf(file, buffer.get(), _IOFBF, kIoBufferBytes);
  return buffer;
}

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what) {
  throw std::runtime_error(
      fmt::format("de-duplication spill file {}: {} ({}; check free space in the spill "
                  "folder or choose another with --spill-dir)",
                  path.string(), what, std::strerror(errno)));
}

void pack_tail(const Usage& usage, char* out) {
  const std::uint8_t billable = usage.key.billable ? 1 : 0;
  std::memcpy(out, &usage.key.day, 4);
  std::memcpy(out + 4, &usage.key.service, 2);
  std::memcpy(out + 6, &billable, 1);
  std::memcpy(out + 7, &usage.units, 8);
}

Usage unpack_tail(const char* in) {
  Usage usage;
  std::uint8_t billable = 0;
  std::memcpy(&usage.key.day, in, 4);
  std::memcpy(&usage.key.service, in + 4, 2);
  std::memcpy(&billable, in + 6, 1);
  std::memcpy(&usage.units, in + 7, 8);
  usage.key.billable = billable != 0;
  return usage;
}

}  // namespace

RunWriter::RunWriter(const std::filesystem::path& path) : path_(path) {
  file_.reset(std::fopen(path.c_str(), "wb"));
  if (!file_) fail(path_, "cannot be created");
  buffer_ = attach_buffer(file_.get());
}

void RunWriter::write(std::uint64_t hash, std::string_view key, const Usage& usage) {
  const auto length = static_cast<std::uint32_t>(key.size());
  char tail[kTailBytes];
  pack_tail(usage, tail);
  const bool written = std::fwrite(&hash, sizeof hash, 1, file_.get()) == 1 &&
                       std::fwrite(&length, sizeof length, 1, file_.get()) == 1 &&
                       std::fwrite(key.data(), 1, key.size(), file_.get()) == key.size() &&
                       std::fwrite(tail, 1, kTailBytes, file_.get()) == kTailBytes;
  if (!written) fail(path_, "write failed");
}

void RunWriter::close() {
  if (!file_) return;
  std::FILE* file = file_.release();
  const bool flushed = std::fflush(file) == 0;
  if (std::fclose(file) != 0 || !flushed) fail(path_, "write failed");
}

RunReader::RunReader(const std::filesystem::path& path) : path_(path) {
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) fail(path_, "cannot be opened");
  buffer_ = attach_buffer(file_.get());
}

bool RunReader::next() {
  const std::size_t got = std::fread(&hash_, 1, sizeof hash_, file_.get());
  if (got == 0 && std::feof(file_.get())) return false;
  std::uint32_t length = 0;
  const bool has_length =
      got == sizeof hash_ && std::fread(&length, 1, sizeof length, file_.get()) == sizeof length;
  if (!has_length) fail(path_, "is truncated");
  key_.resize(length);
  char tail[kTailBytes];
  const bool complete = std::fread(key_.data(), 1, length, file_.get()) == length &&
                        std::fread(tail, 1, kTailBytes, file_.get()) == kTailBytes;
  if (!complete) fail(path_, "is truncated");
  usage_ = unpack_tail(tail);
  return true;
}

}  // namespace preflight::billing
