//! The `photo-atlas` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    photo_atlas::cli::main()
}
