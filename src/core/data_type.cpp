#include "core/data_type.hpp"

#include "core/text.hpp"

namespace qtb {

std::string_view to_string(DataType type) {
  switch (type) {
    case DataType::FP32:
      return "FP32";
    case DataType::FP16:
      return "FP16";
    case DataType::BF16:
      return "BF16";
    case DataType::INT8:
      return "INT8";
    case DataType::INT4:
      return "INT4";
    case DataType::INT2:
      return "INT2";
    case DataType::INT1:
      return "INT1";
  }
  return "?";
}

std::optional<DataType> parse_data_type(std::string_view name) {
  const std::string upper = to_upper(name);
  for (DataType type : kAllDataTypes) {
    if (upper == to_string(type)) return type;
  }
  return std::nullopt;
}

int bit_width(DataType type) {
  switch (type) {
    case DataType::FP32:
      return 32;
    case DataType::FP16:
    case DataType::BF16:
      return 16;
    case DataType::INT8:
      return 8;
    case DataType::INT4:
      return 4;
    case DataType::INT2:
      return 2;
    case DataType::INT1:
      return 1;
  }
  return 0;
}

bool is_float(DataType type) {
  return type == DataType::FP32 || type == DataType::FP16 || type == DataType::BF16;
}

std::optional<DataType> integer_type_of_bits(int bits) {
  switch (bits) {
    case 8:
      return DataType::INT8;
    case 4:
      return DataType::INT4;
    case 2:
      return DataType::INT2;
    case 1:
      return DataType::INT1;
    default:
      return std::nullopt;
  }
}

}  // namespace qtb
