#include "pipeline/reason.h"

namespace preflight {
namespace {

struct ReasonRow {
  Reason reason;
  std::string_view name;
  std::string_view code;
};

// The one table from reason to service code.
constexpr ReasonRow kReasonTable[] = {
    {Reason::InvalidBase64, "invalid_base64", "InvalidParameterValue.InvalidContent"},
    {Reason::EmptyContent, "empty_content", "InvalidParameterValue.EmptyImageContent"},
    {Reason::DataTooSmall, "data_too_small", "InvalidParameter.ImageDataTooSmall"},
    {Reason::TooLarge, "too_large", "InvalidParameterValue.InvalidFileContentSize"},
    {Reason::RequestTooLarge, "request_too_large", "RequestSizeLimitExceeded"},
    {Reason::UnsupportedFormat, "unsupported_format", "InvalidParameterValue.InvalidImageContent"},
    {Reason::DimensionsTooSmall, "dimensions_too_small", "InvalidParameter.ImageSizeTooSmall"},
    {Reason::DimensionsTooLarge, "dimensions_too_large", "InvalidParameterValue.InvalidImageContent"},
    {Reason::AspectRatioTooLarge, "aspect_ratio_too_large", "InvalidParameter.ImageAspectRatioTooLarge"},
    {Reason::DecodeFailed, "decode_failed", "InvalidParameterValue.InvalidImageContent"},
    {Reason::InvalidDataId, "invalid_data_id", "InvalidParameterValue.InvalidDataId"},
};

const ReasonRow& row(Reason reason) { return kReasonTable[static_cast<std::size_t>(reason)]; }

}  // namespace

std::string_view reason_name(Reason reason) { return row(reason).name; }
std::string_view reason_code(Reason reason) { return row(reason).code; }

std::string Rejection::reason_text() const {
  std::string text(reason_name(reason));
  if (!detail.empty()) text += ":" + detail;
  return text;
}

}  // namespace preflight
