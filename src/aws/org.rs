//! A class found in AWS Organizations: every account under an
//! organisational unit, OUs under OUs included (ListChildren for the OUs,
//! ListAccountsForParent for the accounts, each followed page by page).
//! Made with the instructor's own credentials (the management account or a
//! delegated administrator), never a student's.

use aws_config::{Region, SdkConfig};

use super::call_error;
use super::operations as op;
use crate::snapshot::{CallError, ErrorKind};

/// One account of the unit, with the name Organizations gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OrgAccount {
    pub id: String,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`,
    /// `PENDING_ACTIVATION` (the account's `State`, else its older `Status`,
    /// which AWS retires on 9 September 2026).
    pub state: String,
}

impl OrgAccount {
    /// Closed or being closed: its resources cannot be read, so it is
    /// listed and never verified.
    pub(crate) fn suspended(&self) -> bool {
        ["SUSPENDED", "PENDING_CLOSURE", "CLOSED"].contains(&self.state.as_str())
    }
}

/// Organizations is a global service with one endpoint per partition, in
/// us-east-1 for the commercial one (cn-northwest-1 in China, us-gov-west-1
/// in GovCloud): requests are signed for that region whatever the
/// instructor's region is.
fn home_region(region: Option<&str>) -> &'static str {
    match region {
        Some(r) if r.starts_with("cn-") => "cn-northwest-1",
        Some(r) if r.starts_with("us-gov-") => "us-gov-west-1",
        _ => "us-east-1",
    }
}

/// Every account under `unit` (an OU id, or a root id for the whole
/// organisation), sorted by name, or the first call that failed. A level of
/// the tree is read at once; the whole read is bounded like any list.
pub(crate) async fn accounts_under(base: &SdkConfig, unit: &str) -> Result<Vec<OrgAccount>, CallError> {
    let region = home_region(base.region().map(Region::as_ref));
    let config = aws_sdk_organizations::config::Builder::from(base)
        .region(Region::new(region))
        .build();
    let client = aws_sdk_organizations::Client::from_conf(config);
    let limit = super::timeout("READ_TIMEOUT", super::READ_TIMEOUT);
    let read = async {
        let mut accounts = Vec::new();
        let mut level = vec![unit.to_string()];
        while !level.is_empty() {
            let read = futures_util::future::try_join_all(level.iter().map(|parent| children(&client, parent)));
            let mut next = Vec::new();
            for (units, found) in read.await? {
                next.extend(units);
                accounts.extend(found);
            }
            level = next;
        }
        accounts.sort_by(|a: &OrgAccount, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        accounts.dedup_by(|a, b| a.id == b.id);
        Ok(accounts)
    };
    tokio::time::timeout(limit, read).await.unwrap_or_else(|_| {
        Err(CallError {
            operation: op::LIST_CHILDREN.to_string(),
            kind: ErrorKind::Timeout,
            message: format!("the read did not finish within {} s", limit.as_secs_f64()),
        })
    })
}

/// The OUs directly under `parent` and its accounts, every page of both.
async fn children(
    client: &aws_sdk_organizations::Client,
    parent: &str,
) -> Result<(Vec<String>, Vec<OrgAccount>), CallError> {
    let units = async {
        let pages: Vec<_> = client
            .list_children()
            .parent_id(parent)
            .child_type(aws_sdk_organizations::types::ChildType::OrganizationalUnit)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| call_error(op::LIST_CHILDREN, e))?;
        Ok::<_, CallError>(
            pages
                .iter()
                .flat_map(|page| page.children())
                .filter_map(|child| child.id().map(str::to_string))
                .collect::<Vec<_>>(),
        )
    };
    let accounts = async {
        let pages: Vec<_> = client
            .list_accounts_for_parent()
            .parent_id(parent)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map_err(|e| call_error(op::LIST_ACCOUNTS_FOR_PARENT, e))?;
        Ok::<_, CallError>(
            pages
                .iter()
                .flat_map(|page| page.accounts())
                .filter_map(|a| {
                    let id = a.id()?.to_string();
                    let state = a
                        .state()
                        .map(|s| s.as_str().to_string())
                        .or_else(|| a.status().map(|s| s.as_str().to_string()))
                        .unwrap_or_default();
                    Some(OrgAccount {
                        name: a.name().filter(|n| !n.is_empty()).unwrap_or(&id).to_string(),
                        id,
                        state,
                    })
                })
                .collect::<Vec<_>>(),
        )
    };
    futures_util::try_join!(units, accounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organizations_is_signed_for_its_partitions_home_region() {
        assert_eq!(home_region(Some("eu-central-1")), "us-east-1");
        assert_eq!(home_region(None), "us-east-1");
        assert_eq!(home_region(Some("cn-north-1")), "cn-northwest-1");
        assert_eq!(home_region(Some("us-gov-east-1")), "us-gov-west-1");
    }

    #[test]
    fn closed_accounts_are_listed_not_verified() {
        let account = |state: &str| OrgAccount {
            id: "111122223333".into(),
            name: "Ana".into(),
            state: state.into(),
        };
        assert!(account("SUSPENDED").suspended());
        assert!(account("PENDING_CLOSURE").suspended());
        assert!(account("CLOSED").suspended());
        assert!(!account("ACTIVE").suspended());
        assert!(!account("PENDING_ACTIVATION").suspended());
    }
}
