// quirks/quirks.h: deliberate misbehaviour on the wire. The model (device/profile_spec.h,
// struct Quirks) holds every quirk a profile or the command line switches on and decides
// per device whether they apply (Quirks::share, a seeded hash of the device index);
// quirk_parse.h parses `name=value` (the --quirk flag, a profile's `quirks:`) into that
// struct, and this module turns a device's quirks into what the session runner and the
// transfer runner do differently:
//
//   reply_delay_ms=N            wait N ms before every POST
//   drop_connection_after=N     close the TCP connection after the N-th reply and abandon
//                               the session (it counts as failed: retry with RetryCount+1)
//   stall_after=N               go silent after N POSTs: the connection stays open, nothing
//                               more is sent, the session fails at the HTTP timeout
//   xml_declaration=true        prepend <?xml ...?>
//   soap_env_prefix=P, soap_enc_prefix=P, cwmp_prefix=P   other namespace prefixes
//   namespace=1.0..1.4          cwmp namespace version sent
//   omit_value_types=true       no xsi:type on Value elements
//   array_count_delta=N         SOAP-ENC:arrayType counts that lie by N
//   zero_pad_array_counts=true  "[0008]" instead of "[8]"
//   transfer_bytes_per_second=N slow file transfers
//   download_fault=C, upload_fault=C   report fault C for every transfer
//   rpc_fault=Method:Code[:message]    answer Method with a fault (repeatable)
//   extra_event="X 00D09E Foo", omit_event="M Reboot"    non-standard event combinations
//   defect=NAME                 break one protocol rule (repeatable; protocolDefects())
//
//   Quirks q;
//   if (auto error = applyQuirk(q, "reply_delay_ms=250")) fail(*error);
//   WireQuirks wire = WireQuirks::forDevice(profile, index);   // none if not selected
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cwmp/codec.h"
#include "device/device_model.h"
#include "quirks/quirk_parse.h"

namespace cpesim {

// applyQuirk(), applyQuirkShare(), protocolDefects() and quirkNames() live in
// quirks/quirk_parse.h (part of the pure core, shared with the profile loader).

// What one device does differently on the wire. Holds views into the profile's Quirks, so
// the Profile must outlive it.
struct WireQuirks {
  bool active = false;
  std::chrono::milliseconds reply_delay{0};
  std::uint32_t drop_connection_after = 0;
  std::uint32_t stall_after = 0;
  cwmp::EncodeOptions encode;
  std::uint32_t transfer_bytes_per_second = 0;
  std::uint32_t download_fault = 0;
  std::uint32_t upload_fault = 0;

  static WireQuirks forDevice(const Profile& profile, std::uint32_t index);
  static WireQuirks from(const Quirks& quirks);

  // True when the device goes silent instead of sending POST number `post` (1-based).
  bool stallsBefore(std::uint32_t post) const { return stall_after != 0 && post > stall_after; }
  // True when the device drops the connection once the reply to POST `post` arrived.
  bool dropsAfter(std::uint32_t post) const {
    return drop_connection_after != 0 && post >= drop_connection_after;
  }
  // The fault to report for a transfer that itself succeeded (0: report success).
  std::uint32_t transferFault(bool is_download) const {
    return is_download ? download_fault : upload_fault;
  }
};

}  // namespace cpesim
