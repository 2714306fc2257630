#pragma once
// Where the tests find the built app, the checkout and the paper's reference data (set at
// configure time, in test_paths.cpp only).
#include <filesystem>

namespace qtb::test {

std::filesystem::path app_path();       // the qutibench binary
std::filesystem::path source_dir();     // the checkout (src/, docs/, data/)
std::filesystem::path reference_dir();  // data/reference/qutibench-web

}  // namespace qtb::test
