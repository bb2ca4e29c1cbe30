// The downloader against a fault-injecting server on 127.0.0.1 (and, for TLS, `openssl s_server`; for DNS,
// an empty network namespace): every SPEC §5 case gives its reason, the retry and timing rules hold, and
// every submitted URL gets exactly one completion.
#include "fetch/downloader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

#include "pipeline/fetch_verdict.h"
#include "tests/fetch/test_server.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
using preflight::testing::kImagesHost;
using preflight::testing::kNotHttp;
using preflight::testing::TestServer;

constexpr std::uint64_t kCap = 64 * 1024;
constexpr auto kWaitLimit = 30s;

DownloadPolicy test_policy(const TestServer& server, bool allow_loopback = true) {
  DownloadPolicy policy;
  policy.max_body_bytes = kCap;
  policy.address_policy.allow_loopback = allow_loopback;
  policy.resolve_overrides = server.resolve_overrides();
  return policy;
}

DownloadResult fetch(Downloader& downloader, const std::string& url) {
  auto promise = std::make_shared<std::promise<DownloadResult>>();
  auto future = promise->get_future();
  downloader.submit(url, [promise](DownloadResult&& result) { promise->set_value(std::move(result)); });
  if (future.wait_for(kWaitLimit) != std::future_status::ready) {
    ADD_FAILURE() << url << ": no completion within " << kWaitLimit.count() << " s";
    return {};
  }
  return future.get();
}

std::string reason_of(const DownloadResult& result) {
  if (result.status == DownloadStatus::Cancelled) return "cancelled";
  return result.failure ? result.failure->reason_text() : "ok";
}

// Collects completions by id, from any thread.
class CompletionLog {
 public:
  DownloadCompletion callback() {
    return [this](DownloadResult&& result) {
      std::lock_guard lock(mutex_);
      results_[result.id].push_back(std::move(result));
      ++count_;
      changed_.notify_all();
    };
  }
  bool wait_for(std::size_t count, std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return count_ >= count; });
  }
  std::map<DownloadId, std::vector<DownloadResult>> results() {
    std::lock_guard lock(mutex_);
    return results_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t count_ = 0;
  std::map<DownloadId, std::vector<DownloadResult>> results_;
};

// --- each route gives its reason and attempt count ------------------------------------------------

struct RouteCase {
  const char* name;
  const char* path;
  const char* reason;
  int attempts;
  bool redirected;
};

class DownloaderRoutes : public ::testing::TestWithParam<RouteCase> {
 protected:
  TestServer server_{kCap};
};

TEST_P(DownloaderRoutes, GivesTheExpectedReasonAndAttempts) {
  const RouteCase& row = GetParam();
  Downloader downloader(test_policy(server_));
  const std::string url = server_.url(row.path);
  const DownloadResult result = fetch(downloader, url);
  EXPECT_EQ(reason_of(result), row.reason) << (result.failure ? result.failure->message : "");
  EXPECT_EQ(result.attempt_us.size(), static_cast<std::size_t>(row.attempts));
  EXPECT_EQ(result.redirected, row.redirected);
  EXPECT_EQ(result.url, url);
  EXPECT_LE(result.bytes.size(), kCap);
  if (result.failure) {
    EXPECT_NE(result.failure->message.find("://"), std::string::npos) << "names no URL";
  }
}

INSTANTIATE_TEST_SUITE_P(
    DownloaderSpec5, DownloaderRoutes,
    ::testing::Values(RouteCase{"Image", "/image", "ok", 1, false},
                      RouteCase{"NotFound", "/status/404", "http_404", 1, false},
                      RouteCase{"MethodNotAllowed", "/status/405", "http_405", 1, false},
                      RouteCase{"ServerError", "/status/500", "http_500", 2, false},
                      RouteCase{"Unavailable", "/status/503", "http_503", 2, false},
                      RouteCase{"ErrorThenOk", "/flaky", "ok", 2, false},
                      RouteCase{"ResetMidBody", "/reset", "reset", 2, false},
                      RouteCase{"ShortBody", "/short", "partial_body", 2, false},
                      RouteCase{"DeclaredOverCap", "/declared-oversized", "too_large", 1, false},
                      RouteCase{"ChunkedOverCap", "/chunked-oversized", "too_large", 1, false},
                      RouteCase{"LyingLengthChunked", "/lying-length", "too_large", 1, false},
                      RouteCase{"GzipBomb", "/gzip-bomb", "too_large", 1, false},
                      RouteCase{"TwoRedirects", "/chain/2", "ok", 1, true},
                      RouteCase{"FiveRedirects", "/chain/5", "too_many_redirects", 1, true},
                      RouteCase{"RedirectToIpLiteral", "/redirect/ip-literal", "ip_literal_host", 1, false},
                      RouteCase{"RedirectToPrivate", "/redirect/private", "private_address", 1, true},
                      RouteCase{"RedirectToFtp", "/redirect/ftp", "unsupported_scheme", 1, false}),
    [](const ::testing::TestParamInfo<RouteCase>& info) { return std::string(info.param.name); });

class DownloaderBodies : public ::testing::Test {
 protected:
  TestServer server_{kCap};
};

TEST_F(DownloaderBodies, ImageArrivesWholeWithOneTimedAttempt) {
  Downloader downloader(test_policy(server_));
  const DownloadResult result = fetch(downloader, server_.url("/image"));
  ASSERT_EQ(result.status, DownloadStatus::Ok);
  EXPECT_EQ(result.bytes, server_.image());
  EXPECT_EQ(result.final_url, server_.url("/image"));
  ASSERT_EQ(result.attempt_us.size(), 1u);
  EXPECT_GT(result.attempt_us[0], 0);
}

TEST_F(DownloaderBodies, RedirectChainOfTwoEndsAtTheImage) {
  Downloader downloader(test_policy(server_));
  const DownloadResult result = fetch(downloader, server_.url("/chain/2"));
  ASSERT_EQ(result.status, DownloadStatus::Ok);
  EXPECT_TRUE(result.redirected);
  EXPECT_EQ(result.final_url, server_.url("/chain/0"));
  EXPECT_EQ(result.bytes, server_.image());
}

TEST_F(DownloaderBodies, FiveRedirectsStopAfterTheThirdHop) {
  Downloader downloader(test_policy(server_));
  fetch(downloader, server_.url("/chain/5"));
  EXPECT_EQ(server_.hits("/chain/2"), 1);
  EXPECT_EQ(server_.hits("/chain/1"), 0);
}

TEST_F(DownloaderBodies, LyingPlainLengthNeverReadsPastTheDeclaredLength) {
  Downloader downloader(test_policy(server_));
  const DownloadResult result = fetch(downloader, server_.url("/lying-length-plain"));
  ASSERT_EQ(result.status, DownloadStatus::Ok);
  EXPECT_EQ(result.bytes.size(), TestServer::kLyingLength);
}

TEST_F(DownloaderBodies, NotFoundIsAskedOnce) {
  Downloader downloader(test_policy(server_));
  fetch(downloader, server_.url("/status/404"));
  EXPECT_EQ(server_.hits("/status/404"), 1);
}

// --- address and URL policy -------------------------------------------------------------------------

TEST(DownloaderAddress, LoopbackIsRefusedUnlessAllowed) {
  TestServer server(kCap);
  Downloader downloader(test_policy(server, /*allow_loopback=*/false));
  const DownloadResult result = fetch(downloader, server.url("/image"));
  EXPECT_EQ(reason_of(result), "private_address") << (result.failure ? result.failure->message : "");
  EXPECT_EQ(result.attempt_us.size(), 1u);  // a refusal is not a connect failure: no retry
  EXPECT_EQ(server.hits("/image"), 0);
}

TEST(DownloaderAddress, BadUrlsFailBeforeAnyTraffic) {
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  const std::string port = ":" + std::to_string(server.port());
  const std::pair<std::string, std::string> rows[] = {
      {"not a url", "bad_url"},
      {"ftp://images.test/image.png", "unsupported_scheme"},
      {"http://127.0.0.1" + port + "/image", "ip_literal_host"},
      {"http://2130706433" + port + "/image", "ip_literal_host"},
  };
  for (const auto& [url, reason] : rows) {
    const DownloadResult result = fetch(downloader, url);
    EXPECT_EQ(reason_of(result), reason) << url;
    EXPECT_TRUE(result.attempt_us.empty()) << url;
  }
  EXPECT_EQ(server.hits("/image"), 0);
}

// A port on 127.0.0.1 that nothing listens on: bound, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(DownloaderAddress, RefusedConnectionIsConnectFailedAndRetriedOnce) {
  TestServer server(kCap);
  const std::string port = std::to_string(closed_port());
  DownloadPolicy policy = test_policy(server);
  policy.resolve_overrides.push_back("closed.test:" + port + ":127.0.0.1");
  Downloader downloader(policy);
  const DownloadResult result = fetch(downloader, "http://closed.test:" + port + "/image");
  EXPECT_EQ(reason_of(result), "connect_failed") << (result.failure ? result.failure->message : "");
  EXPECT_EQ(result.attempt_us.size(), 2u);
}

// --- TLS: a handshake the client does not trust ------------------------------------------------------

// SPEC §5 retries timeouts, connect failures, resets, partial bodies and 5xx only, and is_retryable()
// agrees: a TLS failure is final after one attempt.
void expect_tls_error_after_one_attempt(const DownloadResult& result) {
  ASSERT_EQ(result.status, DownloadStatus::Failed);
  ASSERT_TRUE(result.failure.has_value());
  EXPECT_EQ(result.failure->reason, FetchReason::TlsError) << result.failure->message;
  EXPECT_EQ(result.failure->reason_text(), "tls_error");
  EXPECT_EQ(fetch_failure_code(result.failure->reason), "ResourceUnavailable.ImageDownloadError");
  EXPECT_EQ(result.attempt_us.size(), 1u);
}

TEST(DownloaderTls, PlainHttpServerOnAnHttpsUrlIsTlsErrorAtOnce) {
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  const std::string url =
      std::string("https://") + kImagesHost + ":" + std::to_string(server.port()) + "/image";
  const DownloadResult result = fetch(downloader, url);
  expect_tls_error_after_one_attempt(result);
  ASSERT_FALSE(result.attempt_us.empty());
  EXPECT_LT(result.attempt_us.front(), 1'000'000)
      << "the server's 400 should end the handshake, not a timeout";
  EXPECT_EQ(server.hits(kNotHttp), 1);  // one connection: no retry
  EXPECT_EQ(server.hits("/image"), 0);
}

// Starts `args` (args[0] looked up in PATH) with stdin and stderr on /dev/null and stdout on `stdout_fd`,
// or on /dev/null when it is negative; -1 when it cannot be started.
pid_t spawn(const std::vector<std::string>& args, int stdout_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  if (stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

// The exit status of `args`; -1 when it could not start or did not exit normally.
int run(const std::vector<std::string>& args) {
  const pid_t pid = spawn(args, -1);
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What `fd` gives until EOF, an error or `limit`, or until `stop_at` appears when it is not empty.
std::string read_for(int fd, std::chrono::milliseconds limit, std::string_view stop_at = {}) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string seen;
  while (stop_at.empty() || seen.find(stop_at) == std::string::npos) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd entry{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) break;
    char bytes[256];
    const ssize_t got = ::read(fd, bytes, sizeof bytes);
    if (got <= 0) break;
    seen.append(bytes, static_cast<std::size_t>(got));
  }
  return seen;
}

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "preflight-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A child process whose stdout the test reads; sent SIGTERM and reaped on destruction.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& args) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = spawn(args, out[1]);
    ::close(out[1]);
    stdout_ = out[0];
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(stdout_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool wait_for_output(std::string_view wanted, std::chrono::milliseconds limit) const {
    return pid_ > 0 && read_for(stdout_, limit, wanted).find(wanted) != std::string::npos;
  }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
};

constexpr const char* kTlsHost = "tls.test";
constexpr auto kServerStartLimit = 10s;

// A real TLS server (openssl s_server) with a self-signed certificate for kTlsHost: the handshake
// completes on the wire, but the client trusts no such certificate.
TEST(DownloaderTls, UntrustedCertificateIsTlsError) {
  if (run({"openssl", "version"}) != 0) GTEST_SKIP() << "no openssl command (scripts/setup.sh installs it)";
  const TempDir dir;
  const std::string cert = dir.file("cert.pem");
  const std::string key = dir.file("key.pem");
  ASSERT_EQ(run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-nodes", "-days", "1", "-subj", std::string("/CN=") + kTlsHost, "-addext",
                 std::string("subjectAltName=DNS:") + kTlsHost, "-keyout", key, "-out", cert}),
            0);
  const std::string port = std::to_string(closed_port());
  const ChildProcess server(
      {"openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert, "-key", key, "-www"});
  ASSERT_TRUE(server.wait_for_output("ACCEPT", kServerStartLimit)) << "openssl s_server did not start";

  DownloadPolicy policy;
  policy.max_body_bytes = kCap;
  policy.address_policy.allow_loopback = true;
  policy.resolve_overrides = {std::string(kTlsHost) + ":" + port + ":127.0.0.1"};
  Downloader downloader(policy);
  const DownloadResult result = fetch(downloader, std::string("https://") + kTlsHost + ":" + port + "/");
  expect_tls_error_after_one_attempt(result);
  ASSERT_TRUE(result.failure.has_value());
  EXPECT_NE(result.failure->message.find("certificate"), std::string::npos) << result.failure->message;
}

// --- DNS: a name that does not resolve ----------------------------------------------------------------

constexpr int kChildRan = 0;
constexpr int kChildNoNamespace = 3;
constexpr int kChildThrew = 4;
constexpr auto kChildLimit = 30s;

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Runs in the forked child, which has no threads yet: moves into a new network namespace (no routes,
// loopback down, so no packet can leave), downloads `url` there and writes "<reason> <attempts>" to `out`.
int fetch_without_network(const std::string& url, int out) {
  // Without CAP_SYS_ADMIN a new user namespace grants it; that needs a single-threaded caller, as here.
  if (::unshare(CLONE_NEWNET) != 0 && (errno != EPERM || ::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)) {
    write_all(out, std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno));
    return kChildNoNamespace;
  }
  try {
    DownloadPolicy policy;
    policy.max_body_bytes = kCap;
    Downloader downloader(policy);
    DownloadResult result;
    downloader.submit(url, [&result](DownloadResult&& done) { result = std::move(done); });
    downloader.shutdown(ShutdownMode::Drain);
    write_all(out, reason_of(result) + " " + std::to_string(result.attempt_us.size()));
    return kChildRan;
  } catch (const std::exception& error) {
    write_all(out, error.what());
    return kChildThrew;
  }
}

// SPEC §5 does not list DNS failure as transient and is_retryable() agrees: one attempt.
TEST(DownloaderDns, UnresolvableHostIsDnsFailureAfterOneAttempt) {
  int report[2];
  ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0) << std::strerror(errno);
  if (child == 0) {
    ::close(report[0]);
    ::_exit(fetch_without_network("http://no-such-host.invalid/image", report[1]));
  }
  ::close(report[1]);
  const std::string text = read_for(report[0], kChildLimit);
  ::close(report[0]);
  ::kill(child, SIGKILL);  // a no-op when it has exited; ends it when it overran kChildLimit
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child did not finish within the limit: " << text;
  if (WEXITSTATUS(status) == kChildNoNamespace) GTEST_SKIP() << text;
  ASSERT_EQ(WEXITSTATUS(status), kChildRan) << text;
  EXPECT_EQ(text, "dns_failure 1");
}

// --- timeouts ----------------------------------------------------------------------------------------

void expect_two_timeouts_within_seven_seconds(const std::string& path) {
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  const auto start = std::chrono::steady_clock::now();
  const DownloadResult result = fetch(downloader, server.url(path));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(reason_of(result), "timeout");
  ASSERT_EQ(result.attempt_us.size(), 2u);
  for (const std::int64_t us : result.attempt_us) {
    EXPECT_GE(us, 2'900'000);
    EXPECT_LT(us, 3'400'000);
  }
  EXPECT_GE(took, 5900ms);
  EXPECT_LT(took, 7s);
  EXPECT_EQ(server.hits(path), 2);
}

TEST(DownloaderTimeouts, StallIsRetriedOnceAndEndsWithinSevenSeconds) {
  expect_two_timeouts_within_seven_seconds("/stall");
}

TEST(DownloaderTimeouts, SlowDripIsRetriedOnceAndEndsWithinSevenSeconds) {
  expect_two_timeouts_within_seven_seconds("/drip");
}

// --- many at once, cancel, shutdown --------------------------------------------------------------

TEST(DownloaderLoad, TenThousandConcurrentDownloadsCompleteExactlyOnce) {
  constexpr std::size_t kDownloads = 10000;
  constexpr std::size_t kSubmitters = 4;
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  CompletionLog log;
  std::mutex ids_mutex;
  std::vector<DownloadId> ids;
  std::vector<std::thread> submitters;
  for (std::size_t t = 0; t < kSubmitters; ++t) {
    submitters.emplace_back([&] {
      for (std::size_t i = 0; i < kDownloads / kSubmitters; ++i) {
        const DownloadId id = downloader.submit(server.url("/image"), log.callback());
        std::lock_guard lock(ids_mutex);
        ids.push_back(id);
      }
    });
  }
  for (auto& submitter : submitters) submitter.join();
  ASSERT_TRUE(log.wait_for(kDownloads, kWaitLimit));
  downloader.shutdown(ShutdownMode::Drain);
  const auto results = log.results();
  ASSERT_EQ(results.size(), kDownloads);
  for (const DownloadId id : ids) {
    const auto found = results.find(id);
    ASSERT_NE(found, results.end()) << "no completion for id " << id;
    ASSERT_EQ(found->second.size(), 1u) << "id " << id << " completed more than once";
    EXPECT_EQ(reason_of(found->second.front()), "ok");
    EXPECT_EQ(found->second.front().bytes.size(), server.image().size());
  }
}

TEST(DownloaderShutdown, AbortGivesEveryTransferInFlightOrWaitingOneCompletion) {
  constexpr std::size_t kStalls = 300;  // more than max_in_flight: some wait in the queue
  TestServer server(kCap);
  auto policy = test_policy(server);
  policy.max_in_flight = 64;
  Downloader downloader(policy);
  CompletionLog log;
  for (std::size_t i = 0; i < kStalls; ++i) downloader.submit(server.url("/stall"), log.callback());
  std::this_thread::sleep_for(300ms);
  const auto start = std::chrono::steady_clock::now();
  downloader.shutdown(ShutdownMode::Abort);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  const auto results = log.results();
  ASSERT_EQ(results.size(), kStalls);
  for (const auto& [id, completions] : results) {
    ASSERT_EQ(completions.size(), 1u);
    EXPECT_EQ(reason_of(completions.front()), "cancelled");
    EXPECT_NE(completions.front().cancel_message.find("shutdown"), std::string::npos);
  }
}

TEST(DownloaderShutdown, DrainFinishesEverySubmittedUrl) {
  constexpr std::size_t kDownloads = 200;
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  CompletionLog log;
  for (std::size_t i = 0; i < kDownloads; ++i) downloader.submit(server.url("/image"), log.callback());
  downloader.shutdown(ShutdownMode::Drain);
  const auto results = log.results();
  ASSERT_EQ(results.size(), kDownloads);
  for (const auto& [id, completions] : results) {
    ASSERT_EQ(completions.size(), 1u);
    EXPECT_EQ(reason_of(completions.front()), "ok");
  }
}

TEST(DownloaderShutdown, SubmitAfterShutdownCompletesAtOnceAsCancelled) {
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  downloader.shutdown(ShutdownMode::Drain);
  const DownloadResult result = fetch(downloader, server.url("/image"));
  EXPECT_EQ(reason_of(result), "cancelled");
  EXPECT_EQ(server.hits("/image"), 0);
}

TEST(DownloaderCancel, CancellingAStalledTransferCompletesItAtOnce) {
  TestServer server(kCap);
  Downloader downloader(test_policy(server));
  CompletionLog log;
  const DownloadId id = downloader.submit(server.url("/stall"), log.callback());
  std::this_thread::sleep_for(100ms);
  downloader.cancel(id);
  ASSERT_TRUE(log.wait_for(1, 1s));
  const auto results = log.results();
  ASSERT_EQ(results.at(id).size(), 1u);
  EXPECT_EQ(reason_of(results.at(id).front()), "cancelled");
}

TEST(DownloaderCancel, CancellingAQueuedDownloadCompletesItWithoutStartingIt) {
  TestServer server(kCap);
  DownloadPolicy policy = test_policy(server);
  policy.max_in_flight = 1;  // the stall holds the only slot: the next two wait in the queue
  Downloader downloader(policy);
  CompletionLog log;
  const DownloadId stalled = downloader.submit(server.url("/stall"), log.callback());
  const DownloadId queued = downloader.submit(server.url("/status/404"), log.callback());
  const DownloadId behind = downloader.submit(server.url("/image"), log.callback());
  std::this_thread::sleep_for(100ms);
  downloader.cancel(queued);
  ASSERT_TRUE(log.wait_for(1, 1s));
  const DownloadResult cancelled = log.results().at(queued).front();
  EXPECT_EQ(reason_of(cancelled), "cancelled");
  EXPECT_NE(cancelled.cancel_message.find("cancel()"), std::string::npos);
  EXPECT_TRUE(cancelled.attempt_us.empty());
  downloader.cancel(stalled);  // frees the slot for the download behind the cancelled one
  ASSERT_TRUE(log.wait_for(3, kWaitLimit));
  const auto results = log.results();
  for (const DownloadId id : {stalled, queued, behind}) EXPECT_EQ(results.at(id).size(), 1u) << id;
  EXPECT_EQ(reason_of(results.at(stalled).front()), "cancelled");
  EXPECT_EQ(reason_of(results.at(behind).front()), "ok");
  EXPECT_EQ(server.hits("/status/404"), 0);
}

// --- the policy's own checks -------------------------------------------------------------------------

TEST(DownloaderPolicy, DefaultsFollowSpec5) {
  const DownloadPolicy policy;
  EXPECT_EQ(policy.attempt_timeout, 3000ms);
  EXPECT_EQ(policy.retries, 1);
  EXPECT_EQ(policy.max_redirects, 3);
  EXPECT_EQ(policy.user_agent, "Server/CMS");
  EXPECT_EQ(policy.max_in_flight, 256u);
  EXPECT_FALSE(policy.address_policy.allow_loopback);
}

TEST(DownloaderPolicy, ValidateNamesTheBadField) {
  const auto valid = [] {
    DownloadPolicy policy;
    policy.max_body_bytes = kCap;
    return policy;
  };
  EXPECT_EQ(valid().validate(), std::nullopt);
  struct Row {
    const char* field;
    void (*spoil)(DownloadPolicy&);
  };
  const Row rows[] = {
      {"attempt_timeout", [](DownloadPolicy& p) { p.attempt_timeout = 0ms; }},
      {"retries", [](DownloadPolicy& p) { p.retries = -1; }},
      {"max_redirects", [](DownloadPolicy& p) { p.max_redirects = -1; }},
      {"max_body_bytes", [](DownloadPolicy& p) { p.max_body_bytes = 0; }},
      {"user_agent", [](DownloadPolicy& p) { p.user_agent = "a\r\nX-Injected: 1"; }},
      {"max_in_flight", [](DownloadPolicy& p) { p.max_in_flight = 0; }},
      {"resolve_overrides", [](DownloadPolicy& p) { p.resolve_overrides = {"images.test:0:127.0.0.1"}; }},
      {"resolve_overrides", [](DownloadPolicy& p) { p.resolve_overrides = {"images.test"}; }},
  };
  for (const Row& row : rows) {
    DownloadPolicy policy = valid();
    row.spoil(policy);
    const auto problem = policy.validate();
    ASSERT_TRUE(problem.has_value()) << row.field;
    EXPECT_NE(problem->find(row.field), std::string::npos) << *problem;
  }
  DownloadPolicy bad = valid();
  bad.max_in_flight = 0;
  EXPECT_THROW(Downloader{bad}, std::invalid_argument);
}

}  // namespace
}  // namespace preflight
