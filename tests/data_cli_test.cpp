// `qutibench datasets` end to end: every known data set listed, with where it is read from.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app_process.hpp"

namespace {

using qtb::test::fresh_dir;
using qtb::test::run_app;
using qtb::test::spit;

TEST(DataCli, ListsEveryDataSetAsJson) {
  const auto dir = fresh_dir("qtb_data_cli");
  // A one-record CIFAR-10 "directory": enough for the listing to count it as present.
  const std::string record(3073, '\0');
  for (int i = 1; i <= 5; ++i) spit(dir / ("data_batch_" + std::to_string(i) + ".bin"), record);
  spit(dir / "test_batch.bin", record + record);
  const auto r = run_app(dir, "datasets --format json --cifar10-dir " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out)["datasets"];
  ASSERT_EQ(json.size(), 5u);
  EXPECT_EQ(json[0]["name"], "mnist");
  EXPECT_EQ(json[2]["name"], "fashion-mnist-32x32x3");
  EXPECT_EQ(json[2]["channels"], 3);
  const auto& cifar = json[3];
  EXPECT_EQ(cifar["name"], "cifar10");
  EXPECT_EQ(cifar["location"], dir.string());
  EXPECT_EQ(cifar["present"], true);
  EXPECT_EQ(cifar["train"], 5);
  EXPECT_EQ(cifar["test"], 2);
}

TEST(DataCli, AbsentDataSetSaysHowToGetIt) {
  const auto dir = fresh_dir("qtb_data_cli");
  const auto r = run_app(dir, "datasets --mnist-dir " + (dir / "none").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mnist"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("mnist: " + (dir / "none" / "train-images-idx3-ubyte").string() +
                       " not found: run scripts/setup.sh"),
            std::string::npos)
      << r.err;
}

}  // namespace
