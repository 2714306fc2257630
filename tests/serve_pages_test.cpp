// The portal's pages over the paper's rows and one planted row whose text holds markup: values
// are escaped, filters and sort live in the URL, /compare carries the report's charts.
#include <gtest/gtest.h>

#include "app_process.hpp"
#include "serve_test_server.hpp"
#include "store/row_id.hpp"

namespace qtb {
namespace {

ResultRow markup_row() {
  return test::planted_row("<b>lab</b>");
}

TEST(ServePages, EscapeEveryValueAndKeepTheViewInTheUrl) {
  const auto dir = test::fresh_dir("qtb_serve_pages");
  const test::TestPortal portal(dir / "results.db", {markup_row()});
  auto client = portal.client();
  const std::string id = row_id(markup_row());
  const auto row = client.Get("/rows/" + id);
  ASSERT_TRUE(row);
  ASSERT_EQ(row->status, 200);
  EXPECT_NE(row->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(row->body.find("<script>alert"), std::string::npos);
  EXPECT_EQ(row->body.find("<b>lab"), std::string::npos);
  EXPECT_NE(row->body.find("qutibench run --model mlp --prune 1 --precision INT8 --backend "
                           "reference --batch 1 --threads 1 --streams 1"),
            std::string::npos);

  const auto tx2 = client.Get("/rows?platform=TX2&sort=-fps_compute");
  ASSERT_TRUE(tx2);
  EXPECT_NE(tx2->body.find("<p id=\"row-count\">480 rows, showing 100 from 1</p>"),
            std::string::npos);
  EXPECT_NE(tx2->body.find("<option value=\"TX2\" selected>"), std::string::npos);
  const auto bad_sort = client.Get("/rows?sort=colour");
  ASSERT_TRUE(bad_sort);
  EXPECT_EQ(bad_sort->status, 400);
  EXPECT_NE(bad_sort->body.find("sort = &apos;colour&apos; must be a column"), std::string::npos);

  const auto all = client.Get("/api/v1/rows?platform=TX2&limit=2");
  const nlohmann::json doc = nlohmann::json::parse(all->body);
  const std::string ids = doc["rows"][0]["id"].get<std::string>() + "," + id;
  const auto compare = client.Get("/compare?ids=" + ids);
  ASSERT_TRUE(compare);
  ASSERT_EQ(compare->status, 200);
  EXPECT_NE(compare->body.find("data-chart=\"pareto-"), std::string::npos);
  // The charts' JSON block cannot be ended early by a value holding "</script>".
  const auto block = compare->body.find("id=\"qtb-charts\">");
  ASSERT_NE(block, std::string::npos);
  EXPECT_EQ(compare->body.find("</script>", block), compare->body.rfind("</script>"));
  EXPECT_EQ(client.Get("/compare?ids=000000000000")->status, 404);
}

// /compare by the filters of /rows: the paper's 480 TX2 rows, the first 12 side by side (their
// ids as the columns, in store order) and all 480 in the charts; ids and filters together, or a
// selection too big to chart, are a 400.
TEST(ServePages, CompareByFiltersChartsTheSelection) {
  const auto dir = test::fresh_dir("qtb_serve_compare");
  const test::TestPortal portal(dir / "results.db", {markup_row()});
  auto client = portal.client();
  const auto compare = client.Get("/compare?platform=TX2");
  ASSERT_TRUE(compare);
  ASSERT_EQ(compare->status, 200) << compare->body.substr(0, 300);
  EXPECT_NE(compare->body.find("<h1>Compare 480 rows</h1>"), std::string::npos);
  EXPECT_NE(compare->body.find("The filters select 480 rows: the first 12 side by side"),
            std::string::npos);
  const nlohmann::json first =
      nlohmann::json::parse(client.Get("/api/v1/rows?platform=TX2&limit=13")->body)["rows"];
  EXPECT_NE(compare->body.find(first[11]["id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(compare->body.find(first[12]["id"].get<std::string>()), std::string::npos);
  EXPECT_NE(compare->body.find("data-chart=\"pareto-"), std::string::npos);
  EXPECT_EQ(client.Get("/compare?platform=TX2&ids=" + first[0]["id"].get<std::string>())->status,
            400);
  EXPECT_EQ(client.Get("/compare?source=all")->status, 200);  // 975 rows: within the limit
}

}  // namespace
}  // namespace qtb
