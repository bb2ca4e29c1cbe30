#include "billing/invoice_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace preflight::billing {
namespace {

using nlohmann::ordered_json;

ordered_json line_json(const InvoiceLine& line) {
  ordered_json json;
  json["period"] = line.period;
  json["service"] = line.service;
  json["units"] = line.units;
  json["source"] = line.source;
  if (line.kind == LineKind::Purchase) json["item"] = line.item;
  json["tier"] = line.tier ? ordered_json(*line.tier) : ordered_json(nullptr);
  if (line.unit_price) {
    json["unit_price"] = line.unit_price->to_string();
    json["per"] = line.per;
  }
  if (line.item == kItemQps) {
    json["months"] = line.months;
    json["days"] = line.days;
  }
  json["amount"] = line.amount.to_string();
  return json;
}

ordered_json excluded_json(const ExcludedUsage& entry) {
  return ordered_json{{"period", entry.period},
                      {"service", entry.service},
                      {"reason", entry.reason},
                      {"units", entry.units},
                      {"events", entry.events}};
}

ordered_json stats_json(const InvoiceStats& stats) {
  return ordered_json{{"rated", stats.events_rated},
                      {"duplicates", stats.duplicates},
                      {"conflicting_duplicates", stats.conflicting_duplicates},
                      {"skipped_bad_lines", stats.skipped_bad_lines},
                      {"spilled_runs", stats.spilled_runs}};
}

// `"name": [` + one compact element per line + `]`.
template <typename Item, typename ToJson>
std::string array_text(std::string_view name, const std::vector<Item>& items, ToJson to_json) {
  std::string out = fmt::format(",\n\"{}\": [", name);
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ",\n  " : "\n  ") + to_json(items[i]).dump();
  return out + (items.empty() ? "]" : "\n]");
}

}  // namespace

std::string invoice_to_json(const Invoice& invoice) {
  ordered_json head;
  head["plan"] = invoice.plan;
  head["currency"] = std::string(currency_code(invoice.currency));
  head["total"] = invoice.total.to_string();
  head["rounding"] = {{"mode", std::string(rounding_mode_name(invoice.rounding.mode))},
                      {"to", Money(invoice.rounding.quantum_micros, invoice.currency).to_string()}};
  head["events"] = stats_json(invoice.stats);
  std::string out = head.dump();
  out.pop_back();  // reopen the object: the arrays follow, one element per line
  out += array_text("lines", invoice.lines, line_json);
  out += array_text("excluded", invoice.excluded, excluded_json);
  return out + "}\n";
}

}  // namespace preflight::billing
