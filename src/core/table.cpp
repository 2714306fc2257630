#include "core/table.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace qtb {
namespace {

bool looks_numeric(const std::string& cell) {
  return !cell.empty() && std::all_of(cell.begin(), cell.end(), [](unsigned char c) {
    return std::isdigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == ',';
  });
}

std::string csv_field(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

void Table::add_row(std::vector<std::string> row) {
  if (row.size() != header_.size()) throw std::logic_error("table row has the wrong column count");
  rows_.push_back(std::move(row));
}

std::string Table::to_text() const {
  std::vector<std::size_t> widths(header_.size());
  for (std::size_t c = 0; c < header_.size(); ++c) {
    widths[c] = header_[c].size();
    for (const auto& row : rows_) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  const auto append_row = [&](const std::vector<std::string>& row, bool is_header) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      const bool right = !is_header && looks_numeric(row[c]);
      out += right ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : "");
      if (c + 1 < row.size()) out += "  ";
    }
    out += '\n';
  };
  append_row(header_, true);
  for (const auto& row : rows_) append_row(row, false);
  return out;
}

std::string Table::to_csv() const {
  std::string out;
  const auto append_row = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      out += csv_field(row[c]);
    }
    out += '\n';
  };
  append_row(header_);
  for (const auto& row : rows_) append_row(row);
  return out;
}

}  // namespace qtb
