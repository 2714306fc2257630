#include "store/file_kind.hpp"

namespace qtb {

std::string file_kind(std::filesystem::file_type type) {
  using T = std::filesystem::file_type;
  switch (type) {
    case T::regular:
      return "a regular file";
    case T::directory:
      return "a directory";
    case T::symlink:
      return "a symbolic link";
    case T::character:
      return "a character device";
    case T::block:
      return "a block device";
    case T::fifo:
      return "a FIFO";
    case T::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace qtb
