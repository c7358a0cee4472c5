// Where an S3-compatible bucket lives and how to address it.
//
// Alibaba OSS: use its S3-compatible endpoint with virtual-hosted addressing,
// e.g. endpoint https://oss-cn-hangzhou.aliyuncs.com, region cn-hangzhou
// (see docs/guide.md). MinIO and Ceph RGW usually want path-style addressing.
//
// The dialect selects vendor extensions beyond the S3 API; today only
// appendable objects differ (RGW: PUT ?append, OSS: POST ?append).
#pragma once

#include <memory>
#include <string>

#include "engine/auth/credentials.h"
#include "engine/auth/refreshing_credentials.h"
#include "engine/base/result.h"

namespace shoal {

enum class AddressingStyle { kPath, kVirtualHosted };

// kRgw also suits servers without appendable objects (AWS S3, MinIO):
// their refusal maps to kUnsupported either way.
enum class S3Dialect { kRgw, kOss };

struct S3Config {
  std::string endpoint = "https://s3.amazonaws.com";  // scheme://host[:port]
  std::string region = "us-east-1";
  std::string bucket;
  AddressingStyle addressing = AddressingStyle::kPath;
  S3Dialect dialect = S3Dialect::kRgw;
  bool anonymous = false;  // send unsigned requests (public-read buckets)
  Credentials credentials;
  // When set (a --credentials-file), requests are signed with what it
  // holds now instead of `credentials`, so rotated keys are picked up.
  std::shared_ptr<RefreshingCredentials> refreshing;
};

struct ParsedEndpoint {
  std::string scheme;     // "http" or "https"
  std::string authority;  // host[:port], exactly as given
};

// Accepts "http://host[:port]" or "https://host[:port]", with an optional
// trailing slash and nothing else.
Result<ParsedEndpoint> ParseEndpoint(const std::string& endpoint);

}  // namespace shoal
