// Codec benchmarks (Google Benchmark). Inputs are built here with the encoder from realistic
// TR-181 names and values, not read from testdata, so sizes can vary with the argument.
//
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DACS_BUILD_BENCHMARKS=ON
//   cmake --build build/bench --target cwmp_bench && build/bench/cwmp/cwmp_bench
//
// Targets (design.md section 7, 2-core machine): Inform decode < 50 us, 1,000-parameter
// GetParameterValuesResponse decode < 4 ms, encode of a typical ACS request < 3 us.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace {

using cwmp::Envelope;
using cwmp::ParameterValueStruct;

ParameterValueStruct parameter(std::string name, std::string value, std::string type) {
  ParameterValueStruct p;
  p.name = std::move(name);
  p.value = std::move(value);
  p.type = std::move(type);
  return p;
}

// A BOOT Inform of a TR-181 gateway with 25 parameters (about 5 KB on the wire).
Envelope bootInform() {
  cwmp::Inform inform;
  inform.device_id.manufacturer = "Lab Networks";
  inform.device_id.oui = "00A0C9";
  inform.device_id.product_class = "HG-2400";
  inform.device_id.serial_number = "LAB0000001";
  cwmp::EventStruct boot;
  boot.event_code = "1 BOOT";
  cwmp::EventStruct periodic;
  periodic.event_code = "2 PERIODIC";
  inform.event = {boot, periodic};
  inform.current_time = "2024-03-05T14:07:09+01:00";
  inform.parameter_list = {
      parameter("Device.RootDataModelVersion", "2.17", "xsd:string"),
      parameter("Device.DeviceInfo.Manufacturer", "Lab Networks", "xsd:string"),
      parameter("Device.DeviceInfo.ManufacturerOUI", "00A0C9", "xsd:string"),
      parameter("Device.DeviceInfo.ProductClass", "HG-2400", "xsd:string"),
      parameter("Device.DeviceInfo.SerialNumber", "LAB0000001", "xsd:string"),
      parameter("Device.DeviceInfo.HardwareVersion", "HG2400-rev-B", "xsd:string"),
      parameter("Device.DeviceInfo.SoftwareVersion", "4.2.1-build 7", "xsd:string"),
      parameter("Device.DeviceInfo.ProvisioningCode", "RES.GOLD.FTTH", "xsd:string"),
      parameter("Device.DeviceInfo.UpTime", "86400", "xsd:unsignedInt"),
      parameter("Device.DeviceInfo.FirstUseDate", "2023-11-02T09:15:00Z", "xsd:dateTime"),
      parameter("Device.DeviceInfo.MemoryStatus.Total", "524288", "xsd:unsignedInt"),
      parameter("Device.DeviceInfo.MemoryStatus.Free", "201344", "xsd:unsignedInt"),
      parameter("Device.DeviceInfo.ProcessStatus.CPUUsage", "7", "xsd:unsignedInt"),
      parameter("Device.ManagementServer.URL", "https://acs.example.net:7548/cwmp", "xsd:string"),
      parameter("Device.ManagementServer.ConnectionRequestURL",
                "http://192.0.2.10:7547/cr/3f6b2a9c1e", "xsd:string"),
      parameter("Device.ManagementServer.ParameterKey", "cfg-2024-03-05", "xsd:string"),
      parameter("Device.ManagementServer.PeriodicInformEnable", "1", "xsd:boolean"),
      parameter("Device.ManagementServer.PeriodicInformInterval", "3600", "xsd:unsignedInt"),
      parameter("Device.ManagementServer.AliasBasedAddressing", "0", "xsd:boolean"),
      parameter("Device.IP.Interface.1.Status", "Up", "xsd:string"),
      parameter("Device.IP.Interface.1.IPv4Address.1.IPAddress", "192.0.2.10", "xsd:string"),
      parameter("Device.Ethernet.Interface.1.MACAddress", "00:a0:c9:12:34:56", "xsd:string"),
      parameter("Device.WiFi.SSID.1.SSID", "LAB-0000001", "xsd:string"),
      parameter("Device.WiFi.Radio.1.Channel", "36", "xsd:unsignedInt"),
      parameter("Device.Hosts.HostNumberOfEntries", "6", "xsd:unsignedInt"),
  };
  Envelope envelope;
  envelope.header.id = "inform-0001";
  envelope.header.session_timeout = 60;
  envelope.header.supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4";
  envelope.body = std::move(inform);
  return envelope;
}

// A GetParameterValuesResponse for "Device.Hosts." with `count` parameters: the host table
// of a busy gateway, five parameters per host.
Envelope hostTableResponse(std::size_t count) {
  cwmp::GetParameterValuesResponse response;
  response.parameter_list.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t host = i / 5 + 1;
    const std::string prefix = "Device.Hosts.Host." + std::to_string(host) + ".";
    const std::string octet = std::to_string(host % 250 + 2);
    switch (i % 5) {
      case 0:
        response.parameter_list.push_back(parameter(prefix + "PhysAddress",
                                                    "3c:22:fb:" + std::to_string(10 + host % 89) +
                                                        ":" + std::to_string(10 + host % 77) +
                                                        ":0" + std::to_string(host % 10),
                                                    "xsd:string"));
        break;
      case 1:
        response.parameter_list.push_back(
            parameter(prefix + "IPAddress", "192.168.1." + octet, "xsd:string"));
        break;
      case 2:
        response.parameter_list.push_back(
            parameter(prefix + "HostName", "laptop-" + std::to_string(host), "xsd:string"));
        break;
      case 3:
        response.parameter_list.push_back(
            parameter(prefix + "Active", host % 3 == 0 ? "0" : "1", "xsd:boolean"));
        break;
      default:
        response.parameter_list.push_back(
            parameter(prefix + "LeaseTimeRemaining", std::to_string(86400 - host * 7), "xsd:int"));
        break;
    }
  }
  Envelope envelope;
  envelope.header.id = "gpv-8";
  envelope.body = std::move(response);
  return envelope;
}

void decodeBenchmark(benchmark::State& state, const std::string& xml) {
  if (const cwmp::Result<Envelope> check = cwmp::decodeEnvelope(xml); !check) {
    state.SkipWithError(check.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    cwmp::Result<Envelope> decoded = cwmp::decodeEnvelope(xml);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(xml.size()));
  state.counters["input_bytes"] = static_cast<double>(xml.size());
}

void encodeBenchmark(benchmark::State& state, const Envelope& envelope) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string xml = cwmp::encodeEnvelope(envelope);
    bytes = xml.size();
    benchmark::DoNotOptimize(xml);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes));
  state.counters["output_bytes"] = static_cast<double>(bytes);
}

void BM_DecodeInform(benchmark::State& state) {
  decodeBenchmark(state, cwmp::encodeEnvelope(bootInform()));
}
BENCHMARK(BM_DecodeInform);

void BM_DecodeGetParameterValuesResponse(benchmark::State& state) {
  decodeBenchmark(
      state, cwmp::encodeEnvelope(hostTableResponse(static_cast<std::size_t>(state.range(0)))));
}
BENCHMARK(BM_DecodeGetParameterValuesResponse)->Arg(10)->Arg(1000)->Arg(10000);

void BM_EncodeInformResponse(benchmark::State& state) {
  Envelope envelope;
  envelope.header.id = "inform-0001";
  envelope.body = cwmp::InformResponse{};
  encodeBenchmark(state, envelope);
}
BENCHMARK(BM_EncodeInformResponse);

void BM_EncodeGetParameterValues(benchmark::State& state) {
  cwmp::GetParameterValues request;
  request.parameter_names = {
      "Device.DeviceInfo.SoftwareVersion", "Device.ManagementServer.PeriodicInformInterval",
      "Device.IP.Interface.1.IPv4Address.1.IPAddress", "Device.WiFi.SSID.1.SSID"};
  Envelope envelope;
  envelope.header.id = "gpv-8";
  envelope.body = std::move(request);
  encodeBenchmark(state, envelope);
}
BENCHMARK(BM_EncodeGetParameterValues);

void BM_EncodeSetParameterValues(benchmark::State& state) {
  cwmp::SetParameterValues request;
  request.parameter_list = {
      parameter("Device.ManagementServer.PeriodicInformInterval", "300", "xsd:unsignedInt"),
      parameter("Device.ManagementServer.PeriodicInformEnable", "1", "xsd:boolean"),
      parameter("Device.WiFi.SSID.1.SSID", "Lab & Guests <5G>", "xsd:string"),
      parameter("Device.Time.LocalTimeZone", "CET-1CEST,M3.5.0,M10.5.0/3", "xsd:string")};
  request.parameter_key = "cfg-2024-03-05";
  Envelope envelope;
  envelope.header.id = "spv-3";
  envelope.body = std::move(request);
  encodeBenchmark(state, envelope);
}
BENCHMARK(BM_EncodeSetParameterValues);

void BM_EncodeGetParameterValuesResponse(benchmark::State& state) {
  encodeBenchmark(state, hostTableResponse(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_EncodeGetParameterValuesResponse)->Arg(1000);

}  // namespace
