//! Networks and identities (issue 16): a private CA with the emulator over
//! HTTPS, a CONNECT proxy on loopback, SSO without a token, MFA.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::emulator::*;
use crate::util::*;

/// A private CA and a server certificate for 127.0.0.1 signed by it, made
/// with the openssl CLI: (CA certificate, server certificate, server key).
pub(crate) struct PrivateCa {
    pub(crate) ca: PathBuf,
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub(crate) fn private_ca(dir: &Path) -> PrivateCa {
    std::fs::write(
        dir.join("ca.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = v3_ca\n[dn]\nCN = sm-course test CA\n\
         [v3_ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n\
         subjectKeyIdentifier = hash\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n\
         subjectAltName = IP:127.0.0.1, DNS:localhost\n",
    )
    .unwrap();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
        dir,
        &[
            &[
                "req", "-x509", "-config", "ca.cnf", "-days", "2", "-keyout", "ca.key", "-out", "ca.pem",
            ][..],
            &ec,
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &[
                "req",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ][..],
            &ec,
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ],
    );
    PrivateCa {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    }
}

fn https_emulator(dir: &Path) -> (Emulator, PrivateCa) {
    let ca = private_ca(dir);
    let emulator = Emulator::with(Options {
        tls: Some((ca.cert.clone(), ca.key.clone())),
        ..Options::default()
    });
    (emulator, ca)
}

fn run(emulator: &Emulator, learner: &Learner, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = learner.command(args);
    emulator.configure(&mut cmd);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.stdin(std::process::Stdio::null()).output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_private_ca_is_trusted_with_aws_ca_bundle_and_named_without() {
    let learner = Learner::new();
    let (emulator, ca) = https_emulator(learner.dir.path());
    let args = ["module5", "check", "--only", "identity"];

    let untrusted = run(&emulator, &learner, &[], &args);
    let said = text(&untrusted);
    assert_eq!(untrusted.status.code(), Some(2), "{said}");
    assert!(said.contains("certificate of 127.0.0.1:"), "names the host: {said}");
    assert!(
        said.contains("AWS_CA_BUNDLE") && said.contains("ca_bundle"),
        "both fixes: {said}"
    );

    let ca_path = ca.ca.to_str().unwrap();
    let trusted = run(&emulator, &learner, &[("AWS_CA_BUNDLE", ca_path)], &args);
    assert_eq!(trusted.status.code(), Some(0), "{}", text(&trusted));

    // The profile's ca_bundle, from AWS_CONFIG_FILE, does the same.
    let config = learner.dir.path().join("aws-config");
    std::fs::write(&config, format!("[default]\nca_bundle = {ca_path}\n")).unwrap();
    let from_profile = run(
        &emulator,
        &learner,
        &[("AWS_CONFIG_FILE", config.to_str().unwrap())],
        &args,
    );
    assert_eq!(from_profile.status.code(), Some(0), "{}", text(&from_profile));

    // audit cannot read anything either: exit 2 with the same message.
    let audit = run(&emulator, &learner, &[], &["module5", "audit"]);
    assert_eq!(audit.status.code(), Some(2), "{}", text(&audit));
    assert!(text(&audit).contains("is not trusted"), "{}", text(&audit));
}

#[test]
fn an_unusable_ca_bundle_is_exit_2_naming_the_file() {
    let learner = Learner::new();
    let bundle = learner.dir.path().join("not-a-bundle.pem");
    std::fs::write(&bundle, "hello\n").unwrap();
    let emulator = Emulator::start();
    let output = run(
        &emulator,
        &learner,
        &[("AWS_CA_BUNDLE", bundle.to_str().unwrap())],
        &["module5", "check"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("not-a-bundle.pem"), "{}", text(&output));
}

/// A proxy on loopback that counts what went through it: CONNECT tunnels
/// (HTTPS) and forwarded plain-HTTP connections (absolute-form requests,
/// piped to the origin as they are: werkzeug takes the absolute form).
struct Proxy {
    port: u16,
    tunnels: Arc<AtomicUsize>,
    forwarded: Arc<AtomicUsize>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let tunnels = Arc::new(AtomicUsize::new(0));
        let forwarded = Arc::new(AtomicUsize::new(0));
        let counts = (tunnels.clone(), forwarded.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let counts = counts.clone();
                std::thread::spawn(move || relay(client, &counts.0, &counts.1));
            }
        });
        Proxy {
            port,
            tunnels,
            forwarded,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }

    fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }
}

fn relay(client: TcpStream, tunnels: &AtomicUsize, forwarded: &AtomicUsize) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut client = client;
    let mut words = head.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let (origin, connect) = if method == "CONNECT" {
        (target.to_string(), true)
    } else if let Some(rest) = target.strip_prefix("http://") {
        (rest.split('/').next().unwrap_or(rest).to_string(), false)
    } else {
        let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    let Ok(server) = TcpStream::connect(&origin) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    let mut upstream = server.try_clone().unwrap();
    if connect {
        tunnels.fetch_add(1, Ordering::SeqCst);
        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    } else {
        forwarded.fetch_add(1, Ordering::SeqCst);
        let _ = upstream.write_all(head.as_bytes());
    }
    // Whatever the reader already buffered belongs to the origin.
    let _ = upstream.write_all(reader.buffer());
    let mut from_client = reader.into_inner();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut upstream);
        let _ = upstream.shutdown(std::net::Shutdown::Write);
    });
    let mut server = server;
    let _ = std::io::copy(&mut server, &mut client);
    let _ = client.shutdown(std::net::Shutdown::Write);
}

#[test]
fn a_plain_http_endpoint_goes_through_http_proxy() {
    let learner = Learner::new();
    let emulator = Emulator::start();
    let proxy = Proxy::start();
    let args = ["module5", "check", "--only", "identity"];
    let proxied = run(&emulator, &learner, &[("HTTP_PROXY", &proxy.url())], &args);
    assert_eq!(proxied.status.code(), Some(0), "{}", text(&proxied));
    assert!(proxy.forwarded() >= 1, "the call went through the proxy");
    assert_eq!(proxy.tunnels(), 0, "plain HTTP is forwarded, not tunnelled");
    let before = proxy.forwarded();
    let bypassed = run(
        &emulator,
        &learner,
        &[("http_proxy", &proxy.url()), ("no_proxy", "127.0.0.1")],
        &args,
    );
    assert_eq!(bypassed.status.code(), Some(0), "{}", text(&bypassed));
    assert_eq!(proxy.forwarded(), before, "no_proxy (lower case) bypasses it");
}

#[test]
fn the_checks_go_through_https_proxy_unless_no_proxy_names_the_host() {
    let learner = Learner::new();
    let (emulator, ca) = https_emulator(learner.dir.path());
    let proxy = Proxy::start();
    let ca_path = ca.ca.to_str().unwrap();
    let args = ["module5", "check", "--only", "identity"];

    let proxied = run(
        &emulator,
        &learner,
        &[("AWS_CA_BUNDLE", ca_path), ("HTTPS_PROXY", &proxy.url())],
        &args,
    );
    assert_eq!(proxied.status.code(), Some(0), "{}", text(&proxied));
    let through = proxy.tunnels();
    assert!(through >= 1, "the call went through the proxy");

    let lower = run(
        &emulator,
        &learner,
        &[("AWS_CA_BUNDLE", ca_path), ("https_proxy", &proxy.url())],
        &args,
    );
    assert_eq!(lower.status.code(), Some(0), "{}", text(&lower));
    assert!(proxy.tunnels() > through, "https_proxy (lower case) too");
    let before = proxy.tunnels();

    let bypassed = run(
        &emulator,
        &learner,
        &[
            ("AWS_CA_BUNDLE", ca_path),
            ("HTTPS_PROXY", &proxy.url()),
            ("NO_PROXY", "127.0.0.1"),
        ],
        &args,
    );
    assert_eq!(bypassed.status.code(), Some(0), "{}", text(&bypassed));
    assert_eq!(proxy.tunnels(), before, "NO_PROXY bypasses the proxy");
}

const SSO_CONFIG: &str = "[profile learner]\nsso_session = corp\nsso_account_id = 123456789012\n\
                          sso_role_name = Learner\nregion = eu-central-1\n\n[sso-session corp]\n\
                          sso_start_url = https://example.awsapps.com/start\nsso_region = eu-central-1\n";

/// `check --profile learner` with an SSO profile and no access keys.
fn sso_check(learner: &Learner, emulator: &Emulator) -> (Output, std::time::Duration) {
    let config = learner.dir.path().join("aws-config");
    std::fs::write(&config, SSO_CONFIG).unwrap();
    let mut cmd = learner.command(&["module5", "check", "--profile", "learner"]);
    emulator.configure(&mut cmd);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .env("HOME", learner.dir.path());
    let started = std::time::Instant::now();
    let output = cmd.stdin(std::process::Stdio::null()).output().unwrap();
    (output, started.elapsed())
}

#[test]
fn an_sso_profile_without_a_token_says_run_aws_sso_login() {
    let learner = Learner::new();
    let emulator = Emulator::start();
    let (output, took) = sso_check(&learner, &emulator);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.contains("run `aws sso login --profile learner`"), "{said}");
    assert!(took < std::time::Duration::from_secs(2), "took {took:?}");

    // An expired token (sha1 of the session name, as aws-config caches it).
    let cache = learner.dir.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"old","expiresAt":"2020-01-01T00:00:00Z","region":"eu-central-1","startUrl":"https://example.awsapps.com/start"}"#,
    )
    .unwrap();
    let (output, _) = sso_check(&learner, &emulator);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.contains("run `aws sso login --profile learner`"), "{said}");
    assert!(said.contains("expired"), "{said}");
}

const MFA_ROLE: &str = "arn:aws:iam::123456789012:role/Course";
const MFA_DEVICE: &str = "arn:aws:iam::123456789012:mfa/learner";

/// The emulator with a role that needs MFA device `MFA_DEVICE` and code
/// 123456, and a config whose profile `course` assumes it from `base`.
fn mfa_setup(learner: &Learner) -> (Emulator, PathBuf) {
    let emulator = Emulator::with(Options {
        mfa_roles: vec![format!("{MFA_ROLE}={MFA_DEVICE}:123456")],
        ..Options::default()
    });
    let config = learner.dir.path().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n\
             [profile course]\nrole_arn = {MFA_ROLE}\nsource_profile = base\nmfa_serial = {MFA_DEVICE}\n\
             region = eu-central-1\n"
        ),
    )
    .unwrap();
    (emulator, config)
}

fn mfa_run(learner: &Learner, emulator: &Emulator, config: &Path, args: &[&str]) -> (Output, std::time::Duration) {
    let mut cmd = learner.command(args);
    emulator.configure(&mut cmd);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", config)
        .env("AWS_PROFILE", "course");
    let started = std::time::Instant::now();
    let output = cmd.stdin(std::process::Stdio::null()).output().unwrap();
    (output, started.elapsed())
}

#[test]
fn an_mfa_profile_takes_mfa_code_and_reuses_the_session() {
    let learner = Learner::new();
    let (emulator, config) = mfa_setup(&learner);
    let check = ["module5", "check", "--only", "identity", "--format", "json"];

    // No terminal, no flag: exit 2 at once, naming the profile, the device and both ways.
    let (output, took) = mfa_run(&learner, &emulator, &config, &check);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(took < std::time::Duration::from_secs(2), "took {took:?}");
    for part in ["course", MFA_DEVICE, "--mfa-code", "terminal"] {
        assert!(said.contains(part), "names {part}: {said}");
    }

    // A wrong code: the role refuses, exit 2.
    let wrong = [&check[..], &["--mfa-code", "000000"]].concat();
    let (output, _) = mfa_run(&learner, &emulator, &config, &wrong);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("could not assume its role with MFA"),
        "{}",
        text(&output)
    );

    // The right code: AssumeRole with SerialNumber and TokenCode, the checks run as the role.
    let right = [&check[..], &["--mfa-code", "123456"]].concat();
    let (output, _) = mfa_run(&learner, &emulator, &config, &right);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(text(&output).contains("assumed-role/Course"), "{}", text(&output));
    let cached = learner.home().join("cache/mfa-course.json");
    assert!(cached.exists(), "the session is cached");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&cached).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // Next time, no code: the cached session is reused, on every account command.
    let (output, _) = mfa_run(&learner, &emulator, &config, &check);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let (output, _) = mfa_run(&learner, &emulator, &config, &["module5", "audit", "--format", "json"]);
    assert_ne!(output.status.code(), Some(2), "{}", text(&output));
}

#[test]
fn every_account_command_takes_mfa_code() {
    let learner = Learner::new();
    for args in [
        &["module5", "check", "--mfa-code", "1"][..],
        &["module5", "audit", "--mfa-code", "1"],
        &["module5", "--mfa-code", "1", "--help"],
        &["module5", "fix", "budget", "--help"],
        &["module5", "fix", "idle-shutdown", "--help"],
        &["module5", "audit", "--help"],
    ] {
        let output = learner.run(args);
        let said = text(&output);
        assert!(!said.contains("unexpected argument"), "{args:?}: {said}");
        if args.contains(&"--help") {
            assert!(said.contains("--mfa-code"), "{args:?}: {said}");
        }
    }
}

#[test]
fn on_a_terminal_the_mfa_code_is_asked_naming_the_device() {
    let learner = Learner::new();
    let (emulator, config) = mfa_setup(&learner);
    let mut cmd = Command::new(BIN);
    cmd.args(["module5", "check", "--only", "identity"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SM_COURSE_HOME", learner.home())
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    emulator.configure(&mut cmd);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "course");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(15)));
    session
        .expect(format!("MFA code for {MFA_DEVICE}").as_str())
        .expect("asks for the code naming the device");
    session.send("123456\r").unwrap();
    session.expect("Course").expect("the checks run as the role");
    match session.get_process().wait().unwrap() {
        expectrl::WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("did not exit normally: {other:?}"),
    }
}

#[test]
fn instructor_verify_assumes_the_instructors_mfa_role_with_mfa_code() {
    let learner = Learner::new();
    let (emulator, config) = mfa_setup(&learner);
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        "[[student]]\nname = \"Ana\"\naccount_id = \"100000000001\"\nrole_name = \"CourseAudit\"\n\
         region = \"eu-central-1\"\n",
    )
    .unwrap();
    let verify = ["instructor", "verify", roster.to_str().unwrap(), "--format", "csv"];
    let (output, took) = mfa_run(&learner, &emulator, &config, &verify);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(took < std::time::Duration::from_secs(2), "took {took:?}");
    assert!(said.contains("--mfa-code") && said.contains("course"), "{said}");

    let with_code = [&verify[..], &["--mfa-code", "123456"]].concat();
    let (output, _) = mfa_run(&learner, &emulator, &config, &with_code);
    let said = text(&output);
    assert_ne!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("100000000001,eu-central-1,ok"),
        "the student's account was read: {said}"
    );
}

#[test]
fn an_mfa_role_with_credential_source_environment_assumes_from_the_environment() {
    let learner = Learner::new();
    let (emulator, _) = mfa_setup(&learner);
    let config = learner.dir.path().join("aws-config-env");
    std::fs::write(
        &config,
        format!(
            "[profile course]\nrole_arn = {MFA_ROLE}\ncredential_source = Environment\n\
             mfa_serial = {MFA_DEVICE}\nregion = eu-central-1\n"
        ),
    )
    .unwrap();
    // The emulator's test keys stay in the environment: they are the source
    // (with AWS_PROFILE instead of --profile they would simply be used, as
    // the aws CLI does).
    let args = [
        "module5",
        "check",
        "--only",
        "identity",
        "--profile",
        "course",
        "--mfa-code",
        "123456",
    ];
    let mut cmd = learner.command(&args);
    emulator.configure(&mut cmd);
    cmd.env("AWS_CONFIG_FILE", &config);
    let output = cmd.stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(text(&output).contains("assumed-role/Course"), "{}", text(&output));

    // AWS_PROFILE with access keys in the environment: the keys, no MFA asked.
    let mut cmd = learner.command(&["module5", "check", "--only", "identity"]);
    emulator.configure(&mut cmd);
    cmd.env("AWS_CONFIG_FILE", &config).env("AWS_PROFILE", "course");
    let output = cmd.stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(!text(&output).contains("assumed-role"), "{}", text(&output));
}
