// SPDX-License-Identifier: Apache-2.0
#include "app/web/assets.h"

#include <vector>

namespace renda::app {

namespace {

std::string_view contentTypeOf(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json; charset=utf-8";
  if (ends(".tsv")) return "text/tab-separated-values; charset=utf-8";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

std::vector<WebAsset> makeTable() {
  std::vector<WebAsset> out;
  for (size_t i = 0; i < detail::kEmbeddedFileCount; ++i) {
    const auto& f = detail::kEmbeddedFiles[i];
    out.push_back({f.name,
                   std::string_view(reinterpret_cast<const char*>(f.begin), size_t(f.end - f.begin)),
                   contentTypeOf(f.name), f.etag});
  }
  return out;
}

}  // namespace

const WebAsset* findWebAsset(std::string_view name) {
  static const std::vector<WebAsset> table = makeTable();
  for (const auto& a : table)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace renda::app
