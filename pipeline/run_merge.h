#pragma once

#include <string>
#include <vector>

#include "pipeline/summary.h"

namespace preflight {

// `preflight merge`: combines the run folders of a sharded batch (`--shard K/N`, every K of 1..N, each
// run complete and of the same batch) into one run folder equal to an unsharded run of the batch:
// records and events in input order, --dedupe settled over the whole batch, one summary. Returns the
// merged summary; throws RunFolderError naming the folder and what is wrong.
Summary merge_runs(const std::vector<std::string>& shard_dirs, const std::string& out_dir);

}  // namespace preflight
