// Fuzz target: the user-facing location strings, ParseStoreUri
// (s3://bucket/prefix, file:///dir) and ParseEndpoint (scheme://host[:port];
// a mount also takes it from the manifest).
//
// The input is tried as both. Invariants: what is accepted can be put back
// together into the input, an S3 bucket is non-empty and holds no '/', a
// file root is absolute without a trailing '/', and an endpoint's authority
// is non-empty and holds none of "/?#@ ". Neither a bucket nor an authority
// holds a control character.
#include <string>

#include "engine/base/printable.h"
#include "engine/store/s3/s3_config.h"
#include "engine/store/store_uri.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::StoreUri;
using shoal::fuzz::Require;

void CheckStoreUri(std::string_view input) {
  const auto uri = shoal::ParseStoreUri(input);
  if (!uri.ok()) {
    Require(uri.status().code() == shoal::ErrorCode::kInvalidArgument);
    return;
  }
  if (uri->kind == StoreUri::Kind::kS3) {
    Require(!uri->bucket.empty() && uri->bucket.find('/') == std::string::npos);
    Require(!shoal::HasControlByte(uri->bucket));
    const std::string base = "s3://" + uri->bucket;
    Require(input == base || input == base + "/" + uri->prefix);
  } else {
    Require(!uri->bucket.empty() && uri->bucket.front() == '/');
    Require(uri->bucket == "/" || uri->bucket.back() != '/');
    Require(uri->prefix.empty());
    const std::string_view rest = input.substr(7);
    Require(rest.substr(0, uri->bucket.size()) == uri->bucket);
    Require(rest.substr(uri->bucket.size()).find_first_not_of('/') == std::string_view::npos);
  }
}

void CheckEndpoint(std::string_view input) {
  const auto endpoint = shoal::ParseEndpoint(std::string(input));
  if (!endpoint.ok()) {
    Require(endpoint.status().code() == shoal::ErrorCode::kInvalidArgument);
    return;
  }
  Require(endpoint->scheme == "http" || endpoint->scheme == "https");
  Require(!endpoint->authority.empty());
  Require(endpoint->authority.find_first_of("/?#@ ") == std::string::npos);
  Require(!shoal::HasControlByte(endpoint->authority));
  const std::string base = endpoint->scheme + "://" + endpoint->authority;
  Require(input == base || input == base + "/");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = shoal::fuzz::AsText(data, size);
  CheckStoreUri(input);
  CheckEndpoint(input);
  return 0;
}
