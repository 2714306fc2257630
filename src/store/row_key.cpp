#include "store/row_key.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "store/result_columns.hpp"

namespace qtb {

std::string row_key(const ResultRow& row) {
  nlohmann::json flat = flatten_row(row);
  nlohmann::json canonical = nlohmann::json::object();  // std::map inside: keys sorted
  for (const auto& [key, value] : flat.items()) {
    if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
      continue;
    }
    canonical[key] = value;
  }
  const std::string text = canonical.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  std::string hex;
  hex.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace qtb
