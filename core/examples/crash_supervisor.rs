//! The supervisor of the crash-restart soak, shared by the three languages' soak runners: it runs the
//! emulator binary on a state file and a fixed port, runs the soak command against it, and on each request
//! of the command kills the emulator with SIGKILL and starts it again on the same state and port.
//!
//! `crash_supervisor --emulator target/x86_64-unknown-linux-gnu/debug/langdock-emulator -- CMD ARGS...`
//! (`make soak` runs each language's soak with `--restarts N` this way). The command gets
//! `LANGDOCK_BASE_URL`, `LANGDOCK_API_KEY` and `LANGDOCK_SOAK_SUPERVISOR`, the path of a Unix socket: a line
//! `restart` sent there kills and restarts the emulator, and the answer (`restarted N`, or `failed: why`)
//! comes once the new emulator listens. The command decides when (after so many calls of its own, a
//! condition rather than a clock), so that every restart falls while its calls are in flight and none
//! falls after its final read-back. Exits with the command's exit code (2 when the emulator could not
//! be brought back).

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a restart may keep failing to bind the port before the supervisor gives up. The emulator binds
/// with SO_REUSEADDR (tokio through mio sets it on Unix), so the killed one's connections in TIME_WAIT do not
/// hold the port; this covers whatever else may (a socket the kernel has not released yet on a loaded machine).
const BIND_PATIENCE: Duration = Duration::from_secs(20);

/// How long one start may take to print its start line (a debug build loading a large state on a loaded
/// machine takes a second or two).
const START_PATIENCE: Duration = Duration::from_secs(60);

/// A running emulator and the thread that forwards (and keeps) its stderr.
struct Running {
    child: Child,
    stderr: JoinHandle<Vec<String>>,
}

/// What starts the emulator: the binary, its state file and the port it must come back on.
struct Emulator {
    binary: PathBuf,
    state: PathBuf,
    port: u16,
}

impl Emulator {
    /// Starts the emulator and waits for its start line; retries while the port is still taken.
    fn start(&self) -> Result<Running, String> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            match self.try_start()? {
                Some(running) => return Ok(running),
                None if started.elapsed() < BIND_PATIENCE => {
                    eprintln!("crash_supervisor: port {} still taken, retrying", self.port);
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                None => return Err(format!("port {} still taken after {BIND_PATIENCE:?}", self.port)),
            }
        }
    }

    /// One start: the emulator listening, `None` when the port was taken, an error for anything else (an
    /// unreadable state file is the finding this soak exists for, never a reason to retry).
    fn try_start(&self) -> Result<Option<Running>, String> {
        let mut child = Command::new(&self.binary)
            .arg("--state")
            .arg(&self.state)
            .arg("--port")
            .arg(self.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.binary.display()))?;
        let stderr = child.stderr.take().expect("piped stderr");
        let stderr = std::thread::spawn(move || {
            // The last lines are kept: they say why a start failed.
            let mut kept = std::collections::VecDeque::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.starts_with("langdock-emulator:") {
                    eprintln!("{line}");
                } else {
                    eprintln!("langdock-emulator: {line}");
                }
                if kept.len() == 20 {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
            Vec::from(kept)
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (send, start_line) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = send.send(line);
            // Nothing more comes on stdout; drained all the same so that the emulator can never block on it.
            std::io::copy(&mut stdout, &mut std::io::sink())
        });
        // An emulator that neither starts nor exits would hang the soak: that is a failure too.
        let Ok(line) = start_line.recv_timeout(START_PATIENCE) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the emulator printed no start line within {START_PATIENCE:?}"));
        };
        if line.starts_with("langdock-emulator listening on") {
            return Ok(Some(Running { child, stderr }));
        }
        // No start line: the emulator exited. Its stderr says why.
        let _ = child.wait();
        let said = stderr.join().unwrap_or_default().join("\n");
        if said.contains("Address already in use") {
            Ok(None)
        } else {
            Err(format!("the emulator did not start: {said}"))
        }
    }
}

impl Running {
    /// SIGKILL (what `Child::kill` sends on Unix): no handler runs, nothing is flushed.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self.stderr.join();
    }
}

/// A port below the kernel's ephemeral range, free now. Outside that range because while the emulator is
/// down, an outgoing connection could otherwise be given the port as its own (even the client's connection
/// to it, connected to itself) and keep the emulator from binding it again.
fn free_port() -> Result<u16, String> {
    let ephemeral_start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let low = 20000.min(ephemeral_start / 2);
    for _ in 0..200 {
        let port = fastrand::u16(low..ephemeral_start);
        if TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(port);
        }
    }
    Err(format!("no free port in {low}..{ephemeral_start}"))
}

/// Answers `restart` requests on `socket`, one connection at a time, until the process exits.
fn serve_restarts(socket: UnixListener, emulator: Arc<Emulator>, running: Arc<Mutex<Option<Running>>>) {
    let mut restarts = 0u32;
    for stream in socket.incoming() {
        let Ok(stream) = stream else { continue };
        let Ok(reader) = stream.try_clone() else { continue };
        let mut writer = stream;
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if line.trim() != "restart" {
                let _ = writeln!(writer, "failed: unknown request {line:?} (send `restart`)");
                continue;
            }
            let mut slot = running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(old) = slot.take() {
                old.kill();
            }
            let answer = match emulator.start() {
                Ok(new) => {
                    *slot = Some(new);
                    restarts += 1;
                    format!("restarted {restarts}")
                }
                Err(why) => {
                    eprintln!("crash_supervisor: {why}");
                    format!("failed: {why}")
                }
            };
            drop(slot);
            let _ = writeln!(writer, "{answer}");
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: crash_supervisor --emulator PATH -- CMD ARGS...");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(split) = args.iter().position(|a| a == "--") else { return usage() };
    let (flags, command) = (&args[..split], &args[split + 1..]);
    let binary = match flags {
        [flag, path] if flag == "--emulator" => PathBuf::from(path),
        _ => return usage(),
    };
    let Some((program, program_args)) = command.split_first() else { return usage() };
    let dir = std::env::temp_dir().join(format!("langdock-crash-soak-{}", std::process::id()));
    let code = run(&dir, binary, program, program_args);
    let _ = std::fs::remove_dir_all(&dir);
    code
}

fn run(dir: &Path, binary: PathBuf, program: &str, program_args: &[String]) -> ExitCode {
    let fail = |why: String| {
        eprintln!("crash_supervisor: {why}");
        ExitCode::from(2)
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(format!("cannot make {}: {e}", dir.display()));
    }
    let port = match free_port() {
        Ok(port) => port,
        Err(why) => return fail(why),
    };
    let emulator = Arc::new(Emulator { binary, state: dir.join("state.json"), port });
    let first = match emulator.start() {
        Ok(running) => running,
        Err(why) => return fail(why),
    };
    let running = Arc::new(Mutex::new(Some(first)));
    let socket_path = dir.join("control.sock");
    // Bound before the command starts, so that its first request finds it.
    let socket = match UnixListener::bind(&socket_path) {
        Ok(socket) => socket,
        Err(e) => return fail(format!("cannot listen on {}: {e}", socket_path.display())),
    };
    {
        let (emulator, running) = (Arc::clone(&emulator), Arc::clone(&running));
        std::thread::spawn(move || serve_restarts(socket, emulator, running));
    }
    let status = Command::new(program)
        .args(program_args)
        .env("LANGDOCK_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("LANGDOCK_API_KEY", langdock_emulator::DEFAULT_API_KEY)
        .env("LANGDOCK_SOAK_SUPERVISOR", &socket_path)
        .status();
    // A restart may be under way if the command died mid-request: the lock waits for it to finish.
    if let Some(last) = running.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
        last.kill();
    }
    match status {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => fail(format!("{program} was killed: {status}")),
        },
        Err(e) => fail(format!("cannot run {program}: {e}")),
    }
}
