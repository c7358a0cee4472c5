// Uploads to the real RGW, through ObjectWriter and through `shoal put`,
// read back by boto3 (tests/support/s3_check.py) rather than by shoal's own
// reader: 0 B, 1 B, exactly one part and several parts, byte-identical by
// SHA-256, and never a pending multipart upload left behind. RGW keeps its
// default 5 MiB minimum for non-last parts, so the parts here are 5 MiB.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "engine/auth/crypto.h"
#include "engine/store/await.h"
#include "engine/store/store_stack.h"
#include "engine/write/object_writer.h"
#include "tests/support/command.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/rgw_env.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::ShellQuote;

constexpr uint64_t kPart = 5 << 20;

std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 2654435761u + seed) >> 11);
  return s;
}

std::string Sha256Hex(std::string_view data) { return HexLower(Sha256(data)); }

struct Seen {
  uint64_t size = 0;
  std::string sha256;
};

class PutRgw : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::LoadRgwEnv();
    if (!env_) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
    bucket_ = std::make_unique<testing::TestBucket>(*env_);
  }

  std::vector<std::string> Env() const {
    return {"SHOAL_TEST_S3_ENDPOINT=" + env_->endpoint,
            "SHOAL_TEST_S3_REGION=" + env_->region,
            "SHOAL_TEST_S3_ACCESS_KEY=" + env_->access_key,
            "SHOAL_TEST_S3_SECRET_KEY=" + env_->secret_key,
            "AWS_ACCESS_KEY_ID=" + env_->access_key,
            "AWS_SECRET_ACCESS_KEY=" + env_->secret_key,
            "AWS_REGION=" + env_->region,
            "AWS_ENDPOINT_URL=" + env_->endpoint};
  }

  testing::CommandResult Shoal(const std::string& args, std::vector<std::string> env = {}) const {
    if (env.empty()) env = Env();
    return RunCommand(std::string(SHOAL_BINARY) + " " + args, env);
  }

  // What boto3 reads back for each key.
  std::map<std::string, Seen> Boto3Read(const std::vector<std::string>& keys) const {
    std::string command = std::string(S3_CHECK) + " sha256 " + bucket_->name();
    for (const std::string& key : keys) command += " " + ShellQuote(key);
    testing::CommandResult r = RunCommand(command, Env());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, Seen> seen;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
      const size_t hash = line.rfind(' '), size = line.rfind(' ', hash - 1);
      seen[line.substr(0, size)] = {std::stoull(line.substr(size + 1, hash - size - 1)),
                                    line.substr(hash + 1)};
    }
    return seen;
  }

  // Pending multipart uploads as boto3 lists them, one line each.
  std::string Boto3PendingUploads() const {
    testing::CommandResult r =
        RunCommand(std::string(S3_CHECK) + " uploads " + bucket_->name(), Env());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  void WriteAndCheck(ObjectStore& store, const std::string& prefix);

  std::optional<testing::RgwEnv> env_;
  std::unique_ptr<testing::TestBucket> bucket_;
};

const std::vector<std::pair<std::string, size_t>> kObjects = {
    {"empty", 0}, {"one-byte", 1}, {"one-part", kPart}, {"three-parts", 2 * kPart + 4321}};

// Writes kObjects under `prefix` through `store` and checks them with boto3.
void PutRgw::WriteAndCheck(ObjectStore& store, const std::string& prefix) {
  ObjectWriterOptions options;
  options.part_size = kPart;
  options.max_parts_in_flight = 2;
  std::map<std::string, std::string> expected;
  std::vector<std::string> keys;
  for (const auto& [name, size] : kObjects) {
    const std::string key = prefix + name, data = Pattern(size, static_cast<uint32_t>(size));
    ObjectWriter writer(store, key, options);
    for (size_t at = 0; at < data.size(); at += 65537) {
      ASSERT_TRUE(writer.Append(std::string_view(data).substr(at, 65537)).ok());
    }
    Result<PutResult> finished = writer.Finish();
    ASSERT_TRUE(finished.ok()) << finished.status().ToString();
    EXPECT_EQ(writer.completed_parts().size(), size > kPart ? 3u : 0u) << key;
    expected[key] = Sha256Hex(data);
    keys.push_back(key);
  }
  std::map<std::string, Seen> seen = Boto3Read(keys);
  for (const auto& [name, size] : kObjects) {
    EXPECT_EQ(seen[prefix + name].size, size) << name;
    EXPECT_EQ(seen[prefix + name].sha256, expected[prefix + name]) << name;
  }
  EXPECT_EQ(Boto3PendingUploads(), "");
}

TEST_F(PutRgw, ObjectWriterUploadsReadBackByBoto3) { WriteAndCheck(bucket_->store(), "blocking/"); }

TEST_F(PutRgw, ObjectWriterOverTheStoreStackReadsBackByBoto3) {
  StoreStackOptions options;
  options.store.endpoint = env_->endpoint;
  options.store.region = env_->region;
  options.store.addressing = AddressingChoice::kPath;
  const EnvLookup keys = [this](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ACCESS_KEY_ID") return env_->access_key;
    if (name == "AWS_SECRET_ACCESS_KEY") return env_->secret_key;
    return std::nullopt;
  };
  StoreUri location{StoreUri::Kind::kS3, bucket_->name(), ""};
  Result<std::unique_ptr<StoreStack>> stack = StoreStack::Open(location, options, keys);
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  WriteAndCheck((*stack)->store(), "uring/");
}

TEST_F(PutRgw, AFailedPartAbortsTheUploadOnTheServer) {
  testing::FaultProxy proxy(std::stoi(env_->endpoint.substr(env_->endpoint.rfind(':') + 1)));
  S3Config config = bucket_->config();
  config.endpoint = proxy.endpoint();
  RetryOptions no_retries;
  no_retries.max_attempts = 1;
  testing::S3Stack stack(config, no_retries);
  ObjectWriterOptions options;
  options.part_size = kPart;
  ObjectWriter writer(stack.store(), "doomed", options);
  ASSERT_TRUE(writer.Append(Pattern(kPart + 1, 1)).ok());  // part 1 is up
  EXPECT_FALSE(writer.upload_id().empty());
  EXPECT_NE(Boto3PendingUploads(), "");
  proxy.FailNext(1, 500);
  Status failed = writer.Append(Pattern(kPart, 2));  // part 2 meets the fault
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("part 2 of doomed"), std::string::npos) << failed.ToString();
  EXPECT_EQ(writer.Finish().status().message(), failed.message());
  EXPECT_EQ(Boto3PendingUploads(), "");
}

TEST_F(PutRgw, AbandonedWriterLeavesNoPendingUpload) {
  {
    ObjectWriterOptions options;
    options.part_size = kPart;
    ObjectWriter writer(bucket_->store(), "abandoned", options);
    ASSERT_TRUE(writer.Append(Pattern(2 * kPart + 1, 3)).ok());
    EXPECT_NE(Boto3PendingUploads(), "");
  }
  EXPECT_EQ(Boto3PendingUploads(), "");
}

TEST_F(PutRgw, ShoalPutOfATreeReadsBackByBoto3) {
  testing::TempDir dir("put-rgw");
  const fs::path tree = dir.path() / "tree";
  std::map<std::string, std::string> expected;  // key -> sha256
  for (const auto& [name, size] : kObjects) {
    const fs::path file = tree / (name == "empty" ? "" : "sub") / (name + ".bin");
    fs::create_directories(file.parent_path());
    const std::string data = Pattern(size, static_cast<uint32_t>(size) + 7);
    std::ofstream(file, std::ios::binary) << data;
    expected["up/tree/" + file.lexically_relative(tree).generic_string()] = Sha256Hex(data);
  }
  std::ofstream(dir.path() / "single.txt") << "single";
  expected["up/single.txt"] = Sha256Hex("single");

  testing::CommandResult put =
      Shoal("put " + ShellQuote(tree) + " " + ShellQuote(dir.path() / "single.txt") + " s3://" +
            bucket_->name() + "/up/ --part-size 5M --jobs 3");
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_NE(put.out.find("uploaded 5 files, " + std::to_string(3 * kPart + 4328) + " bytes"),
            std::string::npos)
      << put.out;
  testing::CommandResult as_key = Shoal("put " + ShellQuote(dir.path() / "single.txt") + " s3://" +
                                        bucket_->name() + "/exact/name.txt -q");
  ASSERT_EQ(as_key.exit_code, 0) << as_key.err;
  expected["exact/name.txt"] = Sha256Hex("single");

  std::vector<std::string> keys;
  keys.reserve(expected.size());
  for (const auto& [key, hash] : expected) keys.push_back(key);
  std::map<std::string, Seen> seen = Boto3Read(keys);
  for (const auto& [key, hash] : expected) EXPECT_EQ(seen[key].sha256, hash) << key;
  EXPECT_EQ(Boto3PendingUploads(), "");
}

TEST_F(PutRgw, AnInterruptedPutAbortsItsUploads) {
  testing::TempDir dir("put-rgw");
  fs::create_directories(dir.path());
  const fs::path big = dir.path() / "interrupted-upload.bin";
  {
    std::ofstream out(big, std::ios::binary);
    const std::string block = Pattern(1 << 20, 9);
    for (int i = 0; i < 256; ++i) out << block;
  }
  testing::CommandResult put;
  std::thread runner([&] {
    // exec: the signal goes to shoal itself, not to a shell around it.
    put = RunCommand("exec " + std::string(SHOAL_BINARY) + " put " + ShellQuote(big) + " s3://" +
                         bucket_->name() + "/ --part-size 5M --parts-in-flight 1",
                     Env());
  });
  // Interrupt as soon as the multipart upload exists, long before its end.
  bool pending = false;
  for (int i = 0; i < 1000 && !pending; ++i) {
    Result<std::vector<PendingUpload>> uploads = ListAllUploads(bucket_->store(), "");
    pending = uploads.ok() && !uploads->empty();
    if (!pending) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const pid_t pid = testing::FindProcess({"put", big.string()});
  if (pending && pid > 0) ::kill(pid, SIGTERM);
  runner.join();
  ASSERT_TRUE(pending) << put.err;
  EXPECT_EQ(put.exit_code, 130) << put.err;
  EXPECT_NE(put.err.find("interrupted: 0 of 1 files uploaded"), std::string::npos) << put.err;
  EXPECT_EQ(Boto3PendingUploads(), "");
}

TEST_F(PutRgw, ShoalPutToAMissingBucketNamesIt) {
  testing::TempDir dir("put-rgw");
  fs::create_directories(dir.path());
  std::ofstream(dir.path() / "a.txt") << "a";
  testing::CommandResult put =
      Shoal("put " + ShellQuote(dir.path() / "a.txt") + " s3://shoal-no-such-bucket/x/");
  EXPECT_EQ(put.exit_code, 1);
  EXPECT_NE(put.err.find("no_such_bucket"), std::string::npos) << put.err;
  EXPECT_NE(put.err.find("shoal-no-such-bucket"), std::string::npos) << put.err;
  EXPECT_NE(put.err.find("1 of 1 files failed"), std::string::npos) << put.err;
}

TEST_F(PutRgw, ShoalPutWithABadSecretFailsWithoutShowingIt) {
  testing::TempDir dir("put-rgw");
  fs::create_directories(dir.path());
  std::ofstream(dir.path() / "a.txt") << "a";
  std::ofstream(dir.path() / "b.txt") << "b";
  const std::string secret = "WrongSecretThatMustNeverAppear0000000000";
  std::vector<std::string> env = Env();
  env.push_back("AWS_SECRET_ACCESS_KEY=" + secret);
  testing::CommandResult put =
      Shoal("put " + ShellQuote(dir.path()) + " s3://" + bucket_->name() + "/x/ --jobs 1", env);
  EXPECT_EQ(put.exit_code, 1);
  EXPECT_NE(put.err.find("signature_does_not_match"), std::string::npos) << put.err;
  EXPECT_NE(put.err.find("2 of 2 files failed"), std::string::npos) << put.err;
  EXPECT_NE(put.err.find("1 files not attempted"), std::string::npos) << put.err;
  EXPECT_EQ(put.err.find(secret), std::string::npos);
  EXPECT_EQ(put.err.find(env_->secret_key), std::string::npos);
}

}  // namespace
}  // namespace shoal
