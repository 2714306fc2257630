#pragma once
// An RFC 4180 CSV reader: quoted fields may hold commas, quotes ("") and line breaks. Each record
// keeps the physical line it starts on, so an importer can name the line of a bad row.
#include <string>
#include <string_view>
#include <vector>

namespace qtb {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line of the record's first character
  std::vector<std::string> fields;
};

// Splits `text` into records; a leading UTF-8 byte order mark is skipped, CRLF and LF both end a
// record, a trailing newline adds no record and blank lines are skipped. Throws InputError "line N:
// ..." for an unterminated quoted field or text after a closing quote.
std::vector<CsvRecord> read_csv(std::string_view text);

}  // namespace qtb
