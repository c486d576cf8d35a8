//! CloudFormation stacks as a workspace holds them once deployed (`cfn` deploys them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::clock::Millis;

/// A deployed stack, as `describe-stacks` and `list-stack-resources` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    pub name: String,
    pub stack_id: String,
    pub region: String,
    /// `CREATE_COMPLETE` or `UPDATE_COMPLETE`.
    pub status: String,
    pub created: Millis,
    pub last_updated: Option<Millis>,
    pub description: Option<String>,
    pub parameters: BTreeMap<String, String>,
    pub capabilities: Vec<String>,
    pub resources: BTreeMap<String, StackResource>,
    pub outputs: BTreeMap<String, String>,
}

/// One resource of a stack with its properties as deployed (every intrinsic resolved). IAM
/// roles and policies live only here: gluelab does not enforce permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackResource {
    pub logical_id: String,
    pub resource_type: String,
    /// What `Ref` returns: a bucket's, database's, table's, job's or role's name.
    pub physical_id: String,
    pub properties: Value,
    pub last_updated: Millis,
}
