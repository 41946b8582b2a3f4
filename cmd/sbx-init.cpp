// sbx-init: the first process of every sandbox, mounted read-only at /sbx/init. It is
// static and self-contained, as the images it runs in have nothing in common.
//   sbx-init run [--seed FROM TO] [--inherit-env [--env NAME=VALUE]...] -- PROGRAM [ARG...]
//                     fill TO from FROM, run PROGRAM (with the environment of the
//                     sandbox's first process and the --env variables: a direct exec's)
//   sbx-init idle     wait for programs started by exec
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "init/inherited_env.hpp"
#include "init/program.hpp"
#include "init/seed.hpp"

namespace {

constexpr int usage_status = 125;

int usage()
{
    std::cerr << "usage: sbx-init run [--seed FROM TO] [--inherit-env [--env NAME=VALUE]...] -- PROGRAM [ARG...]\n"
                 "       sbx-init idle\n";
    return usage_status;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && args[0] == "idle")
        return sbx::init::idle();
    if (args.empty() || args[0] != "run")
        return usage();
    std::size_t i = 1;
    if (i < args.size() && args[i] == "--seed") {
        if (i + 2 >= args.size())
            return usage();
        try {
            sbx::init::seed_tree(args[i + 1], args[i + 2]);
        } catch (const std::filesystem::filesystem_error& e) {
            std::cerr << "sbx-init: cannot copy the run's files into " << args[i + 2] << ": " << e.code().message()
                      << " (" << e.path1().string() << ")\n";
            return 1;
        }
        i += 3;
    }
    sbx::init::ProgramOptions options;
    if (i < args.size() && args[i] == "--inherit-env") {
        // The exec that started us gave no environment (gVisor adds HOME): what counts is
        // the sandbox's first process's, and the run's variables, given here.
        std::vector<std::string> own;
        for (++i; i + 1 < args.size() && args[i] == "--env"; i += 2)
            own.push_back(args[i + 1]);
        try {
            options.env = sbx::init::inherited_environment(sbx::init::read_whole("/proc/1/environ"), own);
        } catch (const std::exception& e) {
            std::cerr << "sbx-init: cannot read the sandbox's environment: " << e.what() << '\n';
            return 125;
        }
    }
    if (i >= args.size() || args[i] != "--")
        return usage();
    options.argv.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
    return sbx::init::run_program(options);
}
