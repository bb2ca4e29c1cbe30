#pragma once

#include <string>
#include <vector>

namespace preflight::billing {

// A plain-text table: columns sized to their widest cell, text left-aligned, numbers right-aligned.
class TextTable {
 public:
  enum class Align { Left, Right };

  explicit TextTable(std::vector<std::pair<std::string, Align>> columns);
  void add_row(std::vector<std::string> cells);
  std::string render(const std::string& indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace preflight::billing
