// Covers parse_account() and check_account_against_plan() against every shipped plan.
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "billing/account.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<preflight::billing::Plan> plans = {
      preflight::billing::load_plan("tencent-ims-cn"), preflight::billing::load_plan("tencent-ims-intl"),
      preflight::billing::load_plan("tencent-tiia"), preflight::billing::load_plan("tencent-face")};
  try {
    const preflight::billing::Account account =
        preflight::billing::parse_account({reinterpret_cast<const char*>(data), size}, "fuzz.json");
    for (const preflight::billing::Plan& plan : plans) {
      try {
        preflight::billing::check_account_against_plan(account, plan);
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
