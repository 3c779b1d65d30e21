//! Reading a password: one line from stdin, or, at a terminal, from a
//! prompt that does not echo what is typed.

use anyhow::{Result, bail};
use std::io::{BufRead, IsTerminal, Write};

/// The password typed after `prompt` (at a terminal) or the first line of
/// stdin, without its line ending.
pub fn read(prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    let tty = stdin.is_terminal();
    if tty {
        eout!("{prompt}");
        std::io::stderr().flush()?;
    }
    let _echo = tty.then(EchoOff::new).flatten();
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    if tty {
        eoutln!();
    }
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    if line.is_empty() {
        bail!("no password given: type it at the prompt or pipe it on stdin");
    }
    Ok(line)
}

/// Turns the terminal's echo off until dropped.
struct EchoOff(libc::termios);

impl EchoOff {
    fn new() -> Option<EchoOff> {
        // SAFETY: tcgetattr/tcsetattr on stdin with a zeroed, then filled,
        // termios; a failure leaves the terminal as it was.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
                return None;
            }
            let saved = t;
            t.c_lflag &= !libc::ECHO;
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) != 0 {
                return None;
            }
            Some(EchoOff(saved))
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in `new`.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &self.0);
        }
    }
}
