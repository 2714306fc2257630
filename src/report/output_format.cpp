#include "report/output_format.hpp"

#include <string>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {

OutputFormat parse_output_format(std::string_view name) {
  const std::string lower = to_lower(trim(name));
  if (lower == "table") return OutputFormat::Table;
  if (lower == "csv") return OutputFormat::Csv;
  if (lower == "json") return OutputFormat::Json;
  throw InputError("unknown format '" + std::string(name) + "' (expected table, csv or json)");
}

}  // namespace qtb
