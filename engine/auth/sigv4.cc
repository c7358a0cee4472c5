#include "engine/auth/sigv4.h"

#include <algorithm>
#include <cstring>

#include "engine/auth/crypto.h"
#include "engine/auth/secret.h"
#include "engine/auth/uri_encode.h"
#include "engine/base/utc_time.h"

namespace shoal {
namespace {

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Trims the value and folds runs of whitespace into one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c) || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;  // "name:value\n" lines
  std::string signed_names;
};

CanonicalHeaders Canonicalise(const std::vector<KeyValue>& headers) {
  std::vector<KeyValue> lowered;
  lowered.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    lowered.emplace_back(ToLower(name), CanonicalHeaderValue(value));
  }
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const KeyValue& a, const KeyValue& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size(); ++i) {
    const std::string& name = lowered[i].first;
    if (i > 0 && lowered[i - 1].first == name) {
      // Repeated header: values join with commas in their original order.
      out.block.back() = ',';
      out.block += lowered[i].second;
      out.block.push_back('\n');
      continue;
    }
    if (!out.signed_names.empty()) out.signed_names.push_back(';');
    out.signed_names += name;
    out.block += name;
    out.block.push_back(':');
    out.block += lowered[i].second;
    out.block.push_back('\n');
  }
  return out;
}

}  // namespace

std::string CanonicalQueryString(const std::vector<KeyValue>& query) {
  std::vector<KeyValue> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(UriEncode(name), UriEncode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string NormalizeUriPath(std::string_view path) {
  std::vector<std::string_view> kept;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view segment : kept) {
    out.push_back('/');
    out += segment;
  }
  const bool trailing_slash = !path.empty() && path.back() == '/' && !kept.empty();
  if (out.empty() || trailing_slash) out.push_back('/');
  return out;
}

std::string AmzDate(int64_t unix_seconds) { return FormatUtc(unix_seconds, "%Y%m%dT%H%M%SZ"); }

SigV4Signature SignV4(const SigV4Request& request, const SigV4Scope& scope,
                      std::string_view access_key_id, std::string_view secret_access_key) {
  SigV4Signature sig;
  CanonicalHeaders headers = Canonicalise(request.headers);
  sig.signed_headers = headers.signed_names;

  sig.canonical_request = request.method + "\n" + request.canonical_uri + "\n" +
                          CanonicalQueryString(request.query) + "\n" + headers.block + "\n" +
                          headers.signed_names + "\n" + request.payload_sha256_hex;

  const std::string date = scope.amz_date.substr(0, 8);
  const std::string credential_scope =
      date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  sig.string_to_sign = "AWS4-HMAC-SHA256\n" + scope.amz_date + "\n" + credential_scope + "\n" +
                       HexLower(Sha256(sig.canonical_request));

  // The secret and the keys derived from it are wiped once used: a pure
  // function may still tidy its own temporaries.
  std::string k_secret;
  k_secret.reserve(4 + secret_access_key.size());  // one buffer, no stray copies
  k_secret.append("AWS4").append(secret_access_key);
  Sha256Digest k_date = HmacSha256(k_secret, date);
  Sha256Digest k_region = HmacSha256(AsStringView(k_date), scope.region);
  Sha256Digest k_service = HmacSha256(AsStringView(k_region), scope.service);
  Sha256Digest k_signing = HmacSha256(AsStringView(k_service), "aws4_request");
  sig.signature = HexLower(HmacSha256(AsStringView(k_signing), sig.string_to_sign));
  Wipe(k_secret);
  for (Sha256Digest* key : {&k_date, &k_region, &k_service, &k_signing}) {
    ::explicit_bzero(key->data(), key->size());
  }

  sig.authorization = "AWS4-HMAC-SHA256 Credential=" + std::string(access_key_id) + "/" +
                      credential_scope + ", SignedHeaders=" + sig.signed_headers +
                      ", Signature=" + sig.signature;
  return sig;
}

}  // namespace shoal
