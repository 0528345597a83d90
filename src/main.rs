//! `comptoir`: the command line. Everything is in `src/cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
