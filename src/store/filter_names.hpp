#pragma once
// The one rule for name options that select stored rows (--topology, --platform, --backend,
// --source, --task/--dataset, --level of results, export, analyze-results and report): a name that
// is neither known nor stored is a mistake, refused with the names allowed, never an empty result.
#include <string>
#include <string_view>
#include <vector>

#include "store/result_store.hpp"

namespace qtb {

// Throws InputError "unknown <noun> 'value' (<option> must be one of: a, b, c)" unless `value`
// equals one of `allowed`, ignoring ASCII case as the filters do. The noun is the option's name
// without its dashes ("--task" -> "task"); a long list is cut short.
void check_name_option(std::string_view option, const std::string& value,
                       const std::vector<std::string>& allowed);

// The names a filter on a text column accepts: the built-in vocabulary of the column (the zoo's
// and the paper's topologies, the backends, the paper's platforms and host, the tasks, the
// sources, the levels) and every value stored in it.
std::vector<std::string> filter_names(const ResultStore& store, std::string_view column);

// check_name_option against filter_names(store, column), plus `extra` (e.g. "all" for --source);
// an empty value selects everything and passes.
void check_filter_option(const ResultStore& store, std::string_view option, std::string_view column,
                         const std::string& value, const std::vector<std::string>& extra = {});

}  // namespace qtb
