use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_terminal_on_panic();
    sm_course::run()
}

/// The release profile has `panic = "abort"`: a panic ends the process
/// without unwinding, so no destructor (inquire's prompt, the raw mode of
/// `ui::wait_unless_esc`) gets to leave raw mode. The hook puts the terminal
/// back first, then prints the panic as before.
fn restore_terminal_on_panic() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A no-op unless crossterm turned raw mode on.
        let _ = crossterm::terminal::disable_raw_mode();
        if std::io::stderr().is_terminal() {
            let _ = crossterm::execute!(std::io::stderr(), crossterm::cursor::Show);
        }
        default(info);
    }));
}
