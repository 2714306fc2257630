#include "data/image_folder_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <memory>
#include <stdexcept>

#include "core/error.hpp"

// stb is third-party C-style code: its warnings under our flags are not ours to fix, so they are
// silenced for these includes only. This is the one file that compiles its implementation; the
// functions are static (private to this file), and only the decoders we accept are built.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#include <stb_image.h>
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize.h>
#pragma GCC diagnostic pop

namespace qtb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kImageKinds = ".JPEG, .jpg, .jpeg or .png";
// What a DataSet label holds (ImageNet's 1000 fit easily).
constexpr std::size_t kMaxClasses = std::size_t{std::numeric_limits<Label>::max()} + 1;

bool is_image_file(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".jpeg" || extension == ".jpg" || extension == ".png";
}

bool directory_exists(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Entries of `dir` that pass `keep`, sorted byte-wise (Python's sorted() on UTF-8 names agrees).
template <typename Keep>
std::vector<fs::path> sorted_entries(const fs::path& dir, Keep keep) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
  std::vector<fs::path> entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (keep(*it)) entries.push_back(it->path());
  }
  if (ec) throw InputError(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
  std::sort(entries.begin(), entries.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return entries;
}

std::vector<fs::path> class_folders(const fs::path& split_dir) {
  std::vector<fs::path> folders = sorted_entries(split_dir, [](const fs::directory_entry& e) {
    std::error_code ec;
    return e.is_directory(ec);
  });
  if (folders.empty()) {
    throw InputError(
        fmt::format("{}: no class folders: expected one folder per class holding {} "
                    "images",
                    split_dir.string(), kImageKinds));
  }
  return folders;
}

std::vector<fs::path> images_in(const fs::path& class_dir) {
  std::vector<fs::path> images = sorted_entries(class_dir, [](const fs::directory_entry& e) {
    std::error_code ec;
    return e.is_regular_file(ec) && is_image_file(e.path());
  });
  if (images.empty()) {
    throw InputError(fmt::format("{}: no images: expected {} files (other files are ignored)",
                                 class_dir.string(), kImageKinds));
  }
  return images;
}

// The folder the class list is read from: train/ when it exists, else val/.
fs::path class_source(const fs::path& dir) {
  if (!directory_exists(dir)) {
    throw InputError(
        fmt::format("{}: no such directory: expected an ImageNet-style directory "
                    "with train/ and val/ holding one folder per class",
                    dir.string()));
  }
  for (const char* split : {"train", "val"}) {
    if (directory_exists(dir / split)) return dir / split;
  }
  throw InputError(
      fmt::format("{}: neither train/ nor val/ found: expected the splits as "
                  "train/<class>/<image> and val/<class>/<image>",
                  dir.string()));
}

// torchvision's CenterCrop offset: int(round(excess / 2.0)), and Python rounds halves to even.
int crop_offset(int excess) {
  const int half = excess / 2;
  if (excess % 2 == 0 || half % 2 == 0) return half;
  return half + 1;
}

// All images, or max_images of them taken round-robin over the classes, in listing order.
std::vector<std::size_t> choose_images(const ImageFolderListing& listing, std::int64_t max_images) {
  const std::size_t total = listing.images.size();
  std::vector<std::size_t> chosen;
  if (max_images <= 0 || static_cast<std::size_t>(max_images) >= total) {
    for (std::size_t i = 0; i < total; ++i) chosen.push_back(i);
    return chosen;
  }
  std::vector<std::vector<std::size_t>> by_class(listing.classes.size());
  for (std::size_t i = 0; i < total; ++i) {
    by_class[static_cast<std::size_t>(listing.labels[i])].push_back(i);
  }
  for (std::size_t round = 0; chosen.size() < static_cast<std::size_t>(max_images); ++round) {
    for (const auto& images : by_class) {
      if (round < images.size() && chosen.size() < static_cast<std::size_t>(max_images)) {
        chosen.push_back(images[round]);
      }
    }
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

struct StbFree {
  void operator()(unsigned char* pixels) const { stbi_image_free(pixels); }
};

}  // namespace

std::string image_folder_split_name(Split split) {
  return split == Split::train ? "train" : "val";
}

std::vector<std::string> image_folder_classes(const fs::path& dir) {
  std::vector<std::string> classes;
  for (const fs::path& folder : class_folders(class_source(dir))) {
    classes.push_back(folder.filename().string());
  }
  return classes;
}

ImageFolderListing list_image_folder(const fs::path& dir, Split split) {
  const fs::path source = class_source(dir);
  ImageFolderListing listing;
  listing.classes = image_folder_classes(dir);
  const fs::path split_dir = dir / image_folder_split_name(split);
  if (!directory_exists(split_dir)) {
    throw InputError(
        fmt::format("{}: no such directory: expected the {} split as one folder per "
                    "class",
                    split_dir.string(), image_folder_split_name(split)));
  }
  for (const fs::path& folder : class_folders(split_dir)) {
    const std::string name = folder.filename().string();
    const auto found = std::lower_bound(listing.classes.begin(), listing.classes.end(), name);
    if (found == listing.classes.end() || *found != name) {
      throw InputError(
          fmt::format("{}: class '{}' is not one of the {} classes of {}: expected "
                      "train/ and val/ to hold the same class folders",
                      folder.string(), name, listing.classes.size(), source.string()));
    }
    const int label = static_cast<int>(found - listing.classes.begin());
    for (fs::path& image : images_in(folder)) {
      listing.images.push_back(std::move(image));
      listing.labels.push_back(label);
    }
  }
  return listing;
}

std::vector<std::uint8_t> read_folder_image(const fs::path& file) {
  int width = 0, height = 0, channels_in_file = 0;
  // Asking for 3 channels makes stb expand grey to RGB and drop alpha (not blended).
  const std::unique_ptr<unsigned char, StbFree> decoded(
      stbi_load(file.c_str(), &width, &height, &channels_in_file, 3));
  if (!decoded) {
    throw InputError(fmt::format("{}: cannot decode image ({}): expected a JPEG or PNG file",
                                 file.string(), stbi_failure_reason()));
  }
  // Shorter side to 256, the longer one scaled alike and truncated, as torchvision's Resize(256).
  int resized_width = kImageFolderShortSide, resized_height = kImageFolderShortSide;
  if (width < height) {
    resized_height = static_cast<int>(std::int64_t{height} * kImageFolderShortSide / width);
  } else {
    resized_width = static_cast<int>(std::int64_t{width} * kImageFolderShortSide / height);
  }
  const unsigned char* rgb = decoded.get();
  std::vector<unsigned char> resized;
  if (resized_width != width || resized_height != height) {
    resized.resize(static_cast<std::size_t>(resized_width) * resized_height * 3);
    // The triangle filter is bilinear interpolation when enlarging and, when shrinking, widens
    // with the scale so that every source pixel counts -- what PIL's and torchvision's
    // antialiased "bilinear" do. Linear colour space: the pixel values are filtered as they are.
    if (!stbir_resize_uint8_generic(rgb, width, height, 0, resized.data(), resized_width,
                                    resized_height, 0, 3, STBIR_ALPHA_CHANNEL_NONE, 0,
                                    STBIR_EDGE_CLAMP, STBIR_FILTER_TRIANGLE,
                                    STBIR_COLORSPACE_LINEAR, nullptr)) {
      // stbir fails only when it cannot allocate its buffers: not the input's fault.
      throw std::runtime_error(fmt::format("{}: out of memory resizing to {}x{}", file.string(),
                                           resized_width, resized_height));
    }
    rgb = resized.data();
  }
  const int top = crop_offset(resized_height - kImageFolderCrop);
  const int left = crop_offset(resized_width - kImageFolderCrop);
  constexpr std::size_t kPlane = std::size_t{kImageFolderCrop} * kImageFolderCrop;
  std::vector<std::uint8_t> chw(3 * kPlane);
  for (int y = 0; y < kImageFolderCrop; ++y) {
    for (int x = 0; x < kImageFolderCrop; ++x) {
      const unsigned char* pixel =
          rgb + (static_cast<std::size_t>(top + y) * resized_width + left + x) * 3;
      const std::size_t at = static_cast<std::size_t>(y) * kImageFolderCrop + x;
      for (std::size_t c = 0; c < 3; ++c) chw[c * kPlane + at] = pixel[c];
    }
  }
  return chw;
}

DataSet read_image_folder(const fs::path& dir, Split split, std::int64_t max_images) {
  const ImageFolderListing listing = list_image_folder(dir, split);
  if (listing.classes.size() > kMaxClasses) {
    throw InputError(fmt::format(
        "{}: {} class folders: at most {} can be read (data set labels are 16-bit)",
        (dir / image_folder_split_name(split)).string(), listing.classes.size(), kMaxClasses));
  }
  const std::vector<std::size_t> chosen = choose_images(listing, max_images);
  DataSet data;
  data.name = "imagenet";
  data.split = split;
  data.channels = 3;
  data.height = data.width = kImageFolderCrop;
  data.classes = static_cast<int>(listing.classes.size());
  const auto image_bytes = static_cast<std::size_t>(data.image_bytes());
  data.pixels.resize(chosen.size() * image_bytes);
  data.labels.resize(chosen.size());
  // Decoding dominates (50000 JPEGs for ILSVRC val): spread it over the cores. An exception must
  // not leave an OpenMP region, so each image's error is kept and the first one, in file order,
  // is thrown afterwards -- the same error whatever the thread count.
  struct Failure {
    std::string message;
    bool input_error = true;
  };
  std::vector<Failure> failures(chosen.size());
  const auto count = static_cast<std::int64_t>(chosen.size());
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t n = 0; n < count; ++n) {
    const auto slot = static_cast<std::size_t>(n);
    try {
      const std::vector<std::uint8_t> chw = read_folder_image(listing.images[chosen[slot]]);
      std::copy(chw.begin(), chw.end(), data.pixels.begin() + slot * image_bytes);
      data.labels[slot] = static_cast<Label>(listing.labels[chosen[slot]]);
    } catch (const InputError& e) {
      failures[slot] = {e.what(), true};
    } catch (const std::exception& e) {
      failures[slot] = {e.what(), false};
    }
  }
  for (const Failure& failure : failures) {
    if (failure.message.empty()) continue;
    if (failure.input_error) throw InputError(failure.message);
    throw std::runtime_error(failure.message);
  }
  return data;
}

}  // namespace qtb
