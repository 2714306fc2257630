#pragma once
// The dedup key of a stored row: SHA-256 (hex) of its content, so importing the same file twice,
// or re-importing our own export, adds nothing. Two rows are the same when every column is equal;
// two measurements of one deployment point differ (created_at, figures) and are both kept.
//
// The hashed text is the flat row (store/result_columns) as compact JSON with sorted keys, leaving
// out null figures and empty strings: a column added later with an empty default does not change
// the key of rows stored before it.
#include <string>

#include "measure/result_row.hpp"

namespace qtb {

std::string row_key(const ResultRow& row);

}  // namespace qtb
