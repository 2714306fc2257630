// quote_value (core/text): every message that quotes user input stays one line of valid UTF-8,
// so the portal's JSON errors and the terminal can take it whatever bytes came in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace qtb {
namespace {

TEST(QuoteValue, EscapesControlCharactersAndBytesThatAreNotUtf8) {
  EXPECT_EQ(quote_value("TX2"), "'TX2'");
  EXPECT_EQ(quote_value("a\nb\tc\x01"), "'a\\nb\\tc\\x01'");
  EXPECT_EQ(quote_value("\xff\xfe"), "'\\xff\\xfe'");
  EXPECT_EQ(quote_value("\xc3\x28"), "'\\xc3('");               // a lead byte without its tail
  EXPECT_EQ(quote_value("\xe0\x80\xaf"), "'\\xe0\\x80\\xaf'");  // overlong
  EXPECT_EQ(quote_value("\xed\xa0\x80"), "'\\xed\\xa0\\x80'");  // a surrogate
  EXPECT_EQ(quote_value("caf\xc3\xa9 \xf0\x9f\x9a\x80"), "'caf\xc3\xa9 \xf0\x9f\x9a\x80'");
}

TEST(QuoteValue, CutsBetweenCharactersNeverInsideOne) {
  // Three 2-byte characters, cut after two: the result is valid UTF-8.
  EXPECT_EQ(quote_value("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "'\xc3\xa9\xc3\xa9...'");
  for (const char* hostile : {"\xff", "\xc3", "ab\xe2\x82", "\xf4\x90\x80\x80"}) {
    const std::string quoted = quote_value(hostile, 3);
    EXPECT_NO_THROW((void)nlohmann::json(quoted).dump()) << quoted;
  }
}

}  // namespace
}  // namespace qtb
