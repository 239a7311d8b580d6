//! The AWS emulator (tests/emulator/server.py: moto plus the calls it lacks),
//! started per test on a free port and stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "eu-central-1";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Installs the emulator once per test run (scripts/emulator-setup is a
/// no-op when it is current), so `cargo test` works on its own too.
fn python() -> &'static PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let status = Command::new("bash")
            .arg(root().join("scripts/emulator-setup"))
            .status()
            .expect("run scripts/emulator-setup");
        assert!(
            status.success(),
            "scripts/emulator-setup failed: the emulator could not be installed"
        );
        root().join("target/emulator-venv/bin/python")
    })
}

pub struct Emulator {
    child: Child,
    pub url: String,
}

#[derive(Default)]
pub struct Options {
    pub latency_ms: u32,
    pub page_size: Option<u32>,
    /// `Operation=ErrorCode[:status]`, answered instead of the real call.
    pub faults: Vec<String>,
    /// Role ARNs that AssumeRole refuses.
    pub denied_roles: Vec<String>,
    /// `ROLE_ARN=SERIAL:CODE`: AssumeRole into it needs that MFA device and code.
    pub mfa_roles: Vec<String>,
    /// Serve HTTPS with this certificate and key (PEM files).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// `REGION=ErrorCode[:status]`: GetProducts for that region answers this error.
    pub pricing_faults: Vec<String>,
    /// What account:ListRegions lists (`R1,R2:ENABLED,…`); `None`, it is refused.
    pub enabled_regions: Option<String>,
    /// `REGION=ErrorCode[:status]`: every request signed for REGION gets it.
    pub region_faults: Vec<String>,
    /// How long what is deleted reports `Deleting` (and what is stopped
    /// `Stopping`); the emulator's default is 1 s.
    pub deleting_seconds: Option<f64>,
}

impl Emulator {
    pub fn start() -> Emulator {
        Emulator::with(Options::default())
    }

    pub fn with(options: Options) -> Emulator {
        let mut cmd = Command::new(python());
        cmd.arg(root().join("tests/emulator/server.py"))
            .args(["--port", "0", "--latency-ms", &options.latency_ms.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(size) = options.page_size {
            cmd.args(["--page-size", &size.to_string()]);
        }
        for fault in &options.faults {
            cmd.args(["--fault", fault]);
        }
        for fault in &options.pricing_faults {
            cmd.args(["--pricing-fault", fault]);
        }
        for role in &options.denied_roles {
            cmd.args(["--deny-role", role]);
        }
        for role in &options.mfa_roles {
            cmd.args(["--mfa-role", role]);
        }
        if let Some(regions) = &options.enabled_regions {
            cmd.args(["--enabled-regions", regions]);
        }
        for fault in &options.region_faults {
            cmd.args(["--region-fault", fault]);
        }
        if let Some(seconds) = options.deleting_seconds {
            cmd.args(["--deleting-seconds", &seconds.to_string()]);
        }
        if let Some((cert, key)) = &options.tls {
            cmd.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        }
        let mut child = cmd.spawn().expect("start the emulator");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(port) = line.trim().strip_prefix("READY ") else {
            let _ = child.kill();
            panic!("the emulator did not start: {line:?}");
        };
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        Emulator {
            url: format!("{scheme}://127.0.0.1:{port}"),
            child,
        }
    }

    /// Points a command at the emulator with test credentials, and nothing
    /// from the developer's own AWS setup.
    pub fn configure(&self, cmd: &mut Command) {
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", REGION)
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
    }

    /// Runs the binary as `learner`, against the emulator, with no terminal.
    pub fn run(&self, learner: &crate::util::Learner, args: &[&str]) -> std::process::Output {
        let mut cmd = learner.command(args);
        self.configure(&mut cmd);
        cmd.stdin(Stdio::null()).output().unwrap()
    }

    /// An SDK configuration for seeding the emulator.
    pub fn sdk(&self) -> SdkConfig {
        let creds = aws_sdk_sts::config::Credentials::new("testing", "testing", None, None, "tests");
        self.sdk_with(creds)
    }

    /// The same with other credentials (an assumed role, for another account).
    /// The SDK crates are built without a default HTTP client (the binary
    /// brings its own, src/aws/net.rs), so the harness names one too.
    pub fn sdk_with(&self, creds: impl aws_credential_types::provider::ProvideCredentials + 'static) -> SdkConfig {
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        block_on(
            aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(REGION))
                .endpoint_url(&self.url)
                .credentials_provider(creds)
                .http_client(http)
                .load(),
        )
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}
