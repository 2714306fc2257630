#pragma once
// Reads one JSON object field by field and refuses what it does not expect: a missing key, a value
// of the wrong type or range, and (on finish()) any key nobody asked for. Every error is an
// InputError that starts with the context given at construction ("graph JSON, node 3 'fc1'"), so
// a hand-edited model file fails with one line that says where and what.
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace qtb {

class StrictJsonObject {
 public:
  // Throws InputError when `value` is not an object.
  StrictJsonObject(const nlohmann::json& value, std::string context);

  const std::string& context() const { return context_; }
  // Once a name is known ("node 3" becomes "node 3 'fc1'").
  void set_context(std::string context) { context_ = std::move(context); }
  bool has(const std::string& key) const { return object_.contains(key); }

  // Required keys of one type each.
  const nlohmann::json& any(const std::string& key);
  std::string string(const std::string& key);
  bool boolean(const std::string& key);
  double number(const std::string& key);
  std::int64_t integer(const std::string& key,
                       std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max());
  std::uint64_t unsigned_integer(const std::string& key);
  const nlohmann::json& array(const std::string& key);
  const nlohmann::json& object(const std::string& key);
  // Keys that may be absent or null.
  std::optional<double> optional_number(const std::string& key);
  std::optional<std::int64_t> optional_integer(const std::string& key, std::int64_t min);

  // Throws for the first key that no accessor above asked for.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  [[noreturn]] void wrong_type(const std::string& key, const char* expected) const;

  const nlohmann::json& object_;
  std::string context_;
  std::set<std::string> used_;
};

// An integer element of a JSON array, for arrays of shape dimensions and offsets.
std::int64_t json_array_integer(const nlohmann::json& element, std::int64_t min, std::int64_t max,
                                const std::string& what);

}  // namespace qtb
