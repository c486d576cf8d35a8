//! `cloudformation deploy | describe-stacks | list-stack-resources`.

use gluelab_core::aws::cfn::{DeployError, DeployOutcome, DeployRequest};
use gluelab_core::model::stack::Stack;
use serde::Serialize;

use super::Ctx;
use crate::cli::{CfnCommand, DeployArgs};
use crate::output::{aws_time, exit, CliError, Reply};

pub fn run(command: CfnCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        CfnCommand::Deploy(args) => deploy(args, ctx),
        CfnCommand::DescribeStacks(args) => {
            let stacks: Vec<&Stack> = match &args.stack_name {
                Some(name) => vec![stack(ctx, name, "DescribeStacks")?],
                None => ctx.workspace.stacks().collect(),
            };
            Ok(Reply::doc(&Stacks {
                stacks: stacks.into_iter().map(StackView::of).collect(),
            }))
        }
        CfnCommand::ListStackResources(args) => {
            let stack = stack(ctx, &args.stack_name, "ListStackResources")?;
            let summaries = stack
                .resources
                .values()
                .map(|r| ResourceSummary {
                    logical_resource_id: r.logical_id.clone(),
                    physical_resource_id: r.physical_id.clone(),
                    resource_type: r.resource_type.clone(),
                    last_updated_timestamp: aws_time(r.last_updated),
                    resource_status: if r.last_updated > stack.created {
                        "UPDATE_COMPLETE"
                    } else {
                        "CREATE_COMPLETE"
                    },
                })
                .collect();
            Ok(Reply::doc(&ResourceSummaries {
                stack_resource_summaries: summaries,
            }))
        }
    }
}

fn stack<'a>(ctx: &'a Ctx, name: &str, operation: &str) -> Result<&'a Stack, CliError> {
    ctx.workspace.stack(name).ok_or_else(|| {
        CliError::service(
            operation,
            "ValidationError",
            &format!("Stack with id {name} does not exist"),
        )
    })
}

fn deploy(args: DeployArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let path = ctx.local_path(&args.template_file.to_string_lossy());
    let template = std::fs::read_to_string(&path)
        .map_err(|e| CliError::general(format!("\nInvalid template path {}: {e}", args.template_file.display())))?;
    let mut request = DeployRequest::new(&args.stack_name, &template, &ctx.region);
    request.capabilities = args.capabilities.clone();
    for pair in &args.parameter_overrides {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(CliError::usage(format!(
                "--parameter-overrides takes Key=Value pairs; got '{pair}'"
            )));
        };
        request.parameters.insert(k.into(), v.into());
    }
    let report = match ctx.workspace.deploy_stack(&request) {
        Ok(report) => report,
        Err(e @ (DeployError::Properties { .. } | DeployError::ResourceFailed { .. })) => {
            return Err(CliError {
                message: format!(
                    "\nWaiting for changeset to be created..\nWaiting for stack create/update to complete\n\n\
                     Failed to create/update the stack: {e}\nThe stack rolled back: nothing was deployed."
                ),
                code: exit::GENERAL,
            })
        }
        Err(e) => return Err(CliError::service("CreateChangeSet", e.code(), &e.message())),
    };
    if report.outcome == DeployOutcome::NoChanges {
        let text = format!("\nNo changes to deploy. Stack {} is up to date", args.stack_name);
        if args.no_fail_on_empty_changeset {
            return Ok(Reply::lines(text));
        }
        return Err(CliError::general(text));
    }
    Ok(Reply::lines(format!(
        "\nWaiting for changeset to be created..\nWaiting for stack create/update to complete\nSuccessfully \
         created/updated stack - {}",
        args.stack_name
    )))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Stacks {
    stacks: Vec<StackView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StackView {
    stack_id: String,
    stack_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    parameters: Vec<ParameterView>,
    creation_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_time: Option<String>,
    stack_status: String,
    capabilities: Vec<String>,
    outputs: Vec<OutputView>,
}

impl StackView {
    fn of(s: &Stack) -> Self {
        Self {
            stack_id: s.stack_id.clone(),
            stack_name: s.name.clone(),
            description: s.description.clone(),
            parameters: s
                .parameters
                .iter()
                .map(|(k, v)| ParameterView {
                    parameter_key: k.clone(),
                    parameter_value: v.clone(),
                })
                .collect(),
            creation_time: aws_time(s.created),
            last_updated_time: s.last_updated.map(aws_time),
            stack_status: s.status.clone(),
            capabilities: s.capabilities.clone(),
            outputs: s
                .outputs
                .iter()
                .map(|(k, v)| OutputView {
                    output_key: k.clone(),
                    output_value: v.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ParameterView {
    parameter_key: String,
    parameter_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct OutputView {
    output_key: String,
    output_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResourceSummaries {
    stack_resource_summaries: Vec<ResourceSummary>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResourceSummary {
    logical_resource_id: String,
    physical_resource_id: String,
    resource_type: String,
    last_updated_timestamp: String,
    resource_status: &'static str,
}
