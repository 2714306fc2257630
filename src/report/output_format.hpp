#pragma once
#include <string_view>

namespace qtb {

enum class OutputFormat { Table, Csv, Json };
// "table", "csv" or "json"; throws InputError otherwise.
OutputFormat parse_output_format(std::string_view name);

}  // namespace qtb
