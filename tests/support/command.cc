#include "tests/support/command.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/base/parse_decimal.h"

namespace shoal::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult RunCommand(const std::string& command, const std::vector<std::string>& env) {
  char out_path[] = "/tmp/shoal-cmd-out-XXXXXX";
  char err_path[] = "/tmp/shoal-cmd-err-XXXXXX";
  int out_fd = ::mkstemp(out_path);
  int err_fd = ::mkstemp(err_path);
  std::string line;
  for (const std::string& e : env) line += "export " + ShellQuote(e) + "; ";
  line += command;
  CommandResult result;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::close(out_fd);
  ::close(err_fd);
  result.out = Slurp(out_path);
  result.err = Slurp(err_path);
  ::unlink(out_path);
  ::unlink(err_path);
  return result;
}

pid_t FindProcess(const std::vector<std::string>& parts) {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return -1;
  pid_t found = -1;
  while (dirent* d = ::readdir(proc)) {
    // Processes are the entries named by a number.
    const std::optional<pid_t> number = ParseDecimal<pid_t>(d->d_name);
    if (!number || *number <= 0 || *number == ::getpid()) continue;
    const pid_t pid = *number;
    std::string cmdline = Slurp("/proc/" + std::string(d->d_name) + "/cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    bool all = !cmdline.empty();
    for (const std::string& p : parts) all = all && cmdline.find(p) != std::string::npos;
    if (all) {
      found = pid;
      break;
    }
  }
  ::closedir(proc);
  return found;
}

}  // namespace shoal::testing
