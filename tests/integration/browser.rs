//! A real browser for the HTML pages: headless Chromium (installed by
//! scripts/browser-setup), driven over the DevTools protocol on a pipe
//! (`--remote-debugging-pipe`: JSON messages ended by a NUL byte, commands
//! on the browser's fd 3, answers and events on its fd 4). The pipe lets a
//! test see every request the page makes, read the rendered DOM and take
//! screenshots, with no port opened and no crate added.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The browser, installed once per test run by scripts/browser-setup, or
/// why it cannot be: then the test says so and stops, unless
/// SM_COURSE_REQUIRE_BROWSER is set (scripts/test sets it once the script
/// worked), when that is a failure.
pub fn chromium() -> Option<&'static Path> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let output = Command::new("bash")
            .arg(root().join("scripts/browser-setup"))
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| e.to_string())?;
        let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
        match output.status.success() && !path.is_empty() {
            true => Ok(PathBuf::from(path)),
            false => Err(String::from_utf8_lossy(&output.stderr).trim().to_string()),
        }
    });
    match found {
        Ok(path) => Some(path),
        Err(why) if std::env::var_os("SM_COURSE_REQUIRE_BROWSER").is_some() => {
            panic!("SM_COURSE_REQUIRE_BROWSER is set but Chromium is not available: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: the browser test needs Chromium, which cannot be installed here: {why}");
            None
        }
    }
}

/// Where screenshots are kept: target/browser/, named in the test's output.
pub fn artifacts() -> PathBuf {
    let dir = root().join("target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

pub struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next: u64,
    session: String,
    /// Every event seen so far, in order.
    pub events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Chromium with a fresh profile and nothing running in the background,
    /// and a page to drive.
    pub fn start(chromium: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (their_in, our_out) = pipe();
        let (our_in, their_out) = pipe();
        let (fd3, fd4) = (their_in.as_raw_fd(), their_out.as_raw_fd());
        let mut cmd = Command::new(chromium);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--remote-debugging-pipe",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // The pipe's ends become the child's fds 3 and 4 (dup'd above 10
        // first, so neither overwrites the other on the way).
        unsafe {
            cmd.pre_exec(move || {
                let a = libc::fcntl(fd3, libc::F_DUPFD, 10);
                let b = libc::fcntl(fd4, libc::F_DUPFD, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        drop((their_in, their_out));
        let (tx, rx) = channel();
        let reader = std::fs::File::from(our_in);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).unwrap_or(0) > 0 {
                message.pop_if(|b| *b == 0);
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && tx.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let mut browser = Browser {
            child,
            to: std::fs::File::from(our_out),
            from: rx,
            next: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Page", "Network", "Runtime", "Log"] {
            browser.call(&format!("{domain}.enable"), json!({}));
        }
        browser
    }

    fn receive(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = self
            .from
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("chromium did not answer in time; events so far: {:#?}", self.events));
        if message.get("method").is_some() {
            self.events.push(message.clone());
        }
        message
    }

    /// Sends a command (to the page, once attached) and waits for its answer.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answer = self.receive(deadline);
            if answer["id"] == id {
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// Opens `url` and waits until it has loaded.
    pub fn open(&mut self, url: &str) {
        let seen = self.events.len();
        self.call("Page.navigate", json!({"url": url}));
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.events[seen..].iter().any(|e| e["method"] == "Page.loadEventFired") {
            self.receive(deadline);
        }
    }

    /// A page's width and height (CSS pixels), as a phone or a laptop shows it.
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// The value of a JavaScript expression run in the page.
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        assert!(result.get("exceptionDetails").is_none(), "{expression}: {result}");
        result["result"]["value"].clone()
    }

    /// The whole page as a PNG, written to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let shot = self.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            }),
        );
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
        println!("screenshot: {}", path.display());
    }

    /// The URLs the page asked for since event `from`.
    pub fn requests(&self, from: usize) -> Vec<String> {
        self.events[from..]
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .map(|e| e["params"]["request"]["url"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// Requests that failed, console errors and exceptions since event `from`.
    pub fn problems(&self, from: usize) -> Vec<Value> {
        self.events[from..]
            .iter()
            .filter(|e| {
                let method = e["method"].as_str().unwrap_or("");
                method == "Network.loadingFailed"
                    || method == "Runtime.exceptionThrown"
                    || (method == "Log.entryAdded" && e["params"]["entry"]["level"] == "error")
                    || (method == "Runtime.consoleAPICalled" && e["params"]["type"] == "error")
            })
            .cloned()
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
