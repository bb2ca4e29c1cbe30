#pragma once

// A fault-injecting HTTP/1.1 server for the downloader tests: raw sockets on 127.0.0.1, an ephemeral
// port, a thread per connection, keep-alive. (Debian's cpp-httplib 0.11 is not header-only: its header
// needs libcpp-httplib.so, built with CPPHTTPLIB_OPENSSL_SUPPORT and a listen backlog of 5.)
// Tests reach it through host names mapped with resolve_overrides() (like curl --resolve).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace preflight::testing {

inline constexpr const char* kImagesHost = "images.test";    // mapped to 127.0.0.1
inline constexpr const char* kPrivateHost = "private.test";  // mapped to 0.0.0.0: must be refused
// The hits() key of connections that opened with bytes no HTTP request starts with (e.g. a TLS
// ClientHello); the server answers them with a 400 at once and closes, as a plain HTTP server would.
inline constexpr const char* kNotHttp = "(not http)";

class TestServer final {
 public:
  // `max_body_bytes` is the downloader's cap: the oversized routes send more than it, the gzip bomb
  // decodes to far more than it. `files` are what /file/<n> serves.
  explicit TestServer(std::uint64_t max_body_bytes, std::vector<std::vector<std::uint8_t>> files = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // http://images.test:PORT/PATH. A query string (`?…`) does not change the route, so `/image?1` and
  // `/image?2` are two URLs for the same image. Routes:
  //   /image                 a small PNG (16 × 16: the default profile rejects it as too small)
  //   /photo                 a small PNG the default profile accepts (kPhotoSide², warning low_resolution)
  //   /status/<code>         that status with a short text body
  //   /flaky                 500 the first time, then the image (per path and query: /flaky?1, /flaky?2…)
  //   /delay/<ms>            waits that many milliseconds, then sends the photo
  //   /chain/<n>             n redirects (302, relative Location), then the image
  //   /redirect/ip-literal   302 to http://127.0.0.1:PORT/image
  //   /redirect/private      302 to http://private.test:PORT/image
  //   /redirect/ftp          302 to ftp://images.test/image.png
  //   /declared-oversized    a Content-Length over the cap (and that many bytes)
  //   /chunked-oversized     a chunked body over the cap, no Content-Length
  //   /lying-length          Content-Length: 100 and a chunked body over the cap
  //   /lying-length-plain    Content-Length: 100, then more bytes than the cap
  //   /gzip-bomb             Content-Encoding: gzip, decoding to 64 × the cap
  //   /stall                 accepts and reads the request, never answers
  //   /drip                  Content-Length: 100, one byte every 500 ms
  //   /reset                 part of the body, then RST (SO_LINGER 0)
  //   /short                 a body shorter than its Content-Length, then a normal close
  //   /file/<n>              the n-th of the constructor's `files` (from 0; 404 past the end)
  // A connection that does not start like HTTP (an https:// URL for this port) gets a 400 (kNotHttp).
  std::string url(const std::string& path) const;
  int port() const;

  // "HOST:PORT:ADDR" entries for DownloadPolicy::resolve_overrides.
  std::vector<std::string> resolve_overrides() const;

  const std::vector<std::uint8_t>& image() const;
  const std::vector<std::uint8_t>& photo() const;
  static constexpr std::uint32_t kPhotoSide = 64;     // /photo's width and height
  static constexpr std::uint64_t kLyingLength = 100;  // what /lying-length* declare
  // How many requests a path has received.
  int hits(const std::string& path) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace preflight::testing
