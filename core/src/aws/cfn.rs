//! CloudFormation: reads a template (YAML with the short tags `!Sub`, `!Ref`, `!GetAtt`,
//! `!Join`, or JSON) and deploys it into a [`Workspace`]: S3 buckets, Glue databases, tables
//! and jobs become real workspace objects; IAM roles and policies and Glue connections are kept
//! as data.
//!
//! A deploy is all or nothing, as a stack that rolls back leaves nothing behind: it runs on a
//! copy of the workspace and replaces it only when every resource was created. Anything the
//! model does not know — a resource type, an intrinsic function, a template section — is an
//! error before anything is created. Re-deploying an unchanged template changes nothing
//! ([`DeployOutcome::NoChanges`], what `--no-fail-on-empty-changeset` lets pass).
//!
//! **Modelled** (what CloudFormation does not document exactly):
//! - Generated names (`stack-Logical-1A2B3C4D5E6F` for roles, the same in lower case for
//!   buckets) take their suffix from an MD5 of the stack and logical id, so they are stable.
//! - On an update only Glue jobs (same name) and IAM resources change in place; any other
//!   changed or removed resource is refused with a clear message and nothing changes.
//! - A Glue job from a template always runs its script (`plan_from_script`): its stored plan is
//!   empty and is replaced by the script at `Command.ScriptLocation` on every run.

use std::collections::{BTreeMap, BTreeSet};

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::format::Format;
use crate::model::account::ACCOUNT_ID;
use crate::model::catalog::{Column, Table};
use crate::model::clock::Millis;
use crate::model::job::{JobDefinition, JobPlan};
use crate::model::stack::{Stack, StackResource};
use crate::model::store::hex;
use crate::workspace::Workspace;

pub const S3_BUCKET: &str = "AWS::S3::Bucket";
pub const GLUE_DATABASE: &str = "AWS::Glue::Database";
pub const GLUE_TABLE: &str = "AWS::Glue::Table";
pub const GLUE_JOB: &str = "AWS::Glue::Job";
pub const GLUE_CONNECTION: &str = "AWS::Glue::Connection";
pub const IAM_ROLE: &str = "AWS::IAM::Role";
pub const IAM_POLICY: &str = "AWS::IAM::Policy";
pub const IAM_MANAGED_POLICY: &str = "AWS::IAM::ManagedPolicy";

/// Every resource type a template may use, in the order a deploy creates independent ones.
pub const RESOURCE_TYPES: [&str; 8] = [
    S3_BUCKET,
    IAM_ROLE,
    IAM_MANAGED_POLICY,
    IAM_POLICY,
    GLUE_DATABASE,
    GLUE_TABLE,
    GLUE_CONNECTION,
    GLUE_JOB,
];

/// The intrinsic functions gluelab resolves.
pub const INTRINSICS: &str = "Ref, Fn::Sub, Fn::GetAtt, Fn::Join";

/// YAML short forms that stand for `Fn::<name>` (CloudFormation's list); only some resolve.
const SHORT_FORMS: [&str; 17] = [
    "Sub",
    "GetAtt",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "And",
    "Or",
    "Not",
    "FindInMap",
    "ImportValue",
    "Base64",
    "Cidr",
    "GetAZs",
    "Length",
    "ToJsonString",
];

const CAPABILITIES: [&str; 3] = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"];

/// Why a deploy did not happen. The workspace is unchanged whenever one is returned.
///
/// Kept apart from [`crate::Error`] because its names are CloudFormation's (`ValidationError`,
/// `InsufficientCapabilitiesException`), and a resource failure wraps the model's own error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    /// The template cannot be read, or uses something gluelab does not model.
    #[error("ValidationError: Template format error: {0}")]
    Template(String),
    /// The request is not valid (stack name, parameters, capabilities, an update gluelab cannot do).
    #[error("ValidationError: {0}")]
    Validation(String),
    #[error("InsufficientCapabilitiesException: Requires capabilities : [{0}]")]
    InsufficientCapabilities(String),
    /// A resource's properties are missing or malformed.
    #[error("Properties validation failed for resource {logical_id} with message: {message}")]
    Properties { logical_id: String, message: String },
    /// Creating a resource failed; the stack rolled back.
    #[error("{logical_id} ({resource_type}) CREATE_FAILED: {reason}")]
    ResourceFailed {
        logical_id: String,
        resource_type: String,
        reason: String,
    },
}

impl DeployError {
    /// The AWS error code a CLI prints in `An error occurred (...)`.
    pub fn code(&self) -> &'static str {
        match self {
            DeployError::Template(_) | DeployError::Validation(_) => "ValidationError",
            DeployError::InsufficientCapabilities(_) => "InsufficientCapabilitiesException",
            DeployError::Properties { .. } | DeployError::ResourceFailed { .. } => "CREATE_FAILED",
        }
    }

    /// The message without its code.
    pub fn message(&self) -> String {
        match self {
            DeployError::Template(m) => format!("Template format error: {m}"),
            DeployError::Validation(m) => m.clone(),
            DeployError::InsufficientCapabilities(c) => format!("Requires capabilities : [{c}]"),
            other => other.to_string(),
        }
    }
}

type Result<T, E = DeployError> = std::result::Result<T, E>;

fn template_error<T>(message: impl Into<String>) -> Result<T> {
    Err(DeployError::Template(message.into()))
}

/// A parsed template. Properties are JSON values still holding their intrinsic functions
/// (short YAML tags are turned into their long `Fn::` forms).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub description: Option<String>,
    pub parameters: Vec<ParameterDecl>,
    /// In template order.
    pub resources: Vec<ResourceDecl>,
    /// `(name, Value)` of each output, in template order.
    pub outputs: Vec<(String, Value)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDecl {
    pub name: String,
    pub parameter_type: String,
    pub default: Option<String>,
    pub allowed_values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDecl {
    pub logical_id: String,
    pub resource_type: String,
    /// Always a JSON object (empty when the template gives no `Properties`).
    pub properties: Value,
    pub depends_on: Vec<String>,
}

/// `aws cloudformation deploy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployRequest {
    pub stack_name: String,
    pub template: String,
    /// What `AWS::Region` resolves to.
    pub region: String,
    /// `--parameter-overrides Key=Value ...`.
    pub parameters: BTreeMap<String, String>,
    pub capabilities: Vec<String>,
}

impl DeployRequest {
    pub fn new(stack_name: &str, template: &str, region: &str) -> Self {
        Self {
            stack_name: stack_name.into(),
            template: template.into(),
            region: region.into(),
            parameters: BTreeMap::new(),
            capabilities: vec![],
        }
    }

    pub fn capability(mut self, capability: &str) -> Self {
        self.capabilities.push(capability.into());
        self
    }

    pub fn parameter(mut self, key: &str, value: &str) -> Self {
        self.parameters.insert(key.into(), value.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeployOutcome {
    Created,
    Updated,
    /// The template and parameters match what is deployed: nothing was done.
    NoChanges,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeAction {
    Add,
    Modify,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub action: ChangeAction,
    pub logical_id: String,
    pub resource_type: String,
    pub physical_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployReport {
    pub stack_name: String,
    pub outcome: DeployOutcome,
    /// Resources created or modified, in the order they were.
    pub changes: Vec<Change>,
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// Parses a template: JSON when it starts with `{` and parses as JSON, YAML otherwise.
pub fn parse_template(text: &str) -> Result<Template> {
    let raw = read_document(text)?;
    let Node::Mapping(top) = raw else {
        return template_error("the template must be a mapping with a Resources section");
    };
    let mut template = Template {
        description: None,
        parameters: vec![],
        resources: vec![],
        outputs: vec![],
    };
    let mut saw_resources = false;
    for (key, value) in top {
        let key = key_text(&key, "the template")?;
        match key.as_str() {
            "AWSTemplateFormatVersion" => {
                let version = scalar_text(&to_json(value, &key)?);
                if version.as_deref() != Some("2010-09-09") {
                    return template_error(format!(
                        "AWSTemplateFormatVersion is {}; the only valid version is 2010-09-09",
                        version.unwrap_or_else(|| "not a string".into())
                    ));
                }
            }
            "Description" => template.description = scalar_text(&to_json(value, &key)?),
            "Metadata" => {}
            "Parameters" => template.parameters = parse_parameters(value)?,
            "Resources" => {
                saw_resources = true;
                template.resources = parse_resources(value)?;
            }
            "Outputs" => template.outputs = parse_outputs(value)?,
            "Conditions" | "Mappings" | "Transform" | "Rules" | "Hooks" => {
                return template_error(format!(
                    "the {key} section is not supported by gluelab (it reads AWSTemplateFormatVersion, \
                     Description, Metadata, Parameters, Resources and Outputs)"
                ))
            }
            other => return template_error(format!("Invalid template property or properties [{other}]")),
        }
    }
    if !saw_resources || template.resources.is_empty() {
        return template_error("At least one Resources member must be defined.");
    }
    check_types(&template)?;
    check_intrinsics(&template)?;
    creation_order(&template)?;
    Ok(template)
}

/// A template as read, before it is interpreted: YAML's data model as far as templates use it
/// (JSON's, plus the short tags), with every mapping in its written order, so a template's
/// resources keep their order whichever syntax it is written in.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    /// Finite numbers; YAML's `.inf` and `.nan` are kept as the text YAML prints for them (as
    /// before, when they reached the JSON model as strings).
    Number(serde_json::Number),
    String(String),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
    /// A YAML tag (`!Sub`, `!Ref`, ...) as written, with the node it tags.
    #[cfg_attr(not(feature = "cfn"), allow(dead_code))]
    Tagged(String, Box<Node>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> serde::de::Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> std::result::Result<Node, E> {
                Ok(Node::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> std::result::Result<Node, E> {
                Ok(Node::Number(i.into()))
            }
            fn visit_u64<E>(self, u: u64) -> std::result::Result<Node, E> {
                Ok(Node::Number(u.into()))
            }
            fn visit_f64<E>(self, f: f64) -> std::result::Result<Node, E> {
                // JSON's numbers are finite.
                Ok(serde_json::Number::from_f64(f).map_or_else(|| Node::String(f.to_string()), Node::Number))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Node, E> {
                Ok(Node::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Node, E> {
                Ok(Node::String(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Node, A::Error> {
                let mut items = vec![];
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Sequence(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Node, A::Error> {
                // A repeated key keeps its first place and takes the last value, as YAML's
                // mapping (an IndexMap) did when it read JSON.
                let mut entries: Vec<(Node, Node)> = vec![];
                let mut places = std::collections::HashMap::new();
                while let Some((key, value)) = map.next_entry::<Node, Node>()? {
                    let place = match &key {
                        Node::String(s) => places.get(s).copied(),
                        _ => entries.iter().position(|(k, _)| *k == key),
                    };
                    match place {
                        Some(i) => entries[i].1 = value,
                        None => {
                            if let Node::String(s) = &key {
                                places.insert(s.clone(), entries.len());
                            }
                            entries.push((key, value));
                        }
                    }
                }
                Ok(Node::Mapping(entries))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

#[cfg(feature = "cfn")]
impl Node {
    /// serde_yaml's data model (which the maintained fork keeps), tags included.
    fn from_yaml(value: yaml_serde::Value) -> Node {
        use yaml_serde::Value as Y;
        match value {
            Y::Null => Node::Null,
            Y::Bool(b) => Node::Bool(b),
            Y::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Node::Number(i.into())
                } else if let Some(u) = n.as_u64() {
                    Node::Number(u.into())
                } else {
                    match n.as_f64().and_then(serde_json::Number::from_f64) {
                        Some(f) => Node::Number(f),
                        None => Node::String(n.to_string()),
                    }
                }
            }
            Y::String(s) => Node::String(s),
            Y::Sequence(items) => Node::Sequence(items.into_iter().map(Node::from_yaml).collect()),
            Y::Mapping(m) => Node::Mapping(
                m.into_iter()
                    .map(|(k, v)| (Node::from_yaml(k), Node::from_yaml(v)))
                    .collect(),
            ),
            Y::Tagged(tagged) => {
                let tagged = *tagged;
                Node::Tagged(tagged.tag.to_string(), Box::new(Node::from_yaml(tagged.value)))
            }
        }
    }
}

/// YAML through the `cfn` feature's parser (`yaml_serde`, the YAML organisation's maintained
/// serde_yaml).
#[cfg(feature = "cfn")]
fn read_yaml(text: &str) -> std::result::Result<Node, String> {
    flow_depth_within_limit(text)?;
    yaml_serde::from_str::<yaml_serde::Value>(text)
        .map(Node::from_yaml)
        .map_err(|e| e.to_string())
}

/// Refuses YAML whose flow collections (`[...]`, `{...}`) nest deeper than
/// [`crate::limits::YAML_MAX_FLOW_DEPTH`]: the YAML parser takes seconds over tens of thousands
/// of open brackets before its own recursion limit says no. Quoted scalars and comments are
/// skipped; the count only ever over-estimates.
#[cfg(feature = "cfn")]
fn flow_depth_within_limit(text: &str) -> std::result::Result<(), String> {
    use crate::limits::YAML_MAX_FLOW_DEPTH;
    let (mut depth, mut line, mut quote, mut comment) = (0usize, 1, None, false);
    let mut previous = b'\n';
    for &b in text.as_bytes() {
        match (quote, b) {
            (_, b'\n') => {
                line += 1;
                comment = false;
            }
            _ if comment => {}
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'#') if previous.is_ascii_whitespace() => comment = true,
            (None, b'"' | b'\'') if !previous.is_ascii_alphanumeric() => quote = Some(b),
            (None, b'[' | b'{') => {
                depth += 1;
                if depth > YAML_MAX_FLOW_DEPTH {
                    return Err(format!(
                        "flow collections nest more than {YAML_MAX_FLOW_DEPTH} levels deep at line {line} \
                         (the limit YAML_MAX_FLOW_DEPTH)"
                    ));
                }
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = b;
    }
    Ok(())
}

/// Without the `cfn` feature (the browser app's build) only JSON templates are read.
#[cfg(not(feature = "cfn"))]
fn read_yaml(_text: &str) -> std::result::Result<Node, String> {
    Err("this build of gluelab reads JSON templates only (YAML needs gluelab-core's `cfn` feature)".into())
}

fn read_document(text: &str) -> Result<Node> {
    if text.trim_start().starts_with('{') {
        match serde_json::from_str::<Node>(text) {
            Ok(v) => return Ok(v),
            // Past serde_json's nesting limit the text is JSON, only too deep: YAML's parser
            // would take seconds over the same brackets to say the same.
            Err(json_error) if json_error.to_string().starts_with("recursion limit exceeded") => {
                return Err(DeployError::Template(format!(
                    "the template is not valid JSON: {json_error}"
                )))
            }
            Err(json_error) => {
                return read_yaml(text)
                    .map_err(|_| DeployError::Template(format!("the template is not valid JSON: {json_error}")))
            }
        }
    }
    read_yaml(text).map_err(|e| DeployError::Template(format!("the template is not valid YAML: {e}")))
}

fn key_text(key: &Node, at: &str) -> Result<String> {
    match key {
        Node::String(s) => Ok(s.clone()),
        Node::Number(n) => Ok(n.to_string()),
        Node::Bool(b) => Ok(b.to_string()),
        other => template_error(format!("{at} has a key that is not a string: {other:?}")),
    }
}

/// YAML to JSON, with each short tag turned into its long form (`!Sub x` → `{"Fn::Sub": x}`).
fn to_json(value: Node, at: &str) -> Result<Value> {
    Ok(match value {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Number(n) => Value::Number(n),
        Node::String(s) => Value::String(s),
        Node::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &format!("{at}[{i}]")))
                .collect::<Result<_>>()?,
        ),
        Node::Mapping(m) => {
            let mut map = Map::new();
            for (k, v) in m {
                let key = key_text(&k, at)?;
                let value = to_json(v, &format!("{at}.{key}"))?;
                map.insert(key, value);
            }
            Value::Object(map)
        }
        Node::Tagged(tag, value) => {
            let name = tag.trim_start_matches('!').to_string();
            let inner = to_json(*value, at)?;
            let long = match name.as_str() {
                "Ref" | "Condition" => name.clone(),
                "GetAtt" => {
                    let inner = match inner {
                        Value::String(s) => match s.split_once('.') {
                            Some((resource, attribute)) => Value::from(vec![resource, attribute]),
                            None => {
                                return template_error(format!(
                                    "!GetAtt {s} at {at} must be written Resource.Attribute"
                                ))
                            }
                        },
                        other => other,
                    };
                    return Ok(single("Fn::GetAtt", inner));
                }
                n if SHORT_FORMS.contains(&n) => format!("Fn::{n}"),
                _ => return template_error(format!("unknown tag {tag} at {at}")),
            };
            single(&long, inner)
        }
    })
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.into(), value);
    Value::Object(map)
}

/// A scalar as CloudFormation passes it on: strings as they are, numbers and booleans as text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn mapping(value: Node, what: &str) -> Result<Vec<(Node, Node)>> {
    match value {
        Node::Mapping(m) => Ok(m),
        Node::Null => Ok(vec![]),
        _ => template_error(format!("{what} must be a mapping")),
    }
}

fn parse_parameters(value: Node) -> Result<Vec<ParameterDecl>> {
    let mut out = vec![];
    for (key, decl) in mapping(value, "Parameters")? {
        let name = key_text(&key, "Parameters")?;
        let at = format!("Parameters.{name}");
        let decl = to_json(decl, &at)?;
        let Value::Object(fields) = decl else {
            return template_error(format!("{at} must be a mapping"));
        };
        for key in fields.keys() {
            if !matches!(
                key.as_str(),
                "Type"
                    | "Default"
                    | "AllowedValues"
                    | "AllowedPattern"
                    | "Description"
                    | "NoEcho"
                    | "ConstraintDescription"
                    | "MinLength"
                    | "MaxLength"
                    | "MinValue"
                    | "MaxValue"
            ) {
                return template_error(format!("Invalid template parameter property '{key}' in {at}"));
            }
        }
        let parameter_type = fields.get("Type").and_then(scalar_text).unwrap_or_default();
        if !matches!(parameter_type.as_str(), "String" | "Number" | "CommaDelimitedList") {
            return template_error(format!(
                "parameter {name} has Type '{parameter_type}'; gluelab supports String, Number and CommaDelimitedList"
            ));
        }
        let allowed_values = match fields.get("AllowedValues") {
            Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
            _ => vec![],
        };
        out.push(ParameterDecl {
            name,
            parameter_type,
            default: fields.get("Default").and_then(scalar_text),
            allowed_values,
        });
    }
    Ok(out)
}

fn parse_resources(value: Node) -> Result<Vec<ResourceDecl>> {
    let mut out = vec![];
    for (key, decl) in mapping(value, "Resources")? {
        let logical_id = key_text(&key, "Resources")?;
        if logical_id.is_empty() || !logical_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return template_error(format!(
                "Resources: logical id '{logical_id}' must be alphanumeric (A-Za-z0-9)"
            ));
        }
        let at = format!("Resources.{logical_id}");
        let Value::Object(fields) = to_json(decl, &at)? else {
            return template_error(format!("{at} must be a mapping with a Type"));
        };
        let mut resource_type = None;
        let mut properties = Value::Object(Map::new());
        let mut depends_on = vec![];
        for (key, value) in fields {
            match key.as_str() {
                "Type" => resource_type = scalar_text(&value),
                "Properties" => {
                    properties = match value {
                        Value::Object(_) => value,
                        Value::Null => Value::Object(Map::new()),
                        _ => return template_error(format!("{at}.Properties must be a mapping")),
                    }
                }
                "DependsOn" => {
                    depends_on = match value {
                        Value::String(s) => vec![s],
                        Value::Array(items) => items.iter().filter_map(scalar_text).collect(),
                        _ => return template_error(format!("{at}.DependsOn must be a name or a list of names")),
                    }
                }
                "Metadata" | "DeletionPolicy" | "UpdateReplacePolicy" => {}
                "Condition" | "CreationPolicy" | "UpdatePolicy" => {
                    return template_error(format!("{at}: the {key} attribute is not supported by gluelab"))
                }
                other => return template_error(format!("Invalid template resource property '{other}' in {at}")),
            }
        }
        let Some(resource_type) = resource_type else {
            return template_error(format!("{at} has no Type"));
        };
        out.push(ResourceDecl {
            logical_id,
            resource_type,
            properties,
            depends_on,
        });
    }
    Ok(out)
}

fn parse_outputs(value: Node) -> Result<Vec<(String, Value)>> {
    let mut out = vec![];
    for (key, decl) in mapping(value, "Outputs")? {
        let name = key_text(&key, "Outputs")?;
        let at = format!("Outputs.{name}");
        let Value::Object(mut fields) = to_json(decl, &at)? else {
            return template_error(format!("{at} must be a mapping with a Value"));
        };
        if fields.contains_key("Condition") {
            return template_error(format!("{at}: the Condition attribute is not supported by gluelab"));
        }
        let Some(value) = fields.remove("Value") else {
            return template_error(format!("{at} has no Value"));
        };
        out.push((name, value));
    }
    Ok(out)
}

fn check_types(template: &Template) -> Result<()> {
    let unknown: BTreeSet<&str> = template
        .resources
        .iter()
        .map(|r| r.resource_type.as_str())
        .filter(|t| !RESOURCE_TYPES.contains(t))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    template_error(format!(
        "Unrecognized resource types: [{}] (gluelab models {})",
        unknown.into_iter().collect::<Vec<_>>().join(", "),
        RESOURCE_TYPES.join(", ")
    ))
}

/// Walks every property and output: intrinsics gluelab does not resolve, and references to
/// names the template does not define, are errors before anything is deployed.
fn check_intrinsics(template: &Template) -> Result<()> {
    let resources: BTreeSet<&str> = template.resources.iter().map(|r| r.logical_id.as_str()).collect();
    let parameters: BTreeSet<&str> = template.parameters.iter().map(|p| p.name.as_str()).collect();
    let mut unresolved = BTreeSet::new();
    let mut check = |value: &Value, at: &str| -> Result<()> {
        let mut names = BTreeSet::new();
        references(value, at, &mut names)?;
        for name in names {
            if !resources.contains(name.as_str()) && !parameters.contains(name.as_str()) && !name.starts_with("AWS::") {
                unresolved.insert(name);
            }
        }
        Ok(())
    };
    for r in &template.resources {
        check(&r.properties, &format!("Resources.{}.Properties", r.logical_id))?;
    }
    for (name, value) in &template.outputs {
        check(value, &format!("Outputs.{name}.Value"))?;
    }
    for r in &template.resources {
        for d in &r.depends_on {
            if !resources.contains(d.as_str()) {
                unresolved.insert(d.clone());
            }
        }
    }
    if unresolved.is_empty() {
        return Ok(());
    }
    template_error(format!(
        "Unresolved resource dependencies [{}] in the Resources block of the template",
        unresolved.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

/// Every name a value refers to (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`); fails on an
/// intrinsic gluelab does not resolve.
fn references(value: &Value, at: &str, out: &mut BTreeSet<String>) -> Result<()> {
    match value {
        Value::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().expect("one entry");
            match key.as_str() {
                "Ref" => match arg {
                    Value::String(name) => {
                        out.insert(name.clone());
                    }
                    _ => return template_error(format!("Ref at {at} must name a parameter or resource")),
                },
                "Fn::GetAtt" => match arg.as_array().map(Vec::as_slice) {
                    Some([Value::String(resource), Value::String(_)]) => {
                        out.insert(resource.clone());
                    }
                    _ => return template_error(format!("Fn::GetAtt at {at} must be [Resource, Attribute]")),
                },
                "Fn::Sub" => {
                    let (text, vars) = sub_parts(arg, at)?;
                    for name in sub_variables(text, at)? {
                        if !vars.is_some_and(|v| v.contains_key(&name)) {
                            let resource = match name.split_once('.') {
                                Some((r, _)) if !name.starts_with("AWS::") => r.to_string(),
                                _ => name,
                            };
                            out.insert(resource);
                        }
                    }
                    for (name, v) in vars.into_iter().flatten() {
                        references(v, &format!("{at}.Fn::Sub.{name}"), out)?;
                    }
                }
                "Fn::Join" => references(arg, &format!("{at}.Fn::Join"), out)?,
                "Condition" => {
                    return template_error(format!("Condition at {at} is not supported by gluelab (no Conditions)"))
                }
                other if other.starts_with("Fn::") => {
                    return template_error(format!(
                        "{other} (at {at}) is not supported by gluelab; it resolves {INTRINSICS}"
                    ))
                }
                other => references(arg, &format!("{at}.{other}"), out)?,
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                references(v, &format!("{at}.{k}"), out)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                references(v, &format!("{at}[{i}]"), out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn sub_parts<'a>(arg: &'a Value, at: &str) -> Result<(&'a str, Option<&'a Map<String, Value>>)> {
    match arg {
        Value::String(s) => Ok((s, None)),
        Value::Array(items) => match items.as_slice() {
            [Value::String(s), Value::Object(vars)] => Ok((s, Some(vars))),
            _ => template_error(format!("Fn::Sub at {at} must be a string or [string, {{variables}}]")),
        },
        _ => template_error(format!("Fn::Sub at {at} must be a string or [string, {{variables}}]")),
    }
}

/// A piece of an `Fn::Sub` string: literal text or a `${name}` variable.
enum Piece<'a> {
    Text(&'a str),
    Literal(&'a str),
    Variable(&'a str),
}

fn sub_pieces<'a>(text: &'a str, at: &str) -> Result<Vec<Piece<'a>>> {
    let mut pieces = vec![];
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        pieces.push(Piece::Text(&rest[..start]));
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return template_error(format!("Fn::Sub at {at}: '${{' without a closing '}}' in \"{text}\""));
        };
        let name = &after[..end];
        match name.strip_prefix('!') {
            Some(literal) => pieces.push(Piece::Literal(literal)),
            None if name.trim().is_empty() => {
                return template_error(format!("Fn::Sub at {at}: empty variable '${{}}' in \"{text}\""))
            }
            None => pieces.push(Piece::Variable(name.trim())),
        }
        rest = &after[end + 1..];
    }
    pieces.push(Piece::Text(rest));
    Ok(pieces)
}

fn sub_variables(text: &str, at: &str) -> Result<Vec<String>> {
    Ok(sub_pieces(text, at)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Variable(v) => Some(v.to_string()),
            _ => None,
        })
        .collect())
}

/// Resources in creation order: dependencies first, then by type (buckets, IAM, databases,
/// tables, jobs), then template order.
fn creation_order(template: &Template) -> Result<Vec<usize>> {
    let index: BTreeMap<&str, usize> = template
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.logical_id.as_str(), i))
        .collect();
    let mut deps: Vec<BTreeSet<usize>> = vec![];
    for r in &template.resources {
        let mut names = BTreeSet::new();
        references(&r.properties, &r.logical_id, &mut names)?;
        names.extend(r.depends_on.iter().cloned());
        deps.push(names.iter().filter_map(|n| index.get(n.as_str()).copied()).collect());
    }
    let rank = |i: usize| {
        RESOURCE_TYPES
            .iter()
            .position(|t| *t == template.resources[i].resource_type)
            .unwrap_or(RESOURCE_TYPES.len())
    };
    let mut done = BTreeSet::new();
    let mut order = vec![];
    while order.len() < template.resources.len() {
        let next = (0..template.resources.len())
            .filter(|i| !done.contains(i) && deps[*i].iter().all(|d| done.contains(d)))
            .min_by_key(|i| (rank(*i), *i));
        let Some(next) = next else {
            let stuck: Vec<&str> = (0..template.resources.len())
                .filter(|i| !done.contains(i))
                .map(|i| template.resources[i].logical_id.as_str())
                .collect();
            return template_error(format!("Circular dependency between resources: [{}]", stuck.join(", ")));
        };
        done.insert(next);
        order.push(next);
    }
    Ok(order)
}

// ---------------------------------------------------------------------------------------------
// Resolving

/// What a resource resolved to, as later `Ref`/`Fn::GetAtt`/`${...}` see it.
struct Resolved {
    resource_type: String,
    physical_id: String,
    properties: Value,
}

struct Scope<'a> {
    region: &'a str,
    stack_name: &'a str,
    stack_id: &'a str,
    parameters: &'a BTreeMap<String, Value>,
    resources: &'a BTreeMap<String, Resolved>,
}

impl Scope<'_> {
    /// Resolves every intrinsic in `value`; `None` is `AWS::NoValue` (the property is dropped).
    fn resolve(&self, value: &Value, at: &str) -> Result<Option<Value>> {
        match value {
            Value::Object(map) if map.len() == 1 => {
                let (key, arg) = map.iter().next().expect("one entry");
                match key.as_str() {
                    "Ref" => self.reference(arg.as_str().unwrap_or_default(), at),
                    "Fn::GetAtt" => {
                        let parts = arg.as_array().map(Vec::as_slice);
                        let Some([Value::String(resource), Value::String(attribute)]) = parts else {
                            return template_error(format!("Fn::GetAtt at {at} must be [Resource, Attribute]"));
                        };
                        self.attribute(resource, attribute, at).map(|s| Some(Value::String(s)))
                    }
                    "Fn::Sub" => self.sub(arg, at).map(|s| Some(Value::String(s))),
                    "Fn::Join" => self.join(arg, at).map(|s| Some(Value::String(s))),
                    _ => self.resolve_map(map, at).map(Some),
                }
            }
            Value::Object(map) => self.resolve_map(map, at).map(Some),
            Value::Array(items) => {
                let mut out = vec![];
                for (i, v) in items.iter().enumerate() {
                    if let Some(v) = self.resolve(v, &format!("{at}[{i}]"))? {
                        out.push(v);
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            other => Ok(Some(other.clone())),
        }
    }

    fn resolve_map(&self, map: &Map<String, Value>, at: &str) -> Result<Value> {
        let mut out = Map::new();
        for (k, v) in map {
            if let Some(v) = self.resolve(v, &format!("{at}.{k}"))? {
                out.insert(k.clone(), v);
            }
        }
        Ok(Value::Object(out))
    }

    fn reference(&self, name: &str, at: &str) -> Result<Option<Value>> {
        let text = |s: &str| Ok(Some(Value::String(s.into())));
        match name {
            "AWS::AccountId" => text(ACCOUNT_ID),
            "AWS::Region" => text(self.region),
            "AWS::StackName" => text(self.stack_name),
            "AWS::StackId" => text(self.stack_id),
            "AWS::Partition" => text("aws"),
            "AWS::URLSuffix" => text("amazonaws.com"),
            "AWS::NoValue" => Ok(None),
            "AWS::NotificationARNs" => Ok(Some(Value::Array(vec![]))),
            _ if name.starts_with("AWS::") => template_error(format!("unknown pseudo parameter {name} at {at}")),
            _ => {
                if let Some(v) = self.parameters.get(name) {
                    return Ok(Some(v.clone()));
                }
                match self.resources.get(name) {
                    Some(r) => text(&r.physical_id),
                    None => template_error(format!(
                        "Unresolved resource dependencies [{name}] in the Resources block of the template"
                    )),
                }
            }
        }
    }

    fn attribute(&self, resource: &str, attribute: &str, at: &str) -> Result<String> {
        let Some(r) = self.resources.get(resource) else {
            return template_error(format!(
                "Unresolved resource dependencies [{resource}] in the Resources block of the template"
            ));
        };
        let name = &r.physical_id;
        let region = self.region;
        let value = match (r.resource_type.as_str(), attribute) {
            (S3_BUCKET, "Arn") => Some(format!("arn:aws:s3:::{name}")),
            (S3_BUCKET, "DomainName") => Some(format!("{name}.s3.amazonaws.com")),
            (S3_BUCKET, "RegionalDomainName") => Some(format!("{name}.s3.{region}.amazonaws.com")),
            (S3_BUCKET, "DualStackDomainName") => Some(format!("{name}.s3.dualstack.{region}.amazonaws.com")),
            (S3_BUCKET, "WebsiteURL") => Some(format!("http://{name}.s3-website-{region}.amazonaws.com")),
            (IAM_ROLE, "Arn") => Some(role_arn(name, &r.properties)),
            (IAM_ROLE, "RoleId") => Some(format!("AROA{}", suffix(&[name]).to_ascii_uppercase())),
            (IAM_MANAGED_POLICY, "PolicyArn") => Some(name.clone()),
            _ => None,
        };
        value.ok_or_else(|| {
            DeployError::Template(format!(
                "Template error: resource {resource} does not support attribute type {attribute} in Fn::GetAtt \
                 (at {at})"
            ))
        })
    }

    fn sub(&self, arg: &Value, at: &str) -> Result<String> {
        let (text, vars) = sub_parts(arg, at)?;
        let mut values = BTreeMap::new();
        for (name, v) in vars.into_iter().flatten() {
            let v = self.resolve(v, &format!("{at}.{name}"))?.unwrap_or_default();
            let Some(s) = scalar_text(&v) else {
                return template_error(format!("Fn::Sub at {at}: variable {name} is not a string"));
            };
            values.insert(name.clone(), s);
        }
        let mut out = String::new();
        for piece in sub_pieces(text, at)? {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Literal(l) => {
                    out.push_str("${");
                    out.push_str(l);
                    out.push('}');
                }
                Piece::Variable(name) => {
                    if let Some(v) = values.get(name) {
                        out.push_str(v);
                        continue;
                    }
                    let value = match name.split_once('.') {
                        Some((resource, attribute)) if !name.starts_with("AWS::") => {
                            Value::String(self.attribute(resource, attribute, at)?)
                        }
                        _ => self.reference(name, at)?.unwrap_or_default(),
                    };
                    match scalar_text(&value) {
                        Some(s) => out.push_str(&s),
                        None => return template_error(format!("Fn::Sub at {at}: ${{{name}}} is not a string")),
                    }
                }
            }
        }
        Ok(out)
    }

    fn join(&self, arg: &Value, at: &str) -> Result<String> {
        let bad = || template_error(format!("Fn::Join at {at} must be [delimiter, [values...]]"));
        let Some([delimiter, list]) = arg.as_array().map(Vec::as_slice) else {
            return bad();
        };
        let Some(delimiter) = scalar_text(delimiter) else {
            return bad();
        };
        let Some(Value::Array(items)) = self.resolve(list, at)? else {
            return bad();
        };
        let texts = items
            .iter()
            .map(|v| scalar_text(v).ok_or(()))
            .collect::<std::result::Result<Vec<_>, ()>>();
        match texts {
            Ok(texts) => Ok(texts.join(&delimiter)),
            Err(()) => template_error(format!("Fn::Join at {at}: every value must be a string")),
        }
    }
}

fn role_arn(name: &str, properties: &Value) -> String {
    let path = properties.get("Path").and_then(Value::as_str).unwrap_or("/");
    format!("arn:aws:iam::{ACCOUNT_ID}:role{path}{name}")
}

/// 12 hex characters from the parts: a stable stand-in for CloudFormation's random suffixes.
fn suffix(parts: &[&str]) -> String {
    hex(&Md5::digest(parts.join("\u{0}").as_bytes()))[..12].to_string()
}

// ---------------------------------------------------------------------------------------------
// Deploying

impl Workspace {
    /// `aws cloudformation deploy`: creates (or updates) the stack's resources, all or nothing.
    pub fn deploy_stack(&mut self, request: &DeployRequest) -> Result<DeployReport> {
        check_stack_name(&request.stack_name)?;
        let template = parse_template(&request.template)?;
        check_capabilities(&template, &request.capabilities)?;
        let parameters = bind_parameters(&template, &request.parameters)?;
        let mut copy = self.clone();
        let report = copy.apply_stack(request, &template, &parameters)?;
        if report.outcome != DeployOutcome::NoChanges {
            *self = copy;
        }
        Ok(report)
    }

    fn apply_stack(
        &mut self,
        request: &DeployRequest,
        template: &Template,
        parameters: &BTreeMap<String, Value>,
    ) -> Result<DeployReport> {
        let name = request.stack_name.as_str();
        let previous = self.stacks.get(name).cloned();
        let stack_id = match &previous {
            Some(p) => p.stack_id.clone(),
            None => stack_id(name, &request.region, self.clock.now()),
        };
        let mut resolved: BTreeMap<String, Resolved> = BTreeMap::new();
        let mut changes = vec![];
        let mut resources = BTreeMap::new();
        for i in creation_order(template)? {
            let decl = &template.resources[i];
            let scope = Scope {
                region: &request.region,
                stack_name: name,
                stack_id: &stack_id,
                parameters,
                resources: &resolved,
            };
            let at = format!("Resources.{}.Properties", decl.logical_id);
            let properties = scope.resolve(&decl.properties, &at)?.unwrap_or_default();
            let physical_id = physical_id(name, decl, &properties)?;
            let old = previous.as_ref().and_then(|p| p.resources.get(&decl.logical_id));
            let action = match old {
                Some(old)
                    if old.resource_type == decl.resource_type
                        && old.physical_id == physical_id
                        && old.properties == properties =>
                {
                    None
                }
                Some(old) => {
                    self.update_resource(name, decl, old, &physical_id, &properties)?;
                    Some(ChangeAction::Modify)
                }
                None => {
                    self.create_resource(decl, &physical_id, &properties)?;
                    Some(ChangeAction::Add)
                }
            };
            let last_updated = match (action, old) {
                (None, Some(old)) => old.last_updated,
                _ => self.clock.now(),
            };
            if let Some(action) = action {
                changes.push(Change {
                    action,
                    logical_id: decl.logical_id.clone(),
                    resource_type: decl.resource_type.clone(),
                    physical_id: physical_id.clone(),
                });
            }
            resources.insert(
                decl.logical_id.clone(),
                StackResource {
                    logical_id: decl.logical_id.clone(),
                    resource_type: decl.resource_type.clone(),
                    physical_id: physical_id.clone(),
                    properties: properties.clone(),
                    last_updated,
                },
            );
            resolved.insert(
                decl.logical_id.clone(),
                Resolved {
                    resource_type: decl.resource_type.clone(),
                    physical_id,
                    properties,
                },
            );
        }
        if let Some(previous) = &previous {
            let removed: Vec<&StackResource> = previous
                .resources
                .values()
                .filter(|r| !resources.contains_key(&r.logical_id))
                .collect();
            if let Some(r) = removed.iter().find(|r| !r.resource_type.starts_with("AWS::IAM::")) {
                return Err(DeployError::Validation(format!(
                    "gluelab cannot delete {} {} ({}) from stack {name}: only IAM resources can be removed from a \
                     deployed stack; deploy into a fresh workspace instead",
                    r.resource_type, r.logical_id, r.physical_id
                )));
            }
        }
        let scope = Scope {
            region: &request.region,
            stack_name: name,
            stack_id: &stack_id,
            parameters,
            resources: &resolved,
        };
        let mut outputs = BTreeMap::new();
        for (output, value) in &template.outputs {
            let value = scope
                .resolve(value, &format!("Outputs.{output}.Value"))?
                .unwrap_or_default();
            let Some(text) = scalar_text(&value) else {
                return template_error(format!("Outputs.{output}.Value must resolve to a string"));
            };
            outputs.insert(output.clone(), text);
        }
        let parameters: BTreeMap<String, String> = parameters
            .iter()
            .map(|(k, v)| (k.clone(), scalar_text(v).unwrap_or_else(|| comma_list(v))))
            .collect();
        let mut capabilities = request.capabilities.clone();
        capabilities.sort();
        capabilities.dedup();
        let unchanged = previous.as_ref().is_some_and(|p| {
            changes.is_empty()
                && p.resources.len() == resources.len()
                && p.outputs == outputs
                && p.parameters == parameters
                && p.description == template.description
        });
        if unchanged {
            return Ok(DeployReport {
                stack_name: name.into(),
                outcome: DeployOutcome::NoChanges,
                changes,
            });
        }
        let now = self.clock.now();
        let (status, created, last_updated, outcome) = match &previous {
            Some(p) => ("UPDATE_COMPLETE", p.created, Some(now), DeployOutcome::Updated),
            None => ("CREATE_COMPLETE", now, None, DeployOutcome::Created),
        };
        self.stacks.insert(
            name.into(),
            Stack {
                name: name.into(),
                stack_id,
                region: request.region.clone(),
                status: status.into(),
                created,
                last_updated,
                description: template.description.clone(),
                parameters,
                capabilities,
                resources,
                outputs,
            },
        );
        Ok(DeployReport {
            stack_name: name.into(),
            outcome,
            changes,
        })
    }

    fn create_resource(&mut self, decl: &ResourceDecl, physical_id: &str, properties: &Value) -> Result<()> {
        let failed = |e: crate::Error| DeployError::ResourceFailed {
            logical_id: decl.logical_id.clone(),
            resource_type: decl.resource_type.clone(),
            reason: e.to_string(),
        };
        match decl.resource_type.as_str() {
            S3_BUCKET => self.create_bucket(physical_id).map_err(failed),
            GLUE_DATABASE => {
                check_catalog_id(decl, properties)?;
                self.catalog.create_database(physical_id).map_err(failed)
            }
            GLUE_TABLE => {
                check_catalog_id(decl, properties)?;
                let table = table_from(decl, physical_id, properties)?;
                self.catalog.create_table(table).map_err(failed)
            }
            GLUE_JOB => {
                let job = job_from(decl, physical_id, properties)?;
                self.create_job(job).map_err(failed)
            }
            GLUE_CONNECTION => check_catalog_id(decl, properties),
            // IAM is kept in the stack only: gluelab does not enforce permissions. So is a Glue
            // connection: the simulated warehouse needs no address or credentials.
            _ => Ok(()),
        }
    }

    fn update_resource(
        &mut self,
        stack: &str,
        decl: &ResourceDecl,
        old: &StackResource,
        physical_id: &str,
        properties: &Value,
    ) -> Result<()> {
        let same_name = old.resource_type == decl.resource_type && old.physical_id == physical_id;
        match decl.resource_type.as_str() {
            GLUE_JOB if same_name => {
                let job = job_from(decl, physical_id, properties)?;
                self.jobs.insert(job.name.clone(), job);
                Ok(())
            }
            t if (t.starts_with("AWS::IAM::") || t == GLUE_CONNECTION) && old.resource_type == t => Ok(()),
            t => Err(DeployError::Validation(format!(
                "gluelab cannot update {t} {} of stack {stack} in place (it changed since the last deploy); only \
                 Glue jobs (same name) and IAM resources are updated — deploy into a fresh workspace instead",
                decl.logical_id
            ))),
        }
    }
}

fn check_stack_name(name: &str) -> Result<()> {
    let ok = name.len() <= 128
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        return Ok(());
    }
    Err(DeployError::Validation(format!(
        "1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must \
         satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
    )))
}

fn check_capabilities(template: &Template, given: &[String]) -> Result<()> {
    if let Some(bad) = given.iter().find(|c| !CAPABILITIES.contains(&c.as_str())) {
        return Err(DeployError::Validation(format!(
            "1 validation error detected: Value '[{bad}]' at 'capabilities' failed to satisfy constraint: Member \
             must satisfy enum value set: [{}]",
            CAPABILITIES.join(", ")
        )));
    }
    let has = |c: &str| given.iter().any(|g| g == c);
    let iam: Vec<&ResourceDecl> = template
        .resources
        .iter()
        .filter(|r| r.resource_type.starts_with("AWS::IAM::"))
        .collect();
    let named = iam.iter().any(|r| {
        let key = match r.resource_type.as_str() {
            IAM_ROLE => "RoleName",
            IAM_MANAGED_POLICY => "ManagedPolicyName",
            _ => return false,
        };
        r.properties.get(key).is_some()
    });
    if named && !has("CAPABILITY_NAMED_IAM") {
        return Err(DeployError::InsufficientCapabilities("CAPABILITY_NAMED_IAM".into()));
    }
    if !iam.is_empty() && !has("CAPABILITY_IAM") && !has("CAPABILITY_NAMED_IAM") {
        return Err(DeployError::InsufficientCapabilities("CAPABILITY_IAM".into()));
    }
    Ok(())
}

fn bind_parameters(template: &Template, overrides: &BTreeMap<String, String>) -> Result<BTreeMap<String, Value>> {
    let declared: BTreeSet<&str> = template.parameters.iter().map(|p| p.name.as_str()).collect();
    let unknown: Vec<&str> = overrides
        .keys()
        .map(String::as_str)
        .filter(|k| !declared.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(DeployError::Validation(format!(
            "Parameters: [{}] do not exist in the template",
            unknown.join(", ")
        )));
    }
    let mut missing = vec![];
    let mut out = BTreeMap::new();
    for p in &template.parameters {
        let Some(value) = overrides.get(&p.name).or(p.default.as_ref()) else {
            missing.push(p.name.as_str());
            continue;
        };
        if !p.allowed_values.is_empty() && !p.allowed_values.contains(value) {
            return Err(DeployError::Validation(format!(
                "Parameter '{}' must be one of AllowedValues",
                p.name
            )));
        }
        let value = match p.parameter_type.as_str() {
            "Number" if value.trim().parse::<f64>().is_err() => {
                return Err(DeployError::Validation(format!(
                    "Parameter '{}' must be a number",
                    p.name
                )))
            }
            "CommaDelimitedList" => Value::Array(value.split(',').map(|s| Value::String(s.trim().into())).collect()),
            _ => Value::String(value.clone()),
        };
        out.insert(p.name.clone(), value);
    }
    if !missing.is_empty() {
        return Err(DeployError::Validation(format!(
            "Parameters: [{}] must have values",
            missing.join(", ")
        )));
    }
    Ok(out)
}

fn comma_list(value: &Value) -> String {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn stack_id(name: &str, region: &str, at: Millis) -> String {
    let h = hex(&Md5::digest(format!("{name}\u{0}{region}\u{0}{at}").as_bytes()));
    format!(
        "arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{name}/{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// What `Ref` returns for a resource: its name, given or generated.
fn physical_id(stack: &str, decl: &ResourceDecl, properties: &Value) -> Result<String> {
    let given = |path: &[&str]| text_at(decl, properties, path);
    let logical = decl.logical_id.as_str();
    let generated = |max: usize| {
        let tail = suffix(&[stack, logical]).to_ascii_uppercase();
        let head: String = format!("{stack}-{logical}")
            .chars()
            .take(max - tail.len() - 1)
            .collect();
        format!("{head}-{tail}")
    };
    Ok(match decl.resource_type.as_str() {
        S3_BUCKET => given(&["BucketName"])?.unwrap_or_else(|| generated(63).to_ascii_lowercase()),
        GLUE_DATABASE => match given(&["DatabaseInput", "Name"])? {
            Some(n) => n,
            None => generated(255).to_ascii_lowercase(),
        },
        GLUE_TABLE => match given(&["TableInput", "Name"])? {
            Some(n) => n,
            None => generated(255).to_ascii_lowercase(),
        },
        GLUE_JOB => given(&["Name"])?.unwrap_or_else(|| generated(255)),
        IAM_ROLE => given(&["RoleName"])?.unwrap_or_else(|| generated(64)),
        GLUE_CONNECTION => required_text(decl, properties, &["ConnectionInput", "Name"])?,
        IAM_POLICY => given(&["PolicyName"])?.unwrap_or_else(|| generated(128)),
        IAM_MANAGED_POLICY => {
            let name = given(&["ManagedPolicyName"])?.unwrap_or_else(|| generated(128));
            format!("arn:aws:iam::{ACCOUNT_ID}:policy/{name}")
        }
        other => return template_error(format!("Unrecognized resource types: [{other}]")),
    })
}

fn props_error(decl: &ResourceDecl, message: impl Into<String>) -> DeployError {
    DeployError::Properties {
        logical_id: decl.logical_id.clone(),
        message: message.into(),
    }
}

fn text_at(decl: &ResourceDecl, value: &Value, path: &[&str]) -> Result<Option<String>> {
    let mut v = value;
    for key in path {
        match v.get(key) {
            Some(next) => v = next,
            None => return Ok(None),
        }
    }
    match scalar_text(v) {
        Some(s) => Ok(Some(s)),
        None => Err(props_error(
            decl,
            format!("#/{}: expected type: String", path.join("/")),
        )),
    }
}

fn required_text(decl: &ResourceDecl, value: &Value, path: &[&str]) -> Result<String> {
    text_at(decl, value, path)?.ok_or_else(|| {
        let (last, parent) = path.split_last().expect("a path");
        let at = if parent.is_empty() {
            "#".to_string()
        } else {
            format!("#/{}", parent.join("/"))
        };
        props_error(decl, format!("{at}: required key [{last}] not found"))
    })
}

fn number_at(decl: &ResourceDecl, value: &Value, path: &[&str]) -> Result<Option<u32>> {
    match text_at(decl, value, path)? {
        None => Ok(None),
        Some(s) => s.trim().parse::<u32>().map(Some).map_err(|_| {
            props_error(
                decl,
                format!("#/{}: expected type: Integer, found: {s}", path.join("/")),
            )
        }),
    }
}

fn string_map(decl: &ResourceDecl, value: Option<&Value>, what: &str) -> Result<BTreeMap<String, String>> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                scalar_text(v)
                    .map(|s| (k.clone(), s))
                    .ok_or_else(|| props_error(decl, format!("#/{what}/{k}: expected type: String")))
            })
            .collect(),
        Some(_) => Err(props_error(decl, format!("#/{what}: expected type: JSONObject"))),
    }
}

fn check_catalog_id(decl: &ResourceDecl, properties: &Value) -> Result<()> {
    match text_at(decl, properties, &["CatalogId"])? {
        Some(id) if id != ACCOUNT_ID => Err(DeployError::ResourceFailed {
            logical_id: decl.logical_id.clone(),
            resource_type: decl.resource_type.clone(),
            reason: format!("AccessDeniedException: CatalogId {id} is not this account's ({ACCOUNT_ID})"),
        }),
        _ => Ok(()),
    }
}

fn columns(decl: &ResourceDecl, value: Option<&Value>, what: &str) -> Result<Vec<Column>> {
    let items = match value {
        None | Some(Value::Null) => return Ok(vec![]),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(props_error(decl, format!("#/{what}: expected type: JSONArray"))),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let at = format!("{what}/{i}");
            let name = required_text(decl, c, &["Name"])
                .map_err(|_| props_error(decl, format!("#/{at}: required key [Name] not found")))?;
            let glue_type = required_text(decl, c, &["Type"]).map_err(|_| {
                props_error(
                    decl,
                    format!("#/{at}: required key [Type] not found (gluelab needs it)"),
                )
            })?;
            Ok(Column::new(name, glue_type))
        })
        .collect()
}

fn table_from(decl: &ResourceDecl, name: &str, properties: &Value) -> Result<Table> {
    let database = required_text(decl, properties, &["DatabaseName"])?;
    let input = properties
        .get("TableInput")
        .ok_or_else(|| props_error(decl, "#: required key [TableInput] not found"))?;
    let sd = input.get("StorageDescriptor").cloned().unwrap_or(Value::Null);
    let location = text_at(decl, &sd, &["Location"])?.ok_or_else(|| {
        props_error(
            decl,
            "#/TableInput/StorageDescriptor: required key [Location] not found (gluelab reads tables from S3)",
        )
    })?;
    let parameters = string_map(decl, input.get("Parameters"), "TableInput/Parameters")?;
    let serde_library = text_at(decl, &sd, &["SerdeInfo", "SerializationLibrary"])?;
    let input_format = text_at(decl, &sd, &["InputFormat"])?;
    let format = match &serde_library {
        Some(lib) => Format::from_glue(lib).ok_or_else(|| {
            props_error(
                decl,
                format!("SerDe {lib} is not supported by gluelab (it reads JSON, CSV and Parquet tables)"),
            )
        })?,
        None => parameters
            .get("classification")
            .and_then(|c| Format::from_glue(c))
            .or_else(|| {
                input_format
                    .as_deref()
                    .filter(|f| f.contains("Parquet"))
                    .map(|_| Format::Parquet)
            })
            .ok_or_else(|| {
                props_error(
                    decl,
                    "cannot tell the table's format: give StorageDescriptor.SerdeInfo.SerializationLibrary or \
                     Parameters.classification",
                )
            })?,
    };
    let mut table = Table::new(
        &database,
        name,
        &location,
        format,
        columns(decl, sd.get("Columns"), "TableInput/StorageDescriptor/Columns")?,
    );
    table.partition_keys = columns(decl, input.get("PartitionKeys"), "TableInput/PartitionKeys")?;
    table.parameters = parameters;
    table.serde_library = serde_library;
    table.serde_parameters = string_map(
        decl,
        sd.get("SerdeInfo").and_then(|s| s.get("Parameters")),
        "TableInput/StorageDescriptor/SerdeInfo/Parameters",
    )?;
    Ok(table)
}

/// A job as `CreateJob` or a template defines one: each run interprets the Python script at
/// `script_location`, so its stored plan is empty.
pub fn script_job(name: &str, role: &str, script_location: &str) -> JobDefinition {
    let empty = JobPlan::default();
    let mut job = JobDefinition::new(name, empty);
    job.plan_from_script = true;
    job.role = role.into();
    job.script_location = Some(script_location.into());
    job
}

fn job_from(decl: &ResourceDecl, name: &str, properties: &Value) -> Result<JobDefinition> {
    if properties.get("Command").is_none() {
        return Err(props_error(decl, "#: required key [Command] not found"));
    }
    let role = required_text(decl, properties, &["Role"])?;
    let script = required_text(decl, properties, &["Command", "ScriptLocation"])?;
    if let Some(kind) = text_at(decl, properties, &["Command", "Name"])? {
        if let Some(why) = crate::model::job::unbookmarked_command(&kind) {
            return Err(props_error(decl, why));
        }
    }
    let mut job = script_job(name, &role, &script);
    job.description = text_at(decl, properties, &["Description"])?.unwrap_or_default();
    job.default_arguments = string_map(decl, properties.get("DefaultArguments"), "DefaultArguments")?;
    job.non_overridable_arguments = string_map(
        decl,
        properties.get("NonOverridableArguments"),
        "NonOverridableArguments",
    )?;
    if let Some(v) = text_at(decl, properties, &["GlueVersion"])? {
        job.glue_version = v;
    }
    if let Some(n) = number_at(decl, properties, &["ExecutionProperty", "MaxConcurrentRuns"])? {
        job.max_concurrent_runs = n.max(1);
    }
    if let Some(queuing) = properties.get("JobRunQueuingEnabled") {
        job.job_run_queuing_enabled = queuing
            .as_bool()
            .or_else(|| queuing.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| {
                props_error(
                    decl,
                    format!("#/JobRunQueuingEnabled: {queuing} is not of type 'boolean'"),
                )
            })?;
    }
    if let Some(n) = number_at(decl, properties, &["MaxRetries"])? {
        if n > 10 {
            return Err(props_error(
                decl,
                format!("#/MaxRetries: {n} is not less or equal to 10"),
            ));
        }
        job.max_retries = n;
    }
    if let Some(n) = number_at(decl, properties, &["Timeout"])? {
        job.timeout_minutes = n.max(1);
    }
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "cfn")]
    fn short_tags_become_long_forms() {
        let t = parse_template(
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      \
             BucketName: !Sub x-${AWS::Region}\n      Tags: [{Key: a, Value: !GetAtt B2.Arn}]\n  \
             B2:\n    Type: AWS::S3::Bucket\n",
        )
        .unwrap();
        let props = &t.resources[0].properties;
        assert_eq!(props["BucketName"], serde_json::json!({"Fn::Sub": "x-${AWS::Region}"}));
        assert_eq!(
            props["Tags"][0]["Value"],
            serde_json::json!({"Fn::GetAtt": ["B2", "Arn"]})
        );
    }

    #[test]
    fn sub_handles_literals_and_variables() {
        let params = BTreeMap::new();
        let resources = BTreeMap::new();
        let scope = Scope {
            region: "eu-west-1",
            stack_name: "s",
            stack_id: "id",
            parameters: &params,
            resources: &resources,
        };
        let arg = serde_json::json!(["${!Literal}-${AWS::Region}-${X}", {"X": "y"}]);
        assert_eq!(scope.sub(&arg, "t").unwrap(), "${Literal}-eu-west-1-y");
    }
}
