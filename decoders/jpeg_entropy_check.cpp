#include "decoders/jpeg_entropy_check.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>

// Hand-parsed: libjpeg exposes no entropy-only pass, and its fast Huffman path reads an invalid code as 0
// without a warning. Every check below mirrors what libjpeg-turbo 2.1 errors or warns on, or is stricter.
namespace preflight {
namespace {

// ITU T.81 table B.1.
constexpr std::uint8_t kMarkerPrefix = 0xFF;
constexpr std::uint8_t kSof0 = 0xC0;  // baseline
constexpr std::uint8_t kSof1 = 0xC1;  // extended sequential, Huffman
constexpr std::uint8_t kDht = 0xC4;
constexpr std::uint8_t kRst0 = 0xD0;
constexpr std::uint8_t kSoi = 0xD8;
constexpr std::uint8_t kEoi = 0xD9;
constexpr std::uint8_t kSos = 0xDA;
constexpr std::uint8_t kDqt = 0xDB;
constexpr std::uint8_t kDri = 0xDD;
constexpr std::uint8_t kApp0 = 0xE0;
constexpr std::uint8_t kApp15 = 0xEF;
constexpr std::uint8_t kCom = 0xFE;

constexpr int kTableSlots = 4;
constexpr int kMaxCodeLength = 16;
constexpr int kCoefficients = 64;
constexpr int kLookaheadBits = 10;
// A DC value this large cannot come from 8-bit samples; libjpeg only fails on int overflow, far above it.
constexpr std::int32_t kMaxDcMagnitude = 1 << 16;

// A DHT table as the file gives it.
struct HuffmanSpec {
  bool defined = false;
  std::array<std::uint8_t, kMaxCodeLength + 1> counts{};  // codes of each length 1..16
  std::array<std::uint8_t, 256> symbols{};
};

// What one code does, looked up from the next kLookaheadBits bits: `bits` to consume (the code and its
// extra bits), how far the coefficient index moves (`step`: 1 after a DC code, 64 at end of block) and, for
// a DC code, how many of those bits are the difference (`dc_size`). bits == 0: the code is longer than the
// lookahead.
struct FastEntry {
  std::uint8_t bits = 0;
  std::uint8_t step = 0;
  std::uint8_t dc_size = 0;
  std::uint8_t padding = 0;  // four bytes: the compiler keeps a whole entry in one register
};

struct DecodingTable {
  std::array<FastEntry, 1 << kLookaheadBits> fast{};
  std::array<std::int32_t, kMaxCodeLength + 1> max_code{};  // largest code of each length, -1 if none
  std::array<std::int32_t, kMaxCodeLength + 1> value_offset{};
  const HuffmanSpec* spec = nullptr;
  bool is_dc = false;
};

constexpr int kEndOfBlockStep = kCoefficients;

std::int32_t extend(std::int32_t raw, int size) {
  return raw < ((1 << size) >> 1) ? raw - (1 << size) + 1 : raw;
}

FastEntry entry_for(int code_length, std::uint8_t symbol, bool is_dc) {
  if (is_dc) return {static_cast<std::uint8_t>(code_length + symbol), 1, symbol};
  const int run = symbol >> 4;
  const int size = symbol & 15;
  const int step = size != 0 ? run + 1 : (run == 15 ? 16 : kEndOfBlockStep);
  return {static_cast<std::uint8_t>(code_length + size), static_cast<std::uint8_t>(step), 0};
}

// Canonical codes as libjpeg's jpeg_make_d_derived_tbl builds them, with its two table errors: a DC symbol
// over 15 and an over-full code space.
bool build_decoding_table(const HuffmanSpec& spec, bool is_dc, DecodingTable& table) {
  table.spec = &spec;
  table.is_dc = is_dc;
  table.fast.fill({});
  std::int32_t code = 0;
  int symbol_index = 0;
  for (int length = 1; length <= kMaxCodeLength; ++length) {
    table.value_offset[length] = symbol_index - code;
    for (int i = 0; i < spec.counts[length]; ++i, ++symbol_index, ++code) {
      const std::uint8_t symbol = spec.symbols[symbol_index];
      if (is_dc && symbol > 15) return false;
      if (length > kLookaheadBits) continue;
      const int shift = kLookaheadBits - length;
      std::fill(table.fast.begin() + (code << shift), table.fast.begin() + ((code + 1) << shift),
                entry_for(length, symbol, is_dc));
    }
    table.max_code[length] = spec.counts[length] != 0 ? code - 1 : -1;
    if (code >= (std::int32_t{1} << length)) return false;
    code <<= 1;
  }
  return true;
}

// Reads the entropy-coded segment MSB first, unstuffing 0xFF 0x00. At a marker (or the end of the data) it
// feeds zero bits as libjpeg does, and counts them, so consuming any of them shows the data ran short.
class BitReader {
 public:
  BitReader(ByteView data, std::size_t position) : data_(data), position_(position) {}

  // At least 32 bits are buffered after this (enough for any code plus its extra bits), or it returns
  // false: the data ran out more than a buffer ago, so some of it has certainly been read already.
  bool ensure_bits() {
    if (count_ >= 32) return true;
    refill();
    return zero_fill_bits_ <= 64;
  }
  std::uint32_t peek(int bits) const { return static_cast<std::uint32_t>(buffer_ >> (64 - bits)); }
  void skip(int bits) {
    buffer_ <<= bits;
    count_ -= bits;
  }
  bool overran() const { return count_ < zero_fill_bits_; }

  // The segment ended exactly here (leftover bits within the last byte only) and `marker` comes next.
  // Then reading continues after the marker with an empty buffer.
  bool take_marker(std::uint8_t marker) {
    const int unread = count_ - zero_fill_bits_;
    if (unread < 0 || unread >= 8) return false;
    if (position_ + 1 >= data_.size() || data_[position_] != kMarkerPrefix || data_[position_ + 1] != marker)
      return false;
    position_ += 2;
    buffer_ = 0;
    count_ = 0;
    zero_fill_bits_ = 0;
    at_marker_ = false;
    return true;
  }

 private:
  static bool has_ff_byte(std::uint64_t word) {
    const std::uint64_t inverted = ~word;
    return ((inverted - 0x0101010101010101ull) & ~inverted & 0x8080808080808080ull) != 0;
  }

  void refill() {
    while (count_ <= 56) {
      if (!at_marker_ && position_ + 8 <= data_.size()) {
        const std::uint64_t word = read_be64(data_, position_);
        if (!has_ff_byte(word)) {
          const int bytes = (64 - count_) >> 3;
          buffer_ |= (word >> (64 - 8 * bytes) << (64 - 8 * bytes)) >> count_;
          count_ += 8 * bytes;
          position_ += bytes;
          continue;
        }
      }
      append_byte(next_byte());
    }
  }

  std::uint8_t next_byte() {
    if (at_marker_ || position_ >= data_.size()) {
      at_marker_ = true;
      zero_fill_bits_ += 8;
      return 0;
    }
    const std::uint8_t byte = data_[position_];
    if (byte != kMarkerPrefix) {
      ++position_;
      return byte;
    }
    if (position_ + 1 < data_.size() && data_[position_ + 1] == 0) {
      position_ += 2;
      return byte;
    }
    at_marker_ = true;  // stays on the marker's 0xFF
    zero_fill_bits_ += 8;
    return 0;
  }

  void append_byte(std::uint8_t byte) {
    buffer_ |= std::uint64_t{byte} << (56 - count_);
    count_ += 8;
  }

  ByteView data_;
  std::size_t position_;
  std::uint64_t buffer_ = 0;
  int count_ = 0;
  int zero_fill_bits_ = 0;
  bool at_marker_ = false;
};

// A code the lookahead cannot resolve, found length by length as libjpeg's jpeg_huff_decode does; bits == 0:
// no such code (libjpeg's "bad Huffman code"). Consumes nothing. Rare: kept out of the hot loop.
[[gnu::noinline]] FastEntry decode_long_code(const DecodingTable& table, const BitReader& reader) {
  const std::int32_t bits = static_cast<std::int32_t>(reader.peek(kMaxCodeLength));
  for (int length = 1; length <= kMaxCodeLength; ++length) {
    const std::int32_t code = bits >> (kMaxCodeLength - length);
    if (code > table.max_code[length]) continue;
    return entry_for(length, table.spec->symbols[table.value_offset[length] + code], table.is_dc);
  }
  return {};
}

struct Component {
  std::uint8_t id = 0;
  int h = 1;
  int v = 1;
  int quant_table = 0;
  int dc_table = 0;
  int ac_table = 0;
};

struct Frame {
  bool defined = false;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  int component_count = 0;
  std::array<Component, 3> components{};
  int max_h = 1;
  int max_v = 1;
};

// Bounds-checked reads inside one marker segment; any read past its end clears `ok`.
class Segment {
 public:
  Segment(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() {
    if (offset_ >= size_) {
      ok_ = false;
      return 0;
    }
    return data_[offset_++];
  }
  std::uint32_t u16() {
    const std::uint32_t high = byte();  // two statements: the operands of | are evaluated in any order
    return high << 8 | byte();
  }
  bool skip(std::size_t count) {
    if (size_ - offset_ < count) return ok_ = false;
    offset_ += count;
    return true;
  }
  bool at_end() const { return offset_ == size_; }
  bool ok() const { return ok_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

// Sampling this walker handles: one component, or luma 1–2 × 1–2 with chroma at 1 × 1.
bool usual_sampling(const Frame& frame) {
  if (frame.component_count == 1) return true;
  const Component& luma = frame.components[0];
  if (luma.h > 2 || luma.v > 2) return false;
  for (int i = 1; i < frame.component_count; ++i) {
    if (frame.components[i].h != 1 || frame.components[i].v != 1) return false;
  }
  return true;
}

constexpr int kMaxBlocksInMcu = 6;  // 2 × 2 luma blocks and two chroma blocks (usual_sampling)

// The blocks of one MCU in order: the tables that decode each ([2b] DC, [2b + 1] AC) and the component
// whose DC predictor it moves.
struct McuLayout {
  int blocks = 0;
  std::array<const DecodingTable*, 2 * kMaxBlocksInMcu> tables{};
  std::array<int, kMaxBlocksInMcu> component{};
};

// The code at the read position in `table`; bits == 0 if there is none.
[[gnu::always_inline]] inline FastEntry next_code(const BitReader& reader, const DecodingTable& table) {
  const FastEntry entry = table.fast[reader.peek(kLookaheadBits)];
  return entry.bits != 0 ? entry : decode_long_code(table, reader);
}

// One 8×8 block: its DC difference, then AC codes until the index passes the last coefficient (end of block
// moves it to 64), as libjpeg's decode_mcu moves through them.
[[gnu::always_inline]] inline bool walk_block(BitReader& reader, const DecodingTable& dc,
                                              const DecodingTable& ac, std::int64_t& predictor) {
  if (!reader.ensure_bits()) return false;
  const FastEntry difference = next_code(reader, dc);
  if (difference.bits == 0) return false;
  const auto raw = static_cast<std::int32_t>(reader.peek(difference.bits) & ((1u << difference.dc_size) - 1));
  predictor += extend(raw, difference.dc_size);
  reader.skip(difference.bits);
  for (int k = 1; k < kCoefficients;) {
    if (!reader.ensure_bits()) return false;
    const FastEntry code = next_code(reader, ac);
    if (code.bits == 0) return false;
    reader.skip(code.bits);
    k += code.step;
  }
  return predictor <= kMaxDcMagnitude && predictor >= -kMaxDcMagnitude;
}

// `mcus` MCUs of codes. The reader is copied in and out so its state stays in registers.
bool walk_interval(BitReader& shared_reader, const McuLayout& layout, std::uint64_t mcus) {
  BitReader reader = shared_reader;
  std::array<std::int64_t, 3> predictors{};
  for (std::uint64_t mcu = 0; mcu < mcus; ++mcu) {
    for (int b = 0; b < layout.blocks; ++b) {
      if (!walk_block(reader, *layout.tables[2 * b], *layout.tables[2 * b + 1],
                      predictors[layout.component[b]]))
        return false;
    }
    if (reader.overran()) return false;
  }
  shared_reader = reader;
  return true;
}

class SequentialWalker {
 public:
  explicit SequentialWalker(ByteView jpeg) : data_(jpeg) {}

  bool run() {
    if (data_.size() < 2 || data_[0] != kMarkerPrefix || data_[1] != kSoi) return false;
    position_ = 2;
    for (;;) {
      const int marker = next_marker();
      if (marker < 0) return false;
      if (marker == kSos) return frame_.defined && read_scan_header() && walk_scan();
      if (!read_marker_before_scan(static_cast<std::uint8_t>(marker))) return false;
    }
  }

 private:
  // The marker code at the read position (fill 0xFF bytes skipped), or -1 if there is none.
  int next_marker() {
    if (position_ >= data_.size() || data_[position_] != kMarkerPrefix) return -1;
    while (position_ < data_.size() && data_[position_] == kMarkerPrefix) ++position_;
    if (position_ >= data_.size() || data_[position_] == 0) return -1;
    return data_[position_++];
  }

  // The segment after a marker's length field; the read position moves past it.
  bool take_segment(Segment& segment) {
    if (position_ + 2 > data_.size()) return false;
    const std::size_t length = std::size_t{data_[position_]} << 8 | data_[position_ + 1];
    if (length < 2 || position_ + length > data_.size()) return false;
    segment = Segment(data_.data() + position_ + 2, length - 2);
    position_ += length;
    return true;
  }

  // Frame, tables and restart interval are read; application data and comments are skipped. Any other
  // marker (another frame type, DNL, a marker libjpeg does not know) is left to libjpeg.
  bool read_marker_before_scan(std::uint8_t marker) {
    const bool skipped = (marker >= kApp0 && marker <= kApp15) || marker == kCom;
    const bool read =
        marker == kSof0 || marker == kSof1 || marker == kDht || marker == kDqt || marker == kDri;
    if (!skipped && !read) return false;
    Segment segment(nullptr, 0);
    if (!take_segment(segment)) return false;
    switch (marker) {
      case kSof0:
      case kSof1:
        return read_frame(segment);
      case kDht:
        return read_huffman_tables(segment);
      case kDqt:
        return read_quant_tables(segment);
      case kDri:
        return read_restart_interval(segment);
      default:
        return true;
    }
  }

  bool read_frame(Segment& segment) {
    if (frame_.defined || segment.byte() != 8) return false;
    frame_.height = segment.u16();
    frame_.width = segment.u16();
    frame_.component_count = segment.byte();
    if (frame_.height == 0 || frame_.width == 0) return false;
    if (frame_.component_count != 1 && frame_.component_count != 3) return false;
    for (int i = 0; i < frame_.component_count; ++i) {
      Component& component = frame_.components[i];
      component.id = segment.byte();
      const std::uint8_t sampling = segment.byte();
      component.h = sampling >> 4;
      component.v = sampling & 15;
      component.quant_table = segment.byte();
      if (component.h < 1 || component.h > 4 || component.v < 1 || component.v > 4) return false;
      if (component.quant_table >= kTableSlots) return false;
      frame_.max_h = std::max(frame_.max_h, component.h);
      frame_.max_v = std::max(frame_.max_v, component.v);
    }
    frame_.defined = segment.ok() && segment.at_end() && usual_sampling(frame_);
    return frame_.defined;
  }

  bool read_huffman_tables(Segment& segment) {
    while (!segment.at_end()) {
      const std::uint8_t kind = segment.byte();
      if ((kind >> 4) > 1 || (kind & 15) >= kTableSlots) return false;
      HuffmanSpec& spec = ((kind >> 4) == 0 ? dc_specs_ : ac_specs_)[kind & 15];
      int total = 0;
      for (int length = 1; length <= kMaxCodeLength; ++length) total += spec.counts[length] = segment.byte();
      if (total > 256) return false;
      for (int i = 0; i < total; ++i) spec.symbols[i] = segment.byte();
      if (!segment.ok()) return false;
      spec.defined = true;
    }
    return true;
  }

  bool read_quant_tables(Segment& segment) {
    while (!segment.at_end()) {
      const std::uint8_t kind = segment.byte();
      if ((kind >> 4) > 1 || (kind & 15) >= kTableSlots) return false;
      if (!segment.skip((kind >> 4) == 0 ? 64 : 128)) return false;
      quant_defined_[kind & 15] = true;
    }
    return segment.ok();
  }

  bool read_restart_interval(Segment& segment) {
    restart_interval_ = segment.u16();
    return segment.ok() && segment.at_end();
  }

  // One scan holding every component in frame order, full spectrum, no successive approximation.
  bool read_scan_header() {
    Segment segment(nullptr, 0);
    if (!take_segment(segment)) return false;
    if (segment.byte() != frame_.component_count) return false;
    for (int i = 0; i < frame_.component_count; ++i) {
      Component& component = frame_.components[i];
      if (segment.byte() != component.id) return false;
      const std::uint8_t tables = segment.byte();
      component.dc_table = tables >> 4;
      component.ac_table = tables & 15;
      if (component.dc_table >= kTableSlots || component.ac_table >= kTableSlots) return false;
      if (!quant_defined_[component.quant_table]) return false;
      // An undefined table is libjpeg's default table (Motion-JPEG files): left to libjpeg.
      if (!dc_specs_[component.dc_table].defined || !ac_specs_[component.ac_table].defined) return false;
    }
    const std::uint8_t spectral_start = segment.byte();
    const std::uint8_t spectral_end = segment.byte();
    const std::uint8_t approximation = segment.byte();
    return segment.ok() && segment.at_end() && spectral_start == 0 && spectral_end == 63 &&
           approximation == 0 && build_scan_tables();
  }

  // The decoding tables the scan uses, each built once (chroma components usually share theirs).
  bool build_scan_tables() {
    std::array<bool, kTableSlots> dc_used{};
    std::array<bool, kTableSlots> ac_used{};
    for (int i = 0; i < frame_.component_count; ++i) {
      dc_used[frame_.components[i].dc_table] = true;
      ac_used[frame_.components[i].ac_table] = true;
    }
    for (int slot = 0; slot < kTableSlots; ++slot) {
      if (dc_used[slot] && !build_decoding_table(dc_specs_[slot], true, dc_tables_[slot])) return false;
      if (ac_used[slot] && !build_decoding_table(ac_specs_[slot], false, ac_tables_[slot])) return false;
    }
    return true;
  }

  McuLayout mcu_layout() {
    McuLayout layout;
    for (int c = 0; c < frame_.component_count; ++c) {
      const Component& component = frame_.components[c];
      const int blocks = frame_.component_count == 1 ? 1 : component.h * component.v;
      for (int b = 0; b < blocks; ++b, ++layout.blocks) {
        layout.tables[2 * layout.blocks] = &dc_tables_[component.dc_table];
        layout.tables[2 * layout.blocks + 1] = &ac_tables_[component.ac_table];
        layout.component[layout.blocks] = c;
      }
    }
    return layout;
  }

  bool walk_scan() {
    const std::uint32_t mcu_width = frame_.component_count == 1 ? 8 : 8 * frame_.max_h;
    const std::uint32_t mcu_height = frame_.component_count == 1 ? 8 : 8 * frame_.max_v;
    const std::uint64_t mcus = std::uint64_t{(frame_.width + mcu_width - 1) / mcu_width} *
                               ((frame_.height + mcu_height - 1) / mcu_height);
    const McuLayout layout = mcu_layout();
    const std::uint64_t interval = restart_interval_ != 0 ? restart_interval_ : mcus;
    BitReader reader(data_, position_);
    int next_restart = 0;
    for (std::uint64_t done = 0; done < mcus; done += interval) {
      if (done != 0) {
        if (!reader.take_marker(static_cast<std::uint8_t>(kRst0 + next_restart))) return false;
        next_restart = (next_restart + 1) & 7;
      }
      if (!walk_interval(reader, layout, std::min(interval, mcus - done))) return false;
    }
    return reader.take_marker(kEoi);
  }

  ByteView data_;
  std::size_t position_ = 0;
  Frame frame_;
  std::array<HuffmanSpec, kTableSlots> dc_specs_{};
  std::array<HuffmanSpec, kTableSlots> ac_specs_{};
  std::array<DecodingTable, kTableSlots> dc_tables_{};
  std::array<DecodingTable, kTableSlots> ac_tables_{};
  std::array<bool, kTableSlots> quant_defined_{};
  std::uint32_t restart_interval_ = 0;
};

}  // namespace

bool proves_sequential_entropy_data(ByteView jpeg) { return SequentialWalker(jpeg).run(); }

}  // namespace preflight
