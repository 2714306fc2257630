#pragma once
// Rows of strings rendered as an aligned text table or as RFC 4180 CSV.
#include <string>
#include <vector>

namespace qtb {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row);
  std::string to_text() const;  // columns padded, numbers right-aligned
  std::string to_csv() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace qtb
