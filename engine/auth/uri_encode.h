// URI encoding exactly as AWS SigV4 defines it: every byte except the
// unreserved set A-Z a-z 0-9 - _ . ~ becomes %XY with upper-case hex.
// Used both to build request URLs and to canonicalise them, so the URL we
// send and the string we sign can never disagree.
#pragma once

#include <string>
#include <string_view>

namespace shoal {

// Encodes every reserved byte, including '/'.
std::string UriEncode(std::string_view raw);

// Encodes each '/'-separated segment of a path, keeping the slashes.
std::string UriEncodePath(std::string_view raw_path);

// Decodes %XY sequences; '+' is kept as '+'. Malformed escapes are kept
// literally. Used by tests and by parsers of user-supplied URLs.
std::string UriDecode(std::string_view encoded);

}  // namespace shoal
