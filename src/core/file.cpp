#include "core/file.hpp"

#include <fstream>

#include "core/error.hpp"

namespace qtb {

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc | std::ios::binary);
    if (!out) throw InputError("cannot write " + path.string());
    out << content;
    if (!out.flush()) throw InputError("cannot write " + path.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw InputError("cannot write " + path.string());
  }
}

}  // namespace qtb
