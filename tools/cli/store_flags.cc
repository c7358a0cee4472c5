#include "tools/cli/store_flags.h"

#include <cstdio>

namespace shoal::cli {

void AddStoreFlags(CLI::App& command, StoreFlags& flags) {
  command.add_option("--endpoint", flags.endpoint,
                     "S3 endpoint, e.g. http://127.0.0.1:7480 (default $AWS_ENDPOINT_URL, else "
                     "AWS S3 for the region)");
  command.add_option("--region", flags.region,
                     "signing region (default $AWS_REGION, else us-east-1)");
  command.add_option("--addressing", flags.addressing, "auto, path or virtual")
      ->check(CLI::IsMember({"auto", "path", "virtual"}));
  CLI::Option* file =
      command.add_option("--credentials-file", flags.credentials_file,
                         "AWS-style credentials file (must be mode 600); default: environment");
  // shoal reads no default credentials file, so a profile alone would
  // silently fall back to the environment's keys.
  CLI::Option* profile =
      command.add_option("--profile", flags.profile, "profile within --credentials-file")
          ->needs(file);
  command.add_flag("--anonymous", flags.anonymous, "send unsigned requests (public-read buckets)")
      ->excludes(file)
      ->excludes(profile);
  command.add_option("--connect-timeout-ms", flags.connect_timeout_ms, "connect timeout")
      ->check(CLI::PositiveNumber);
  command.add_option("--timeout-ms", flags.timeout_ms, "timeout of one request")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--max-attempts", flags.max_attempts, "attempts per request, retries included")
      ->check(CLI::Range(1, 100));
}

StoreOptions ToStoreOptions(const StoreFlags& flags) {
  StoreOptions options;
  options.endpoint = flags.endpoint;
  options.region = flags.region;
  options.addressing = flags.addressing == "path"      ? AddressingChoice::kPath
                       : flags.addressing == "virtual" ? AddressingChoice::kVirtualHosted
                                                       : AddressingChoice::kAuto;
  options.credentials.file = flags.credentials_file;
  options.credentials.profile = flags.profile;
  options.credentials.anonymous = flags.anonymous;
  options.transport.connect_timeout = std::chrono::milliseconds(flags.connect_timeout_ms);
  options.transport.total_timeout = std::chrono::milliseconds(flags.timeout_ms);
  options.retry.max_attempts = flags.max_attempts;
  return options;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "shoal: %s\n", status.ToString().c_str());
  return kExitFailed;
}

std::unique_ptr<OpenedStore> OpenOrReport(const std::string& uri, const StoreFlags& flags,
                                          StoreUri* parsed) {
  Result<StoreUri> location = ParseStoreUri(uri);
  if (!location.ok()) {
    Fail(location.status());
    return nullptr;
  }
  StoreOptions options = ToStoreOptions(flags);
  Result<std::unique_ptr<OpenedStore>> store = OpenStore(*location, options, ProcessEnvironment());
  if (!store.ok()) {
    Fail(store.status());
    return nullptr;
  }
  *parsed = *location;
  return std::move(*store);
}

}  // namespace shoal::cli
