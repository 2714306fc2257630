#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/precision.hpp"

namespace qtb {
namespace {

TEST(Precision, NamesAndAliases) {
  EXPECT_EQ(parse_precision("fp32").name(), "FP32");
  EXPECT_EQ(parse_precision("BF16").name(), "BF16");
  EXPECT_EQ(parse_precision("INT4"), parse_precision("W4A4"));
  EXPECT_EQ(parse_precision("int2").name(), "W2A2");
  EXPECT_EQ(parse_precision("W8A8").name(), "INT8");
  EXPECT_EQ(parse_precision("W1A1").name(), "W1A1");
  const Precision mixed = parse_precision("W4A8");
  EXPECT_EQ(mixed.name(), "W4A8");
  EXPECT_EQ(mixed.compute_type(), DataType::INT8);
  EXPECT_EQ(parse_precision("W1A2").compute_type(), DataType::INT2);
  EXPECT_DOUBLE_EQ(mixed.weight_bytes(), 0.5);
  EXPECT_DOUBLE_EQ(mixed.activation_bytes(), 1.0);
}

TEST(Precision, RejectsBadNames) {
  for (const char* bad : {"FP8", "W3A3", "W4", "WxAy", "INT16", "", "W4A4x"}) {
    EXPECT_THROW(parse_precision(bad), InputError) << bad;
  }
}

TEST(Precision, ListsExpandAllInOrderWithoutDuplicates) {
  const auto all = parse_precision_list("all");
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.front().name(), "FP32");
  EXPECT_EQ(all.back().name(), "W1A1");
  const auto some = parse_precision_list("INT4, W4A4,fp16");
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].name(), "W4A4");
  EXPECT_EQ(some[1].name(), "FP16");
  EXPECT_THROW(parse_precision_list(" , "), InputError);
}

}  // namespace
}  // namespace qtb
