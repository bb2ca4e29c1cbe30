#include "tests/fetch/test_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "tests/support/raster_samples.h"

namespace preflight::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kLoopback = "127.0.0.1";
constexpr const char* kUnspecified = "0.0.0.0";  // refused by policy; were it not, it lands on this host
constexpr auto kPollSlice = 50ms;                // how often handlers look at the stop flag
constexpr auto kDripInterval = 500ms;
constexpr std::size_t kDripLength = 100;
constexpr std::size_t kResetDeclared = 10000;  // under the tests' cap: the reset, not the size, must end it
constexpr std::size_t kResetSent = 1000;
constexpr auto kResetDelay = 100ms;  // let the sent bytes reach the client before the RST
constexpr std::size_t kShortDeclared = 2000;
constexpr std::size_t kShortSent = 500;
constexpr std::size_t kChunkSize = 16 * 1024;
constexpr std::uint64_t kOversizeFactor = 2;
constexpr std::uint64_t kBombFactor = 64;
constexpr std::uint32_t kImageSide = 16;
constexpr std::uint32_t kImageSeed = 7;
constexpr int kGzipWindowBits = 15 + 16;  // zlib: +16 writes a gzip wrapper
constexpr int kZlibMemLevel = 8;
constexpr std::size_t kReadBuffer = 4096;
constexpr std::string_view kEndOfHead = "\r\n\r\n";

std::vector<std::uint8_t> make_png() {
  return preflight::test::encode_png(preflight::test::photo_raster(kImageSide, kImageSide, kImageSeed));
}

// Smooth gradients rather than noise: big enough for the default profile, a few hundred bytes on the wire.
std::vector<std::uint8_t> make_photo() {
  constexpr std::uint32_t kSide = TestServer::kPhotoSide;
  preflight::test::Raster raster{kSide, kSide, std::vector<std::uint8_t>(std::size_t{kSide} * kSide * 3)};
  for (std::uint32_t y = 0; y < kSide; ++y) {
    for (std::uint32_t x = 0; x < kSide; ++x) {
      std::uint8_t* pixel = &raster.rgb[(std::size_t{y} * kSide + x) * 3];
      pixel[0] = static_cast<std::uint8_t>(x * 255 / kSide);
      pixel[1] = static_cast<std::uint8_t>(y * 255 / kSide);
      pixel[2] = static_cast<std::uint8_t>((x + y) * 127 / kSide);
    }
  }
  return preflight::test::encode_png(raster);
}

std::string gzip_of_zeros(std::uint64_t size) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kZlibMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("test server: deflateInit2 failed");
  }
  std::string zeros(size, '\0');
  std::string out(deflateBound(&stream, size), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(zeros.data());
  stream.avail_in = static_cast<uInt>(zeros.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("test server: deflate did not finish");
  return out;
}

bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  pollfd entry{fd, POLLIN, 0};
  while (!stopping) {
    const int ready = ::poll(&entry, 1, static_cast<int>(kPollSlice.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
  return false;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void sleep_unless_stopping(std::chrono::milliseconds duration, const std::atomic<bool>& stopping) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stopping && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
}

std::string head(int status, std::string_view extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " Test\r\nContent-Type: image/png\r\n" +
         std::string(extra_headers) + "\r\n";
}

std::string with_length(std::size_t length) { return "Content-Length: " + std::to_string(length) + "\r\n"; }

constexpr std::string_view kClose = "Connection: close\r\n";
constexpr std::string_view kChunked = "Transfer-Encoding: chunked\r\n";

std::string chunk(std::size_t size) {
  char length[32];
  std::snprintf(length, sizeof length, "%zx\r\n", size);
  return length + std::string(size, 'x') + "\r\n";
}

// Every HTTP method is an upper-case token; a TLS record starts with 0x16.
bool starts_like_http(std::string_view bytes) {
  return bytes.empty() || std::isupper(static_cast<unsigned char>(bytes.front())) != 0;
}

// Reads one request head from a kept-alive connection; its path, kNotHttp when the bytes cannot be HTTP,
// or empty when the client is gone.
class RequestReader {
 public:
  explicit RequestReader(int fd) : fd_(fd) {}
  std::string next_path(const std::atomic<bool>& stopping) {
    while (buffer_.find(kEndOfHead) == std::string::npos) {
      if (!wait_readable(fd_, stopping)) return {};
      char bytes[kReadBuffer];
      const ssize_t got = ::recv(fd_, bytes, sizeof bytes, 0);
      if (got <= 0) return {};
      buffer_.append(bytes, static_cast<std::size_t>(got));
      if (!starts_like_http(buffer_)) return kNotHttp;
    }
    const std::string request = buffer_.substr(0, buffer_.find(kEndOfHead));
    buffer_.erase(0, request.size() + kEndOfHead.size());
    const auto start = request.find(' ');
    const auto end = request.find(' ', start + 1);
    return start == std::string::npos ? std::string() : request.substr(start + 1, end - start - 1);
  }

 private:
  int fd_;
  std::string buffer_;
};

enum class After { KeepAlive, Close, Reset };

}  // namespace

class TestServer::Impl {
 public:
  Impl(std::uint64_t max_body_bytes, std::vector<std::vector<std::uint8_t>> files)
      : max_body_bytes_(max_body_bytes), image_(make_png()), photo_(make_photo()), files_(std::move(files)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listen_fd_, SOMAXCONN) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("test server: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~Impl() {
    stopping_ = true;
    acceptor_.join();
    std::lock_guard lock(handlers_mutex_);
    for (auto& handler : handlers_) handler.join();
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  const std::vector<std::uint8_t>& image() const { return image_; }
  const std::vector<std::uint8_t>& photo() const { return photo_; }
  int hits(const std::string& path) const {
    std::lock_guard lock(hits_mutex_);
    const auto found = hits_.find(path);
    return found == hits_.end() ? 0 : found->second;
  }

 private:
  void accept_loop() {
    while (wait_readable(listen_fd_, stopping_)) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(handlers_mutex_);
      handlers_.emplace_back([this, fd] { serve_connection(fd); });
    }
  }

  void serve_connection(int fd) {
    RequestReader reader(fd);
    After after = After::KeepAlive;
    while (after == After::KeepAlive) {
      const std::string path = reader.next_path(stopping_);
      if (path.empty()) break;
      count_hit(path);
      after = respond(fd, path);
    }
    if (after == After::Reset) {
      const linger abort_on_close{1, 0};  // SO_LINGER 0: close() sends RST
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    }
    ::close(fd);
  }

  void count_hit(const std::string& path) {
    std::lock_guard lock(hits_mutex_);
    ++hits_[path];
  }

  // `target` is the request's path and query; the route is the path alone.
  After respond(int fd, const std::string& target) {
    if (target == kNotHttp) {
      send_all(fd, head(400, std::string(kClose) + with_length(0)));
      return After::Close;
    }
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/image") return send_image(fd);
    if (path == "/photo") return send_body(fd, photo_);
    if (path.rfind("/status/", 0) == 0) return send_status(fd, std::stoi(path.substr(8)));
    if (path.rfind("/delay/", 0) == 0) {
      sleep_unless_stopping(std::chrono::milliseconds(std::stoi(path.substr(7))), stopping_);
      return send_body(fd, photo_);
    }
    if (path.rfind("/file/", 0) == 0) return send_file(fd, path.substr(6));
    if (path == "/flaky") return hits(target) == 1 ? send_status(fd, 500) : send_image(fd);
    if (path.rfind("/chain/", 0) == 0) return chain(fd, std::stoi(path.substr(7)));
    if (path == "/redirect/ip-literal")
      return redirect(fd, "http://127.0.0.1:" + std::to_string(port_) + "/image");
    if (path == "/redirect/private") {
      return redirect(fd, std::string("http://") + kPrivateHost + ":" + std::to_string(port_) + "/image");
    }
    if (path == "/redirect/ftp") return redirect(fd, std::string("ftp://") + kImagesHost + "/image.png");
    if (path == "/declared-oversized") {  // sent a chunk at a time: many may be in flight at once
      const std::uint64_t size = max_body_bytes_ * kOversizeFactor;
      if (!send_all(fd, head(200, with_length(size)))) return After::Close;
      const std::string piece(kChunkSize, 'x');
      for (std::uint64_t sent = 0; sent < size; sent += piece.size()) {
        if (!send_all(fd,
                      std::string_view(piece).substr(0, std::min<std::uint64_t>(piece.size(), size - sent))))
          break;
      }
      return After::Close;
    }
    if (path == "/chunked-oversized") return send_chunked(fd, "");
    if (path == "/lying-length") return send_chunked(fd, with_length(kLyingLength));
    if (path == "/lying-length-plain") {
      send_all(fd,
               head(200, with_length(kLyingLength)) + std::string(max_body_bytes_ * kOversizeFactor, 'x'));
      return After::Close;
    }
    if (path == "/gzip-bomb") {
      const std::string& bomb = gzip_bomb();
      send_all(fd, head(200, "Content-Encoding: gzip\r\n" + with_length(bomb.size())) + bomb);
      return After::KeepAlive;
    }
    return respond_with_fault(fd, path);
  }

  After respond_with_fault(int fd, const std::string& path) {
    if (path == "/stall") {
      sleep_unless_stopping(std::chrono::hours(1), stopping_);
      return After::Close;
    }
    if (path == "/drip") return drip(fd);
    if (path == "/reset") {
      send_all(fd, head(200, with_length(kResetDeclared)) + std::string(kResetSent, 'x'));
      sleep_unless_stopping(kResetDelay, stopping_);
      return After::Reset;
    }
    if (path == "/short") {
      send_all(fd,
               head(200, std::string(kClose) + with_length(kShortDeclared)) + std::string(kShortSent, 'x'));
      return After::Close;
    }
    return send_status(fd, 404);
  }

  const std::string& gzip_bomb() {
    std::call_once(bomb_made_, [this] { bomb_ = gzip_of_zeros(max_body_bytes_ * kBombFactor); });
    return bomb_;
  }

  After send_image(int fd) { return send_body(fd, image_); }

  After send_file(int fd, std::string_view index) {
    std::size_t n = 0;
    const auto [end, error] = std::from_chars(index.data(), index.data() + index.size(), n);
    const bool found = error == std::errc() && end == index.data() + index.size() && n < files_.size();
    return found ? send_body(fd, files_[n]) : send_status(fd, 404);
  }

  static After send_body(int fd, const std::vector<std::uint8_t>& bytes) {
    const std::string body(bytes.begin(), bytes.end());
    return send_all(fd, head(200, with_length(body.size())) + body) ? After::KeepAlive : After::Close;
  }

  static After send_status(int fd, int status) {
    constexpr std::string_view kBody = "no image here";
    return send_all(fd, head(status, with_length(kBody.size())) + std::string(kBody)) ? After::KeepAlive
                                                                                      : After::Close;
  }

  static After redirect(int fd, const std::string& location) {
    return send_all(fd, head(302, "Location: " + location + "\r\n" + with_length(0))) ? After::KeepAlive
                                                                                      : After::Close;
  }

  After chain(int fd, int left) {
    return left <= 0 ? send_image(fd) : redirect(fd, "/chain/" + std::to_string(left - 1));
  }

  After send_chunked(int fd, const std::string& extra_headers) {
    if (!send_all(fd, head(200, std::string(kChunked) + extra_headers))) return After::Close;
    for (std::uint64_t sent = 0; sent < max_body_bytes_ * kOversizeFactor; sent += kChunkSize) {
      if (!send_all(fd, chunk(kChunkSize))) return After::Close;
    }
    send_all(fd, "0\r\n\r\n");
    return After::Close;
  }

  After drip(int fd) {
    if (!send_all(fd, head(200, with_length(kDripLength)))) return After::Close;
    for (std::size_t sent = 0; sent < kDripLength && !stopping_; ++sent) {
      if (!send_all(fd, "x")) return After::Close;
      sleep_unless_stopping(kDripInterval, stopping_);
    }
    return After::Close;
  }

  const std::uint64_t max_body_bytes_;
  const std::vector<std::uint8_t> image_;
  const std::vector<std::uint8_t> photo_;
  const std::vector<std::vector<std::uint8_t>> files_;
  std::once_flag bomb_made_;
  std::string bomb_;  // made on first use: for a large cap it takes seconds
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex hits_mutex_;
  std::map<std::string, int> hits_;
  std::mutex handlers_mutex_;
  std::vector<std::thread> handlers_;
  std::thread acceptor_;  // last: starts once everything above is built
};

TestServer::TestServer(std::uint64_t max_body_bytes, std::vector<std::vector<std::uint8_t>> files)
    : impl_(std::make_unique<Impl>(max_body_bytes, std::move(files))) {}

TestServer::~TestServer() = default;

std::string TestServer::url(const std::string& path) const {
  return std::string("http://") + kImagesHost + ":" + std::to_string(port()) + path;
}

int TestServer::port() const { return impl_->port(); }

std::vector<std::string> TestServer::resolve_overrides() const {
  const std::string port_text = std::to_string(port());
  return {std::string(kImagesHost) + ":" + port_text + ":" + kLoopback,
          std::string(kPrivateHost) + ":" + port_text + ":" + kUnspecified};
}

const std::vector<std::uint8_t>& TestServer::image() const { return impl_->image(); }

const std::vector<std::uint8_t>& TestServer::photo() const { return impl_->photo(); }

int TestServer::hits(const std::string& path) const { return impl_->hits(path); }

}  // namespace preflight::testing
