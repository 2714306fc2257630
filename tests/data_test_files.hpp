#pragma once
// Small binary files for the data-set reader tests.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace qtb::test {

using Bytes = std::vector<std::uint8_t>;

inline std::filesystem::path write_bytes(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace qtb::test
