#include "acs/src/app/logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>

#include "acs/src/core/json_value.h"

namespace acs::app {

namespace {

const char* priorityName(Poco::Message::Priority p) {
  switch (p) {
    case Poco::Message::PRIO_FATAL:
      return "fatal";
    case Poco::Message::PRIO_CRITICAL:
      return "critical";
    case Poco::Message::PRIO_ERROR:
      return "error";
    case Poco::Message::PRIO_WARNING:
      return "warning";
    case Poco::Message::PRIO_NOTICE:
      return "notice";
    case Poco::Message::PRIO_INFORMATION:
      return "information";
    case Poco::Message::PRIO_DEBUG:
      return "debug";
    case Poco::Message::PRIO_TRACE:
      return "trace";
  }
  return "information";
}

}  // namespace

void JsonLogFormatter::format(const Poco::Message& msg, std::string& text) {
  text += "{\"ts\":";
  json::appendQuoted(text, Poco::DateTimeFormatter::format(msg.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
  text += ",\"level\":";
  json::appendQuoted(text, priorityName(msg.getPriority()));
  text += ",\"logger\":";
  json::appendQuoted(text, msg.getSource());
  text += ",\"thread\":" + std::to_string(msg.getTid());
  text += ",\"msg\":";
  json::appendQuoted(text, msg.getText());
  text += "}";
}

void configureLogging(const std::string& level, LogFormat format) {
  Poco::AutoPtr<Poco::Formatter> formatter;
  if (format == LogFormat::Json) {
    formatter = new JsonLogFormatter;
  } else {
    formatter = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t");
  }
  Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel);
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(level);
  // Loggers created before this call keep their old settings unless told.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

}  // namespace acs::app
