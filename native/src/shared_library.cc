#include "shared_library.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "native_error.h"

namespace nanoweave {

namespace {

void AddInstallRoot(std::vector<std::string>& directories, const char* variable) {
  const char* root = std::getenv(variable);
  if (root == nullptr || *root == '\0') return;
  const std::string base(root);
  directories.push_back(base + "/lib64");
  directories.push_back(base + "/lib");
}

void AddPathList(std::vector<std::string>& directories, const char* variable) {
  const char* list = std::getenv(variable);
  if (list == nullptr) return;
  std::string entries(list);
  size_t start = 0;
  while (start <= entries.size()) {
    const size_t end = entries.find(':', start);
    const std::string entry = entries.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!entry.empty()) directories.push_back(entry);
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace

std::vector<std::string> LibrarySearchDirectories() {
  std::vector<std::string> candidates;
  AddInstallRoot(candidates, "CUDA_HOME");
  AddInstallRoot(candidates, "CUDA_PATH");
  AddInstallRoot(candidates, "NCCL_HOME");
  AddPathList(candidates, "LD_LIBRARY_PATH");
  for (const char* usual : {"/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
                            "/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64",
                            "/usr/lib"}) {
    candidates.push_back(usual);
  }
  std::vector<std::string> directories;
  std::set<std::string> seen;
  for (auto& directory : candidates) {
    while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
    if (seen.insert(directory).second) directories.push_back(directory);
  }
  return directories;
}

SharedLibrary SharedLibrary::Open(const LibrarySpec& spec) {
  std::vector<std::string> searched;
  const auto directories = LibrarySearchDirectories();
  for (const auto& fileName : spec.fileNames) {
    for (const auto& directory : directories) {
      const std::string path = directory + "/" + fileName;
      if (access(path.c_str(), F_OK) != 0) {
        searched.push_back(path + " (not found)");
        continue;
      }
      if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) return SharedLibrary(handle, path);
      searched.push_back(path + " (" + dlerror() + ")");
    }
  }
  // Last, the system loader's own search (ld.so.cache, default directories).
  for (const auto& fileName : spec.fileNames) {
    if (void* handle = dlopen(fileName.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      link_map* map = nullptr;
      const bool named = dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name && *map->l_name;
      return SharedLibrary(handle, named ? map->l_name : fileName);
    }
    searched.push_back(fileName + " via the system loader (" + dlerror() + ")");
  }
  throw NativeError::LibraryMissing(spec.name, spec.fileNames, spec.neededFor, std::move(searched));
}

void* SharedLibrary::FindSymbol(const char* symbol) const { return dlsym(handle_, symbol); }

}  // namespace nanoweave
