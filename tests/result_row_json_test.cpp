#include "measure/result_row_json.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace qtb {
namespace {

TEST(ResultRowJson, RoundTripKeepsEveryFieldAndEmptiness) {
  ResultRow row;
  row.topology = "mlp";
  row.prune = 0.25;
  row.precision = "W2A2";
  row.batch = 16;
  row.fps_compute = 1234.5;
  row.latency_compute_ms.p99 = 2.5;
  row.accuracy_samples = 10000;
  row.valid = false;
  row.invalid_reason = "too noisy";
  const nlohmann::json json = to_json(row);
  EXPECT_EQ(json.at("latency_compute_ms").at("p99"), 2.5);
  EXPECT_TRUE(json.at("latency_compute_ms").at("p50").is_null());
  EXPECT_TRUE(json.at("fps_system").is_null());
  EXPECT_EQ(json.at("valid"), false);
  const ResultRow back = row_from_json(json);
  EXPECT_EQ(to_json(back), json);
}

TEST(ResultRowJson, RefusesWrongTypesAndUnknownFieldsNamingThem) {
  try {
    row_from_json(nlohmann::json{{"batch", "sixteen"}});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'batch'"), std::string::npos);
  }
  EXPECT_THROW(row_from_json(nlohmann::json{{"fps", 1.0}}), InputError);
  EXPECT_THROW(row_from_json(nlohmann::json{{"latency_compute_ms", {{"p42", 1.0}}}}), InputError);
  EXPECT_THROW(row_from_json(nlohmann::json::array()), InputError);
}

}  // namespace
}  // namespace qtb
