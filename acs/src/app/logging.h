// acs/app/logging.h: the ACS's log output: one line per message on stderr, as text
//   2024-05-01T10:00:00.123Z information acs.cwmp: session 3fa... started for ...
// or as JSON (LOG_FORMAT=json), one object per line for log shippers:
//   {"ts":"2024-05-01T10:00:00.123Z","level":"information","logger":"acs.cwmp","msg":"..."}
#pragma once

#include <string>

#include <Poco/Formatter.h>

#include "acs/src/app/config.h"

namespace acs::app {

class JsonLogFormatter final : public Poco::Formatter {
 public:
  void format(const Poco::Message& msg, std::string& text) override;
};

// Points Poco's root logger (and so every logger) at stderr with the configured level and
// format. Call once at start-up, before other threads log.
void configureLogging(const std::string& level, LogFormat format);

}  // namespace acs::app
