#include "core/toml_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace qtb {

std::string read_text_file(const std::filesystem::path& file, const std::string& what) {
  std::ifstream in(file);
  if (!in) throw InputError("cannot read " + what + " " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

toml::table parse_toml(std::string_view text, const std::string& file_name) {
  try {
    return toml::parse(text, file_name);
  } catch (const toml::parse_error& error) {
    throw InputError(
        fmt::format("{}:{}: {}", file_name, error.source().begin.line, error.description()));
  }
}

void TomlReader::fail(const toml::node* node, const std::string& field,
                      const std::string& message) const {
  const auto line = node ? node->source().begin.line : root_.source().begin.line;
  throw InputError(fmt::format("{}:{}: field '{}': {}", file_, line, field, message));
}

void TomlReader::check_known_keys(const toml::table& table, const std::string& prefix,
                                  std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : table)
    if (std::find(known.begin(), known.end(), key.str()) == known.end())
      fail(&value, prefix + std::string(key.str()), "unknown field");
}

std::string TomlReader::string_value(const toml::node* node, const std::string& field) const {
  const auto value = node->value<std::string>();
  if (!value) fail(node, field, "expected a string");
  return *value;
}

const toml::array* TomlReader::array(const toml::table& table, const std::string& key,
                                     bool required) const {
  const toml::node* node = table.get(key);
  if (!node) {
    if (required) fail(&table, key, "missing (a list is required)");
    return nullptr;
  }
  const toml::array* list = node->as_array();
  if (!list) fail(node, key, "expected a list, e.g. [1, 2]");
  if (list->empty()) fail(node, key, "the list is empty");
  return list;
}

std::vector<TomlReader::Named> TomlReader::strings(const toml::table& table, const std::string& key,
                                                   bool required) const {
  std::vector<Named> out;
  if (const toml::array* list = array(table, key, required))
    for (const toml::node& item : *list) out.emplace_back(&item, string_value(&item, key));
  return out;
}

std::vector<std::int64_t> TomlReader::integers(const toml::table& table, const std::string& key,
                                               bool required,
                                               std::vector<std::int64_t> fallback) const {
  const toml::array* list = array(table, key, required);
  if (!list) return fallback;
  std::vector<std::int64_t> out;
  for (const toml::node& item : *list) {
    const auto value = item.value<std::int64_t>();
    if (!value || *value < 1 || !item.is_integer()) fail(&item, key, "expected integers >= 1");
    out.push_back(*value);
  }
  return out;
}

std::vector<double> TomlReader::numbers(const toml::table& table, const std::string& key,
                                        std::vector<double> fallback, double lo, double hi) const {
  const toml::array* list = array(table, key, false);
  if (!list) return fallback;
  std::vector<double> out;
  for (const toml::node& item : *list) {
    const auto value = item.value<double>();
    if (!value || *value < lo || *value > hi)
      fail(&item, key, fmt::format("expected numbers in [{}, {}]", lo, hi));
    out.push_back(*value);
  }
  return out;
}

double TomlReader::number(const toml::table& table, const std::string& key, double fallback,
                          double lo, double hi) const {
  const toml::node* node = table.get(key);
  if (!node) return fallback;
  const auto value = node->value<double>();
  if (!value || *value < lo || *value > hi)
    fail(node, key, fmt::format("expected a number in [{}, {}]", lo, hi));
  return *value;
}

std::int64_t TomlReader::integer(const toml::table& table, const std::string& key,
                                 std::int64_t fallback, std::int64_t lo) const {
  const toml::node* node = table.get(key);
  if (!node) return fallback;
  const auto value = node->value<std::int64_t>();
  if (!node->is_integer() || !value || *value < lo)
    fail(node, key, fmt::format("expected an integer >= {}", lo));
  return *value;
}

}  // namespace qtb
