// The worker SDK's log line (worker/sdk/internal/log.h): its format and that
// lines written from many threads at once stay whole.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "worker/sdk/internal/log.h"

namespace stepwise::worker::internal {
namespace {

// Sends stderr to a fresh file while alive; Read() returns what was written.
class CapturedStderr {
 public:
  CapturedStderr() {
    path_ = StrCat(::testing::TempDir(), "/worker_log_test_", getpid(), ".txt");
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    EXPECT_GE(fd, 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~CapturedStderr() { Restore(); }

  std::string Read() {
    Restore();
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(WorkerLogTest, LineHasUtcTimestampPrefixAndMessage) {
  CapturedStderr captured;
  LogLine("task queue=echo outcome=succeeded");
  const std::vector<std::string> lines = Lines(captured.Read());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stepwise-worker: )"
                           R"(task queue=echo outcome=succeeded)")))
      << lines[0];
}

TEST(WorkerLogTest, LinesFromManyThreadsStayWhole) {
  constexpr int kThreads = 8;
  constexpr int kLines = 300;
  CapturedStderr captured;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      // Long enough that a torn write would show.
      const std::string padding(200, 'x');
      for (int i = 0; i < kLines; ++i) LogLine(StrCat("thread=", t, " line=", i, " ", padding));
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<std::string> lines = Lines(captured.Read());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  const std::regex shape(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stepwise-worker: thread=(\d+) line=(\d+) x{200})");
  std::set<std::string> seen;
  for (const std::string& line : lines) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match, shape)) << line;
    seen.insert(StrCat(match[1].str(), "/", match[2].str()));
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kLines));
}

}  // namespace
}  // namespace stepwise::worker::internal
