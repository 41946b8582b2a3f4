// sbx: git-style dispatcher. `sbx VERB ARGS...` execs `sbx-VERB ARGS...` from the
// libexec directory (or the directory of this binary, in a build tree).
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "common/suggest.hpp"
#include "version.hpp"

namespace fs = std::filesystem;

namespace {

struct Verb {
    const char* name;
    const char* summary;
};

// Summaries for `sbx help`; verbs found on disk without an entry are still listed.
const Verb known_verbs[] = {
    {"cancel", "stop queued or running runs"},
    {"config", "show effective settings and where each came from"},
    {"gc", "reap what ended or crashed runs left behind (for cron)"},
    {"logs", "read a run's output, a page at a time or followed live"},
    {"pool", "the warm pool of pre-started sandboxes: status, keeper, drain"},
    {"project", "projects: files, env, forks, archives"},
    {"ps", "list active (or recent) runs"},
    {"run", "run files or a project in a gVisor sandbox"},
    {"runtime", "list, show and check the runtime catalog; print FAQs"},
    {"show", "print one run's record, or the code it ran"},
    {"user", "accounts: passwords, two-factor login, quotas"},
};

fs::path exec_dir()
{
    if (const char* env = std::getenv("SBX_EXEC_PATH"); env && *env)
        return env;
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec).parent_path();
    if (fs::exists(self / "sbx-config", ec))
        return self;
    return (self / ".." / "libexec" / "sbx").lexically_normal();
}

std::vector<std::string> installed_verbs(const fs::path& dir)
{
    std::vector<std::string> verbs;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        // sbx-init (which runs inside sandboxes) and sbx-supervise (which sbx starts for a
        // detached run) live beside the verbs but are none.
        if (name.starts_with("sbx-") && name != "sbx-init" && name != "sbx-supervise" &&
            access(it->path().c_str(), X_OK) == 0)
            verbs.push_back(name.substr(4));
    }
    std::sort(verbs.begin(), verbs.end());
    return verbs;
}

int help(const fs::path& dir)
{
    std::cout << "usage: sbx [--version] [--help] VERB [ARGS...]\n\n"
                 "Runs untrusted code in gVisor sandboxes. Verbs:\n";
    for (const auto& verb : installed_verbs(dir)) {
        const char* summary = "";
        for (const auto& known : known_verbs)
            if (verb == known.name)
                summary = known.summary;
        std::cout << "  " << verb << std::string(verb.size() < 12 ? 12 - verb.size() : 1, ' ') << summary << '\n';
    }
    std::cout << "\n'sbx VERB --help' and 'man sbx-VERB' describe each verb.\n";
    return 0;
}

int exec_verb(const fs::path& dir, const std::string& verb, int argc, char** argv)
{
    static const std::regex verb_pattern("[a-z][a-z0-9-]*");
    std::vector<std::string> verbs = installed_verbs(dir);
    if (!std::regex_match(verb, verb_pattern) || std::find(verbs.begin(), verbs.end(), verb) == verbs.end()) {
        std::cerr << "sbx: '" << verb << "' is not an sbx verb.";
        if (auto guess = sbx::closest_match(verb, verbs))
            std::cerr << " Did you mean '" << *guess << "'?";
        std::cerr << "\nSee 'sbx help'.\n";
        return 64;
    }
    fs::path program = dir / ("sbx-" + verb);
    std::string name = "sbx-" + verb;
    std::vector<char*> args{name.data()};
    for (int i = 0; i < argc; ++i)
        args.push_back(argv[i]);
    args.push_back(nullptr);
    execv(program.c_str(), args.data());
    std::cerr << "sbx: cannot run " << program << ": " << std::strerror(errno) << '\n';
    return 126;
}

} // namespace

int main(int argc, char** argv)
{
    fs::path dir = exec_dir();
    if (argc < 2) {
        help(dir);
        return 64;
    }
    std::string first = argv[1];
    if (first == "--version" || first == "version") {
        std::cout << "sbx " << sbx::version << '\n';
        return 0;
    }
    if (first == "--help" || first == "-h")
        return help(dir);
    if (first == "help") {
        if (argc == 2)
            return help(dir);
        char help_flag[] = "--help";
        char* help_args[] = {help_flag};
        return exec_verb(dir, argv[2], 1, help_args);
    }
    if (first.starts_with("-")) {
        std::cerr << "sbx: unknown option '" << first << "'\nSee 'sbx help'.\n";
        return 64;
    }
    return exec_verb(dir, first, argc - 2, argv + 2);
}
