// Opens the GPU libraries with dlopen when first needed, searching the usual places, so the addon
// links against nothing from CUDA and loads on machines without it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "native_error.h"

namespace nanoweave {

// What to look for when opening one library.
struct LibrarySpec {
  std::string name;                    // as users know it: "CUDA driver", "cuBLAS", ...
  std::vector<std::string> fileNames;  // tried in order, newest first
  std::string neededFor;               // said when it is missing
};

// An opened library. Handles are never closed: CUDA libraries cannot be unloaded safely while
// their objects may still be finalized at exit.
class SharedLibrary {
 public:
  // Throws NativeError::LibraryMissing listing every place tried.
  static SharedLibrary Open(const LibrarySpec& spec);

  // The entry point, or nullptr when the library lacks it.
  void* FindSymbol(const char* symbol) const;
  const std::string& path() const { return path_; }

 private:
  SharedLibrary(void* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  void* handle_;
  std::string path_;
};

// Directories searched before the system loader's own rules, in order: CUDA_HOME, CUDA_PATH,
// NCCL_HOME, LD_LIBRARY_PATH, then the usual install places. Existing or not.
std::vector<std::string> LibrarySearchDirectories();

// Points member at the library's symbol. A missing required symbol throws
// NativeError::SymbolMissing; a missing optional one leaves member null.
template <typename Function>
void ResolveSymbol(const SharedLibrary& library, const LibrarySpec& spec, Function*& member,
                   const char* symbol, bool required) {
  member = reinterpret_cast<Function*>(library.FindSymbol(symbol));
  if (member == nullptr && required) {
    throw NativeError::SymbolMissing(spec.name, library.path(), symbol, spec.neededFor);
  }
}

// An API table opened on first use and kept for the life of the process. A failed open throws
// and is tried again on the next call, so a user can fix the setup without restarting.
template <typename Api>
class LazyApi {
 public:
  explicit LazyApi(std::unique_ptr<Api> (*open)()) : open_(open) {}

  const Api& Get() {
    if (const Api* api = ready_.load(std::memory_order_acquire)) return *api;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!owned_) {
      owned_ = open_();
      ready_.store(owned_.get(), std::memory_order_release);
    }
    return *owned_;
  }

 private:
  std::unique_ptr<Api> (*open_)();
  std::mutex mutex_;
  std::unique_ptr<Api> owned_;
  std::atomic<const Api*> ready_{nullptr};
};

}  // namespace nanoweave
