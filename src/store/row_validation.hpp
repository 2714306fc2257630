#pragma once
// The one check of a row's values that every way into the store shares (our CSV and JSON, the
// paper's portal CSV, the portal's submissions): required names present, names known, figures in
// their ranges. docs/store.md lists the rules.
#include <optional>
#include <string>
#include <vector>

#include "measure/result_row.hpp"

namespace qtb {

// The first thing wrong with `row`, in words naming the field, the value and what is allowed
// ("top1 = 197.95 is out of range: must be 0 to 100 percent"); nullopt when the row is sound.
std::optional<std::string> validate_row(const ResultRow& row);

// The names validate_row accepts, for messages and for filter options.
const std::vector<std::string>& known_topologies();  // the zoo's and the paper's
const std::vector<std::string>& known_sources();     // paper, ours
const std::vector<std::string>& known_levels();      // L0 .. L3
const std::vector<std::string>& known_tasks();       // mnist, fashion-mnist, cifar10, imagenet

}  // namespace qtb
