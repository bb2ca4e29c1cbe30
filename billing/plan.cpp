#include "billing/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "billing/json_fields.h"

namespace preflight::billing {
namespace {

constexpr const char* kKind = "plan";

// Every band but the last has an `up_to`, strictly increasing; the last is open-ended.
template <typename Band>
void check_bands(const JsonFields& owner, std::string_view field, const std::vector<Band>& bands) {
  if (bands.empty()) owner.fail(field, "must list at least one tier");
  for (std::size_t i = 0; i + 1 < bands.size(); ++i) {
    const std::string element = fmt::format("{}[{}].up_to", field, i);
    if (!bands[i].up_to) owner.fail(element, "is missing (only the last tier is open-ended)");
    if (i > 0 && *bands[i].up_to <= *bands[i - 1].up_to)
      owner.fail(element, "must be greater than the previous tier's up_to");
  }
  if (bands.back().up_to)
    owner.fail(fmt::format("{}[{}].up_to", field, bands.size() - 1),
               "must be absent: the last tier is open-ended");
}

std::vector<Tier> read_tiers(const JsonFields& service, Currency currency) {
  std::vector<Tier> tiers;
  for (const JsonFields& entry : service.objects("tiers", true)) {
    entry.allow_only({"up_to", "price", "per"});
    tiers.push_back({entry.optional_positive_integer("up_to"), entry.money("price", currency),
                     entry.positive_integer("per")});
  }
  check_bands(service, "tiers", tiers);
  return tiers;
}

std::vector<PackOffer> read_packs(const JsonFields& service, Currency currency) {
  std::vector<PackOffer> packs;
  for (const JsonFields& entry : service.objects("packs", false)) {
    entry.allow_only({"size", "price"});
    const PackOffer offer{entry.positive_integer("size"), entry.money("price", currency)};
    for (const PackOffer& earlier : packs)
      if (earlier.size == offer.size) entry.fail("size", fmt::format("{} is listed twice", offer.size));
    packs.push_back(offer);
  }
  return packs;
}

std::optional<Trial> read_trial(const JsonFields& service) {
  if (!service.has("trial")) return std::nullopt;
  const JsonFields trial = service.object("trial");
  trial.allow_only({"units", "days"});
  const std::uint64_t days = trial.positive_integer("days");
  constexpr std::uint64_t kMaxTrialDays = 3660;
  if (days > kMaxTrialDays)
    trial.fail("days", fmt::format("{} is above the maximum {}", days, kMaxTrialDays));
  return Trial{trial.positive_integer("units"), static_cast<std::uint32_t>(days)};
}

std::uint32_t read_pack_validity(const JsonFields& service, bool has_packs) {
  if (!has_packs) {
    if (service.has("pack_valid_months")) service.fail("pack_valid_months", "is set but there are no packs");
    return 0;
  }
  const std::uint64_t months = service.positive_integer("pack_valid_months");
  constexpr std::uint64_t kMaxMonths = 1200;
  if (months > kMaxMonths)
    service.fail("pack_valid_months", fmt::format("{} is above the maximum {}", months, kMaxMonths));
  return static_cast<std::uint32_t>(months);
}

ServicePlan read_service(const std::string& name, const JsonFields& service, Currency currency) {
  service.allow_only(
      {"settlement", "free_per_month", "trial", "packs", "pack_valid_months", "tiers", "billable_actions"});
  const std::optional<ServiceId> id = service_id(name);
  if (!id) service.fail_here(fmt::format("\"{}\" is not a service name ({})", name, known_services_text()));
  ServicePlan plan;
  plan.service = *id;
  plan.settlement =
      service.choice("settlement", {"day", "month"}) == "day" ? Settlement::Day : Settlement::Month;
  plan.free_per_month = service.optional_positive_integer("free_per_month").value_or(0);
  plan.trial = read_trial(service);
  plan.packs = read_packs(service, currency);
  plan.pack_valid_months = read_pack_validity(service, !plan.packs.empty());
  plan.tiers = read_tiers(service, currency);
  if (service.has("billable_actions")) plan.billable_actions = service.strings("billable_actions");
  return plan;
}

std::optional<QpsPrices> read_qps(const JsonFields& doc, Currency currency) {
  if (!doc.has("qps")) return std::nullopt;
  const JsonFields qps = doc.object("qps");
  qps.allow_only({"max_per_group", "tiers"});
  QpsPrices prices{qps.positive_integer("max_per_group"), {}};
  for (const JsonFields& entry : qps.objects("tiers", true)) {
    entry.allow_only({"up_to", "per_month", "per_day"});
    prices.tiers.push_back({entry.optional_positive_integer("up_to"), entry.money("per_month", currency),
                            entry.money("per_day", currency)});
  }
  check_bands(qps, "tiers", prices.tiers);
  return prices;
}

std::vector<DeviceTier> read_device_tiers(const std::string& kind, const JsonFields& sdk, Currency currency) {
  std::vector<DeviceTier> tiers;
  for (const JsonFields& entry : sdk.objects(kind, true)) {
    entry.allow_only({"min_devices", "max_devices", "price"});
    const DeviceTier tier{entry.positive_integer("min_devices"), entry.positive_integer("max_devices"),
                          entry.money("price", currency)};
    if (tier.max_devices < tier.min_devices) entry.fail("max_devices", "is below min_devices");
    if (!tiers.empty() && tier.min_devices <= tiers.back().max_devices)
      entry.fail("min_devices", "must be above the previous tier's max_devices");
    tiers.push_back(tier);
  }
  if (tiers.empty()) sdk.fail(kind, "must list at least one tier");
  return tiers;
}

std::map<std::string, std::vector<DeviceTier>> read_sdk(const JsonFields& doc, Currency currency) {
  std::map<std::string, std::vector<DeviceTier>> sdk;
  if (!doc.has("sdk")) return sdk;
  const JsonFields kinds = doc.object("sdk");
  kinds.allow_only({"detection", "liveness", "recognition"});
  for (const char* kind : {"detection", "liveness", "recognition"})
    if (kinds.has(kind)) sdk[kind] = read_device_tiers(kind, kinds, currency);
  return sdk;
}

}  // namespace

const PackOffer* ServicePlan::pack_of_size(std::uint64_t size) const {
  const auto found =
      std::find_if(packs.begin(), packs.end(), [&](const PackOffer& p) { return p.size == size; });
  return found == packs.end() ? nullptr : &*found;
}

std::size_t ServicePlan::tier_for(std::uint64_t volume) const {
  std::size_t tier = 0;
  while (tiers[tier].up_to && volume > *tiers[tier].up_to) ++tier;
  return tier;
}

bool ServicePlan::bills_action(std::string_view action) const {
  return billable_actions.empty() ||
         std::find(billable_actions.begin(), billable_actions.end(), action) != billable_actions.end();
}

std::size_t QpsPrices::tier_for(std::uint64_t qps) const {
  std::size_t tier = 0;
  while (tiers[tier].up_to && qps > *tiers[tier].up_to) ++tier;
  return tier;
}

const ServicePlan* Plan::find(ServiceId service) const {
  const auto found = std::find_if(services.begin(), services.end(),
                                  [&](const ServicePlan& s) { return s.service == service; });
  return found == services.end() ? nullptr : &*found;
}

std::string Plan::priced_services_text() const {
  std::vector<std::string_view> names;
  for (const ServicePlan& service : services) names.push_back(service_name(service.service));
  return fmt::format("{}", fmt::join(names, ", "));
}

Plan parse_plan(std::string_view text, std::string_view source) {
  const nlohmann::json doc = parse_json_text(kKind, text, source);
  const JsonFields fields(doc, kKind, std::string(source), "");
  fields.allow_only({"name", "description", "currency", "services", "qps", "sdk"});
  Plan plan;
  plan.name = fields.string("name");
  plan.source = source;
  if (fields.has("description")) fields.string("description");
  try {
    plan.currency = currency_from_code(fields.string("currency"));
  } catch (const std::invalid_argument& error) {
    fields.fail("currency", error.what());
  }
  for (const auto& [name, service] : fields.named_objects("services"))
    plan.services.push_back(read_service(name, service, plan.currency));
  std::sort(plan.services.begin(), plan.services.end(),
            [](const ServicePlan& a, const ServicePlan& b) { return a.service < b.service; });
  plan.qps = read_qps(fields, plan.currency);
  plan.sdk = read_sdk(fields, plan.currency);
  return plan;
}

Plan load_plan_file(const std::filesystem::path& path) {
  return parse_plan(read_text_file(kKind, path), path.string());
}

Plan load_plan(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json");
  if (is_path) return load_plan_file(name_or_path);
  const char* override_dir = std::getenv("PREFLIGHT_PLAN_DIR");
  const std::filesystem::path dir = override_dir ? override_dir : PREFLIGHT_PLAN_DIR;
  const std::filesystem::path file = dir / (name_or_path + ".json");
  if (!std::filesystem::exists(file)) {
    throw std::invalid_argument(fmt::format(
        "plan \"{}\": no such plan in {} (shipped: tencent-ims-cn, tencent-ims-intl, tencent-tiia, "
        "tencent-face; or give a plan file path)",
        name_or_path, dir.string()));
  }
  return load_plan_file(file);
}

}  // namespace preflight::billing
