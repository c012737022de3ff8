// cwmp/json.h: CWMP envelopes and message bodies as JSON, for people and for the ACS's REST
// API (library cwmp_json). `cwmp-tool decode` prints envelopes this way; the REST API creates
// tasks from body objects.
//
//   auto body = cwmp::bodyFromJson("SetParameterValues",
//       R"({"ParameterList": [{"Name": "Device.WiFi.SSID.1.SSID", "Value": "lab",
//                              "Type": "xsd:string"}], "ParameterKey": "k1"})");
//   if (!body) return badRequest(body.error().message);  // "ParameterList[0].Value: ..."
//   std::string json = cwmp::envelopeToJson(envelope, /*pretty=*/true);
//
// The mapping walks the same Field descriptions as the XML codec (messages.h), so JSON keys
// are the CWMP element names:
// - strings (including dateTime and base64 fields) are JSON strings; int and unsignedInt
//   fields are JSON integers; booleans are JSON true/false;
// - nested structs are objects; arrays (ParameterList, ParameterNames, Event, ...) are JSON
//   arrays of their items, with no arrayType or item element names;
// - ParameterValueStruct is {"Name": ..., "Value": ..., "Type": "xsd:int"}: Value is always a
//   JSON string (the wire text), Type is the xsi:type, left out on output when empty;
// - a ChangeDUState operation is the operation struct's object plus an "Operation" key:
//   {"Operation": "Install", "URL": ..., ...}, "Update" or "Uninstall";
// - absent std::optional members are left out (on input, null also means absent);
// - a Fault body is {"faultcode": "Client", "faultstring": "CWMP fault", "FaultCode": 9003,
//   "FaultString": ..., "SetParameterValuesFault": [...]} (the SOAP-level names lower-case,
//   as on the wire, then the detail/cwmp:Fault children);
// - an envelope is {"cwmp": "urn:dslforum-org:cwmp-1-2", "header": {...}, "method":
//   "Inform", "body": {...}}; the header keys are the header element names ("ID",
//   "HoldRequests", "NoMoreRequests", "SessionTimeout", "SupportedCWMPVersions",
//   "UseCWMPVersion") plus "NotUnderstood" (Header::not_understood), each left out when not
//   set; an empty SOAP Body has method "".
//
// Input is strict, and any problem is an Error{ErrorCode::InvalidArgument} whose message
// starts with the path of the offending value ("ParameterList[2].Value: expected a string";
// "body." in front for envelopes) and whose `element` holds that path: malformed JSON (with
// the parser's description; `element` empty), unknown keys, duplicate keys, wrong JSON types,
// integers out of range, strings longer than the schema limit of messages.h (counted in
// characters), arrays over the schema's item limit, dateTime and base64 fields whose text is
// not of that type, text with characters XML 1.0 cannot carry (control characters other
// than tab/LF/CR, malformed UTF-8), unknown methods and unknown cwmp namespaces.
//
// Missing keys take the C++ member's default (e.g. ParameterKey "", MaxEnvelopes 1,
// CurrentTime the Unknown Time, arrays empty, optionals absent), except these required ones:
//   structures:
//     ParameterValueStruct: Name, Value         SetParameterAttributesStruct: Name
//     ParameterInfoStruct: Name                 ParameterAttributeStruct: Name
//     DeviceIdStruct: Manufacturer, OUI, SerialNumber
//     EventStruct: EventCode                    FaultStruct: FaultCode
//     QueuedTransferStruct: State               ArgStruct: Name, Value
//     AllQueuedTransferStruct: State, IsDownload, FileType
//     TimeWindowStruct: WindowStart, WindowEnd, WindowMode, MaxRetries
//     InstallOpStruct: URL                      UninstallOpStruct: UUID
//     OpResultStruct: UUID, CurrentState        OptionStruct: OptionName
//     AutonOpResultStruct: UUID, CurrentState, OperationPerformed
//     SetParameterValuesFault: ParameterName, FaultCode
//   messages:
//     SetParameterValues: ParameterList         SetParameterValuesResponse: Status
//     GetParameterValues: ParameterNames        GetParameterValuesResponse: ParameterList
//     GetParameterNames: ParameterPath, NextLevel
//     GetParameterNamesResponse: ParameterList  GetRPCMethodsResponse: MethodList
//     SetParameterAttributes: ParameterList     GetParameterAttributes: ParameterNames
//     GetParameterAttributesResponse: ParameterList
//     AddObject: ObjectName                     AddObjectResponse: InstanceNumber, Status
//     DeleteObject: ObjectName                  DeleteObjectResponse: Status
//     Download: FileType, URL                   DownloadResponse: Status
//     Upload: FileType, URL                     UploadResponse: Status
//     GetQueuedTransfersResponse: TransferList  GetAllQueuedTransfersResponse: TransferList
//     ScheduleInform: DelaySeconds              ScheduleDownload: FileType, URL, TimeWindowList
//     CancelTransfer: CommandKey                ChangeDUState: Operations
//     SetVouchers: VoucherList                  GetOptionsResponse: OptionList
//     Inform: DeviceId, Event                   TransferComplete: FaultStruct
//     AutonomousTransferComplete: TransferURL, IsDownload, FileType, FaultStruct
//     DUStateChangeComplete: Results            AutonomousDUStateChangeComplete: Results
//     RequestDownload: FileType                 Kicked: Command, Next
//     KickedResponse: NextURL                   Fault: FaultCode
//   and "Operation" in each ChangeDUState operation.
// A Fault without "faultcode" gets Client or Server from its FaultCode (TR-069 A.5.1, as
// makeFault does), without "faultstring" "CWMP fault". An envelope needs "method"; "cwmp"
// defaults to urn:dslforum-org:cwmp-1-2, "header" and "body" to {}.
//
// Output is deterministic: keys in schema order, every non-optional member written, UTF-8
// passed through (bytes that are not UTF-8 become U+FFFD). All functions are pure and
// thread-safe, and never throw.
#pragma once

#include <string>
#include <string_view>

#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace cwmp {

// The envelope as one JSON object; `pretty` indents by two spaces, one key per line.
std::string envelopeToJson(const Envelope& envelope, bool pretty = false);

// Parses the JSON form of an envelope (see above).
Result<Envelope> envelopeFromJson(std::string_view json);

// The body's arguments as one JSON object, e.g. {"ParameterNames": ["Device."]} for a
// GetParameterValues, {} for an EmptyBody. The method name is methodName(body).
std::string bodyToJson(const Body& body, bool pretty = false);

// Builds the message named `method` (e.g. "SetParameterValues", "Fault"; "" for an empty
// Body) from the JSON object `json_object_text` of its arguments. An unknown method is an
// InvalidArgument error naming it.
Result<Body> bodyFromJson(std::string_view method, std::string_view json_object_text);

// Appends `text` as a JSON string literal (quotes included). UTF-8 passes through; control
// characters are escaped; bytes that are not UTF-8 become U+FFFD, so the output is always
// valid JSON text. Shared with the ACS's own JSON writer.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace cwmp
