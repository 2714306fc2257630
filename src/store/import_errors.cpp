#include "store/import_errors.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace qtb {
namespace {

// More than this many reasons would not fit on a terminal line; the count says the rest.
constexpr std::size_t kListed = 10;

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
  std::string listed;
  for (std::size_t i = 0; i < errors_.size() && i < kListed; ++i) {
    if (i > 0) listed += "; ";
    listed += errors_[i];
  }
  if (errors_.size() > kListed)
    listed += fmt::format("; ... and {} more", errors_.size() - kListed);
  const std::string what = rows == 0 ? fmt::format("{} problems with the header", errors_.size())
                                     : fmt::format("{} of {} rows malformed", errors_.size(), rows);
  throw InputError(fmt::format("{}: import refused, nothing stored ({}): {}", file_, what, listed));
}

}  // namespace qtb
