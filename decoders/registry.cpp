#include "decoders/registry.h"

#include "decoders/avif_decoder.h"
#include "decoders/gif_decoder.h"
#include "decoders/heic_decoder.h"
#include "decoders/jpeg_decoder.h"
#include "decoders/magick_decoder.h"
#include "decoders/png_decoder.h"
#include "decoders/raw_decoder.h"
#include "decoders/svg_decoder.h"
#include "decoders/tiff_decoder.h"
#include "decoders/webp_decoder.h"

namespace preflight {

const Decoder& decoder_for(Format format) {
  switch (format) {
    case Format::Bmp:
      return bmp_decoder();
    case Format::Ico:
      return ico_decoder();
    case Format::Jpeg:
      return jpeg_decoder();
    case Format::Jng:
      return jng_decoder();
    case Format::Png:
      return png_decoder();
    case Format::Tiff:
      return tiff_decoder();
    case Format::Raw:
      return raw_decoder();
    case Format::Svg:
      return svg_decoder();
    case Format::Gif:
      return gif_decoder();
    case Format::Webp:
      return webp_decoder();
    case Format::Heic:
      return heic_decoder();
    case Format::Avif:
      return avif_decoder();
  }
  return jpeg_decoder();  // unreachable: every enumerator is listed above
}

}  // namespace preflight
