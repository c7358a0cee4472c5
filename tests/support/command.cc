#include "tests/support/command.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

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
  // The variables go in the child's environment, never on its command
  // line: they carry the test server's secret, and secrets_test.py checks
  // that no process's /proc/PID/cmdline holds it. Built before fork, so
  // the child only calls async-signal-safe functions.
  std::vector<std::string> variables = env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view inherited(*e);
    const std::string_view name = inherited.substr(0, inherited.find('=') + 1);
    bool overridden = false;
    for (const std::string& v : env) overridden |= v.compare(0, name.size(), name) == 0;
    if (!overridden) variables.emplace_back(inherited);
  }
  std::vector<char*> envp;
  envp.reserve(variables.size() + 1);
  for (std::string& v : variables) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string shell = "sh", dash_c = "-c", line = command;
  char* argv[] = {shell.data(), dash_c.data(), line.data(), nullptr};
  CommandResult result;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execve("/bin/sh", argv, envp.data());
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
