#include "decoders/svg_decoder.h"

namespace preflight {
namespace {
class Placeholder final : public Decoder {
 public:
  DecodeResult<ImageHeader> probe(ByteView, const DecodeLimits&) const override { return decode_failure("not_implemented"); }
  DecodeStatus decode_frames(ByteView, const ImageHeader&, std::span<const std::uint32_t>, const DecodeLimits&) const override { return decode_failure("not_implemented"); }
};
}  // namespace
const Decoder& svg_decoder() { static const Placeholder d; return d; }
}  // namespace preflight
