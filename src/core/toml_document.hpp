#pragma once
// Reading the project's TOML files (platform catalog, sweep configs) with one error style:
// "FILE:LINE: field 'F': what is wrong", as InputError.
#include <toml++/toml.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qtb {

// The whole file as text; InputError "cannot read WHAT FILE" when it cannot be read.
std::string read_text_file(const std::filesystem::path& file, const std::string& what);

// Parses TOML text; a syntax error becomes InputError "FILE:LINE: description".
toml::table parse_toml(std::string_view text, const std::string& file_name);

// Base of the readers that turn one TOML document into a structure.
class TomlReader {
 protected:
  TomlReader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  // Throws "FILE:LINE: field 'FIELD': MESSAGE", the line of `node` (or of the document).
  [[noreturn]] void fail(const toml::node* node, const std::string& field,
                         const std::string& message) const;
  // Every key of `table` must be one of `known`; `prefix` names the table in messages ("harness.").
  void check_known_keys(const toml::table& table, const std::string& prefix,
                        std::initializer_list<std::string_view> known) const;

  // Typed fields; each fails with the field's line when the value has the wrong type or range.
  using Named = std::pair<const toml::node*, std::string>;
  std::string string_value(const toml::node* node, const std::string& field) const;
  // The non-empty list under `key`; nullptr when absent and not required.
  const toml::array* array(const toml::table& table, const std::string& key, bool required) const;
  std::vector<Named> strings(const toml::table& table, const std::string& key, bool required) const;
  std::vector<std::int64_t> integers(const toml::table& table, const std::string& key,
                                     bool required, std::vector<std::int64_t> fallback) const;
  std::vector<double> numbers(const toml::table& table, const std::string& key,
                              std::vector<double> fallback, double lo, double hi) const;
  double number(const toml::table& table, const std::string& key, double fallback, double lo,
                double hi) const;
  std::int64_t integer(const toml::table& table, const std::string& key, std::int64_t fallback,
                       std::int64_t lo) const;

  const toml::table& root_;
  std::string file_;
};

}  // namespace qtb
