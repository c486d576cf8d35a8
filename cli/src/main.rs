//! `gluelab`: AWS-CLI-shaped commands over gluelab-core, with the workspace kept in a directory.
//!
//! A thin shell: arguments are parsed here (clap), every decision is a call into
//! `gluelab_core`, and responses are printed as the AWS CLI prints them. See `gluelab --help`.

mod cli;
mod commands;
mod output;
mod scenario;
mod state;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{Cli, Command, Global, ScenarioCommand};
use crate::commands::Ctx;
use crate::output::{exit, CliError, Reply};
use crate::state::Session;

fn main() {
    let code = match Cli::try_parse_from(std::env::args_os()) {
        Ok(cli) => run_cli(cli),
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                exit::USAGE
            } else {
                0
            }
        }
    };
    std::process::exit(code);
}

fn run_cli(cli: Cli) -> i32 {
    let dir = workspace_dir(&cli.global);
    let env = Env::process();
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Scenario(ScenarioCommand::Run(args)) => Session::open(&dir, true)
            .and_then(|mut session| scenario::run(&mut session, &args.file, &cli.global, &mut stdout)),
        command => Session::open(&dir, command.mutates()).and_then(|mut session| {
            let done = execute(&mut session, &cli.global, command, &env);
            match done {
                Ok(done) => {
                    let _ = stdout.write_all(done.reply.render(cli.global.output).as_bytes());
                    let _ = stdout.flush();
                    for note in &done.notes {
                        eprintln!("{note}");
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = stdout.flush();
            if !e.message.is_empty() {
                eprintln!("{}", e.message);
            }
            e.code
        }
    }
}

/// `--workspace`, else `$GLUELAB_WORKSPACE`, else `./.gluelab`.
fn workspace_dir(global: &Global) -> PathBuf {
    global
        .workspace
        .clone()
        .or_else(|| std::env::var_os("GLUELAB_WORKSPACE").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(".gluelab"))
}

/// Where a command runs: its directory for local paths, and the variables it sees (the
/// process environment, or a scenario's variables over it).
pub struct Env {
    pub cwd: PathBuf,
    pub vars: std::collections::BTreeMap<String, String>,
}

impl Env {
    fn process() -> Self {
        Self {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            vars: Default::default(),
        }
    }

    pub fn in_dir(cwd: &Path, vars: std::collections::BTreeMap<String, String>) -> Self {
        Self {
            cwd: cwd.to_path_buf(),
            vars,
        }
    }

    pub fn var(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
            .filter(|v| !v.is_empty())
    }
}

/// What a successful command printed.
pub struct Done {
    pub reply: Reply,
    /// Lines for stderr.
    pub notes: Vec<String>,
}

/// Runs one command on a copy of the session's workspace, and makes the copy current (saving
/// it) only when the command succeeded: a failed command leaves the workspace as it was.
pub fn execute(session: &mut Session, global: &Global, command: Command, env: &Env) -> Result<Done, CliError> {
    let region = global
        .region
        .clone()
        .or_else(|| env.var("AWS_REGION"))
        .or_else(|| env.var("AWS_DEFAULT_REGION"))
        .unwrap_or_else(|| "us-east-1".into());
    let mut workspace = session.workspace.clone();
    let mut state = session.state.clone();
    let mut ctx = Ctx {
        workspace: &mut workspace,
        state: &mut state,
        region,
        cwd: env.cwd.clone(),
        output: global.output,
        notes: vec![],
    };
    let reply = commands::run(command, &mut ctx)?;
    let notes = std::mem::take(&mut ctx.notes);
    session.commit(workspace, state)?;
    Ok(Done { reply, notes })
}
