#include "store/import.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/csv_reader.hpp"
#include "core/error.hpp"
#include "core/precision.hpp"
#include "measure/result_row_json.hpp"
#include "store/import_errors.hpp"
#include "store/portal_csv.hpp"
#include "store/row_csv.hpp"

namespace qtb {
namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<ResultRow> read_rows_json(const std::string& text, const std::string& file_name) {
  ImportErrors errors(file_name);
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    errors.refuse(fmt::format("not valid JSON ({})", e.what()));
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
  const auto fail = [](const std::string& what) { throw InputError(what); };
  if (row.topology.empty()) fail("topology is empty");
  if (row.platform.empty()) fail("platform is empty");
  if (row.source.empty()) fail("source is empty (ours or paper)");
  const std::string canonical = parse_precision(row.precision).name();
  if (canonical != row.precision) {
    fail(fmt::format("precision '{}' is not canonical (write '{}')", row.precision, canonical));
  }
  if (!(row.prune > 0 && row.prune <= 1)) fail(fmt::format("prune {} is not in (0, 1]", row.prune));
  if (row.batch < 1 || row.threads < 1 || row.streams < 1) {
    fail("batch, threads and streams must be at least 1");
  }
  if (row.level != "L0" && row.level != "L1" && row.level != "L2" && row.level != "L3") {
    fail(fmt::format("level '{}' is not L0, L1, L2 or L3", row.level));
  }
  if (!row.accuracy_source.empty() && row.accuracy_source != "measured" &&
      row.accuracy_source != "reported") {
    fail(fmt::format("accuracy_source '{}' is not measured or reported", row.accuracy_source));
  }
}

ImportFile read_import_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  const std::string text = read_text(file);
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
