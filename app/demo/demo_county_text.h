// SPDX-License-Identifier: Apache-2.0
// Internal to the demo county generator: the Chinese it writes — place,
// person and unit names, suggestion titles and bodies, replies, duty titles,
// constituents' issues — drawn from the plan's seeded Rng. Invented, but shaped
// like the real thing (domain.md §2, §4.1).
#pragma once

#include <string>
#include <vector>

#include "app/demo/demo_county_plan.h"

namespace renda::app::demo {

struct TownshipName {
  const char* name;
  const char* type;  // 镇 | 乡 | 街道
};
// Up to 30 townships; a 街道 comes third so that small demos have one.
const std::vector<TownshipName>& townshipNames();

// A person's name; female when `female`.
std::string personName(Rng& rng, bool female);
// `n` distinct village (村) or, for a 街道, community (社区) names.
std::vector<std::string> villageNames(Rng& rng, int n, bool street);

struct UnitName {
  const char* name;
  const char* abbr;  // for reply letters: 交函〔2026〕12号
  const char* category;
};
// The county's handling units (承办单位).
const std::vector<UnitName>& countyUnits();
// Indexes into countyUnits() of the likely lead units for a suggestion category.
const std::vector<int>& unitsForCategory(const std::string& category);

// Deputy details.
std::string ethnicity(Rng& rng);
std::string politicalStatus(Rng& rng, bool county);
std::string education(Rng& rng);
// Sector (代表构成) and employer-and-post for a deputy of `township`.
std::pair<std::string, std::string> occupation(Rng& rng, const std::string& township,
                                               const std::vector<std::string>& villages,
                                               bool county);
std::string mobile(Rng& rng);
// A made-up resident ID number (身份证号) for a birthday "YYYY-MM-DD", with a
// valid check character; sealed like any personal field when written.
std::string idNumber(Rng& rng, const std::string& birthday);

// A suggestion: title (关于……的建议) and body (情况、分析、建议).
struct SuggestionText {
  std::string title, body;
};
SuggestionText suggestionText(Rng& rng, const std::string& category, const std::string& township,
                              const std::string& village, bool townshipLevel);
std::string replyText(Rng& rng, const std::string& nationalClass, const std::string& unit);
std::string progressText(Rng& rng);
std::string rejectReason(Rng& rng);
std::string returnReason(Rng& rng);
std::string unsatisfiedReason(Rng& rng);
std::string supervisionFindings(Rng& rng);

// A duty record's title and place for type `type`.
std::pair<std::string, std::string> dutyText(Rng& rng, const std::string& type,
                                             const std::string& township,
                                             const std::string& village);
// A constituent's issue (verbatim-like) and its category.
std::pair<std::string, std::string> issueText(Rng& rng, const std::string& village);

}  // namespace renda::app::demo
