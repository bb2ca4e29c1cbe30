#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "decoders/decode_result.h"

namespace preflight {

// librsvg 2.54 leaks every entity declaration's source text on every parse (libxml2 hands it the `orig`
// buffer, which its xmlFreeNode never frees): a service checking such SVGs for days would grow without
// bound. A document that declares entities is therefore parsed by libxml2 first, which expands them the
// way librsvg would, and librsvg gets the expanded document without its DTD.
//
// Returns nothing when `text` declares no entity (it goes to librsvg unchanged), the expanded document,
// or the failure: malformed XML, an entity expansion libxml2 refuses (billion laughs), or an external
// entity (never loaded, as librsvg never loads one).
DecodeResult<std::optional<std::string>> expand_svg_entities(std::string_view text);

}  // namespace preflight
