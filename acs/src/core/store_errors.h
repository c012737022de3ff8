// acs/core/store_errors.h: how the server reads a store error: whether the store may work
// again shortly, and its label in the metrics. Shared by the CWMP service, the effect applier
// and the REST API.
#pragma once

#include "acs/src/core/metrics.h"
#include "acs/src/store/store.h"

namespace acs {

// Busy or Unavailable: the store cannot take the work right now but may shortly (the CPE is
// told to retry, the API answers 503), unlike NotFound, Conflict or Invalid, which concern
// one operation.
inline bool isTransient(const store::StoreError& e) {
  return e.code == store::StoreErrc::Busy || e.code == store::StoreErrc::Unavailable;
}

// The metrics' label for a store error code.
inline StoreErrorKind storeErrorKind(store::StoreErrc code) {
  switch (code) {
    case store::StoreErrc::NotFound:
      return StoreErrorKind::NotFound;
    case store::StoreErrc::Conflict:
      return StoreErrorKind::Conflict;
    case store::StoreErrc::Busy:
      return StoreErrorKind::Busy;
    case store::StoreErrc::Unavailable:
      return StoreErrorKind::Unavailable;
    case store::StoreErrc::Invalid:
      return StoreErrorKind::Invalid;
  }
  return StoreErrorKind::Invalid;
}

}  // namespace acs
