#include "bench/peers/jpeg_full_decode.h"

#include <csetjmp>
#include <cstddef>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared before it

#include <jpeglib.h>

namespace preflight::bench {
namespace {

// `manager` must stay the first member: libjpeg hands the callbacks a pointer to it.
struct ErrorTrap {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jump_back(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<ErrorTrap*>(cinfo->err);
  cinfo->err->format_message(cinfo, trap->message);
  std::longjmp(trap->jump, 1);
}

// Keeps the first warning's text instead of printing it.
void keep_message(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<ErrorTrap*>(cinfo->err);
  if (trap->message[0] == '\0') cinfo->err->format_message(cinfo, trap->message);
}

}  // namespace

std::string decode_jpeg_fully(std::span<const std::uint8_t> bytes, std::vector<unsigned char>& row) {
  jpeg_decompress_struct cinfo;
  ErrorTrap trap;
  trap.message[0] = '\0';
  cinfo.err = jpeg_std_error(&trap.manager);
  trap.manager.error_exit = jump_back;
  trap.manager.output_message = keep_message;
  if (setjmp(trap.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return trap.message;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), bytes.size());
  jpeg_read_header(&cinfo, TRUE);
  jpeg_start_decompress(&cinfo);
  row.resize(std::size_t{cinfo.output_width} * cinfo.output_components);
  JSAMPROW rows[] = {row.data()};
  while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, rows, 1);
  jpeg_finish_decompress(&cinfo);
  const bool warned = trap.manager.num_warnings > 0;
  jpeg_destroy_decompress(&cinfo);
  return warned ? std::string(trap.message) : std::string();
}

}  // namespace preflight::bench
