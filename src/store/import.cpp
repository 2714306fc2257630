#include "store/import.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/csv_reader.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/limits.hpp"
#include "measure/result_row_json.hpp"
#include "store/file_kind.hpp"
#include "store/import_errors.hpp"
#include "store/portal_csv.hpp"
#include "store/row_csv.hpp"
#include "store/row_validation.hpp"

namespace qtb {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The whole file, refused before reading when it is not a regular file (a device or FIFO would
// never end: /dev/zero) or larger than kMaxReadFileBytes; the read itself stops at the cap too, in
// case the file grows meanwhile.
std::string read_text(const std::filesystem::path& file) {
  namespace fs = std::filesystem;
  const ImportErrors errors(file.string());
  std::error_code error;
  const fs::file_status status = fs::status(file, error);
  if (status.type() == fs::file_type::not_found) errors.refuse("no such file");
  if (error) errors.refuse(fmt::format("cannot read it ({})", error.message()));
  if (status.type() == fs::file_type::directory) errors.refuse("it is a directory, not a file");
  if (status.type() != fs::file_type::regular) {
    errors.refuse(fmt::format("it is {}, not a regular file", file_kind(status.type())));
  }
  const auto too_large = [&](std::uint64_t bytes) {
    errors.refuse(fmt::format("the file is {}, more than the {} an import reads",
                              format_bytes(bytes), format_bytes(kMaxReadFileBytes)));
  };
  const std::uintmax_t size = fs::file_size(file, error);
  if (!error && size > kMaxReadFileBytes) too_large(size);
  std::ifstream in(file, std::ios::binary);
  if (!in) errors.refuse("cannot read it");
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxReadFileBytes) too_large(text.size());
  }
  if (in.bad()) errors.refuse("cannot read it (read error)");
  return text;
}

std::vector<ResultRow> read_rows_json(const std::string& text, const std::string& file_name) {
  ImportErrors errors(file_name);
  nlohmann::json document;
  try {
    document = parse_json(text, file_name);
  } catch (const InputError& e) {
    // parse_json names the file first; the refusal names it once.
    std::string reason = e.what();
    if (reason.starts_with(file_name + ": ")) reason.erase(0, file_name.size() + 2);
    errors.refuse(reason);
  }
  if (!document.is_object() || !document.contains("rows") || !document["rows"].is_array()) {
    errors.refuse("expected a JSON document {\"rows\": [ ... ]}");
  }
  std::vector<ResultRow> rows;
  const auto& list = document["rows"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    try {
      rows.push_back(row_from_json(list[i]));
      check_imported_row(rows.back());
    } catch (const InputError& e) {
      errors.add_at(fmt::format("rows[{}]", i), e.what());
    }
  }
  errors.throw_if_any(list.size());
  return rows;
}

}  // namespace

std::string format_name(ImportFormat format) {
  switch (format) {
    case ImportFormat::PortalCsv:
      return "QuTiBench portal CSV";
    case ImportFormat::RowsCsv:
      return "qutibench CSV";
    case ImportFormat::RowsJson:
      return "qutibench JSON";
  }
  return "?";
}

void check_imported_row(const ResultRow& row) {
  if (const auto reason = validate_row(row)) throw InputError(*reason);
}

ImportFile read_import_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::string text = read_text(file);
  // Excel and Notepad start a UTF-8 file with a byte order mark; it is not part of the content.
  if (text.starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    return {ImportFormat::RowsJson, read_rows_json(text, name)};
  }
  std::vector<CsvRecord> records;
  try {
    records = read_csv(text);
  } catch (const InputError& e) {
    ImportErrors(name).refuse(e.what());
  }
  ImportErrors errors(name);
  if (records.empty()) errors.refuse("the file is empty");
  const bool portal = is_portal_header(records.front().fields);
  if (portal || is_rows_csv_header(records.front().fields)) {
    std::vector<ResultRow> rows =
        portal ? read_portal_csv(records, name) : read_rows_csv(records, name);
    // Rows map to records one to one here: the readers refuse the file on any bad record.
    for (std::size_t i = 0; i < rows.size(); ++i) {
      try {
        check_imported_row(rows[i]);
      } catch (const InputError& e) {
        errors.add(records[i + 1].line, e.what());
      }
    }
    errors.throw_if_any(rows.size());
    return {portal ? ImportFormat::PortalCsv : ImportFormat::RowsCsv, std::move(rows)};
  }
  errors.refuse(
      "line 1: unrecognised header (expected the QuTiBench portal's, with HWType, or a qutibench "
      "export's, with topology and platform)");
}

}  // namespace qtb
