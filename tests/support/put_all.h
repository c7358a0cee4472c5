// Uploads many objects in parallel for test set-up.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/store/object_store.h"

namespace shoal::testing {

using ObjectList = std::vector<std::pair<std::string, std::string>>;  // key, data

// Puts every object with `threads` writers; returns the first failure.
Status PutAll(ObjectStore& store, const ObjectList& objects, int threads = 8);

}  // namespace shoal::testing
