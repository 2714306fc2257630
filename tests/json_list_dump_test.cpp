// dump_with_list (core/json_text) must give exactly the bytes nlohmann's own dump(1) gives for the
// whole tree: the listings of `results`, the analyses and the portal depend on it byte for byte.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/json_text.hpp"

namespace qtb {
namespace {

std::string whole_tree(nlohmann::json document, const std::string& key,
                       const std::vector<nlohmann::json>& items) {
  document[key] = items;
  return document.dump(1);
}

std::string streamed(const nlohmann::json& document, const std::string& key,
                     const std::vector<nlohmann::json>& items) {
  return dump_with_list(document, key, items.size(), [&](std::size_t i) { return items[i]; });
}

TEST(JsonListDump, EqualsTheWholeTreesDump) {
  const std::vector<nlohmann::json> items{
      {{"topology", "mlp"}, {"fps", 1.5}, {"deployment", {{"batch", 1}, {"threads", 2}}}},
      {{"topology", "a \"quoted\"\nline\t<script>"},
       {"fps", nullptr},
       {"empty", nlohmann::json::array()}},
      {{"nested", {{"list", {1, 2, {{"k", "v"}}}}}}, {"unicode", "\u00e9\u0001"}},
      nlohmann::json::array({1, "two", nullptr}),
      "a bare string",
      42};
  const nlohmann::json heads[] = {
      nlohmann::json::object(),
      {{"analysis", "pareto"}},
      {{"analysis", "theory"}, {"rows", {{{"ratio", 0.5}}}}, {"unpredicted", {{"x", 3}}}},
      {{"zzz", "after the list"}, {"aaa", "before the list"}}};
  for (const nlohmann::json& head : heads) {
    for (std::size_t n = 0; n <= items.size(); ++n) {
      const std::vector<nlohmann::json> some(items.begin(), items.begin() + static_cast<long>(n));
      EXPECT_EQ(streamed(head, "points", some), whole_tree(head, "points", some))
          << head.dump() << " with " << n << " items";
    }
  }
}

}  // namespace
}  // namespace qtb
