// replay/capture.h: a recorded CWMP session from a device's point of view: each POST the
// CPE sent and the reply the ACS gave. Two input forms:
//
// 1. The ACS's protocol capture, `GET /api/devices/{id}/captures` (format
//    "cwmp-lab-capture/1", acs/doc/captures.md): {"format", "device_id", "sessions": [{
//    "session_id", "started_at", "exchanges": [{"seq", "direction": "in"|"out", "at",
//    "http_status", "encoding": "utf-8"|"base64", "body", "truncated"}]}]}. "in" is a CPE
//    POST body, "out" the ACS reply that followed it.
//
// 2. An envelope file, for captures taken elsewhere (tcpdump, a CPE log). Marker lines
//    split it; the text up to the next marker is one message body, verbatim except for the
//    line break before the next marker (empty = empty POST or empty reply):
//        # comment lines before the first marker are ignored
//        === session <name>        starts a session (optional for the first one)
//        >>> cpe                   a POST body sent by the CPE
//        <<< acs 200               the ACS reply and its HTTP status (default 200;
//                                  "<<< acs 204" for the final empty reply)
//
//   Result<Capture> capture = loadCapture("capture.json");
//   for (const CapturedSession& s : capture->sessions) ...
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cwmp/status.h"

namespace cpesim {

struct CapturedExchange {
  std::string cpe_body;                 // what the CPE POSTed ("" = empty POST)
  bool reply_recorded = false;          // false: the recording ends before the ACS replied
  int acs_status = 0;                   // HTTP status of the reply
  std::string acs_body;
  bool acs_body_truncated = false;      // the capture kept only the start of the reply
};

struct CapturedSession {
  std::string name;
  std::vector<CapturedExchange> exchanges;
};

struct Capture {
  std::string device_id;  // empty for envelope files
  std::vector<CapturedSession> sessions;
};

// Parses either form (JSON when the first non-blank character is '{'). `source` names the
// input in errors, which also give the session and exchange (or line) at fault. A CPE
// body that the capture truncated cannot be replayed and is an error.
cwmp::Result<Capture> parseCapture(std::string_view text, std::string_view source);
cwmp::Result<Capture> loadCapture(const std::string& path);

}  // namespace cpesim
