#include "test_paths.hpp"

namespace qtb::test {

// Only this file sees the configured paths, so the other test files compile the same in any
// checkout.
std::filesystem::path app_path() {
  return QTB_APP_PATH;
}
std::filesystem::path reference_dir() {
  return QTB_REFERENCE_DIR;
}
std::filesystem::path source_dir() {
  return QTB_SOURCE_DIR;
}

}  // namespace qtb::test
