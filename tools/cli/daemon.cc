#include "tools/cli/daemon.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace shoal::cli {
namespace {

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void WaitForChild(int fd, pid_t child) {
  std::string verdict;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    verdict.append(buffer, static_cast<size_t>(n));
  }
  if (verdict.rfind("ok", 0) == 0) std::_Exit(0);
  if (verdict.rfind("error ", 0) == 0) {
    std::fprintf(stderr, "shoal: %s\n", verdict.substr(6).c_str());
    std::_Exit(1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) {
    std::fprintf(stderr, "shoal: the mount process died (signal %d) before the mount was ready\n",
                 WTERMSIG(status));
  } else {
    std::fprintf(stderr, "shoal: the mount process exited (%d) before the mount was ready\n",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  std::_Exit(1);
}

}  // namespace

Daemon Daemon::Fork(std::string log_file) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "shoal: pipe: %s\n", std::strerror(errno));
    std::_Exit(1);
  }
  (void)std::fflush(nullptr);  // best effort: unflushed output would be written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "shoal: fork: %s\n", std::strerror(errno));
    std::_Exit(1);
  }
  if (pid > 0) {
    ::close(fds[1]);
    WaitForChild(fds[0], pid);
  }
  ::close(fds[0]);
  ::setsid();
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::close(null);
  }
  return Daemon(fds[1], std::move(log_file));
}

void Daemon::Ready() {
  int out = log_file_.empty()
                ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                : ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (out >= 0) {
    (void)std::fflush(nullptr);  // best effort: what is lost was for the old stdout
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::close(out);
  }
  WriteAll(pipe_.get(), "ok");
  pipe_.reset();
}

void Daemon::Failed(const Status& status) {
  WriteAll(pipe_.get(), "error " + status.ToString());
  pipe_.reset();
}

}  // namespace shoal::cli
