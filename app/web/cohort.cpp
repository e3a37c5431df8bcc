// SPDX-License-Identifier: Apache-2.0
#include "app/web/cohort.h"

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/output/dataset.h"

namespace renda::app {

std::string cohortArgument(const domain::Dataset& d, const std::string& key) {
  if (key.size() == 5 && key[0] == 'Y') return key.substr(1);
  std::string name;
  int sharing = 0;
  for (const auto& s : d.sessions) {
    if (toHex(s.id) == key) name = s.get("name").value_or("");
  }
  for (const auto& s : d.sessions) sharing += !name.empty() && s.get("name") == name;
  return sharing == 1 ? name : key;
}

std::variant<std::string, WebResponse> requestedCohort(const WebRequest& request,
                                                       storage::Store& store,
                                                       const domain::Dataset& d) {
  auto it = request.query.find("cohort");
  if (it == request.query.end() || it->second.empty()) return domain::currentCohort(d, Node::nowMs());
  if (it->second == "all") return std::string();
  Args args;
  args.options.emplace_back("cohort", it->second);
  auto q = reportQueryFrom(args, store, d);
  if (!q)
    return errorResponse(400, "invalid",
                         i18n::trf("web.err.unknown-cohort", {it->second}),
                         "cohort");
  return q->cohort;
}

}  // namespace renda::app
