#pragma once
#include <filesystem>
#include <string>

namespace qtb {

// Writes `content` to a temporary file beside `path` and renames it into place, so a reader (or a
// crash) never sees half a file. Throws InputError when the file cannot be written.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

}  // namespace qtb
