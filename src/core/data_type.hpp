#pragma once
// The arithmetic types a platform has a peak for (the columns of the paper's Table 2).
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace qtb {

enum class DataType { FP32, FP16, BF16, INT8, INT4, INT2, INT1 };

inline constexpr std::array<DataType, 7> kAllDataTypes = {
    DataType::FP32, DataType::FP16, DataType::BF16, DataType::INT8,
    DataType::INT4, DataType::INT2, DataType::INT1};

std::string_view to_string(DataType type);
// Case-insensitive; nullopt for an unknown name.
std::optional<DataType> parse_data_type(std::string_view name);
int bit_width(DataType type);
bool is_float(DataType type);
// INT8, INT4, INT2 or INT1 for 8, 4, 2 or 1 bits; nullopt for any other width.
std::optional<DataType> integer_type_of_bits(int bits);

}  // namespace qtb
