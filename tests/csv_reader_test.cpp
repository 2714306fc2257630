// The RFC 4180 reader and the strict number parsers the importers rely on.
#include <gtest/gtest.h>

#include "core/csv_reader.hpp"
#include "core/error.hpp"
#include "core/parse_number.hpp"

namespace qtb {
namespace {

TEST(CsvReader, QuotesCommasLineBreaksAndLineNumbers) {
  const auto records =
      read_csv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n\"two\nlines\",,\"\"\nlast,row,end");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "x, \"y\"", "3"}));
  EXPECT_EQ(records[2].line, 4u);  // line 3 is blank
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"two\nlines", "", ""}));
  EXPECT_EQ(records[3].line, 6u);  // the quoted line break counts
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"last", "row", "end"}));
}

TEST(CsvReader, RefusesBrokenQuoting) {
  EXPECT_THROW(read_csv("a,b\n\"open,2\n"), InputError);
  EXPECT_THROW(read_csv("a,b\n\"x\"y,2\n"), InputError);
}

TEST(ParseNumber, IsStrict) {
  EXPECT_EQ(parse_double("1.6157"), 1.6157);
  EXPECT_EQ(parse_double("+2.5e-3"), 2.5e-3);
  EXPECT_EQ(parse_double("-0.5"), -0.5);
  for (const char* bad : {"", " 1", "1 ", "1.2.3", "abc", "nan", "inf", "+-1", "1,5", "0x10"})
    EXPECT_FALSE(parse_double(bad).has_value()) << bad;
  EXPECT_EQ(parse_int64("128"), 128);
  for (const char* bad : {"", "1.0", "12a", "99999999999999999999"})
    EXPECT_FALSE(parse_int64(bad).has_value()) << bad;
}

}  // namespace
}  // namespace qtb
