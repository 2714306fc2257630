#include "measure/power_meter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "measure/power_log.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text << "\n";
}

void make_zone(const fs::path& dir, const std::string& name, double energy_uj, double range_uj) {
  write(dir / "name", name);
  write(dir / "energy_uj", std::to_string(static_cast<long long>(energy_uj)));
  write(dir / "max_energy_range_uj", std::to_string(static_cast<long long>(range_uj)));
}

class FakePowercap : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("qtb-powercap-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(FakePowercap, PackageAndDramEnergyWithWrapAround) {
  const fs::path package = root_ / "intel-rapl:0";
  make_zone(package, "package-0", 999'000'000, 1'000'000'000);
  make_zone(package / "intel-rapl:0:0", "core", 0, 1'000'000'000);  // inside the package
  make_zone(package / "intel-rapl:0:1", "dram", 5'000'000, 1'000'000'000);
  const auto meter = make_rapl_meter(root_);
  EXPECT_EQ(meter->source(), "rapl");
  EXPECT_EQ(meter->description(), "RAPL package-0 + package-0/dram");
  meter->begin();
  // The package counter wraps: 999 J -> 1 J on a 1000 J range is 2 J; DRAM 5 J -> 8 J is 3 J.
  write(package / "energy_uj", "1000000");
  write(package / "intel-rapl:0:1" / "energy_uj", "8000000");
  write(package / "intel-rapl:0:0" / "energy_uj", "77000000");  // core: not added again
  std::string why;
  const auto reading = meter->end(why);
  ASSERT_TRUE(reading) << why;
  EXPECT_DOUBLE_EQ(reading->joules, 5.0);
  EXPECT_GT(reading->seconds, 0.0);
}

TEST_F(FakePowercap, NoReadableZoneIsAClearError) {
  fs::create_directories(root_);
  EXPECT_THROW(make_rapl_meter(root_), InputError);
  EXPECT_THROW(make_rapl_meter(root_ / "missing"), InputError);
}

TEST_F(FakePowercap, UnreadableCounterAtTheEndGivesNoReading) {
  const fs::path package = root_ / "intel-rapl:0";
  make_zone(package, "package-0", 10, 1'000'000);
  const auto meter = make_rapl_meter(root_);
  meter->begin();
  fs::remove(package / "energy_uj");
  std::string why;
  EXPECT_FALSE(meter->end(why));
  EXPECT_NE(why.find("energy_uj"), std::string::npos);
}

TEST(PowerLog, IntegratesTrapezoidsWithInterpolatedEnds) {
  std::istringstream log("timestamp,watts\n100,10\n102,20\n104,20\n");
  const auto samples = parse_power_log(log, "meter.csv");
  ASSERT_EQ(samples.size(), 3u);
  std::string why;
  // [101, 103]: 101 -> 102 averages (15 + 20) / 2 over 1 s = 17.5 J; 102 -> 103 is 20 J.
  EXPECT_DOUBLE_EQ(*integrate_power(samples, 101, 103, why), 37.5);
  EXPECT_DOUBLE_EQ(*integrate_power(samples, 100, 104, why), 15 * 2 + 20 * 2);
  EXPECT_FALSE(integrate_power(samples, 99, 103, why));
  EXPECT_NE(why.find("covers"), std::string::npos);
}

TEST(PowerLog, MalformedRowsNameTheLine) {
  std::istringstream bad("100,10\n101,abc\n");
  try {
    parse_power_log(bad, "meter.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("meter.csv:2"), std::string::npos) << e.what();
  }
  std::istringstream backwards("100,10\n99,10\n");
  EXPECT_THROW(parse_power_log(backwards, "meter.csv"), InputError);
}

TEST(PowerLog, MeterReadsALogCoveringTheRun) {
  const fs::path log = fs::temp_directory_path() / "qtb-meter-log.csv";
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::ofstream(log) << "timestamp,watts\n"
                     << std::fixed << now - 60 << ",12.5\n"
                     << now + 60 << ",12.5\n";
  const auto meter = make_power_meter("csv:" + log.string());
  EXPECT_EQ(meter->source(), "csv");
  meter->begin();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string why;
  const auto reading = meter->end(why);
  ASSERT_TRUE(reading) << why;
  EXPECT_NEAR(reading->watts(), 12.5, 1e-6);  // constant power: the mean is that power
  fs::remove(log);
  EXPECT_THROW(make_power_meter("csv:" + log.string()), InputError);
  EXPECT_THROW(make_power_meter("wattmeter"), InputError);
  EXPECT_EQ(make_power_meter("none")->source(), "none");
}

}  // namespace
}  // namespace qtb
