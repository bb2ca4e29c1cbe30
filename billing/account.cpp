#include "billing/account.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "billing/json_fields.h"

namespace preflight::billing {
namespace {

constexpr const char* kKind = "account";

ServiceId read_service(const JsonFields& entry, std::string_view field) {
  const std::string name = entry.string(field);
  const std::optional<ServiceId> id = service_id(name);
  if (!id) entry.fail(field, fmt::format("\"{}\" is not a service name ({})", name, known_services_text()));
  return *id;
}

PackPurchase read_pack(const JsonFields& entry) {
  entry.allow_only({"service", "size", "bought"});
  return {read_service(entry, "service"), entry.positive_integer("size"), entry.date("bought")};
}

QpsPurchase read_qps(const JsonFields& entry) {
  entry.allow_only({"group", "qps", "months", "days"});
  const QpsPurchase purchase{read_service(entry, "group"), entry.positive_integer("qps"),
                             entry.non_negative_integer("months", 0), entry.non_negative_integer("days", 0)};
  if (purchase.months == 0 && purchase.days == 0) entry.fail_here("needs \"months\" or \"days\" above 0");
  constexpr std::uint64_t kMaxPeriods = 1'000'000;
  if (purchase.months > kMaxPeriods || purchase.days > kMaxPeriods)
    entry.fail_here(fmt::format("\"months\" and \"days\" must be at most {}", kMaxPeriods));
  return purchase;
}

DevicePurchase read_devices(const JsonFields& entry) {
  entry.allow_only({"sdk", "count"});
  return {entry.choice("sdk", {"detection", "liveness", "recognition"}), entry.positive_integer("count")};
}

[[noreturn]] void fail(const Account& account, const std::string& field, const std::string& what) {
  throw std::invalid_argument(fmt::format("account {}: {}: {}", account.source, field, what));
}

std::string pack_sizes_text(const ServicePlan& service) {
  std::vector<std::uint64_t> sizes;
  for (const PackOffer& offer : service.packs) sizes.push_back(offer.size);
  return sizes.empty() ? "none" : fmt::format("{}", fmt::join(sizes, ", "));
}

void check_packs(const Account& account, const Plan& plan) {
  for (std::size_t i = 0; i < account.packs.size(); ++i) {
    const PackPurchase& pack = account.packs[i];
    const ServicePlan* service = plan.find(pack.service);
    const std::string_view name = service_name(pack.service);
    if (service == nullptr) {
      fail(account, fmt::format("packs[{}].service", i),
           fmt::format("plan {} does not price {} (it prices: {})", plan.name, name,
                       plan.priced_services_text()));
    }
    if (service->pack_of_size(pack.size) == nullptr) {
      fail(account, fmt::format("packs[{}].size", i),
           fmt::format("{} is not a pack size of {} in plan {} (sizes: {})", pack.size, name, plan.name,
                       pack_sizes_text(*service)));
    }
  }
}

void check_qps(const Account& account, const Plan& plan) {
  std::map<ServiceId, std::uint64_t> per_group;
  for (std::size_t i = 0; i < account.qps.size(); ++i) {
    const QpsPurchase& purchase = account.qps[i];
    if (!plan.qps)
      fail(account, fmt::format("qps[{}]", i), fmt::format("plan {} has no QPS prices", plan.name));
    if (plan.find(purchase.group) == nullptr) {
      fail(account, fmt::format("qps[{}].group", i),
           fmt::format("plan {} does not price {} (it prices: {})", plan.name, service_name(purchase.group),
                       plan.priced_services_text()));
    }
    const std::uint64_t total = per_group[purchase.group] += purchase.qps;
    if (total > plan.qps->max_per_group) {
      fail(account, fmt::format("qps[{}].qps", i),
           fmt::format("brings {} to {} QPS, above the plan's maximum of {} per group",
                       service_name(purchase.group), total, plan.qps->max_per_group));
    }
  }
}

void check_devices(const Account& account, const Plan& plan) {
  for (std::size_t i = 0; i < account.devices.size(); ++i) {
    const DevicePurchase& purchase = account.devices[i];
    const auto tiers = plan.sdk.find(purchase.sdk);
    if (tiers == plan.sdk.end())
      fail(account, fmt::format("devices[{}].sdk", i),
           fmt::format("plan {} has no {} SDK", plan.name, purchase.sdk));
    bool priced = false;
    for (const DeviceTier& tier : tiers->second)
      priced = priced || (purchase.count >= tier.min_devices && purchase.count <= tier.max_devices);
    if (!priced) {
      fail(account, fmt::format("devices[{}].count", i),
           fmt::format("{} devices is outside the {} SDK's price list ({} to {} devices)", purchase.count,
                       purchase.sdk, tiers->second.front().min_devices, tiers->second.back().max_devices));
    }
  }
}

}  // namespace

Account parse_account(std::string_view text, std::string_view source) {
  const nlohmann::json doc = parse_json_text(kKind, text, source);
  const JsonFields fields(doc, kKind, std::string(source), "");
  fields.allow_only({"activated", "trial", "packs", "qps", "devices"});
  Account account;
  account.source = source;
  if (fields.has("activated")) account.activated = fields.date("activated");
  account.trial = fields.boolean("trial", false);
  if (account.trial && !account.activated)
    fields.fail("trial", "is true but \"activated\" is missing: the trial runs from the activation day");
  for (const JsonFields& entry : fields.objects("packs", false)) account.packs.push_back(read_pack(entry));
  for (const JsonFields& entry : fields.objects("qps", false)) account.qps.push_back(read_qps(entry));
  for (const JsonFields& entry : fields.objects("devices", false))
    account.devices.push_back(read_devices(entry));
  return account;
}

Account load_account_file(const std::filesystem::path& path) {
  return parse_account(read_text_file(kKind, path), path.string());
}

void check_account_against_plan(const Account& account, const Plan& plan) {
  check_packs(account, plan);
  check_qps(account, plan);
  check_devices(account, plan);
}

}  // namespace preflight::billing
