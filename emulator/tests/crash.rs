//! An emulator killed with SIGKILL while clients write never leaves an unreadable or half-written state file,
//! and every write it acknowledged before the kill is in the file and served again after the restart.
//!
//! The binary runs on one `--state` file; writer threads create integrations, add keys and upload icons over raw
//! HTTP, and the test kills it at a random point (after a random number of acknowledged writes), checks the
//! file, and starts it again, many times over.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_langdock-emulator");
const KEY: &str = langdock_emulator::DEFAULT_API_KEY;
const ROUNDS: usize = 25;
/// How long any one condition may take before the test gives up: generous, for a loaded 2-core machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// What the clients saw acknowledged.
#[derive(Default)]
struct Acked {
    integrations: Vec<String>,
    keys: Vec<String>,
    /// Integration ID → the icon bytes whose upload was acknowledged last.
    icons: BTreeMap<String, Vec<u8>>,
}

impl Acked {
    fn count(&self) -> usize {
        self.integrations.len() + self.keys.len() + self.icons.len()
    }
}

#[derive(Default)]
struct Shared {
    /// Where the emulator listens; `None` while it is down.
    addr: Option<SocketAddr>,
    /// Bumped at each start, so that a writer that failed waits for the next one.
    generation: u64,
    /// Writers waiting for an emulator.
    parked: usize,
    stop: bool,
    acked: Acked,
}

struct Sync {
    shared: Mutex<Shared>,
    changed: Condvar,
}

impl Sync {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap()
    }

    /// Waits until `done` holds, or panics after [`PATIENCE`] with `what`.
    fn wait_until<'a>(
        &'a self,
        mut guard: MutexGuard<'a, Shared>,
        what: &str,
        done: impl Fn(&Shared) -> bool,
    ) -> MutexGuard<'a, Shared> {
        let deadline = Instant::now() + PATIENCE;
        while !done(&guard) {
            let left = deadline.checked_duration_since(Instant::now()).unwrap_or_else(|| panic!("timed out: {what}"));
            guard = self.changed.wait_timeout(guard, left).unwrap().0;
        }
        guard
    }
}

/// One request on a fresh connection: the status and the body.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\nConnection: close\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no complete head")?;
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("no status")?;
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .ok_or("no content-length")?;
    let body = answer[split + 4..].to_vec();
    if body.len() != length {
        return Err(format!("body cut short: {} of {length} bytes", body.len()));
    }
    Ok((status, body))
}

fn json_request(addr: SocketAddr, method: &str, path: &str, body: &Value) -> Result<(u16, Value), String> {
    let (status, body) = request(addr, method, path, "application/json", body.to_string().as_bytes())?;
    Ok((status, serde_json::from_slice(&body).map_err(|e| e.to_string())?))
}

/// A PNG as far as the emulator can tell, unique to `tag`.
fn png(tag: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR ".to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    bytes
}

/// One write of the kind this writer makes, recorded as acknowledged when its success answer arrived.
fn write_once(sync: &Sync, addr: SocketAddr, kind: usize, tag: &str) -> Result<(), String> {
    let create = |name: &str| -> Result<String, String> {
        let (status, body) =
            json_request(addr, "POST", "/integrations/v1/create", &serde_json::json!({ "name": name }))?;
        if status != 201 {
            return Err(format!("create answered {status}: {body}"));
        }
        let id = body["integration"]["id"].as_str().ok_or("no id")?.to_owned();
        sync.lock().acked.integrations.push(id.clone());
        sync.changed.notify_all();
        Ok(id)
    };
    match kind {
        0 | 1 => create(tag).map(drop),
        2 => {
            let key = format!("sk-crash-{tag}");
            let (status, body) = json_request(addr, "POST", "/_emulator/keys", &serde_json::json!({ "key": key }))?;
            if status != 200 {
                return Err(format!("add key answered {status}: {body}"));
            }
            sync.lock().acked.keys.push(key);
            sync.changed.notify_all();
            Ok(())
        }
        _ => {
            let id = create(tag)?;
            let image = png(tag);
            let mut body = b"--b0undary\r\nContent-Disposition: form-data; name=\"icon\"; filename=\"i.png\"\r\n\
                             Content-Type: image/png\r\n\r\n"
                .to_vec();
            body.extend_from_slice(&image);
            body.extend_from_slice(b"\r\n--b0undary--\r\n");
            let path = format!("/integrations/v1/{id}/icon");
            let (status, _) = request(addr, "PUT", &path, "multipart/form-data; boundary=b0undary", &body)?;
            if status != 200 {
                return Err(format!("icon upload answered {status}"));
            }
            sync.lock().acked.icons.insert(id, image);
            sync.changed.notify_all();
            Ok(())
        }
    }
}

/// Writes until told to stop; after a failure (the emulator was killed) waits for the next start.
fn writer(sync: Arc<Sync>, kind: usize) {
    let mut failed_in = None;
    for n in 0.. {
        let (addr, generation) = {
            let mut guard = sync.lock();
            guard.parked += 1;
            sync.changed.notify_all();
            let guard = sync.wait_until(guard, "an emulator to write to", |s| {
                s.stop || (s.addr.is_some() && Some(s.generation) != failed_in)
            });
            let mut guard = guard;
            guard.parked -= 1;
            if guard.stop {
                return;
            }
            (guard.addr.expect("checked"), guard.generation)
        };
        if write_once(&sync, addr, kind, &format!("w{kind}-{n}")).is_err() {
            failed_in = Some(generation);
        }
    }
}

/// Starts the binary on `state` and returns it with its address, read from the start line.
fn start(state: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(BIN)
        .arg("--state")
        .arg(state)
        .args(["--no-seed", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("start line");
    if line.is_empty() {
        let mut stderr = String::new();
        let _ = child.stderr.take().expect("stderr").read_to_string(&mut stderr);
        panic!("the emulator did not start on its own state file: {stderr}");
    }
    let addr = line.trim().strip_prefix("langdock-emulator listening on http://").expect("start line").parse();
    (child, addr.expect("an address"))
}

/// Checks that the file is a complete state holding every acknowledged write.
fn check_file(state: &Path, acked: &Acked, round: usize) {
    let text = std::fs::read_to_string(state).expect("state file exists");
    let file: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("round {round}: the state file is not valid JSON ({e}): {} bytes", text.len()));
    assert_eq!(file["version"], 1, "round {round}");
    let ids: Vec<&str> = file["integrations"].as_array().unwrap().iter().filter_map(|i| i["id"].as_str()).collect();
    for id in &acked.integrations {
        assert!(ids.contains(&id.as_str()), "round {round}: acknowledged integration {id} is missing");
    }
    let keys: Vec<&str> = file["keys"].as_array().unwrap().iter().filter_map(|k| k["key"].as_str()).collect();
    for key in &acked.keys {
        assert!(keys.contains(&key.as_str()), "round {round}: acknowledged key {key} is missing");
    }
    let icons: BTreeMap<&str, &str> = file["icons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| Some((i["integrationId"].as_str()?, i["base64"].as_str()?)))
        .collect();
    for (id, bytes) in &acked.icons {
        let expected = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(icons.get(id.as_str()), Some(&expected.as_str()), "round {round}: acknowledged icon of {id}");
    }
}

#[test]
fn sigkill_while_clients_write_never_loses_an_acknowledged_write_or_corrupts_the_file() {
    let dir = std::env::temp_dir().join(format!("langdock-emulator-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let sync = Arc::new(Sync { shared: Mutex::new(Shared::default()), changed: Condvar::new() });
    let writers: Vec<_> = (0..4)
        .map(|kind| {
            let sync = Arc::clone(&sync);
            std::thread::spawn(move || writer(sync, kind))
        })
        .collect();

    for round in 0..ROUNDS {
        let (mut child, addr) = start(&state);
        let target = {
            let mut guard = sync.lock();
            guard.addr = Some(addr);
            guard.generation += 1;
            sync.changed.notify_all();
            guard.acked.count() + fastrand::usize(1..=6)
        };
        // Kill after a random number of acknowledged writes: other writes are in flight at that moment. From
        // half-way on, also only once every kind of write (keys, icons) has been acknowledged at least once, so
        // that the checks below always cover them however the writers were scheduled.
        let every_kind = round >= ROUNDS / 2;
        drop(sync.wait_until(sync.lock(), "acknowledged writes", |s| {
            s.acked.count() >= target && (!every_kind || (!s.acked.keys.is_empty() && !s.acked.icons.is_empty()))
        }));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let mut guard = sync.lock();
        guard.addr = None;
        // Every writer has seen its request fail or succeed (and recorded the ack) before the file is checked.
        let guard = sync.wait_until(guard, "writers to notice the kill", |s| s.parked == writers.len());
        check_file(&state, &guard.acked, round);
    }

    // A last start on the same file serves everything that was acknowledged.
    let (mut child, addr) = start(&state);
    sync.lock().stop = true;
    sync.changed.notify_all();
    for writer in writers {
        writer.join().expect("writer ends");
    }
    let acked = std::mem::take(&mut sync.lock().acked);
    assert!(acked.count() >= ROUNDS && !acked.keys.is_empty() && !acked.icons.is_empty());
    let (status, list) = request(addr, "GET", "/integrations/v1/get", "application/json", b"").expect("list");
    assert_eq!(status, 200);
    let list: Value = serde_json::from_slice(&list).expect("JSON");
    let listed: Vec<&str> = list["integrations"].as_array().unwrap().iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(acked.integrations.iter().all(|id| listed.contains(&id.as_str())));
    let (id, bytes) = acked.icons.iter().next().expect("an icon");
    let served = request(addr, "GET", &format!("/_emulator/icons/{id}.png"), "image/png", b"").expect("icon");
    assert_eq!(served, (200, bytes.clone()));
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let _ = std::fs::remove_dir_all(&dir);
}
