#include "store/import_errors.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace qtb {
namespace {

// The reasons listed stay within this many characters, so the refusal is one short line; the count
// says the rest. The first reason is always listed.
constexpr std::size_t kListedChars = 120;

}  // namespace

void ImportErrors::add(std::size_t line, const std::string& reason) {
  add_at(fmt::format("line {}", line), reason);
}

void ImportErrors::add_at(const std::string& location, const std::string& reason) {
  errors_.push_back(location + ": " + reason);
}

void ImportErrors::refuse(const std::string& reason) const {
  throw InputError(fmt::format("{}: import refused, nothing stored: {}", file_, reason));
}

void ImportErrors::throw_if_any(std::size_t rows) const {
  if (errors_.empty()) return;
  std::string listed = errors_.front();
  if (listed.size() > kListedChars) listed = listed.substr(0, kListedChars - 3) + "...";
  std::size_t shown = 1;
  while (shown < errors_.size() && listed.size() + 2 + errors_[shown].size() <= kListedChars)
    listed += "; " + errors_[shown++];
  if (shown < errors_.size()) listed += fmt::format("; ... and {} more", errors_.size() - shown);
  const std::string what = rows == 0 ? fmt::format("{} problems with the header", errors_.size())
                                     : fmt::format("{} of {} rows malformed", errors_.size(), rows);
  throw InputError(fmt::format("{}: import refused, nothing stored ({}): {}", file_, what, listed));
}

}  // namespace qtb
