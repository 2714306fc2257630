#pragma once
// The names of the optimizers and learning-rate schedules, one table each: the variant configs,
// the command-line options and the recipe stored in a model file's metadata all spell them so.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "train/train.hpp"

namespace qtb {

std::string_view optimizer_name(OptimizerKind kind);
std::optional<OptimizerKind> parse_optimizer(std::string_view name);
std::vector<std::string> optimizer_names();

std::string_view schedule_name(ScheduleKind kind);
std::optional<ScheduleKind> parse_schedule(std::string_view name);
std::vector<std::string> schedule_names();

// "\"a\", \"b\" or \"c\"", for messages.
std::string quoted_alternatives(const std::vector<std::string>& names);

}  // namespace qtb
