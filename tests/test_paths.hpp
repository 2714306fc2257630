#pragma once
// Where the tests find the built app and the paper's reference data (set at configure time).
#include <filesystem>

namespace qtb::test {

std::filesystem::path app_path();       // the qutibench binary
std::filesystem::path reference_dir();  // data/reference/qutibench-web

}  // namespace qtb::test
