#pragma once
// The platform catalog: one TOML file per platform in a directory (data/platforms/). Units in the
// files are the paper's (TOP/s, GB/s, GB, W; 1 G = 1e9); in memory they are ops/s, bytes/s, bytes.
// A malformed or incomplete file throws InputError "FILE:LINE: field 'F': what is wrong".
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "platform/platform.hpp"

namespace qtb {

Platform parse_platform(std::string_view toml_text, const std::string& file_name);
Platform load_platform_file(const std::filesystem::path& file);
// Every *.toml in `dir`, sorted by platform name; duplicate names are an error.
std::vector<Platform> load_catalog(const std::filesystem::path& dir);

// The inverse of parse_platform (round-trips every field).
std::string platform_to_toml(const Platform& platform);
// Written atomically (temporary file and rename).
void write_platform_file(const Platform& platform, const std::filesystem::path& file);

// $QUTIBENCH_CATALOG if set, else the data/platforms directory of the source tree.
std::filesystem::path default_catalog_dir();

// "all" or comma-separated names (case-insensitive); unknown names throw InputError listing the
// known ones.
std::vector<const Platform*> select_platforms(std::string_view list,
                                              const std::vector<Platform>& catalog);

}  // namespace qtb
