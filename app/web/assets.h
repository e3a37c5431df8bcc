// SPDX-License-Identifier: Apache-2.0
// The web pages' files, inside the binary: the page sources of app/web/pages
// and the libraries they import from node_modules (npm ci at build time),
// embedded by cmake/embed_assets.cmake. Nothing is fetched at run time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace renda::app {

struct WebAsset {
  std::string_view name;  // "index.html", "app.js", "preact.js", ...
  std::string_view bytes;
  std::string_view contentType;  // from the name's extension
  std::string_view etag;         // "\"<first 32 hex of SHA-256>\""
};

// The asset called `name` (a plain file name, as in /assets/NAME), or nullptr.
const WebAsset* findWebAsset(std::string_view name);

namespace detail {
struct EmbeddedFile {
  const char* name;
  const unsigned char* begin;
  const unsigned char* end;
  const char* etag;
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;
}  // namespace detail

}  // namespace renda::app
