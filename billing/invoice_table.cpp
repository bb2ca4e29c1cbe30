#include "billing/invoice_table.h"

#include <fmt/format.h>

#include "billing/text_table.h"

namespace preflight::billing {
namespace {

using Align = TextTable::Align;

// One table row: every usage line of one period and service.
struct UsageRow {
  std::string period, service;
  std::uint64_t units = 0, free = 0, trial = 0, pack = 0, postpaid = 0;
  std::string tier = "-";
  Money amount;
};

void add_line(UsageRow& row, const InvoiceLine& line) {
  row.units += line.units;
  if (line.source == kSourceFree) row.free += line.units;
  if (line.source == kSourceTrial) row.trial += line.units;
  if (line.source.starts_with(kSourcePackPrefix)) row.pack += line.units;
  if (line.source == kSourcePostpaid) {
    row.postpaid += line.units;
    row.tier = fmt::format("{} @ {}/{}", *line.tier, line.unit_price->to_string(), line.per);
  }
  row.amount += line.amount;
}

std::vector<UsageRow> usage_rows(const Invoice& invoice) {
  std::vector<UsageRow> rows;
  for (const InvoiceLine& line : invoice.lines) {
    if (line.kind != LineKind::Usage) continue;
    if (rows.empty() || rows.back().period != line.period || rows.back().service != line.service)
      rows.push_back(UsageRow{line.period, line.service, 0, 0, 0, 0, 0, "-", Money(0, invoice.currency)});
    add_line(rows.back(), line);
  }
  return rows;
}

std::string usage_table(const Invoice& invoice) {
  TextTable table({{"period", Align::Left},
                   {"service", Align::Left},
                   {"units", Align::Right},
                   {"free", Align::Right},
                   {"trial", Align::Right},
                   {"pack", Align::Right},
                   {"postpaid", Align::Right},
                   {"tier @ price/per", Align::Left},
                   {"amount", Align::Right}});
  for (const UsageRow& row : usage_rows(invoice)) {
    table.add_row({row.period, row.service, std::to_string(row.units), std::to_string(row.free),
                   std::to_string(row.trial), std::to_string(row.pack), std::to_string(row.postpaid),
                   row.tier, row.amount.to_string()});
  }
  return table.render();
}

std::string purchase_item(const InvoiceLine& line) {
  if (line.item == kItemQps) return fmt::format("qps: {} month(s) + {} day(s)", line.months, line.days);
  if (line.item == kItemSdk) return "sdk devices";
  return line.item;
}

std::string purchase_table(const Invoice& invoice) {
  TextTable table({{"period", Align::Left},
                   {"service", Align::Left},
                   {"item", Align::Left},
                   {"units", Align::Right},
                   {"tier @ unit price", Align::Left},
                   {"amount", Align::Right}});
  bool any = false;
  for (const InvoiceLine& line : invoice.lines) {
    if (line.kind != LineKind::Purchase) continue;
    any = true;
    const std::string tier =
        line.tier ? fmt::format("{} @ {}", *line.tier, line.unit_price->to_string()) : "-";
    table.add_row({line.period, line.service, purchase_item(line), std::to_string(line.units), tier,
                   line.amount.to_string()});
  }
  return any ? "\npurchases\n" + table.render("  ") : "";
}

std::string excluded_table(const Invoice& invoice) {
  if (invoice.excluded.empty()) return "";
  TextTable table({{"period", Align::Left},
                   {"service", Align::Left},
                   {"units", Align::Right},
                   {"events", Align::Right},
                   {"reason", Align::Left}});
  for (const ExcludedUsage& entry : invoice.excluded) {
    table.add_row({entry.period, entry.service, std::to_string(entry.units), std::to_string(entry.events),
                   entry.reason});
  }
  return "\nnot billed\n" + table.render("  ");
}

}  // namespace

std::string invoice_to_table(const Invoice& invoice) {
  std::string out = fmt::format("plan {} ({}), each line rounded {}\n\n", invoice.plan,
                                currency_code(invoice.currency), invoice.rounding.description());
  out += usage_table(invoice);
  out += purchase_table(invoice);
  out += excluded_table(invoice);
  out += fmt::format("\ntotal {} {}\n", invoice.total.to_string(), currency_code(invoice.currency));
  return out;
}

}  // namespace preflight::billing
