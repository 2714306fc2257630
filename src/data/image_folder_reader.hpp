#pragma once
// Reader for ImageNet-style folders (torchvision's ImageFolder, the ILSVRC2012 layout):
//   <dir>/train/<class>/<image>   and   <dir>/val/<class>/<image>
// The classes are the class folder names sorted byte-wise (label = index in that order, as
// torchvision assigns them, so pretrained models' outputs line up); both splits use the class
// list of train/ (of val/ when there is no train/). Images are files ending in .JPEG, .jpg, .jpeg
// or .png (case-insensitive); anything else in a class folder is ignored, and class folders are
// not searched recursively. Each image is decoded with stb_image, made RGB (grey copied into
// the three channels, alpha dropped), resized so its shorter side is 256 (triangle filter: PIL's
// and torchvision's "bilinear"), centre-cropped to 224x224 and stored CHW.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace qtb {

inline constexpr int kImageFolderShortSide = 256;
inline constexpr int kImageFolderCrop = 224;

// "train" for Split::train, "val" for Split::test (ILSVRC's name for its labelled test split).
std::string image_folder_split_name(Split split);

struct ImageFolderListing {
  std::vector<std::string> classes;           // sorted class folder names
  std::vector<std::filesystem::path> images;  // sorted by class, then file name
  std::vector<int> labels;                    // per image: index into classes
};

// The sorted class folder names of <dir>/train, or of <dir>/val when train/ does not exist.
// Throws InputError naming the directory when dir is missing, neither split is there, or the
// split holds no class folders.
std::vector<std::string> image_folder_classes(const std::filesystem::path& dir);

// Lists one split without decoding anything (cheap: `qutibench datasets` counts with it). Throws
// InputError naming the folder when the split folder is missing, has no class folders, a class
// folder holds no images, or a class is not in image_folder_classes(dir).
ImageFolderListing list_image_folder(const std::filesystem::path& dir, Split split);

// Decodes one image file and pre-processes it as above: 3 x 224 x 224 bytes, CHW. Throws
// InputError naming the file and stb_image's reason when it does not decode.
std::vector<std::uint8_t> read_folder_image(const std::filesystem::path& file);

// Reads one split into a DataSet named "imagenet" (3x224x224). max_images > 0 keeps only that
// many images, chosen round-robin over the classes (each class's first image, then each class's
// second, ...) so that a quick accuracy run still sees every class; they stay in class, name
// order. Throws InputError as list_image_folder and read_folder_image do, and for more classes
// than a 16-bit label holds.
DataSet read_image_folder(const std::filesystem::path& dir, Split split,
                          std::int64_t max_images = 0);

}  // namespace qtb
