#include "store/row_id.hpp"

#include <algorithm>

#include "measure/result_row_json.hpp"
#include "store/row_key.hpp"

namespace qtb {

std::string row_id(const ResultRow& row) {
  return row_key(row).substr(0, kRowIdLength);
}

bool is_row_id(std::string_view text) {
  return text.size() == kRowIdLength && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

nlohmann::json rows_document_with_ids(const std::vector<ResultRow>& rows) {
  nlohmann::json document = rows_document(rows);
  nlohmann::json& listed = document["rows"];
  for (std::size_t i = 0; i < rows.size(); ++i) listed[i]["id"] = row_id(rows[i]);
  return document;
}

}  // namespace qtb
