#include "native_error.h"

#include <sstream>
#include <utility>

namespace nanoweave {

namespace {

const char* KindName(NativeError::Kind kind) {
  switch (kind) {
    case NativeError::Kind::CallFailed: return "call-failed";
    case NativeError::Kind::LibraryMissing: return "library-missing";
    case NativeError::Kind::SymbolMissing: return "symbol-missing";
    case NativeError::Kind::Misuse: return "misuse";
  }
  return "unknown";
}

}  // namespace

NativeError::NativeError(Kind kind, std::string message)
    : std::runtime_error(std::move(message)), kind_(kind) {}

NativeError NativeError::CallFailed(std::string library, std::string call, long long code,
                                    std::string codeName, std::string libraryMessage,
                                    std::string detail) {
  std::ostringstream message;
  message << call << " failed: " << library << " error " << code;
  if (!codeName.empty()) message << " " << codeName;
  message << ": " << libraryMessage;
  if (!detail.empty()) message << "\n" << detail;
  NativeError error(Kind::CallFailed, message.str());
  error.library_ = std::move(library);
  error.call_ = std::move(call);
  error.code_ = code;
  error.codeName_ = std::move(codeName);
  error.libraryMessage_ = std::move(libraryMessage);
  error.detail_ = std::move(detail);
  return error;
}

NativeError NativeError::LibraryMissing(std::string library, const std::vector<std::string>& fileNames,
                                        std::string neededFor, std::vector<std::string> searched) {
  std::ostringstream message;
  message << library << " (";
  for (size_t i = 0; i < fileNames.size(); ++i) message << (i ? " or " : "") << fileNames[i];
  message << ") could not be loaded; it is needed for " << neededFor << ". Searched:";
  for (const auto& place : searched) message << "\n  " << place;
  NativeError error(Kind::LibraryMissing, message.str());
  error.library_ = std::move(library);
  error.neededFor_ = std::move(neededFor);
  error.searched_ = std::move(searched);
  return error;
}

NativeError NativeError::SymbolMissing(std::string library, std::string path, std::string symbol,
                                       std::string neededFor) {
  std::ostringstream message;
  message << library << " at " << path << " has no entry point " << symbol << " (needed for "
          << neededFor << "); the installed version is probably too old";
  NativeError error(Kind::SymbolMissing, message.str());
  error.library_ = std::move(library);
  error.call_ = std::move(symbol);
  error.neededFor_ = std::move(neededFor);
  error.searched_ = {std::move(path)};
  return error;
}

NativeError NativeError::Misuse(std::string message) {
  return NativeError(Kind::Misuse, std::move(message));
}

Napi::Error NativeError::ToJsError(Napi::Env env) const {
  Napi::Error error = Napi::Error::New(env, what());
  Napi::Object fields = error.Value();
  fields.Set("kind", KindName(kind_));
  if (!library_.empty()) fields.Set("library", library_);
  if (!call_.empty()) fields.Set("call", call_);
  if (kind_ == Kind::CallFailed) {
    fields.Set("code", Napi::Number::New(env, static_cast<double>(code_)));
    fields.Set("codeName", codeName_);
    fields.Set("libraryMessage", libraryMessage_);
    if (!detail_.empty()) fields.Set("detail", detail_);
  }
  if (!neededFor_.empty()) fields.Set("neededFor", neededFor_);
  if (!searched_.empty()) {
    Napi::Array searched = Napi::Array::New(env, searched_.size());
    for (size_t i = 0; i < searched_.size(); ++i) searched.Set(i, searched_[i]);
    fields.Set("searched", searched);
  }
  return error;
}

}  // namespace nanoweave
