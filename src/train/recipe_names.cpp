#include "train/recipe_names.hpp"

#include <array>
#include <utility>

namespace qtb {
namespace {

constexpr std::array<std::pair<OptimizerKind, std::string_view>, 2> kOptimizers{{
    {OptimizerKind::adam, "adam"},
    {OptimizerKind::sgd, "sgd"},
}};

constexpr std::array<std::pair<ScheduleKind, std::string_view>, 3> kSchedules{{
    {ScheduleKind::constant, "constant"},
    {ScheduleKind::cosine, "cosine"},
    {ScheduleKind::step, "step"},
}};

template <typename Kind, std::size_t N>
std::string_view name_of(const std::array<std::pair<Kind, std::string_view>, N>& table, Kind kind) {
  for (const auto& [k, name] : table) {
    if (k == kind) return name;
  }
  return "?";
}

template <typename Kind, std::size_t N>
std::optional<Kind> kind_of(const std::array<std::pair<Kind, std::string_view>, N>& table,
                            std::string_view name) {
  for (const auto& [k, n] : table) {
    if (n == name) return k;
  }
  return std::nullopt;
}

template <typename Kind, std::size_t N>
std::vector<std::string> names_of(const std::array<std::pair<Kind, std::string_view>, N>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

}  // namespace

std::string_view optimizer_name(OptimizerKind kind) {
  return name_of(kOptimizers, kind);
}
std::optional<OptimizerKind> parse_optimizer(std::string_view name) {
  return kind_of(kOptimizers, name);
}
std::vector<std::string> optimizer_names() {
  return names_of(kOptimizers);
}

std::string_view schedule_name(ScheduleKind kind) {
  return name_of(kSchedules, kind);
}
std::optional<ScheduleKind> parse_schedule(std::string_view name) {
  return kind_of(kSchedules, name);
}
std::vector<std::string> schedule_names() {
  return names_of(kSchedules);
}

std::string quoted_alternatives(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += "\"" + names[i] + "\"";
  }
  return out;
}

}  // namespace qtb
