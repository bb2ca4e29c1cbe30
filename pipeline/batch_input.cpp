#include "pipeline/batch_input.h"

namespace preflight {

const std::string& BatchInput::name() const {
  if (const auto* entry = std::get_if<InputEntry>(&source)) return entry->path;
  return std::get<UrlListEntry>(source).url;
}

}  // namespace preflight
