#pragma once
// A row's stable short id: the first 12 hex digits of its content hash (store/row_key.hpp), so
// the same row has the same id in every store, after export and re-import, on every machine.
// 48 bits: a collision among a million rows has odds of about 2e-3 in a million stores.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

inline constexpr std::size_t kRowIdLength = 12;

std::string row_id(const ResultRow& row);
// True for 12 lower-case hex digits, the only form an id takes.
bool is_row_id(std::string_view text);
// A row's JSON (measure/result_row_json) with its "id" added.
nlohmann::json row_with_id(const ResultRow& row);
// rows_document_text (measure/result_row_json) with each row's "id": what `qutibench results
// --format json` prints and the portal's /api/v1/rows serves.
std::string rows_document_with_ids_text(const std::vector<ResultRow>& rows);

}  // namespace qtb
