#include "fetch/transfer.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <exception>
#include <string_view>

#include "fetch/address_policy.h"

namespace preflight {
namespace {

constexpr const char* kAllowedProtocols = "http,https";
constexpr const char* kNoProxy = "";  // ignore *_proxy variables: the address check must see the origin
constexpr std::chrono::milliseconds kLeastTimeout{1};  // CURLOPT_TIMEOUT_MS 0 would mean "no timeout"
constexpr const char* kAllEncodings = "";  // every encoding libcurl can decode (gzip, deflate, br, ...)
constexpr long kFirstSuccessStatus = 200;
constexpr long kFirstRedirectStatus = 300;
constexpr std::string_view kStatusLinePrefix = "HTTP/";
constexpr std::string_view kContentLength = "content-length:";

std::int64_t elapsed_us(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// "HTTP/1.1 200 OK" or "HTTP/2 200" → 200; 0 if unreadable.
long parse_status(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  long status = 0;
  const auto digits = line.substr(space + 1);
  std::from_chars(digits.data(), digits.data() + digits.size(), status);
  return status;
}

template <typename Value>
bool set(CURL* easy, CURLoption option, Value value) {
  return curl_easy_setopt(easy, option, value) == CURLE_OK;
}

bool is_https(std::string_view url) {
  constexpr std::string_view kHttps = "https:";
  return url.size() >= kHttps.size() &&
         std::equal(kHttps.begin(), kHttps.end(), url.begin(), [](char expected, char actual) {
           return expected == std::tolower(static_cast<unsigned char>(actual));
         });
}

}  // namespace

Transfer::Transfer(DownloadId id, std::string url, DownloadCompletion on_done, const DownloadPolicy& policy)
    : policy_(policy), on_done_(std::move(on_done)) {
  result_.id = id;
  result_.final_url = url;
  result_.url = std::move(url);
}

bool Transfer::prepare(curl_slist* resolve_overrides) {
  easy_.reset(curl_easy_init());
  CURL* easy = easy_.get();
  const bool ok =
      easy != nullptr && set(easy, CURLOPT_PRIVATE, this) && set(easy, CURLOPT_NOSIGNAL, 1L) &&
      set(easy, CURLOPT_PROTOCOLS_STR, kAllowedProtocols) &&
      set(easy, CURLOPT_REDIR_PROTOCOLS_STR, kAllowedProtocols) && set(easy, CURLOPT_FOLLOWLOCATION, 0L) &&
      set(easy, CURLOPT_PROXY, kNoProxy) && set(easy, CURLOPT_USERAGENT, policy_.user_agent.c_str()) &&
      set(easy, CURLOPT_ACCEPT_ENCODING, kAllEncodings) &&
      set(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS)) &&
      set(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(policy_.max_body_bytes)) &&
      set(easy, CURLOPT_ERRORBUFFER, error_buffer_) &&
      set(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header) && set(easy, CURLOPT_HEADERDATA, this) &&
      set(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body) && set(easy, CURLOPT_WRITEDATA, this) &&
      set(easy, CURLOPT_OPENSOCKETFUNCTION, &Transfer::on_open_socket) &&
      set(easy, CURLOPT_OPENSOCKETDATA, this) &&
      (resolve_overrides == nullptr || set(easy, CURLOPT_RESOLVE, resolve_overrides));
  return ok;
}

void Transfer::start_request(const std::string& url) {
  if (!attempt_open_) {
    attempt_open_ = true;
    attempt_start_ = std::chrono::steady_clock::now();
  }
  result_.final_url = url;
  result_.bytes.clear();
  error_buffer_[0] = '\0';
  status_ = 0;
  declared_length_ = 0;
  has_declared_length_ = false;
  too_large_ = false;
  refused_address_.reset();
  curl_easy_setopt(easy_.get(), CURLOPT_URL, url.c_str());
  // Waiting for a busy connection to a host pays off only where HTTP/2 may multiplex, i.e. over TLS (ALPN).
  // On http:// the wait lasts until that connection's response: a stalled first URL would hold back every
  // other URL of its host.
  curl_easy_setopt(easy_.get(), CURLOPT_PIPEWAIT, is_https(url) ? 1L : 0L);
  curl_easy_setopt(easy_.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(remaining_attempt_time().count()));
}

// SPEC §5's 3 s cover the whole attempt: a redirect hop gets what its attempt has left.
std::chrono::milliseconds Transfer::remaining_attempt_time() const {
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                           attempt_start_);
  return std::max(policy_.attempt_timeout - spent, kLeastTimeout);
}

void Transfer::end_attempt() {
  if (!attempt_open_) return;
  result_.attempt_us.push_back(elapsed_us(attempt_start_));
  attempt_open_ = false;
}

void Transfer::start_retry() {
  end_attempt();
  const std::string url = result_.final_url;
  start_request(url);
}

TransferOutcome Transfer::outcome(CURLcode code) const {
  TransferOutcome outcome;
  outcome.code = code;
  outcome.http_status = status_;
  if (outcome.http_status == 0) curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &outcome.http_status);
  outcome.refused_address = refused_address_;
  outcome.too_large = too_large_;
  outcome.url = result_.final_url;
  outcome.curl_detail = error_buffer_;
  return outcome;
}

void Transfer::complete_ok() {
  end_attempt();
  result_.status = DownloadStatus::Ok;
  deliver_download(on_done_, std::move(result_));
}

void Transfer::complete_failed(FetchFailure failure) {
  end_attempt();
  result_.status = DownloadStatus::Failed;
  result_.bytes.clear();
  result_.failure = std::move(failure);
  deliver_download(on_done_, std::move(result_));
}

void Transfer::complete_cancelled(std::string message) {
  end_attempt();
  result_.status = DownloadStatus::Cancelled;
  result_.bytes.clear();
  result_.cancel_message = std::move(message);
  deliver_download(on_done_, std::move(result_));
}

void deliver_download(const DownloadCompletion& on_done, DownloadResult&& result) noexcept {
  try {
    on_done(std::move(result));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "preflight: a download completion threw (%s); completions must not throw\n",
                 error.what());
  } catch (...) {
    std::fprintf(stderr, "preflight: a download completion threw; completions must not throw\n");
  }
}

std::size_t Transfer::on_header(char* data, std::size_t size, std::size_t count, void* self) {
  return static_cast<Transfer*>(self)->header_line(std::string_view(data, size * count));
}

std::size_t Transfer::on_body(char* data, std::size_t size, std::size_t count, void* self) {
  return static_cast<Transfer*>(self)->body_chunk(data, size * count);
}

std::size_t Transfer::header_line(std::string_view line) {
  constexpr std::size_t kAbort = 0;
  if (line.substr(0, kStatusLinePrefix.size()) == kStatusLinePrefix) {  // a new response (e.g. after 1xx)
    status_ = parse_status(line);
    has_declared_length_ = false;
    return line.size();
  }
  if (starts_with_ignoring_case(line, kContentLength)) {
    const auto value = trim(line.substr(kContentLength.size()));
    has_declared_length_ =
        std::from_chars(value.data(), value.data() + value.size(), declared_length_).ec == std::errc();
    return line.size();
  }
  const bool end_of_headers = trim(line).empty();
  const bool success = status_ >= kFirstSuccessStatus && status_ < kFirstRedirectStatus;
  if (end_of_headers && success && has_declared_length_) {
    if (declared_length_ > policy_.max_body_bytes) {  // refuse before reading any of the body
      too_large_ = true;
      return kAbort;
    }
    try {
      result_.bytes.reserve(declared_length_);
    } catch (...) {
      return kAbort;
    }
  }
  return line.size();
}

// Counts decoded bytes (after Content-Encoding) and stops at max_body_bytes + 1: libcurl 7.88 does not
// apply CURLOPT_MAXFILESIZE to chunked or compressed bodies. Bodies of non-2xx answers are dropped.
std::size_t Transfer::body_chunk(const char* data, std::size_t size) {
  constexpr std::size_t kAbort = 0;
  const bool success = status_ >= kFirstSuccessStatus && status_ < kFirstRedirectStatus;
  if (!success) return size;
  if (result_.bytes.size() + size > policy_.max_body_bytes) {
    too_large_ = true;
    return kAbort;
  }
  try {
    // As bytes, so the insert is one memcpy rather than a loop converting each char.
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
    result_.bytes.insert(result_.bytes.end(), bytes, bytes + size);
  } catch (...) {
    return kAbort;
  }
  return size;
}

// The address policy runs on the address actually connected, for every new connection of every hop, so
// DNS rebinding cannot slip past it. A refusal is remembered: curl reports it as CURLE_COULDNT_CONNECT.
curl_socket_t Transfer::on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(self);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  try {
    if (auto refusal = check_address(&address->addr, transfer->policy_.address_policy)) {
      transfer->refused_address_ = std::move(refusal);
      return CURL_SOCKET_BAD;
    }
  } catch (...) {
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

}  // namespace preflight
