#pragma once

#include <optional>

#include "fetch/downloader.h"
#include "pipeline/checker.h"
#include "pipeline/verdict.h"

namespace preflight {

// The verdict of a URL input once its download has ended: the download's failure (SPEC §5) or the checks
// of its body, with the time of each attempt and the `redirected` warning. nullopt when the download was
// cancelled (the run was interrupted): such an input gets its record when the run is resumed.
std::optional<Verdict> check_downloaded_input(const DownloadResult& result, const CheckRequest& request,
                                              const Checker& checker);

}  // namespace preflight
