#include "graph/strict_json.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace qtb {
namespace {

// JSON values in messages are cut short: a wrong value may be a whole nested object.
std::string shown(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace

StrictJsonObject::StrictJsonObject(const nlohmann::json& value, std::string context)
    : object_(value), context_(std::move(context)) {
  if (!object_.is_object()) {
    throw InputError(fmt::format("{}: expected a JSON object, got {}", context_, shown(object_)));
  }
}

void StrictJsonObject::fail(const std::string& key, const std::string& message) const {
  throw InputError(fmt::format("{}: {} {}", context_, quote_value(key), message));
}

void StrictJsonObject::wrong_type(const std::string& key, const char* expected) const {
  fail(key, fmt::format("must be {}, got {}", expected, shown(object_.at(key))));
}

const nlohmann::json& StrictJsonObject::any(const std::string& key) {
  if (!object_.contains(key)) fail(key, "is missing");
  used_.insert(key);
  return object_.at(key);
}

std::string StrictJsonObject::string(const std::string& key) {
  const auto& value = any(key);
  if (!value.is_string()) wrong_type(key, "a string");
  return value.get<std::string>();
}

bool StrictJsonObject::boolean(const std::string& key) {
  const auto& value = any(key);
  if (!value.is_boolean()) wrong_type(key, "true or false");
  return value.get<bool>();
}

double StrictJsonObject::number(const std::string& key) {
  const auto& value = any(key);
  if (!value.is_number()) wrong_type(key, "a number");
  return value.get<double>();
}

std::int64_t StrictJsonObject::integer(const std::string& key, std::int64_t min, std::int64_t max) {
  const auto& value = any(key);
  return json_array_integer(value, min, max, fmt::format("{}: {}", context_, quote_value(key)));
}

std::uint64_t StrictJsonObject::unsigned_integer(const std::string& key) {
  const auto& value = any(key);
  if (!value.is_number_unsigned()) wrong_type(key, "an integer >= 0");
  return value.get<std::uint64_t>();
}

const nlohmann::json& StrictJsonObject::array(const std::string& key) {
  const auto& value = any(key);
  if (!value.is_array()) wrong_type(key, "an array");
  return value;
}

const nlohmann::json& StrictJsonObject::object(const std::string& key) {
  const auto& value = any(key);
  if (!value.is_object()) wrong_type(key, "an object");
  return value;
}

std::optional<double> StrictJsonObject::optional_number(const std::string& key) {
  if (!has(key) || object_.at(key).is_null()) {
    used_.insert(key);
    return std::nullopt;
  }
  return number(key);
}

std::optional<std::int64_t> StrictJsonObject::optional_integer(const std::string& key,
                                                               std::int64_t min) {
  if (!has(key) || object_.at(key).is_null()) {
    used_.insert(key);
    return std::nullopt;
  }
  return integer(key, min);
}

void StrictJsonObject::finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (!used_.contains(key)) fail(key, "is not a known key");
  }
}

std::int64_t json_array_integer(const nlohmann::json& element, std::int64_t min, std::int64_t max,
                                const std::string& what) {
  // Unsigned values above int64 max are out of range too; get<> would wrap them.
  const bool fits = element.is_number_integer() &&
                    (!element.is_number_unsigned() ||
                     element.get<std::uint64_t>() <=
                         static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  if (!fits) throw InputError(fmt::format("{} must be an integer, got {}", what, shown(element)));
  const auto value = element.get<std::int64_t>();
  if (value < min || value > max) {
    throw InputError(fmt::format("{} must be in [{}, {}], got {}", what, min, max, value));
  }
  return value;
}

}  // namespace qtb
