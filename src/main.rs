use std::process::ExitCode;

fn main() -> ExitCode {
    sm_course::run()
}
