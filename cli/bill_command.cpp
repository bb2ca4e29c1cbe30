#include "cli/bill_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "billing/account.h"
#include "billing/event_stream.h"
#include "billing/invoice_json.h"
#include "billing/invoice_table.h"
#include "billing/plan.h"
#include "billing/rater.h"

namespace preflight::cli {
namespace {

struct BillArgs {
  std::vector<std::string> events;
  std::string plan;
  std::string account;
  bool json = false;
  bool skip_bad = false;
  std::string rounding = "half-up";
  std::string round_to = "0.01";
  std::size_t dedupe_memory_mib = billing::DedupeOptions::kDefaultMemoryBytes >> 20;
  std::string spill_dir;
};

constexpr int kExitInvoice = 0;
constexpr int kExitIncomplete = 1;
constexpr int kExitError = 2;
constexpr std::size_t kMinDedupeMemoryMib = 1;
constexpr std::size_t kMaxDedupeMemoryMib = 64 * 1024;

int fail(const std::string& message) {
  std::fprintf(stderr, "preflight bill: %s\n", message.c_str());
  return kExitError;
}

billing::RaterOptions rater_options(const BillArgs& args) {
  billing::RaterOptions options;
  options.rounding.mode = billing::rounding_mode_from_name(args.rounding);
  options.rounding.quantum_micros = billing::Rounding::parse_quantum(args.round_to);
  options.dedupe.memory_budget_bytes = args.dedupe_memory_mib << 20;
  options.dedupe.spill_dir = args.spill_dir;
  return options;
}

std::unique_ptr<billing::Rater> make_rater(const BillArgs& args) {
  billing::Account account =
      args.account.empty() ? billing::Account{} : billing::load_account_file(args.account);
  return std::make_unique<billing::Rater>(billing::load_plan(args.plan), std::move(account),
                                          rater_options(args));
}

void report_skipped(const billing::EventStreamReport& report) {
  for (const std::string& message : report.bad_line_messages)
    std::fprintf(stderr, "preflight bill: skipped %s\n", message.c_str());
  if (report.skipped_bad > report.bad_line_messages.size()) {
    std::fprintf(stderr, "preflight bill: … and %llu more malformed lines skipped\n",
                 static_cast<unsigned long long>(report.skipped_bad - report.bad_line_messages.size()));
  }
}

void print_summary(const billing::Invoice& invoice, const billing::EventStreamReport& report,
                   double seconds) {
  const billing::InvoiceStats& stats = invoice.stats;
  const double rate = seconds > 0 ? static_cast<double>(report.lines) / seconds : 0;
  std::fprintf(
      stderr, "%s",
      fmt::format("preflight bill: {} lines, {} events rated, {} duplicates ({} conflicting), {} malformed "
                  "lines skipped, {} units before activation not billed, {} de-duplication runs spilled; "
                  "{:.2f} s ({:.0f} lines/s)\n",
                  report.lines, stats.events_rated, stats.duplicates, stats.conflicting_duplicates,
                  report.skipped_bad, invoice.excluded_units(billing::kReasonBeforeActivation),
                  stats.spilled_runs, seconds, rate)
          .c_str());
}

int run_bill(const BillArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  billing::EventStreamReport report;
  std::optional<billing::Invoice> invoice;
  try {
    const std::unique_ptr<billing::Rater> rater = make_rater(args);
    const billing::EventStreamOptions options{.skip_bad = args.skip_bad};
    for (const std::string& path : args.events) billing::read_event_stream(path, *rater, options, report);
    invoice = rater->invoice();
  } catch (const std::exception& error) {
    return fail(fmt::format("{}; no invoice", error.what()));
  }
  invoice->stats.skipped_bad_lines = report.skipped_bad;
  const std::string text =
      args.json ? billing::invoice_to_json(*invoice) : billing::invoice_to_table(*invoice);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  report_skipped(report);
  print_summary(*invoice, report,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  const bool incomplete =
      report.skipped_bad > 0 || invoice->excluded_units(billing::kReasonBeforeActivation) > 0;
  return incomplete ? kExitIncomplete : kExitInvoice;
}

}  // namespace

void add_bill_command(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<BillArgs>();
  CLI::App* bill = app.add_subcommand("bill", "Price billable events (JSON Lines) under a price plan");
  bill->add_option("events", args->events, "Billable-event files (JSON Lines; '-' reads stdin)")->required();
  bill->add_option("--plan", args->plan,
                   "Price plan: a shipped name (tencent-ims-cn, tencent-ims-intl, "
                   "tencent-tiia, tencent-face) or a plan JSON file")
      ->required();
  bill->add_option("--account", args->account,
                   "Account file: activation, trial, packs, QPS and SDK purchases")
      ->check(CLI::ExistingFile);
  bill->add_flag("--json", args->json, "Print the invoice as JSON instead of a table");
  bill->add_flag("--skip-bad", args->skip_bad,
                 "Skip malformed lines (and report how many) instead of failing");
  bill->add_option("--rounding", args->rounding, "How each bill line is rounded")
      ->check(CLI::IsMember({"half-up", "half-even", "up", "down"}))
      ->capture_default_str();
  bill->add_option("--round-to", args->round_to, "Round each bill line to a multiple of this amount")
      ->capture_default_str();
  bill->add_option("--dedupe-memory", args->dedupe_memory_mib,
                   "MiB of memory for event-id de-duplication before sorted runs spill to disk")
      ->check(CLI::Range(kMinDedupeMemoryMib, kMaxDedupeMemoryMib))
      ->capture_default_str();
  bill->add_option("--spill-dir", args->spill_dir,
                   "Folder for de-duplication runs (default: the temp folder)");
  bill->callback([&run, args] { run = [args] { return run_bill(*args); }; });
}

}  // namespace preflight::cli
