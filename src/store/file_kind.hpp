#pragma once
// What a path that is not a regular file is, in words for messages ("a character device").
#include <filesystem>
#include <string>

namespace qtb {

std::string file_kind(std::filesystem::file_type type);

}  // namespace qtb
