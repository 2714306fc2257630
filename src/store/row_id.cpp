#include "store/row_id.hpp"

#include <algorithm>

#include "core/json_text.hpp"
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

nlohmann::json row_with_id(const ResultRow& row) {
  nlohmann::json object = to_json(row);
  object["id"] = row_id(row);
  return object;
}

std::string rows_document_with_ids_text(const std::vector<ResultRow>& rows) {
  return dump_with_list(nlohmann::json::object(), "rows", rows.size(),
                        [&](std::size_t i) { return row_with_id(rows[i]); }) +
         "\n";
}

}  // namespace qtb
