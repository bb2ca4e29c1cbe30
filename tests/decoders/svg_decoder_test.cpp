#include "decoders/svg_decoder.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace preflight {
namespace {

std::optional<DecodeFailure> first_failure(const std::string& file) {
  const DecodeResult<ImageHeader> header = svg_decoder().probe(as_bytes(file), {});
  if (!header.ok()) return header.failure();
  const std::uint32_t frame[] = {0};
  const DecodeStatus status = svg_decoder().decode_frames(as_bytes(file), header.value(), frame, {});
  if (!status.ok()) return status.failure();
  return std::nullopt;
}

std::string failure_detail(const std::string& file) {
  const std::optional<DecodeFailure> failure = first_failure(file);
  return failure ? failure->detail : "none";
}

std::string gzip(const std::string& text) {
  constexpr int kGzipWindowBits = 16 + MAX_WBITS;
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const std::string kCircle = R"(<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">
  <rect width="300" height="200" fill="navy"/>
  <circle cx="150" cy="100" r="80" fill="gold" stroke="black" stroke-width="4"/>
</svg>
)";

// --- dimensions, as libvips 8.14 svgload reports them at 72 dpi (checked with vipsheader) -----------------

struct SizeCase {
  std::string name;
  std::string root_attributes;
  std::string content;
  std::uint32_t width;
  std::uint32_t height;
};

class SvgSize : public ::testing::TestWithParam<SizeCase> {};

TEST_P(SvgSize, MatchesVips) {
  const SizeCase& c = GetParam();
  const std::string file =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" {}>{}</svg>)", c.root_attributes, c.content);
  const DecodeResult<ImageHeader> header = svg_decoder().probe(as_bytes(file), {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().format, Format::Svg);
  EXPECT_EQ(header.value().width, c.width);
  EXPECT_EQ(header.value().height, c.height);
  EXPECT_EQ(header.value().frames_total, 1u);
  EXPECT_FALSE(header.value().defect.has_value());
  EXPECT_EQ(failure_detail(file), "none");
}

INSTANTIATE_TEST_SUITE_P(
    SvgUnits, SvgSize,
    ::testing::Values(
        SizeCase{"pixels", R"(width="100" height="50")", "", 100, 50},
        SizeCase{"inches_and_em", R"(width="2in" height="3em")", "", 144, 36},
        SizeCase{"centimetres", R"(width="40cm" height="20cm" viewBox="0 0 800 400")", "", 1134, 567},
        SizeCase{"millimetres", R"(width="1000mm" height="1000mm")", "", 2835, 2835},
        SizeCase{"points_and_picas", R"(width="72pt" height="2pc")", "", 72, 24},
        SizeCase{"width_and_viewbox", R"(width="200" viewBox="0 0 300 150")", "", 200, 100},
        SizeCase{"percent_and_viewbox", R"(width="50%" viewBox="0 0 300 150")", "", 300, 150},
        SizeCase{"viewbox_only", R"(viewBox="0 0 640 480")", "", 640, 480},
        SizeCase{"drawn_extent", "", R"(<rect x="10" y="20" width="30" height="40"/>)", 30, 40}),
    [](const ::testing::TestParamInfo<SizeCase>& info) { return info.param.name; });

TEST(SvgDecoder, SideTooSmallToRoundToAPixelFails) {
  EXPECT_EQ(failure_detail(R"(<svg xmlns="http://www.w3.org/2000/svg" width="0.2" height="10"/>)"),
            "bad_dimensions");
}

TEST(SvgDecoder, HugeDocumentRendersScaledDown) {
  const std::string file = R"(<svg xmlns="http://www.w3.org/2000/svg" width="60000" height="30000">
    <circle cx="30000" cy="15000" r="10000"/></svg>)";
  const DecodeResult<ImageHeader> header = svg_decoder().probe(as_bytes(file), {});
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header.value().width, 60000u);
  EXPECT_EQ(failure_detail(file), "none");
}

// --- compressed, damaged and hostile documents ----------------------------------------------------------

TEST(SvgDecoder, GzipCompressedSvgDecodes) {
  const std::string file = gzip(kCircle);
  const DecodeResult<ImageHeader> header = svg_decoder().probe(as_bytes(file), {});
  ASSERT_TRUE(header.ok()) << header.failure().message;
  EXPECT_EQ(header.value().width, 300u);
  EXPECT_EQ(header.value().height, 200u);
  EXPECT_EQ(failure_detail(file), "none");
}

// A gzip bomb: a comment of 40 MiB of spaces (about 40 KB compressed) must not be inflated whole or parsed.
TEST(SvgDecoder, SvgzInflatingPastTheLimitIsTooLargeButJustUnderItDecodes) {
  const std::string head = R"(<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><!--)";
  const std::string tail = "--></svg>";
  EXPECT_EQ(failure_detail(gzip(head + std::string(40u << 20, ' ') + tail)), "too_large");
  EXPECT_EQ(failure_detail(gzip(head + std::string((32u << 20) - head.size() - tail.size(), ' ') + tail)),
            "none");
}

TEST(SvgDecoder, TruncationIsReportedAsTruncated) {
  for (const std::size_t kept : {std::size_t{4}, std::size_t{30}, std::size_t{70}, std::size_t{120},
                                 kCircle.size() - 10, kCircle.size() - 3}) {
    EXPECT_EQ(failure_detail(kCircle.substr(0, kept)), "truncated") << "kept " << kept << " bytes";
  }
  const std::string compressed = gzip(kCircle);
  for (const std::size_t kept : {compressed.size() / 2, compressed.size() - 4}) {
    EXPECT_EQ(failure_detail(compressed.substr(0, kept)), "truncated") << "kept " << kept << " of the gzip";
  }
}

TEST(SvgDecoder, MalformedXmlFails) {
  EXPECT_EQ(failure_detail(R"(<svg xmlns="http://www.w3.org/2000/svg"><rect></g><circle r="3"/></svg>)"),
            "invalid_xml");
}

std::string billion_laughs() {
  std::string entities = R"(<!ENTITY lol0 "lollollollollollollollollollol">)";
  for (int level = 1; level <= 9; ++level) {
    std::string references;
    for (int i = 0; i < 10; ++i) references += fmt::format("&lol{};", level - 1);
    entities += fmt::format(R"(<!ENTITY lol{} "{}">)", level, references);
  }
  return R"(<?xml version="1.0"?><!DOCTYPE svg [)" + entities +
         R"(]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&lol9;</text></svg>)";
}

TEST(SvgDecoder, BillionLaughsFailsFast) {
  constexpr auto kFast = std::chrono::seconds(3);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(failure_detail(billion_laughs()), "entity_expansion");
  EXPECT_LT(std::chrono::steady_clock::now() - start, kFast);
}

// A TCP listener on 127.0.0.1 that reports whether anyone connected: the kernel completes connections into
// the backlog without accept(), so a non-blocking accept() afterwards finds every attempt.
class LoopbackListener {
 public:
  LoopbackListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) {
    sockaddr_in address{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}};
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 64) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackListener() { ::close(fd_); }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int port() const { return port_; }

  int connections() const {
    int count = 0;
    for (int client; (client = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK)) >= 0; ++count)
      ::close(client);
    return count;
  }

 private:
  int fd_;
  int port_ = 0;
};

// Reports whether any of the given files was opened, through inotify.
class OpenWatch {
 public:
  explicit OpenWatch(const std::vector<std::filesystem::path>& files) : fd_(::inotify_init1(IN_NONBLOCK)) {
    for (const auto& file : files) {
      if (::inotify_add_watch(fd_, file.c_str(), IN_OPEN | IN_ACCESS) < 0)
        throw std::runtime_error("inotify");
    }
  }
  ~OpenWatch() { ::close(fd_); }
  OpenWatch(const OpenWatch&) = delete;
  OpenWatch& operator=(const OpenWatch&) = delete;

  bool any_opened() const {
    char events[4096];
    return ::read(fd_, events, sizeof events) > 0;
  }

 private:
  int fd_;
};

TEST(SvgDecoder, LoadsNothingFromOutsideTheDocument) {
  const testing::TempDir dir;
  const auto image = dir.write("image.svg", kCircle);
  const auto include = dir.write("include.svg", kCircle);
  const auto entity = dir.write("entity.txt", "external entity text");
  const auto style = dir.write("style.css", "rect { fill: red; }");
  const OpenWatch watch({image, include, entity, style});
  const LoopbackListener listener;
  const std::string http = fmt::format("http://127.0.0.1:{}", listener.port());
  const std::string https = fmt::format("https://127.0.0.1:{}", listener.port());
  const std::string local = "file://" + dir.path().string();

  // Render-time references: images, <use> of another file, XInclude, CSS @import.
  const std::string references = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
          xmlns:xi="http://www.w3.org/2001/XInclude" width="64" height="64">
        <style>@import url("{0}/a.css"); @import url("{2}/style.css");</style>
        <image href="{0}/x.png" width="64" height="64"/>
        <image xlink:href="{1}/y.png" width="64" height="64"/>
        <image href="{2}/image.svg" width="64" height="64"/>
        <image href="file:///etc/hostname" width="64" height="64"/>
        <use href="{2}/image.svg#c"/>
        <xi:include href="{2}/include.svg" parse="xml"/>
        <xi:include href="{0}/include.svg" parse="text"/>
        <rect width="10" height="10"/>
      </svg>)",
      http, https, local);
  EXPECT_EQ(failure_detail(references), "none");

  // Parse-time references: external entities.
  const std::string entities = fmt::format(
      R"(<?xml version="1.0"?>
      <!DOCTYPE svg [<!ENTITY remote SYSTEM "{0}/entity.txt"> <!ENTITY local SYSTEM "{1}/entity.txt">
                     <!ENTITY host SYSTEM "file:///etc/hostname">]>
      <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><text>&remote;&local;&host;</text></svg>)",
      http, local);
  first_failure(entities);  // may load or fail; either way it must not reach out

  // An SVG nested as a data: URL, itself referring out: the inner document must not reach out either.
  const std::string inner = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><image href="{0}/inner.png" width="8"
          height="8"/><image href="{1}/image.svg" width="8" height="8"/></svg>)",
      http, local);
  std::string inner_base64(4 * ((inner.size() + 2) / 3) + 1, '\0');
  inner_base64.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(inner_base64.data()),
                      reinterpret_cast<const unsigned char*>(inner.data()), static_cast<int>(inner.size()))));
  first_failure(fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">
        <image href="data:image/svg+xml;base64,{}" width="64" height="64"/></svg>)",
                            inner_base64));

  EXPECT_EQ(listener.connections(), 0);
  EXPECT_FALSE(watch.any_opened());
}

}  // namespace
}  // namespace preflight
