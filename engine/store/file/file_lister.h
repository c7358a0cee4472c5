// One ListObjectsV2 page over a directory tree, in S3 key order.
//
// Sorting each directory's entries by "name" for files and "name/" for
// directories makes a depth-first walk visit keys in exactly the byte order
// S3 uses, so a page can stop early and the next page can resume by pruning
// every subtree that lies wholly before its continuation point.
#pragma once

#include <string>

#include "engine/base/result.h"
#include "engine/store/object_store.h"

namespace shoal::file_store {

Result<ListPage> ListDirectoryTree(const std::string& root, const ListRequest& request);

}  // namespace shoal::file_store
