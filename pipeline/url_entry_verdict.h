#pragma once

#include <cstdint>
#include <optional>

#include "pipeline/url_list.h"
#include "pipeline/verdict.h"

namespace preflight {

// The record of a URL list line that must not be downloaded: a line that is not a usable URL ("bad_url":
// rejected as SPEC §5's bad_url), a list that could not be read (an error record), or an invalid DataId
// (rejected with InvalidParameterValue.InvalidDataId). nullopt when the URL may be downloaded.
std::optional<Verdict> reject_url_entry(const UrlListEntry& entry, std::uint64_t seq);

}  // namespace preflight
