#pragma once
// Helpers for the model file tests: a scratch directory per test, whole-file bytes, safetensors
// bytes assembled by hand (independent of the writer under test), and a check that a call throws
// InputError whose one-line message says what it should.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace qtb::test {

namespace fs = std::filesystem;

// A fresh, empty directory named after the running test.
inline fs::path model_scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::temp_directory_path() /
                       (std::string("qtb_model_") + info->test_suite_name() + "_" + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline fs::path write_all(const fs::path& file, std::string_view bytes) {
  std::ofstream(file, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return file;
}

inline std::string le64(std::uint64_t value) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  return out;
}

// Length prefix + header text + buffer, exactly as given (no padding, no checks).
inline std::string safetensors_bytes(const std::string& header, const std::string& buffer) {
  return le64(header.size()) + header + buffer;
}

// The header of a safetensors file's bytes and the buffer after it, read without our reader.
struct SplitSafetensors {
  nlohmann::json header;
  std::string header_text;
  std::string buffer;
};

inline SplitSafetensors split_safetensors(const std::string& bytes) {
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(bytes.at(i));
  SplitSafetensors out;
  out.header_text = bytes.substr(8, length);
  out.header = nlohmann::json::parse(out.header_text);
  out.buffer = bytes.substr(8 + length);
  return out;
}

// The bytes with the header replaced by `edit` applied to it; the buffer stays as it was.
inline std::string edit_header(const std::string& bytes,
                               const std::function<void(nlohmann::json&)>& edit) {
  SplitSafetensors parts = split_safetensors(bytes);
  edit(parts.header);
  return safetensors_bytes(parts.header.dump(), parts.buffer);
}

// Expects `call` to throw InputError with every one of `parts` in its message.
inline void expect_input_error(const std::function<void()>& call,
                               std::initializer_list<std::string_view> parts) {
  try {
    call();
    ADD_FAILURE() << "no InputError thrown";
  } catch (const InputError& error) {
    const std::string message = error.what();
    for (std::string_view part : parts) {
      EXPECT_NE(message.find(part), std::string::npos)
          << "message '" << message << "' lacks '" << part << "'";
    }
  }
}

}  // namespace qtb::test
