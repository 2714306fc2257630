// The safetensors reader and writer: every dtype round-trips, the layout is the specified one,
// and every kind of malformed file is refused with the path and the reason.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "graph/safetensors.hpp"
#include "model_test_files.hpp"

namespace qtb {
namespace {

using test::expect_input_error;
using test::safetensors_bytes;

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

SafetensorsFile every_dtype_file() {
  SafetensorsFile file;
  const float floats[] = {1.5f, -0.0f, 3.25f, 1e-40f, -7.0f, 0.1f};
  file.tensors.push_back(float_tensor("a.weight", {2, 3}, floats));
  file.tensors.push_back({"half", TensorDtype::F16, {2}, bytes_of({0x00, 0x3c, 0x00, 0xc0})});
  file.tensors.push_back({"brain", TensorDtype::BF16, {1, 1}, bytes_of({0x80, 0x3f})});
  file.tensors.push_back({"bytes", TensorDtype::I8, {3}, bytes_of({0x01, 0xff, 0x7f})});
  file.tensors.push_back({"ints", TensorDtype::I32, {1}, bytes_of({0x78, 0x56, 0x34, 0x12})});
  file.tensors.push_back({"empty", TensorDtype::F32, {0, 4}, {}});
  file.tensors.push_back({"scalar", TensorDtype::I8, {}, bytes_of({0x2a})});
  file.metadata = {{"format", "test"}, {"note", "ünïcode"}};
  return file;
}

void expect_same(const SafetensorsFile& a, const SafetensorsFile& b) {
  EXPECT_EQ(a.metadata, b.metadata);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const SafeTensor& tensor : a.tensors) {
    SCOPED_TRACE(tensor.name);
    const SafeTensor* other = b.find(tensor.name);
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->dtype, tensor.dtype);
    EXPECT_EQ(other->shape, tensor.shape);
    EXPECT_EQ(other->data, tensor.data);
  }
}

TEST(Safetensors, EveryDtypeRoundTripsThroughAFile) {
  const auto dir = test::model_scratch_dir();
  const SafetensorsFile file = every_dtype_file();
  write_safetensors(dir / "t.safetensors", file);
  expect_same(file, read_safetensors(dir / "t.safetensors"));
  const std::vector<float> floats =
      tensor_floats(*read_safetensors(dir / "t.safetensors").find("a.weight"));
  ASSERT_EQ(floats.size(), 6u);
  EXPECT_EQ(floats[2], 3.25f);
  EXPECT_TRUE(std::signbit(floats[1]));
}

TEST(Safetensors, WritesTheSpecifiedLayout) {
  const std::string bytes = encode_safetensors(every_dtype_file());
  const auto parts = test::split_safetensors(bytes);
  EXPECT_EQ(parts.header_text.front(), '{');
  EXPECT_EQ(parts.header_text.size() % 8, 0u) << "header padded so the buffer is 8-aligned";
  EXPECT_EQ(parts.buffer.size(), 24u + 4 + 2 + 3 + 4 + 0 + 1);
  const auto& half = parts.header.at("half");
  EXPECT_EQ(half.at("dtype"), "F16");
  EXPECT_EQ(half.at("shape"), nlohmann::json({2}));
  EXPECT_EQ(half.at("data_offsets"), nlohmann::json({24, 28}));
  EXPECT_EQ(parts.header.at("scalar").at("shape"), nlohmann::json::array());
  EXPECT_EQ(parts.header.at("__metadata__").at("format"), "test");
  EXPECT_EQ(parts.buffer.substr(24, 4), std::string("\x00\x3c\x00\xc0", 4));
}

// Another writer's file: padded header, tensors listed out of buffer order, no metadata.
TEST(Safetensors, ReadsPaddedHeadersAndAnyEntryOrder) {
  const std::string header = R"({"b":{"dtype":"I8","shape":[2],"data_offsets":[4,6]},)"
                             R"("a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}})"
                             "     ";
  const SafetensorsFile file = decode_safetensors(
      safetensors_bytes(header, std::string("\x01\x00\x00\x00\x05\x06", 6)), "x.safetensors");
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].name, "a");
  EXPECT_EQ(file.tensors[1].data, bytes_of({5, 6}));
  EXPECT_TRUE(file.metadata.empty());
}

void expect_decode_refused(const std::string& bytes,
                           std::initializer_list<std::string_view> parts) {
  expect_input_error([&] { decode_safetensors(bytes, "bad.safetensors"); }, parts);
}

std::string one_tensor(const std::string& entry, const std::string& buffer) {
  return safetensors_bytes(R"({"t":)" + entry + "}", buffer);
}

TEST(Safetensors, RefusesTruncatedFilesAndAbsurdHeaderLengths) {
  expect_decode_refused(std::string("\x10\x00\x00", 3), {"bad.safetensors", "3 bytes, too short"});
  expect_decode_refused(test::le64(1000) + "{}", {"bad.safetensors", "header length 1000"});
  expect_decode_refused(test::le64(~0ull) + "{}", {"header length 18446744073709551615"});
  const std::string good = encode_safetensors(every_dtype_file());
  expect_decode_refused(good.substr(0, good.size() - 3), {"bad.safetensors", "outside"});
  expect_decode_refused(good.substr(0, 20), {"bad.safetensors", "header length"});
}

TEST(Safetensors, RefusesHeadersThatAreNotJsonObjects) {
  expect_decode_refused(safetensors_bytes("{not json", ""), {"bad.safetensors", "not valid JSON"});
  expect_decode_refused(safetensors_bytes("[1, 2]", ""), {"does not start with '{'"});
  expect_decode_refused(safetensors_bytes("  {}", ""), {"does not start with '{'"});
  expect_decode_refused(safetensors_bytes("{\"t\": \"\xff\"}", ""), {"not valid JSON"});
  expect_decode_refused(one_tensor("[1]", ""), {"tensor t", "expected a JSON object"});
}

TEST(Safetensors, RefusesBadTensorEntries) {
  expect_decode_refused(one_tensor(R"({"dtype":"F32","shape":[1]})", "abcd"),
                        {"bad.safetensors: tensor t", "'data_offsets' is missing"});
  expect_decode_refused(
      one_tensor(R"({"dtype":"F64","shape":[1],"data_offsets":[0,8]})", std::string(8, 'x')),
      {"tensor t", "dtype F64 is not supported"});
  expect_decode_refused(
      one_tensor(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})", std::string(8, 'x')),
      {"tensor t", "shape [3] of F32 needs 12 bytes", "span 8"});
  expect_decode_refused(
      one_tensor(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})", std::string(8, 'x')),
      {"tensor t: shape must be in [0"});
  expect_decode_refused(
      one_tensor(R"({"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]})",
                 std::string(8, 'x')),
      {"tensor t", "needs too many bytes"});
  expect_decode_refused(
      one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1})", "abcd"),
      {"tensor t", "'extra' is not a known key"});
  expect_decode_refused(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[0]})", "abcd"),
                        {"data_offsets must be [begin, end]"});
}

TEST(Safetensors, RefusesOffsetsOutOfBoundsOverlappingOrLeavingHoles) {
  const std::string tail = std::string(8, 'x');
  expect_decode_refused(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[8,12]})", tail),
                        {"tensor t", "[8, 12] are outside the 8-byte buffer"});
  expect_decode_refused(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[4,0]})", tail),
                        {"tensor t", "data_offsets [4, 0] end before they begin"});
  expect_decode_refused(
      safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
                        tail),
      {"bad.safetensors", "tensor b at [2, 6] overlaps tensor a"});
  expect_decode_refused(
      safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", tail),
      {"bytes [0, 4]", "belong to no tensor"});
  expect_decode_refused(one_tensor(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})", tail),
                        {"the buffer has 8 bytes but its tensors cover 4"});
}

TEST(Safetensors, RefusesMetadataThatIsNotStrings) {
  expect_decode_refused(safetensors_bytes(R"({"__metadata__":{"epochs":10}})", ""),
                        {"bad.safetensors", "value of 'epochs' is not a string"});
  expect_decode_refused(safetensors_bytes(R"({"__metadata__":["a"]})", ""),
                        {"__metadata__ must be an object"});
}

TEST(Safetensors, WriterRefusesInconsistentTensors) {
  SafetensorsFile file;
  file.tensors.push_back({"t", TensorDtype::F32, {3}, bytes_of({1, 2, 3, 4})});
  expect_input_error([&] { encode_safetensors(file); }, {"tensor t of shape [3] has 4 bytes"});
  file.tensors = {float_tensor("t", {1}, std::vector<float>{1.0f}),
                  float_tensor("t", {1}, std::vector<float>{2.0f})};
  expect_input_error([&] { encode_safetensors(file); }, {"'t' is reserved or used twice"});
  SafeTensor i8{"bytes", TensorDtype::I8, {1}, bytes_of({1})};
  expect_input_error([&] { tensor_floats(i8); }, {"tensor bytes has dtype I8, expected F32"});
}

TEST(Safetensors, ReadAndWriteNameThePath) {
  const auto dir = test::model_scratch_dir();
  expect_input_error([&] { read_safetensors(dir / "absent.safetensors"); },
                     {"cannot read", "absent.safetensors"});
  expect_input_error([&] { write_safetensors(dir / "no" / "t.safetensors", every_dtype_file()); },
                     {"cannot write", "does not exist"});
  test::write_all(dir / "short.safetensors", "abc");
  expect_input_error([&] { read_safetensors(dir / "short.safetensors"); },
                     {(dir / "short.safetensors").string(), "too short"});
}

}  // namespace
}  // namespace qtb
