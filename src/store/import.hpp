#pragma once
// Reading a file for `qutibench import`: the paper's portal CSV, or our own CSV or JSON export,
// recognised by content. The whole file is read and checked before anything is stored, so a bad
// row refuses the file (InputError naming the lines) and the database is never touched.
#include <filesystem>
#include <string>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

enum class ImportFormat { PortalCsv, RowsCsv, RowsJson };
std::string format_name(ImportFormat format);

struct ImportFile {
  ImportFormat format;
  std::vector<ResultRow> rows;
};

ImportFile read_import_file(const std::filesystem::path& file);

// What every imported row must satisfy whatever its format (names canonical, counts positive);
// throws InputError saying what is wrong.
void check_imported_row(const ResultRow& row);

}  // namespace qtb
