#pragma once
// ResultRow <-> JSON, keyed by DESIGN.md's column names. Empty figures are null; latencies are
// objects {mean, p50, p90, p95, p99, p999, min, max, stddev}.
#include <nlohmann/json.hpp>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

nlohmann::json to_json(const ResultRow& row);
// Throws InputError naming the field when a value has the wrong type; absent fields keep their
// defaults, unknown fields are refused (a typo must not vanish silently).
ResultRow row_from_json(const nlohmann::json& object);

// The document every --format json command prints: {"rows": [ ... ]}.
nlohmann::json rows_document(const std::vector<ResultRow>& rows);
// rows_document(rows).dump(1) + "\n", made a row at a time (big stores).
std::string rows_document_text(const std::vector<ResultRow>& rows);

}  // namespace qtb
