#pragma once
// The shipped data directory (catalog, report assets, fetched caches) as configured at build time.
#include <filesystem>

namespace qtb {

std::filesystem::path data_dir();

}  // namespace qtb
