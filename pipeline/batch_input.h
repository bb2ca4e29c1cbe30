#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "pipeline/input_walker.h"
#include "pipeline/url_list.h"

namespace preflight {

// One input on its way through a batch. `seq` is its position among all the batch's inputs (the record's
// `seq`, stable across shards and resumes); `ordinal` counts the inputs this run processes, from 0, which
// is what puts records back in input order.
struct BatchInput {
  std::uint64_t seq = 0;
  std::uint64_t ordinal = 0;
  std::variant<InputEntry, UrlListEntry> source;

  const std::string& name() const;  // the path or URL, as the record's `input`
};

}  // namespace preflight
