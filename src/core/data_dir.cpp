#include "core/data_dir.hpp"

namespace qtb {

// The path is compiled into this file only, so the other files' compile commands do not depend on
// where the checkout lives (a second checkout reuses a compiler cache).
std::filesystem::path data_dir() {
  return QTB_DATA_DIR;
}

}  // namespace qtb
