#pragma once
// Backends by name, for the command line and the cross-backend tests.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/backend.hpp"

namespace qtb {

// "reference", "onednn", "gemmlowp", "lowbit".
std::vector<std::string> backend_names();
// Throws InputError naming the known backends.
std::unique_ptr<Backend> make_backend(std::string_view name);

}  // namespace qtb
