// The ImageNet-style folder reader on small trees of PNG and JPEG files written here: labels,
// shapes, pixels after resize and centre crop, the round-robin limit, its errors, and its place in
// the data set registry and `qutibench datasets`.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "app_process.hpp"
#include "core/error.hpp"
#include "data/image_folder_reader.hpp"
#include "data/locate.hpp"

// Third-party code, compiled here only to write test images: its warnings are not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace {

namespace fs = std::filesystem;
using qtb::Split;
using qtb::test::fresh_dir;

using Pixels = std::vector<std::uint8_t>;  // interleaved, `channels` bytes per pixel
using PixelFn = std::function<std::vector<std::uint8_t>(int x, int y)>;

Pixels image(int width, int height, int channels, const PixelFn& pixel) {
  Pixels out;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::vector<std::uint8_t> p = pixel(x, y);
      out.insert(out.end(), p.begin(), p.begin() + channels);
    }
  }
  return out;
}

PixelFn solid(std::vector<std::uint8_t> colour) {
  return [colour](int, int) { return colour; };
}

fs::path write_png(const fs::path& file, int width, int height, int channels,
                   const PixelFn& pixel) {
  fs::create_directories(file.parent_path());
  const Pixels data = image(width, height, channels, pixel);
  EXPECT_NE(stbi_write_png(file.c_str(), width, height, channels, data.data(), width * channels), 0)
      << file;
  return file;
}

fs::path write_jpeg(const fs::path& file, int width, int height, const PixelFn& pixel) {
  fs::create_directories(file.parent_path());
  const Pixels data = image(width, height, 3, pixel);
  EXPECT_NE(stbi_write_jpg(file.c_str(), width, height, 3, data.data(), 100), 0) << file;
  return file;
}

fs::path tiny_png(const fs::path& file) {
  return write_png(file, 4, 4, 3, solid({1, 2, 3}));
}

// Channel c of the output pixel (x, y) of a CHW 3x224x224 image.
int at(std::span<const std::uint8_t> chw, int c, int x, int y) {
  constexpr int kSide = qtb::kImageFolderCrop;
  return chw[static_cast<std::size_t>(c * kSide * kSide + y * kSide + x)];
}

// True when every pixel of channel c equals `value`.
bool plane_is(std::span<const std::uint8_t> chw, int c, int value) {
  for (int y = 0; y < qtb::kImageFolderCrop; ++y) {
    for (int x = 0; x < qtb::kImageFolderCrop; ++x) {
      if (at(chw, c, x, y) != value) return false;
    }
  }
  return true;
}

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const qtb::InputError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// train/ with classes written out of order, val/ with a subset; non-image files to be ignored.
fs::path small_tree() {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  write_png(dir / "train" / "zebra" / "b.png", 300, 200, 3, solid({255, 0, 0}));
  write_png(dir / "train" / "zebra" / "a.PNG", 100, 400, 1, solid({77}));
  write_png(dir / "train" / "ant" / "x.png", 224, 224, 4, solid({10, 20, 30, 128}));
  write_jpeg(dir / "train" / "moth" / "m.JPEG", 256, 256, solid({40, 160, 220}));
  qtb::test::spit(dir / "train" / "moth" / "notes.txt", "not an image");
  qtb::test::spit(dir / "train" / "moth" / "frame.gif", "GIF89a");
  qtb::test::spit(dir / "train" / "README", "a file beside the class folders");
  tiny_png(dir / "val" / "zebra" / "v1.png");
  tiny_png(dir / "val" / "ant" / "v2.jpeg.png");
  return dir;
}

TEST(ImageFolder, ClassesAreTheSortedFolderNamesAndFilesSortByClassThenName) {
  const fs::path dir = small_tree();
  EXPECT_EQ(qtb::image_folder_classes(dir), (std::vector<std::string>{"ant", "moth", "zebra"}));
  const auto listing = qtb::list_image_folder(dir, Split::train);
  ASSERT_EQ(listing.images.size(), 4u);  // notes.txt, frame.gif and README ignored
  EXPECT_EQ(listing.images[0], dir / "train" / "ant" / "x.png");
  EXPECT_EQ(listing.images[1], dir / "train" / "moth" / "m.JPEG");
  EXPECT_EQ(listing.images[2], dir / "train" / "zebra" / "a.PNG");
  EXPECT_EQ(listing.images[3], dir / "train" / "zebra" / "b.png");
  EXPECT_EQ(listing.labels, (std::vector<int>{0, 1, 2, 2}));
  // val/ has no moth: its labels still index train's class list.
  const auto val = qtb::list_image_folder(dir, Split::test);
  EXPECT_EQ(val.labels, (std::vector<int>{0, 2}));
  EXPECT_EQ(val.images[0], dir / "val" / "ant" / "v2.jpeg.png");
}

TEST(ImageFolder, SolidColoursComeOutExactAs3x224x224) {
  const fs::path dir = small_tree();
  const qtb::DataSet data = qtb::read_image_folder(dir, Split::train);
  EXPECT_EQ(data.name, "imagenet");
  EXPECT_EQ(data.split, Split::train);
  EXPECT_EQ(data.channels, 3);
  EXPECT_EQ(data.height, 224);
  EXPECT_EQ(data.width, 224);
  EXPECT_EQ(data.classes, 3);
  ASSERT_EQ(data.size(), 4);
  EXPECT_EQ(data.labels, (std::vector<qtb::Label>{0, 1, 2, 2}));
  // 224x224 RGBA: alpha dropped, not blended.
  EXPECT_TRUE(plane_is(data.image(0), 0, 10));
  EXPECT_TRUE(plane_is(data.image(0), 1, 20));
  EXPECT_TRUE(plane_is(data.image(0), 2, 30));
  // 100x400 grey, enlarged to 256x1024: the grey value in all three channels.
  for (int c = 0; c < 3; ++c) EXPECT_TRUE(plane_is(data.image(2), c, 77)) << c;
  // 300x200 red, shrunk to 384x256.
  EXPECT_TRUE(plane_is(data.image(3), 0, 255));
  EXPECT_TRUE(plane_is(data.image(3), 1, 0));
  EXPECT_TRUE(plane_is(data.image(3), 2, 0));
}

TEST(ImageFolder, SolidJpegDecodesWithinItsQuantisationError) {
  const fs::path dir = small_tree();
  const auto chw = qtb::read_folder_image(dir / "train" / "moth" / "m.JPEG");
  ASSERT_EQ(chw.size(), 3u * 224 * 224);
  // Quality 100, yet colour conversion to YCbCr and back rounds: allow 2 levels.
  const int expected[3] = {40, 160, 220};
  for (int c = 0; c < 3; ++c) {
    for (const auto& [x, y] : {std::pair{0, 0}, std::pair{111, 97}, std::pair{223, 223}}) {
      EXPECT_NEAR(at(chw, c, x, y), expected[c], 2) << "channel " << c << " at " << x << "," << y;
    }
  }
}

// Enlarging is plain bilinear interpolation: a 128x128 image scaled by 2 to 256x256, cropped at
// (16, 16). Output pixel x samples the source at u = (x + 16 + 0.5) / 2 - 0.5, and a linear ramp
// R = 3x stays linear: R = 3u. Tolerance: 0.5 (stb filters in float and rounds to nearest).
TEST(ImageFolder, EnlargingInterpolatesBilinearly) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  const fs::path file = write_png(dir / "ramp.png", 128, 128, 3, [](int x, int y) {
    return std::vector<std::uint8_t>{static_cast<std::uint8_t>(3 * x), static_cast<std::uint8_t>(y),
                                     9};
  });
  const auto chw = qtb::read_folder_image(file);
  for (int x : {0, 50, 100, 150}) {
    const double u = (x + 16 + 0.5) / 2 - 0.5;
    EXPECT_NEAR(at(chw, 0, x, 7), 3 * u, 0.5) << x;
  }
  EXPECT_EQ(at(chw, 0, 100, 7), 173);  // 3 * 57.75 = 173.25
  EXPECT_NEAR(at(chw, 1, 3, 200), (200 + 16 + 0.5) / 2 - 0.5, 0.5);
  EXPECT_TRUE(plane_is(chw, 2, 9));
}

// Shrinking 400x300 to 341x256 (scale 256/300) with the triangle filter widened by the scale: the
// ramp R = round(255x/399) comes out close to its value at u = (x + 58 + 0.5) / scale - 0.5 (crop
// offset 58, see below). Tolerance: 1 level (the source ramp itself is rounded to integers).
TEST(ImageFolder, ShrinkingKeepsARampLinear) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  const auto ramp = [](int v, int last) { return std::lround(255.0 * v / last); };
  const fs::path file = write_png(dir / "ramp.png", 400, 300, 3, [&](int x, int y) {
    return std::vector<std::uint8_t>{static_cast<std::uint8_t>(ramp(x, 399)),
                                     static_cast<std::uint8_t>(ramp(y, 299)), 200};
  });
  const auto chw = qtb::read_folder_image(file);
  const double scale = 256.0 / 300.0;
  for (int x : {10, 100, 200}) {
    const double u = (x + 58 + 0.5) / scale - 0.5;
    EXPECT_NEAR(at(chw, 0, x, 112), 255.0 * u / 399, 1.0) << x;
  }
  const double v = (50 + 16 + 0.5) / scale - 0.5;
  EXPECT_NEAR(at(chw, 1, 30, 50), 255.0 * v / 299, 1.0);
  EXPECT_TRUE(plane_is(chw, 2, 200));
}

// torchvision's CenterCrop offset is int(round(excess / 2)), which rounds halves to even: 341 wide
// leaves 117 columns, offset 58 (not 59); 259 wide leaves 35, offset 18. No resize happens at a
// shorter side of 256, so the first output column is source column 58 (18).
TEST(ImageFolder, CentreCropRoundsHalvesToEvenLikeTorchvision) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  const auto column = [](int x, int) {
    return std::vector<std::uint8_t>{static_cast<std::uint8_t>(x % 256), 0, 0};
  };
  const auto wide = qtb::read_folder_image(write_png(dir / "wide.png", 341, 256, 3, column));
  EXPECT_EQ(at(wide, 0, 0, 0), 58);
  EXPECT_EQ(at(wide, 0, 223, 100), (58 + 223) % 256);
  const auto narrow = qtb::read_folder_image(write_png(dir / "narrow.png", 259, 256, 3, column));
  EXPECT_EQ(at(narrow, 0, 0, 0), 18);
}

TEST(ImageFolder, LimitTakesImagesRoundRobinOverClassesInFileOrder) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  for (const char* name : {"a/1.png", "a/2.png", "a/3.png", "b/1.png", "c/1.png", "c/2.png"}) {
    tiny_png(dir / "val" / name);
  }
  // Round 1 takes a/1, b/1, c/1; round 2 a/2; kept in file order.
  const qtb::DataSet data = qtb::read_image_folder(dir, Split::test, 4);
  EXPECT_EQ(data.split, Split::test);
  EXPECT_EQ(data.labels, (std::vector<qtb::Label>{0, 0, 1, 2}));
  EXPECT_EQ(qtb::read_image_folder(dir, Split::test, 100).size(), 6);
}

TEST(ImageFolder, MissingDirectoriesNameWhatWasExpected) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  EXPECT_CONTAINS(error_of([&] { qtb::image_folder_classes(dir / "absent"); }),
                  (dir / "absent").string() + ": no such directory: expected an ImageNet-style");
  EXPECT_CONTAINS(error_of([&] { qtb::list_image_folder(dir, Split::train); }),
                  dir.string() + ": neither train/ nor val/ found");
  tiny_png(dir / "val" / "cat" / "1.png");
  EXPECT_CONTAINS(error_of([&] { qtb::read_image_folder(dir, Split::train); }),
                  (dir / "train").string() + ": no such directory: expected the train split");
  // Only val/: it gives the class list, and reads.
  EXPECT_EQ(qtb::read_image_folder(dir, Split::test).size(), 1);
}

TEST(ImageFolder, EmptyFoldersAndUnknownClassesAreRefused) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  fs::create_directories(dir / "train");
  qtb::test::spit(dir / "train" / "stray.png", "");
  EXPECT_CONTAINS(error_of([&] { qtb::list_image_folder(dir, Split::train); }),
                  (dir / "train").string() + ": no class folders: expected one folder per class");
  fs::create_directories(dir / "train" / "owl");
  qtb::test::spit(dir / "train" / "owl" / "owl.txt", "");
  EXPECT_CONTAINS(
      error_of([&] { qtb::list_image_folder(dir, Split::train); }),
      (dir / "train" / "owl").string() + ": no images: expected .JPEG, .jpg, .jpeg or .png files");
  tiny_png(dir / "train" / "owl" / "1.png");
  tiny_png(dir / "val" / "owl" / "1.png");
  tiny_png(dir / "val" / "bat" / "1.png");
  EXPECT_CONTAINS(error_of([&] { qtb::list_image_folder(dir, Split::test); }),
                  (dir / "val" / "bat").string() + ": class 'bat' is not one of the 1 classes of " +
                      (dir / "train").string());
}

TEST(ImageFolder, UndecodableImagesNameTheFileAndTheReason) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  tiny_png(dir / "val" / "cat" / "1.png");
  const fs::path garbage = dir / "val" / "cat" / "2.jpg";
  qtb::test::spit(garbage, "this is not a JPEG");
  EXPECT_CONTAINS(error_of([&] { qtb::read_image_folder(dir, Split::test); }),
                  garbage.string() + ": cannot decode image (unknown image type)");
  // A PNG cut short: stb's reason, then what was expected.
  const fs::path whole = tiny_png(dir / "whole.png");
  const std::string bytes = qtb::test::slurp(whole);
  const fs::path cut = dir / "val" / "cat" / "3.png";
  qtb::test::spit(cut, bytes.substr(0, bytes.size() / 2));
  const std::string error = error_of([&] { qtb::read_folder_image(cut); });
  EXPECT_CONTAINS(error, cut.string() + ": cannot decode image (");
  EXPECT_CONTAINS(error, "): expected a JPEG or PNG file");
}

TEST(ImageFolder, MoreClassesThanOneByteHoldsAreLabelled) {
  const fs::path dir = fresh_dir("qtb_data_image_folder");
  for (int c = 0; c < 257; ++c) tiny_png(dir / "val" / fmt::format("n{:04}", c) / "1.png");
  const qtb::DataSet data = qtb::read_image_folder(dir, Split::test);
  EXPECT_EQ(data.classes, 257);
  ASSERT_EQ(data.size(), 257);
  EXPECT_EQ(data.labels.back(), 256);
}

TEST(ImageFolder, RegisteredAsImagenet) {
  const fs::path dir = small_tree();
  const qtb::DataSetSource source = qtb::locate_data_set("imagenet", dir);
  EXPECT_EQ(source.format, qtb::DataSetFormat::image_folder);
  EXPECT_EQ(source.classes, 3);
  EXPECT_EQ(source.channels * source.height * source.width, 3 * 224 * 224);
  const qtb::DataSetStatus status = qtb::probe_data_set(source);
  EXPECT_TRUE(status.present) << status.problem;
  EXPECT_EQ(status.train, 4);
  EXPECT_EQ(status.test, 2);
  EXPECT_EQ(qtb::load_data_set(source, Split::test).labels, (std::vector<qtb::Label>{0, 2}));
  fs::remove_all(dir / "val");
  EXPECT_CONTAINS(error_of([&] { qtb::load_data_set(source, Split::test); }),
                  "imagenet: " + (dir / "val").string() + " not found: give the ILSVRC2012");
}

TEST(ImageFolder, NoDirectoryGivenSaysHowToGetIt) {
  const qtb::DataSetSource source = qtb::locate_data_set("imagenet", "");
  if (!source.dir.empty()) GTEST_SKIP() << "QUTIBENCH_IMAGENET_DIR is set";
  EXPECT_EQ(source.classes, 1000);
  const qtb::DataSetStatus status = qtb::probe_data_set(source);
  EXPECT_FALSE(status.present);
  EXPECT_CONTAINS(status.problem, "--imagenet-dir");
}

TEST(ImageFolder, DatasetsCommandListsIt) {
  const fs::path dir = small_tree();
  const auto r = qtb::test::run_app(dir, "datasets --format json --imagenet-dir " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out)["datasets"];
  const auto entry =
      std::find_if(json.begin(), json.end(), [](const auto& e) { return e["name"] == "imagenet"; });
  ASSERT_NE(entry, json.end()) << r.out;
  EXPECT_EQ((*entry)["location"], dir.string());
  EXPECT_EQ((*entry)["present"], true) << (*entry)["problem"];
  EXPECT_EQ((*entry)["train"], 4);
  EXPECT_EQ((*entry)["test"], 2);
  EXPECT_EQ((*entry)["classes"], 3);
  EXPECT_EQ((*entry)["channels"], 3);
  EXPECT_EQ((*entry)["height"], 224);
}

}  // namespace
