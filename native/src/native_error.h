// Failures of the GPU libraries and of the addon's own checks, as one C++ exception type that
// carries what JavaScript needs (which library, which call, its numeric code and message). It is
// thrown on any thread; only the JavaScript thread turns it into a JS Error (ToJsError).
#pragma once

#include <napi.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace nanoweave {

class NativeError : public std::runtime_error {
 public:
  enum class Kind { CallFailed, LibraryMissing, SymbolMissing, Misuse };

  // A library call returned an error code.
  static NativeError CallFailed(std::string library, std::string call, long long code,
                                std::string codeName, std::string libraryMessage,
                                std::string detail = {});
  // A shared library could not be opened from any place searched.
  static NativeError LibraryMissing(std::string library, const std::vector<std::string>& fileNames,
                                    std::string neededFor, std::vector<std::string> searched);
  // The library opened but lacks an entry point we need (usually: too old).
  static NativeError SymbolMissing(std::string library, std::string path, std::string symbol,
                                   std::string neededFor);
  // The addon was used in a way the TypeScript layer should have refused (disposed object, wrong
  // object type): reported instead of crashing.
  static NativeError Misuse(std::string message);

  Kind kind() const { return kind_; }

  // Builds the JS Error: message plus the fields above as properties.
  Napi::Error ToJsError(Napi::Env env) const;

 private:
  NativeError(Kind kind, std::string message);

  Kind kind_;
  std::string library_;
  std::string call_;
  long long code_ = 0;
  std::string codeName_;
  std::string libraryMessage_;
  std::string detail_;
  std::string neededFor_;
  std::vector<std::string> searched_;
};

// Runs body on the JavaScript thread and rethrows a NativeError as a JS Error.
template <typename Body>
auto GuardJs(Napi::Env env, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const NativeError& error) {
    throw error.ToJsError(env);
  }
}

}  // namespace nanoweave
