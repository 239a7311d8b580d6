//! The resource the tool runs in, when it runs in a SageMaker Studio app or
//! on a notebook instance: both write `/opt/ml/metadata/resource-metadata.json`
//! (keys `AppType`, `DomainId`, `UserProfileName`, `SpaceName`,
//! `ResourceName`, `ResourceArn`; see "Get App Metadata" in the SageMaker
//! Developer Guide and the notebook-instance lifecycle samples, which read
//! `ResourceName` from the same file). Parsing is pure; `read` is the one
//! place the file is opened. A missing or odd file is never fatal: the tool
//! then knows no current resource.

use serde::{Deserialize, Serialize};

use super::App;
use super::inventory::ResourceKind;

/// Where SageMaker writes the metadata.
pub(crate) const METADATA_PATH: &str = "/opt/ml/metadata/resource-metadata.json";

/// Reads another file instead (tests; documented in the README).
pub(crate) const METADATA_ENV: &str = "SM_COURSE_STUDIO_METADATA";

/// The resource the learner is working in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Current {
    /// `studio-app` or `notebook-instance`.
    pub kind: ResourceKind,
    /// The app's name (`default` for a JupyterLab space app), or the
    /// notebook instance's name.
    pub name: String,
    /// From `ResourceArn`.
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
    /// `JupyterLab`, `CodeEditor`, `KernelGateway`, `JupyterServer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
}

impl Current {
    /// Is `app` the one the learner works in? The domain, type and name
    /// match, and the owner (space, else user profile) when the file names it.
    pub fn is_app(&self, app: &App) -> bool {
        self.kind == ResourceKind::StudioApp
            && self.domain_id.as_deref() == Some(app.domain_id.as_str())
            && self.app_type.as_deref() == Some(app.app_type.as_str())
            && self.name == app.name
            && match (&self.space, &self.user_profile) {
                (Some(space), _) => app.space.as_ref() == Some(space),
                (None, Some(profile)) => app.user_profile.as_ref() == Some(profile),
                (None, None) => true,
            }
    }

    /// Is the notebook instance `name` the one the learner works on? (The
    /// ARN lower-cases the name; `ResourceName` keeps it, but compare
    /// without case to be safe: names differing only in case cannot coexist.)
    pub fn is_notebook(&self, name: &str) -> bool {
        self.kind == ResourceKind::NotebookInstance && self.name.eq_ignore_ascii_case(name)
    }

    pub fn is_studio(&self) -> bool {
        self.kind == ResourceKind::StudioApp
    }
}

/// A non-empty string value of `key`.
fn field(value: &serde_json::Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The resource the metadata names, or why it names none.
///
/// `ResourceArn` is `arn:aws:sagemaker:REGION:ACCOUNT:app/DOMAIN/OWNER/TYPE/NAME`
/// in Studio and `…:notebook-instance/NAME` on a notebook instance.
pub(crate) fn parse(text: &str) -> Result<Current, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if !value.is_object() {
        return Err("not a JSON object".into());
    }
    let arn = field(&value, "ResourceArn");
    let parts: Vec<&str> = arn.as_deref().map(|a| a.splitn(6, ':').collect()).unwrap_or_default();
    let (region, resource) = match parts.as_slice() {
        ["arn", _, "sagemaker", region, _, resource] => {
            (Some(region.to_string()).filter(|r| !r.is_empty()), Some(*resource))
        }
        [] => (None, None),
        _ => {
            return Err(format!(
                "ResourceArn is not a SageMaker ARN: {}",
                arn.unwrap_or_default()
            ));
        }
    };
    let path: Vec<&str> = resource.map(|r| r.split('/').collect()).unwrap_or_default();
    let domain_id = field(&value, "DomainId");
    match path.first().copied() {
        Some("notebook-instance") => {
            let name = field(&value, "ResourceName")
                .or_else(|| path.get(1).filter(|n| !n.is_empty()).map(|n| n.to_string()))
                .ok_or("no notebook instance name")?;
            Ok(Current {
                kind: ResourceKind::NotebookInstance,
                name,
                region,
                domain_id: None,
                user_profile: None,
                space: None,
                app_type: None,
            })
        }
        Some("app") | None if domain_id.is_some() || path.len() == 5 => {
            let from_arn = |i: usize| path.get(i).map(|s| s.to_string()).filter(|s| !s.is_empty());
            let app_type = field(&value, "AppType").or_else(|| from_arn(3));
            let name = field(&value, "ResourceName")
                .or_else(|| from_arn(4))
                .ok_or("no app name (ResourceName)")?;
            Ok(Current {
                kind: ResourceKind::StudioApp,
                name,
                region,
                domain_id: domain_id.or_else(|| from_arn(1)),
                user_profile: field(&value, "UserProfileName"),
                space: field(&value, "SpaceName"),
                app_type,
            })
        }
        Some(other) => Err(format!("unknown resource type in ResourceArn: {other}")),
        None => Err("neither ResourceArn nor DomainId".into()),
    }
}

/// The metadata file to read: `SM_COURSE_STUDIO_METADATA`, else SageMaker's.
pub(crate) fn metadata_path() -> std::path::PathBuf {
    std::env::var_os(METADATA_ENV)
        .filter(|p| !p.is_empty())
        .map_or_else(|| METADATA_PATH.into(), std::path::PathBuf::from)
}

/// What the metadata file says: whether there is one, and the resource it
/// names (or why it names none, for `-v`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Metadata {
    pub present: bool,
    pub current: Option<Current>,
    pub note: Option<String>,
}

/// Reads the metadata file, once per process. Never fails: a missing file
/// is "not in SageMaker"; an unreadable or odd one is noted (shown under `-v`).
pub(crate) fn read() -> Metadata {
    static READ: std::sync::OnceLock<Metadata> = std::sync::OnceLock::new();
    READ.get_or_init(read_now).clone()
}

fn read_now() -> Metadata {
    let path = metadata_path();
    let note = |why: String| {
        let note = format!("{}: {why}; the current resource is not known", path.display());
        tracing::info!(target: "sm_course::studio", "{note}");
        Some(note)
    };
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::env::var_os(METADATA_ENV).is_none() => {
            Metadata::default()
        }
        Err(e) => Metadata {
            present: false,
            current: None,
            note: note(e.to_string()),
        },
        Ok(text) => match parse(&text) {
            Ok(current) => Metadata {
                present: true,
                current: Some(current),
                note: None,
            },
            Err(why) => Metadata {
                present: true,
                current: None,
                note: note(why),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(domain: &str, profile: Option<&str>, space: Option<&str>, app_type: &str, name: &str) -> App {
        App {
            domain_id: domain.into(),
            user_profile: profile.map(str::to_string),
            space: space.map(str::to_string),
            app_type: app_type.into(),
            name: name.into(),
            status: "InService".into(),
            instance_type: Some("ml.t3.medium".into()),
            created_at: None,
            image: None,
            activity: None,
        }
    }

    #[test]
    fn a_jupyterlab_space_app_is_read_from_studio_metadata() {
        let current = parse(
            r#"{"AppType":"JupyterLab","DomainId":"d-abc","SpaceName":"lab","UserProfileName":"",
                "ExecutionRoleArn":"arn:aws:iam::123456789012:role/x","ResourceName":"default",
                "ResourceArn":"arn:aws:sagemaker:eu-central-1:123456789012:app/d-abc/lab/JupyterLab/default",
                "AppImageVersion":"1.9"}"#,
        )
        .unwrap();
        assert_eq!(current.kind, ResourceKind::StudioApp);
        assert_eq!(current.region.as_deref(), Some("eu-central-1"));
        assert_eq!(
            (current.space.as_deref(), current.user_profile.as_deref()),
            (Some("lab"), None)
        );
        assert!(current.is_app(&app("d-abc", None, Some("lab"), "JupyterLab", "default")));
        assert!(!current.is_app(&app("d-abc", None, Some("other"), "JupyterLab", "default")));
        assert!(!current.is_app(&app("d-abc", None, Some("lab"), "CodeEditor", "default")));
        assert!(!current.is_notebook("default"));
    }

    #[test]
    fn a_studio_classic_app_is_owned_by_its_user_profile() {
        let current = parse(
            r#"{"AppType":"KernelGateway","DomainId":"d-abc","UserProfileName":"ana",
                "ResourceName":"datascience-1-0-ml-t3-medium-1abf",
                "ResourceArn":"arn:aws:sagemaker:us-east-1:123456789012:app/d-abc/ana/KernelGateway/datascience-1-0-ml-t3-medium-1abf"}"#,
        )
        .unwrap();
        assert!(current.is_app(&app(
            "d-abc",
            Some("ana"),
            None,
            "KernelGateway",
            "datascience-1-0-ml-t3-medium-1abf"
        )));
        assert!(!current.is_app(&app(
            "d-abc",
            Some("bia"),
            None,
            "KernelGateway",
            "datascience-1-0-ml-t3-medium-1abf"
        )));
    }

    #[test]
    fn a_notebook_instance_is_named_by_its_resource_name() {
        let current = parse(
            r#"{"ResourceArn":"arn:aws:sagemaker:sa-east-1:123456789012:notebook-instance/my-notebook","ResourceName":"My-Notebook"}"#,
        )
        .unwrap();
        assert_eq!(current.kind, ResourceKind::NotebookInstance);
        assert_eq!(
            (current.name.as_str(), current.region.as_deref()),
            ("My-Notebook", Some("sa-east-1"))
        );
        assert!(current.is_notebook("My-Notebook"));
        assert!(!current.is_app(&app("d-abc", None, None, "JupyterLab", "My-Notebook")));
    }

    #[test]
    fn odd_files_name_no_resource_and_say_why() {
        for text in [
            "",
            "[]",
            "{}",
            r#"{"ResourceArn":"arn:aws:s3:::bucket"}"#,
            r#"{"ResourceArn":"arn:aws:sagemaker:eu-west-1:1:endpoint/x"}"#,
            r#"{"ResourceArn":"arn:aws:sagemaker:eu-west-1:1:notebook-instance/"}"#,
            r#"{"DomainId":"d-abc"}"#,
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
