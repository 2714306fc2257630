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

}  // namespace qtb
