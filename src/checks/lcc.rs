//! Lifecycle scripts that stop idle resources: which public sample a script
//! is, and the idle time it sets. Pure text reading, no I/O.
//!
//! The samples, as published by AWS:
//! - aws-samples/sagemaker-studio-apps-lifecycle-config-examples:
//!   `jupyterlab/auto-stop-idle/on-start.sh` installs the
//!   `sagemaker_studio_jlab_auto_stop_idle` package and runs
//!   `auto_stop_idle.py --idle-time $IDLE_TIME_IN_SECONDS` from cron;
//!   `code-editor/auto-stop-idle/on-start.sh` installs
//!   `sagemaker_code_editor_auto_shut_down` and runs
//!   `auto_stop_idle.py --time $IDLE_TIME_IN_SECONDS`. Both in seconds.
//! - aws-samples/sagemaker-studio-auto-shutdown-extension (Studio Classic),
//!   installed by a script that sets `TIMEOUT_IN_MINS`, in minutes.
//! - aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples:
//!   `scripts/auto-stop-idle/on-start.sh` fetches `autostop.py` and runs
//!   `autostop.py --time $IDLE_TIME` from cron, in seconds.

/// Markers of the known scripts, most specific first, with the name we
/// report.
const MARKERS: [(&str, &str); 8] = [
    ("sagemaker_studio_jlab_auto_stop_idle", "JupyterLab auto-stop-idle"),
    ("sagemaker_code_editor_auto_shut_down", "Code Editor auto-stop-idle"),
    (
        "sagemaker-studio-autoshutdown",
        "sagemaker-studio-auto-shutdown-extension",
    ),
    (
        "sagemaker_studio_autoshutdown",
        "sagemaker-studio-auto-shutdown-extension",
    ),
    // The notebook-instance sample lives under `scripts/auto-stop-idle/`.
    ("autostop.py", "autostop.py"),
    ("auto_stop_idle.py", "auto-stop-idle"),
    ("auto-stop-idle", "auto-stop-idle"),
    ("auto_stop_idle", "auto-stop-idle"),
];

/// A script recognised as one that stops the resource when idle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AutoStop {
    /// Which sample it is.
    pub script: &'static str,
    /// The idle time it sets, in minutes; None when the script does not say.
    pub minutes: Option<u32>,
}

/// Which known auto-stop script `script` is, and its idle time.
pub(crate) fn recognise(script: &str) -> Option<AutoStop> {
    let (_, name) = MARKERS.iter().find(|(marker, _)| script.contains(marker))?;
    Some(AutoStop {
        script: name,
        minutes: idle_minutes(script),
    })
}

/// Seconds as whole minutes, rounded up (90 s is 2 min, not 1).
fn minutes_of(seconds: u64) -> u32 {
    u32::try_from(seconds.div_ceil(60)).unwrap_or(u32::MAX)
}

/// `NAME=VALUE` assignments of the script (with or without `export`,
/// quotes or a trailing comment), last one wins, as in the shell.
fn assigned(script: &str, name: &str) -> Option<u64> {
    script
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            let value = line.strip_prefix(name)?.strip_prefix('=')?;
            number(value)
        })
        .next_back()
}

/// A leading number, quotes allowed: `3600`, `"3600"  # an hour`.
fn number(value: &str) -> Option<u64> {
    let value = value.trim().trim_start_matches(['"', '\'']);
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    let rest = value[digits.len()..].trim_start_matches(['"', '\'']);
    // `3600s`, `60*60`: not a plain number, so not a stated time.
    if rest.starts_with(|c: char| !c.is_whitespace() && c != ';' && c != '#') {
        return None;
    }
    digits.parse().ok()
}

/// The value given to `--idle-time` or `--time` (seconds in every sample):
/// a number, or `$VAR`/`${VAR}` set elsewhere in the script.
fn argument(script: &str) -> Option<u64> {
    for flag in ["--idle-time", "--time"] {
        let mut rest = script;
        while let Some(at) = rest.find(flag) {
            rest = &rest[at + flag.len()..];
            // `--time` must not match `--timeout`: a space or `=` follows.
            let Some(value) = rest.strip_prefix([' ', '=']) else {
                continue;
            };
            let value = value.trim_start();
            let token: String = value
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '\'' | '"' | ';' | '|' | '>'))
                .collect();
            let found = match token.strip_prefix('$') {
                Some(var) => assigned(script, var.trim_start_matches('{').trim_end_matches('}')),
                None => number(&token),
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The idle time the script sets, in minutes: the `--idle-time`/`--time`
/// argument (seconds), else `IDLE_TIME_IN_SECONDS` or `IDLE_TIME` (seconds),
/// else `TIMEOUT_IN_MINS` (minutes). None when it says none of these.
pub(crate) fn idle_minutes(script: &str) -> Option<u32> {
    if let Some(seconds) = argument(script)
        .or_else(|| assigned(script, "IDLE_TIME_IN_SECONDS"))
        .or_else(|| assigned(script, "IDLE_TIME"))
    {
        return Some(minutes_of(seconds));
    }
    assigned(script, "TIMEOUT_IN_MINS").map(|m| u32::try_from(m).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JUPYTERLAB: &str = r#"#!/bin/bash
set -eux
ASI_VERSION=0.2.0
IDLE_TIME_IN_SECONDS=3600       # The max time (in seconds) the JupyterLab app can stay idle
PYTHON_PACKAGE=sagemaker_studio_jlab_auto_stop_idle-$ASI_VERSION.tar.gz
PYTHON_SCRIPT_PATH=$SOLUTION_DIR/sagemaker_studio_jlab_auto_stop_idle/auto_stop_idle.py
echo "*/2 * * * * /bin/bash -ic '$CONDA_HOME/python $PYTHON_SCRIPT_PATH --idle-time $IDLE_TIME_IN_SECONDS --hostname $JL_HOSTNAME \
--port $JL_PORT >> $LOG_FILE'" | sudo crontab -
"#;

    const CODE_EDITOR: &str = r#"#!/bin/bash
IDLE_TIME_IN_SECONDS=1800  # in seconds
PYTHON_PACKAGE=sagemaker_code_editor_auto_shut_down-$ASI_VERSION.tar.gz
echo "*/2 * * * * /bin/bash -ic '$CONDA_HOME/python $PYTHON_SCRIPT_PATH --time $IDLE_TIME_IN_SECONDS --region $AWS_DEFAULT_REGION >> $LOG_FILE'" | sudo crontab -
"#;

    const NOTEBOOK: &str = r#"#!/bin/bash
IDLE_TIME=3600
wget https://raw.githubusercontent.com/aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples/master/scripts/auto-stop-idle/autostop.py
(crontab -l 2>/dev/null; echo "*/5 * * * * $PYTHON_DIR $PWD/autostop.py --time $IDLE_TIME --ignore-connections >> /var/log/jupyter.log") | crontab -
"#;

    const CLASSIC: &str = r#"#!/bin/bash
# installs the SageMaker Studio auto-shutdown extension
TIMEOUT_IN_MINS=120
wget https://github.com/aws-samples/sagemaker-studio-auto-shutdown-extension/raw/main/sagemaker_studio_autoshutdown-0.1.5.tar.gz
"#;

    #[test]
    fn the_public_samples_are_recognised_with_their_idle_time_in_minutes() {
        assert_eq!(
            recognise(JUPYTERLAB),
            Some(AutoStop {
                script: "JupyterLab auto-stop-idle",
                minutes: Some(60)
            })
        );
        assert_eq!(
            recognise(CODE_EDITOR),
            Some(AutoStop {
                script: "Code Editor auto-stop-idle",
                minutes: Some(30)
            })
        );
        assert_eq!(
            recognise(NOTEBOOK),
            Some(AutoStop {
                script: "autostop.py",
                minutes: Some(60)
            })
        );
        assert_eq!(
            recognise(CLASSIC),
            Some(AutoStop {
                script: "sagemaker-studio-auto-shutdown-extension",
                minutes: Some(120)
            })
        );
    }

    #[test]
    fn a_time_given_directly_or_quoted_is_read_and_rounded_up() {
        assert_eq!(
            idle_minutes("python autostop.py --time 5400 --ignore-connections"),
            Some(90)
        );
        assert_eq!(idle_minutes("python auto_stop_idle.py --idle-time=90"), Some(2));
        assert_eq!(idle_minutes("export IDLE_TIME=\"7200\" # two hours"), Some(120));
        assert_eq!(
            idle_minutes("IDLE_TIME=60\nIDLE_TIME=120\n"),
            Some(2),
            "the last one wins"
        );
        assert_eq!(idle_minutes("T=600\npython auto_stop_idle.py --time ${T}"), Some(10));
    }

    #[test]
    fn a_script_without_a_stated_time_has_none_never_zero() {
        for script in [
            "pip install sagemaker_studio_jlab_auto_stop_idle\npython auto_stop_idle.py --idle-time $FROM_ELSEWHERE",
            "python autostop.py --timeout 30",
            "IDLE_TIME=$((60*60))\npython autostop.py --time $IDLE_TIME",
            "IDLE_TIME=60m",
        ] {
            assert_eq!(idle_minutes(script), None, "{script}");
        }
        let found = recognise("curl … sagemaker_code_editor_auto_shut_down …").unwrap();
        assert_eq!(found.minutes, None);
        assert_eq!(recognise("echo hello"), None);
    }
}
