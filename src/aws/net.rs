//! The HTTP client every call goes through, credential providers included:
//! the system's trust roots plus `AWS_CA_BUNDLE` (or the profile's
//! `ca_bundle`), and the proxy variables `HTTPS_PROXY`/`HTTP_PROXY`/
//! `NO_PROXY` (either case). The SDK's default client does neither
//! (awslabs/aws-sdk-rust#1362, #527); aws-smithy-http-client has both, off
//! by default (`TrustStore::with_pem_certificate`, `ProxyConfig::from_env`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_http_client::Connector;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{SharedHttpClient, SharedHttpConnector, http_client_fn};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// Where the extra certificates come from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CaBundle {
    pub path: PathBuf,
}

/// `AWS_CA_BUNDLE`, else `ca_bundle` of `profile` in the config file.
pub(super) fn ca_bundle(profile: &str) -> Option<CaBundle> {
    let path = match std::env::var("AWS_CA_BUNDLE") {
        Ok(path) if !path.is_empty() => path,
        _ => super::profile::settings(profile).remove("ca_bundle")?,
    };
    Some(CaBundle {
        path: super::profile::expand(&path),
    })
}

/// The bundle's usable certificates as PEM (the TLS layer panics on one
/// that does not parse, so only those that do are passed on), or why there
/// are none. A system bundle with an odd old certificate still works, as
/// it does for the aws CLI.
pub(super) fn read_bundle(path: &Path) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM file ({e})"))?;
    if certs.is_empty() {
        return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in it".to_string());
    }
    let mut pem = String::new();
    let mut last_error = None;
    for cert in certs {
        let mut roots = rustls::RootCertStore::empty();
        let der = cert.as_ref().to_vec();
        match roots.add(cert) {
            Ok(()) => {
                let text = base64::engine::general_purpose::STANDARD.encode(der);
                pem.push_str("-----BEGIN CERTIFICATE-----\n");
                for line in text.as_bytes().chunks(64) {
                    pem.push_str(&String::from_utf8_lossy(line));
                    pem.push('\n');
                }
                pem.push_str("-----END CERTIFICATE-----\n");
            }
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    match (pem.is_empty(), last_error) {
        (true, Some(e)) => Err(format!("no certificate in it can be used ({e})")),
        _ => Ok(pem.into_bytes()),
    }
}

/// The client: native roots plus `extra` (PEM), proxies from the environment.
/// One connector per timeout setting is kept, so connections are pooled.
pub(super) fn http_client(extra: Option<Vec<u8>>) -> SharedHttpClient {
    let mut store = TrustStore::default();
    if let Some(pem) = extra {
        store = store.with_pem_certificate(pem);
    }
    let context = TlsContext::builder()
        .with_trust_store(store)
        .build()
        .unwrap_or_default();
    type Key = (Option<Duration>, Option<Duration>);
    let connectors: Arc<Mutex<Vec<(Key, SharedHttpConnector)>>> = Arc::default();
    http_client_fn(move |settings, components| {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = connectors.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, connector)) = connectors.iter().find(|(k, _)| *k == key) {
            return connector.clone();
        }
        let mut builder = Connector::builder()
            .connector_settings(settings.clone())
            .proxy_config(ProxyConfig::from_env());
        builder.set_sleep_impl(components.sleep_impl());
        let connector = SharedHttpConnector::new(
            builder
                .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                .tls_context(context.clone())
                .build(),
        );
        connectors.push((key, connector.clone()));
        connector
    })
}

/// A TLS failure because the server's certificate chains to no trusted root.
pub(super) fn is_untrusted(text: &str) -> bool {
    let text = text.to_lowercase();
    text.contains("unknownissuer")
        || text.contains("unknown issuer")
        || text.contains("invalid peer certificate")
        || text.contains("certificate verify failed")
}

/// The gist of such a failure ("invalid peer certificate: UnknownIssuer"),
/// without the layers of connector errors around it.
pub(super) fn tls_reason(text: &str) -> String {
    let lower = text.to_lowercase();
    match lower.find("invalid peer certificate") {
        Some(start) => {
            let rest = &text[start..];
            let end = rest
                .char_indices()
                .skip("invalid peer certificate: ".len())
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(rest.len(), |(i, _)| i);
            rest[..end].to_string()
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_must_hold_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        assert!(read_bundle(&missing).is_err());
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "nothing here\n").unwrap();
        assert!(read_bundle(&empty).unwrap_err().contains("no PEM certificate"));
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(read_bundle(&broken).is_err());
        // The system's own bundle, when there is one, is accepted whole.
        let system = Path::new("/etc/ssl/certs/ca-certificates.crt");
        if system.exists() {
            let pem = read_bundle(system).unwrap();
            let count = CertificateDer::pem_slice_iter(&pem).count();
            assert!(count > 10, "{count} certificates kept");
        }
    }

    #[test]
    fn sorts_the_tls_errors_of_an_unknown_issuer() {
        assert!(is_untrusted(
            "dispatch failure: io error: invalid peer certificate: UnknownIssuer"
        ));
        assert!(!is_untrusted(
            "dispatch failure: io error: Connection refused (os error 111)"
        ));
        assert_eq!(
            tls_reason(
                "io error: client error (Connect): TLS handshake failed: invalid peer certificate: UnknownIssuer (DispatchFailure(…"
            ),
            "invalid peer certificate: UnknownIssuer"
        );
    }
}
