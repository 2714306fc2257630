#pragma once
// The backends by name, in one preference order: the order in which a caller that may choose
// (e.g. the accuracy of a variant) tries them, each asked with Backend::support().
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backend.hpp"

namespace qtb {

// Every backend's name, in preference order: the fast exact library first, the reference last.
std::vector<std::string> backend_names();
// Throws InputError naming the known backends.
std::unique_ptr<Backend> make_backend(std::string_view name);

}  // namespace qtb
