#include "billing/event_stream.h"

#include <fmt/format.h>

#include <stdexcept>

#include "billing/event_parser.h"
#include "billing/line_reader.h"
#include "billing/rating_errors.h"

namespace preflight::billing {
namespace {

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

void handle_bad_line(std::string message, const EventStreamOptions& options, EventStreamReport& report) {
  if (!options.skip_bad) {
    throw std::invalid_argument(
        fmt::format("{} (fix the line, or pass --skip-bad to skip malformed lines and count them)", message));
  }
  ++report.skipped_bad;
  if (report.bad_line_messages.size() < options.reported_bad_lines)
    report.bad_line_messages.push_back(std::move(message));
}

}  // namespace

void read_event_stream(const std::string& path, Rater& rater, const EventStreamOptions& options,
                       EventStreamReport& report) {
  LineReader reader(path);
  EventParser parser;
  BillableEvent event;
  std::string_view line;
  while (reader.next(line)) {
    if (is_blank(line)) continue;
    ++report.lines;
    const auto located = [&](std::string_view what) {
      return fmt::format("{}:{}: {}", path, reader.line_number(), what);
    };
    if (std::string problem = parser.parse(line, event); !problem.empty()) {
      handle_bad_line(located(problem), options, report);
      continue;
    }
    try {
      rater.add(event);
    } catch (const BadEventError& error) {
      handle_bad_line(located(error.what()), options, report);
    } catch (const UnpricedServiceError& error) {
      throw std::invalid_argument(located(error.what()));
    } catch (const std::overflow_error& error) {
      throw std::invalid_argument(located(error.what()));
    }
  }
}

}  // namespace preflight::billing
