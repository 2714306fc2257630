#include "platform/catalog.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/limits.hpp"
#include "core/text.hpp"
#include "core/toml_document.hpp"

namespace qtb {
namespace {

constexpr double kGiga = 1e9;
constexpr double kTera = 1e12;

// Plausible ranges, in the files' units: wide enough for any real device (a microcontroller to a
// rack), narrow enough that a typo such as 1e308, or a denormal such as 1e-320, is caught before
// it turns a roofline into infinities or zeros.
constexpr NumberRange kPeakTopsRange{1e-6, 1e6, "TOP/s"};
constexpr NumberRange kBandwidthRange{1e-3, 1e5, "GB/s"};
constexpr NumberRange kCapacityRange{1e-6, 1e6, "GB"};
constexpr NumberRange kPowerRange{1e-3, 1e5, "W"};

// A name is one line of printable text: it is printed in tables, legends and messages.
bool has_control_character(std::string_view name) {
  return std::any_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Reads one platform table, turning every problem into "file:line: field 'x': message".
class PlatformReader : TomlReader {
 public:
  PlatformReader(const toml::table& root, std::string file) : TomlReader(root, std::move(file)) {}

  Platform read() {
    check_known_keys(root_, "",
                     {"name", "kind", "description", "source", "memory_bandwidth_gbps",
                      "memory_capacity_gb", "tdp_w", "carriers", "packed_storage", "op_modes"});
    Platform p;
    p.file = file_;
    p.name = required_string(root_, "name");
    if (has_control_character(p.name)) {
      fail(root_.get("name"), "name",
           quote_value(p.name) + " has a control character: a name is one line of text");
    }
    p.description = optional_string(root_, "description");
    p.source = optional_string(root_, "source");
    const std::string kind = required_string(root_, "kind");
    const auto parsed_kind = parse_platform_kind(kind);
    if (!parsed_kind) {
      fail(root_.get("kind"), "kind",
           "expected one of fpga, gpu, tpu, vliw, cpu, got '" + kind + "'");
    }
    p.kind = *parsed_kind;
    p.memory_bandwidth =
        required_positive(root_, "memory_bandwidth_gbps", "", kBandwidthRange) * kGiga;
    p.memory_capacity = required_positive(root_, "memory_capacity_gb", "", kCapacityRange) * kGiga;
    if (root_.contains("tdp_w")) p.tdp_w = required_positive(root_, "tdp_w", "", kPowerRange);
    p.op_modes = read_op_modes();
    p.carriers = read_carriers(p);
    p.packed_storage = read_packed_storage(p);
    return p;
  }

 private:
  std::string required_string(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (!node) fail(&table, std::string(key), "missing (a string is required)");
    const auto value = node->value<std::string>();
    if (!value || trim(*value).empty()) fail(node, std::string(key), "expected a non-empty string");
    return *value;
  }

  std::string optional_string(const toml::table& table, std::string_view key) const {
    const toml::node* node = table.get(key);
    if (!node) return {};
    const auto value = node->value<std::string>();
    if (!value) fail(node, std::string(key), "expected a string");
    return *value;
  }

  double required_positive(const toml::table& table, std::string_view key,
                           const std::string& prefix, const NumberRange& range) const {
    const std::string field = prefix + std::string(key);
    const toml::node* node = table.get(key);
    if (!node) fail(&table, field, "missing (a positive number is required)");
    const auto value = node->value<double>();  // accepts integers too
    if (!value || !std::isfinite(*value) || *value <= 0) {
      fail(node, field, "expected a positive number");
    }
    try {
      check_number("field '" + field + "'", *value, range.min, range.max, range.unit);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}:{}: {}", file_, node->source().begin.line, e.what()));
    }
    return *value;
  }

  std::vector<OpMode> read_op_modes() const {
    const toml::node* node = root_.get("op_modes");
    if (!node) fail(&root_, "op_modes", "missing (at least one [op_modes.NAME] table is required)");
    const toml::table* modes = node->as_table();
    if (!modes || modes->empty())
      fail(node, "op_modes", "expected at least one [op_modes.NAME] table");
    std::vector<OpMode> out;
    for (const auto& [mode_name, mode_node] : *modes) {
      if (trim(mode_name.str()).empty() || has_control_character(mode_name.str())) {
        fail(&mode_node, "op_modes",
             fmt::format("op mode name {} must be a non-empty line of text",
                         quote_value(mode_name.str())));
      }
      const std::string prefix = "op_modes." + std::string(mode_name.str()) + ".";
      const toml::table* mode = mode_node.as_table();
      if (!mode) fail(&mode_node, prefix.substr(0, prefix.size() - 1), "expected a table");
      check_known_keys(*mode, prefix, {"peak_tops"});
      const toml::node* peaks_node = mode->get("peak_tops");
      if (!peaks_node) fail(mode, prefix + "peak_tops", "missing (TOP/s per data type)");
      const toml::table* peaks = peaks_node->as_table();
      if (!peaks || peaks->empty()) {
        fail(peaks_node, prefix + "peak_tops", "expected a table of data type = TOP/s");
      }
      OpMode op_mode{std::string(mode_name.str()), {}};
      for (const auto& [type_name, value] : *peaks) {
        const auto type = parse_data_type(type_name.str());
        if (!type)
          fail(&value, prefix + "peak_tops." + std::string(type_name.str()), "unknown data type");
        op_mode.peak_ops[*type] =
            required_positive(*peaks, type_name.str(), prefix + "peak_tops.", kPeakTopsRange) *
            kTera;
      }
      out.push_back(std::move(op_mode));
    }
    return out;
  }

  std::map<DataType, DataType> read_carriers(const Platform& p) const {
    std::map<DataType, DataType> carriers;
    const toml::node* node = root_.get("carriers");
    if (!node) return carriers;
    const toml::table* table = node->as_table();
    if (!table) fail(node, "carriers", "expected a table of data type = carrier data type");
    for (const auto& [type_name, value] : *table) {
      const std::string field = "carriers." + std::string(type_name.str());
      const auto type = parse_data_type(type_name.str());
      if (!type) fail(&value, field, "unknown data type");
      const auto carrier_name = value.value<std::string>();
      const auto carrier = carrier_name ? parse_data_type(*carrier_name) : std::nullopt;
      if (!carrier) fail(&value, field, "expected a data type name such as \"INT8\"");
      if (bit_width(*carrier) < bit_width(*type)) {
        fail(&value, field, "a carrier must be at least as wide as the type it carries");
      }
      for (const auto& mode : p.op_modes) {
        if (!mode.peak_ops.contains(*carrier)) {
          fail(&value, field,
               fmt::format("op mode '{}' has no peak for carrier {}", mode.name,
                           to_string(*carrier)));
        }
      }
      carriers[*type] = *carrier;
    }
    return carriers;
  }

  // [packed_storage] BACKEND = ["INT4", ...]: carried types that backend keeps at their own width.
  std::map<std::string, std::set<DataType>> read_packed_storage(const Platform& p) const {
    std::map<std::string, std::set<DataType>> packed;
    const toml::node* node = root_.get("packed_storage");
    if (!node) return packed;
    const toml::table* table = node->as_table();
    if (!table) fail(node, "packed_storage", "expected a table of backend = [data types]");
    for (const auto& [backend, value] : *table) {
      const std::string field = "packed_storage." + std::string(backend.str());
      const toml::array* types = value.as_array();
      if (!types) fail(&value, field, "expected an array of data type names such as [\"INT1\"]");
      std::set<DataType>& set = packed[std::string(backend.str())];
      for (const toml::node& item : *types) {
        const auto name = item.value<std::string>();
        const auto type = name ? parse_data_type(*name) : std::nullopt;
        if (!type) fail(&item, field, "expected a data type name such as \"INT1\"");
        if (!p.carriers.contains(*type))
          fail(&item, field, fmt::format("{} has no carrier to compute in", to_string(*type)));
        set.insert(*type);
      }
    }
    return packed;
  }
};

}  // namespace

Platform parse_platform(std::string_view toml_text, const std::string& file_name) {
  const toml::table root = parse_toml(toml_text, file_name);
  return PlatformReader(root, file_name).read();
}

Platform load_platform_file(const std::filesystem::path& file) {
  return parse_platform(read_text_file(file, "platform file"), file.string());
}

std::vector<Platform> load_catalog(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    if (std::filesystem::exists(dir, error)) {
      throw InputError(fmt::format("platform catalog {} is a file, not a catalog directory",
                                   quote_value(dir.string(), 80)));
    }
    throw InputError("platform catalog directory " + dir.string() + " does not exist");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files.push_back(entry.path());
  }
  std::vector<Platform> catalog;
  for (const auto& file : files) catalog.push_back(load_platform_file(file));
  std::sort(catalog.begin(), catalog.end(),
            [](const Platform& a, const Platform& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < catalog.size(); ++i) {
    if (to_lower(catalog[i].name) == to_lower(catalog[i - 1].name)) {
      throw InputError(fmt::format("{}: platform name '{}' is also used by {}", catalog[i].file,
                                   catalog[i].name, catalog[i - 1].file));
    }
  }
  return catalog;
}

std::string platform_to_toml(const Platform& p) {
  toml::table root;
  root.insert("name", p.name);
  root.insert("kind", std::string(to_string(p.kind)));
  if (!p.description.empty()) root.insert("description", p.description);
  if (!p.source.empty()) root.insert("source", p.source);
  root.insert("memory_bandwidth_gbps", p.memory_bandwidth / kGiga);
  root.insert("memory_capacity_gb", p.memory_capacity / kGiga);
  if (p.tdp_w) root.insert("tdp_w", *p.tdp_w);
  if (!p.carriers.empty()) {
    toml::table carriers;
    for (const auto& [type, carrier] : p.carriers) {
      carriers.insert(to_string(type), std::string(to_string(carrier)));
    }
    root.insert("carriers", std::move(carriers));
  }
  if (!p.packed_storage.empty()) {
    toml::table packed;
    for (const auto& [backend, types] : p.packed_storage) {
      toml::array names;
      for (const DataType type : types) names.push_back(std::string(to_string(type)));
      packed.insert(backend, std::move(names));
    }
    root.insert("packed_storage", std::move(packed));
  }
  toml::table modes;
  for (const auto& mode : p.op_modes) {
    toml::table peaks;
    for (const auto& [type, ops] : mode.peak_ops) peaks.insert(to_string(type), ops / kTera);
    toml::table mode_table;
    mode_table.insert("peak_tops", std::move(peaks));
    modes.insert(mode.name, std::move(mode_table));
  }
  root.insert("op_modes", std::move(modes));
  std::ostringstream out;
  out << root << '\n';
  return out.str();
}

void write_platform_file(const Platform& platform, const std::filesystem::path& file) {
  write_file_atomically(file, "# Written by qutibench; units: TOP/s, GB/s, GB (1 G = 1e9).\n" +
                                  platform_to_toml(platform));
}

std::filesystem::path default_catalog_dir() {
  if (const char* env = std::getenv("QUTIBENCH_CATALOG"); env && *env) return env;
  return data_dir() / "platforms";
}

std::vector<const Platform*> select_platforms(std::string_view list,
                                              const std::vector<Platform>& catalog) {
  std::vector<const Platform*> out;
  const auto add = [&out](const Platform* p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  for (const auto& item : split_list(list)) {
    if (to_lower(item) == "all") {
      for (const auto& p : catalog) add(&p);
      continue;
    }
    const auto it = std::find_if(catalog.begin(), catalog.end(), [&](const Platform& p) {
      return to_lower(p.name) == to_lower(item);
    });
    if (it == catalog.end()) {
      std::string known;
      for (const auto& p : catalog) known += (known.empty() ? "" : ", ") + p.name;
      throw InputError(fmt::format("unknown platform '{}' (known: {})", item, known));
    }
    add(&*it);
  }
  if (out.empty()) throw InputError("empty platform list");
  return out;
}

}  // namespace qtb
