#include "cli/check_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "billing/invoice_json.h"
#include "billing/invoice_table.h"
#include "billing/service_names.h"
#include "cli/progress_reporter.h"
#include "cli/stop_signals.h"
#include "pipeline/batch_graph.h"
#include "pipeline/batch_sink.h"
#include "pipeline/checker.h"
#include "pipeline/cost_estimate.h"
#include "pipeline/input_source.h"
#include "pipeline/profile.h"
#include "pipeline/run_folder.h"
#include "pipeline/shard.h"
#include "pipeline/stream_output.h"
#include "pipeline/summary.h"
#include "pipeline/url_list.h"
#include "pipeline/verdict_json.h"

namespace preflight::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> paths;
  std::optional<std::string> urls;
  std::string profile = kDefaultProfileName;
  std::optional<std::uint32_t> interval;
  std::optional<std::uint32_t> max_frames;
  std::string decode = "sampled";
  double decode_timeout_seconds = std::chrono::duration<double>(kDefaultDecodeTimeout).count();
  std::optional<std::string> out;
  bool resume = false;
  std::string shard = "1/1";
  unsigned threads = 0;
  std::size_t in_flight = kDefaultMaxInFlight;
  std::string units = "image";
  std::vector<std::string> services{"ims"};
  bool dedupe = false;
  std::uint32_t qps = 100;
  std::optional<std::string> plan;
  std::string account;
  std::vector<std::string> resolve;
  bool allow_loopback = false;
};

constexpr int kExitUsage = 2;
constexpr int kSignalExitBase = 128;  // the shell's convention: 128 + signal number

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A URL list opened before any work starts, so a missing file is a usage error, not a record.
class UrlListFile final {
 public:
  explicit UrlListFile(const std::optional<std::string>& path) {
    if (!path) return;
    if (*path == "-") {
      source_ = UrlListSource{STDIN_FILENO, "stdin"};
      return;
    }
    fd_ = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw UsageError(fmt::format("--urls {}: cannot open: {}", *path, std::strerror(errno)));
    source_ = UrlListSource{fd_, *path};
  }
  ~UrlListFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  UrlListFile(const UrlListFile&) = delete;
  UrlListFile& operator=(const UrlListFile&) = delete;
  const std::optional<UrlListSource>& source() const { return source_; }

 private:
  int fd_ = -1;
  std::optional<UrlListSource> source_;
};

void check_inputs_exist(const CheckArgs& args) {
  if (args.paths.empty() && !args.urls) throw UsageError("give files or folders to check, or --urls FILE|-");
  for (const std::string& path : args.paths) {
    std::error_code error;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, error)))
      throw UsageError(fmt::format("{}: no such file or folder", path));
  }
  if (args.resume && !args.out) throw UsageError("--resume needs --out DIR: the run folder to continue");
}

Shard shard_of(const CheckArgs& args) {
  auto parsed = parse_shard(args.shard);
  if (auto* message = std::get_if<std::string>(&parsed)) throw UsageError(*message);
  return std::get<Shard>(parsed);
}

EventOptions event_options(const CheckArgs& args, const Profile& profile) {
  for (const std::string& service : args.services) {
    if (!billing::service_id(service))
      throw UsageError(fmt::format("--services: unknown service '{}' (known: {})", service,
                                   billing::known_services_text()));
  }
  return EventOptions{args.services, args.units == "frame" ? BillingUnit::Frame : BillingUnit::Image,
                      profile.name};
}

DownloadPolicy download_policy(const CheckArgs& args, const Profile& profile) {
  DownloadPolicy policy;
  policy.max_body_bytes = profile.max_url_bytes;  // SPEC §5: stop reading past the R3 limit
  policy.max_in_flight = args.in_flight;
  policy.resolve_overrides = args.resolve;
  policy.address_policy.allow_loopback = args.allow_loopback;
  if (auto problem = policy.validate()) throw UsageError(*problem);
  return policy;
}

// What defines a batch's records and events, kept in run.json: --resume and `preflight merge` refuse to
// mix runs that differ in any of it. Threads, downloads in flight, address options and the decode timeout
// change only speed, reachability and which slow inputs time out, so they may differ between a run and its
// resumption.
nlohmann::json batch_description(const CheckArgs& args, const Checker& checker, Shard shard) {
  return {{"paths", args.paths},
          {"urls", args.urls ? nlohmann::json(*args.urls) : nlohmann::json(nullptr)},
          {"profile", checker.profile().name},
          {"interval", checker.frame_interval()},
          {"max_frames", checker.max_frames()},
          {"decode", args.decode},
          {"units", args.units},
          {"services", args.services},
          {"dedupe", args.dedupe},
          {"shard", shard.text()}};
}

std::optional<std::uint64_t> count_list_inputs(const std::string& path, Shard shard) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  UrlListReader reader(fd, path);
  std::uint64_t count = 0;
  while (reader.next()) ++count;
  ::close(fd);
  return count / shard.count + (count % shard.count >= shard.index ? 1 : 0);
}

// The estimated cost of submitting the batch, into both summaries.
void add_cost(CostEstimate& cost, nlohmann::ordered_json& summary_json, std::string& summary_text) {
  const billing::Invoice invoice = cost.invoice();
  summary_json["cost"] = nlohmann::ordered_json::parse(billing::invoice_to_json(invoice));
  summary_text +=
      fmt::format("  estimated cost under {}:\n{}", invoice.plan, billing::invoice_to_table(invoice));
}

// A resumed run starts after the inputs the folder has records for — provided they are the same inputs.
void skip_recorded(InputSource& source, const RunFolder& folder) {
  const std::uint64_t skipped = source.skip(folder.recorded());
  const auto last_input =
      source.last_skipped() ? std::optional(record_text(*source.last_skipped())) : std::nullopt;
  if (skipped < folder.recorded() || last_input != folder.last_recorded_input()) {
    throw UsageError(fmt::format(
        "--resume: the inputs changed since the run began (record {} is for {}, input {} is now {}); rerun "
        "without --resume into a new --out",
        folder.recorded(), folder.last_recorded_input().value_or("?"), skipped,
        source.last_skipped().value_or("missing")));
  }
}

int run_check(const CheckArgs& args) {
  check_inputs_exist(args);
  const Shard shard = shard_of(args);
  const CheckOptions options{
      .frame_interval = args.interval,
      .max_frames = args.max_frames,
      .decode_scope = args.decode == "all" ? DecodeScope::All : DecodeScope::Sampled,
      .decode_timeout = std::chrono::milliseconds(std::llround(args.decode_timeout_seconds * 1000))};
  const Checker checker(load_profile(args.profile), options);
  const EventOptions events = event_options(args, checker.profile());
  const BatchOptions batch_options{args.threads, download_policy(args, checker.profile())};
  const UrlListFile url_list(args.urls);

  std::unique_ptr<RunFolder> folder;
  if (args.out) folder = RunFolder::open(*args.out, batch_description(args, checker, shard), args.resume);
  StreamOutput stdout_output(stdout);
  RecordOutput& output = folder ? static_cast<RecordOutput&>(*folder) : stdout_output;
  Summary summary;
  BatchSink sink(events, args.dedupe, output, summary);
  std::unique_ptr<CostEstimate> cost;
  if (args.plan) {
    cost = std::make_unique<CostEstimate>(*args.plan, args.account, events);
    sink.on_billed([&](const Verdict& verdict) { cost->add(verdict); });
  }
  if (folder) folder->recover([&](const Verdict& recorded) { sink.restore(recorded); });
  const std::uint64_t recorded = folder ? folder->recorded() : 0;

  InputSource source(args.paths, url_list.source(), shard);
  if (folder) skip_recorded(source, *folder);
  const std::atomic<bool>& stop = install_stop_signals();
  const auto start = std::chrono::steady_clock::now();
  BatchResult result;
  {
    const bool countable = args.paths.empty() && args.urls && *args.urls != "-";
    ProgressReporter progress(
        [&] { return recorded + sink.written(); },
        countable ? std::function([&] { return count_list_inputs(*args.urls, shard); }) : nullptr);
    result = run_batch(source, checker, batch_options, sink, stop);
  }
  std::fflush(stdout);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool complete = !result.interrupted && !result.output_error;
  nlohmann::ordered_json summary_json = summary.to_json(elapsed, events.services.size(), args.qps);
  std::string summary_text = summary.human_text(elapsed, events.services.size(), args.qps);
  if (cost) add_cost(*cost, summary_json, summary_text);
  if (folder) folder->finish(summary_json, complete);
  std::fprintf(stderr, "%s", summary_text.c_str());
  if (result.output_error) {
    std::fprintf(stderr, "preflight check: %s\n", result.output_error->c_str());
    return kExitUsage;
  }
  if (result.interrupted) {
    std::fprintf(stderr, "preflight check: interrupted after %llu records%s\n",
                 static_cast<unsigned long long>(recorded + sink.written()),
                 args.out ? "; continue with the same command and --resume" : "");
    return kSignalExitBase + stop_signal();
  }
  return summary.exit_status();
}

int run_check_reporting_errors(const CheckArgs& args) {
  try {
    return run_check(args);
  } catch (const std::exception& error) {  // usage, profile and run-folder errors: before any work
    std::fprintf(stderr, "preflight check: %s\n", error.what());
    return kExitUsage;
  }
}

}  // namespace

void add_check_command(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand("check", "Check images the way the moderation service will");
  check->add_option("paths", args->paths, "Files and folders (walked recursively, in sorted order)");
  check->add_option("--urls", args->urls, "A URL list, one per line (optionally TAB DataId); '-' = stdin");
  check->add_option("--profile", args->profile, "Rule profile: a shipped name or a JSON file")
      ->capture_default_str();
  check->add_option("--interval", args->interval, "Sample one frame every N (0: first frame only)");
  check->add_option("--max-frames", args->max_frames, "Sample at most N frames")->check(CLI::PositiveNumber);
  check->add_option("--decode", args->decode, "Decode the sampled frames or every frame")
      ->check(CLI::IsMember({"sampled", "all"}))
      ->capture_default_str();
  check
      ->add_option("--decode-timeout", args->decode_timeout_seconds,
                   "Seconds one input's probe and decode may take before its record says decode_timeout "
                   "(0: no limit)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  check->add_option("--out", args->out, "Run folder: verdicts.jsonl, events.jsonl, summary.json");
  check->add_flag("--resume", args->resume, "Continue the run in --out after its last complete record");
  check->add_option("--shard", args->shard, "Process shard K of N (inputs at positions p with p % N == K-1)")
      ->capture_default_str();
  check->add_option("--threads", args->threads, "Worker threads (0: every core)")->capture_default_str();
  check->add_option("--in-flight", args->in_flight, "Downloads at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  check->add_option("--units", args->units, "Billable units per event: image or sampled frame")
      ->check(CLI::IsMember({"image", "frame"}))
      ->capture_default_str();
  check->add_option("--services", args->services, "Services each image is sent to (one event each)")
      ->delimiter(',')
      ->capture_default_str();
  check->add_flag("--dedupe", args->dedupe, "Do not bill identical content twice (warning duplicate_of)");
  check->add_option("--qps", args->qps, "Requests per second the account may send")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  check->add_option("--plan", args->plan, "Price the billable events under this plan (see preflight bill)");
  check->add_option("--account", args->account, "The account file for --plan (trial, packs)")
      ->check(CLI::ExistingFile);
  check->add_option("--resolve", args->resolve, "HOST:PORT:ADDR: connect HOST:PORT to ADDR (like curl)");
  check->add_flag("--allow-loopback", args->allow_loopback, "Allow 127.0.0.0/8 and ::1 (tests only)");
  check->callback([&run, args] { run = [args] { return run_check_reporting_errors(*args); }; });
}

}  // namespace preflight::cli
