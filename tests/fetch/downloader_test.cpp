// The downloader against a fault-injecting server on 127.0.0.1: every SPEC §5 case gives its reason, the
// retry and timing rules hold, and every submitted URL gets exactly one completion.
#include "fetch/downloader.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "tests/fetch/test_server.h"

namespace preflight {
namespace {

using namespace std::chrono_literals;
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
