//! `upstream` serves the app; `upstream create-admin --email ...` creates an administrator;
//! `upstream verify-audit` checks the audit trail's hash chain.

#![recursion_limit = "512"]

use std::process::ExitCode;

use server::config::Config;
use server::startup::Application;
use server::{cli, demo, telemetry};

// Page rendering allocates and frees many short strings of every size on two threads at
// once; mimalloc handles that churn with far less time in the allocator than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: upstream [serve]\n       upstream create-admin --email EMAIL [--name NAME]\n       upstream verify-audit [--file EXPORT [--fingerprint HEX]]\n       upstream backup PATH\n       upstream verify-backup PATH\n       upstream restore PATH   (with the server stopped)\n       upstream migrate-to postgres://USER@HOST:PORT/DATABASE   (with the server stopped)\n\nConfiguration comes from UPSTREAM_* environment variables (see README.md).";

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("create-admin") => match cli::create_admin(&config, &args[1..]).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("create-admin: {e}");
                ExitCode::FAILURE
            }
        },
        // 0: intact; 1: something is wrong; 2: nothing could be checked.
        Some("verify-audit") => match cli::verify::verify_audit(&config, &args[1..]).await {
            Ok((verdict, text)) => {
                println!("{text}");
                match verdict {
                    cli::verify::Verdict::Intact => ExitCode::SUCCESS,
                    cli::verify::Verdict::Tampered => ExitCode::FAILURE,
                }
            }
            Err(e) => {
                eprintln!("verify-audit: {e}");
                ExitCode::from(2)
            }
        },
        Some("backup") => match cli::backup::backup_command(&config, &args[1..]).await {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("backup: {e}");
                ExitCode::FAILURE
            }
        },
        Some("verify-backup") => {
            match cli::backup::verify_backup_command(&config, &args[1..]).await {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("verify-backup: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("restore") => match cli::backup::restore_command(&config, &args[1..]).await {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("restore: {e}");
                ExitCode::FAILURE
            }
        },
        Some("migrate-to") => {
            match cli::migrate_to::migrate_to_command(&config, &args[1..]).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("migrate-to: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    let app = match Application::build(&config).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            eprintln!("could not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = format!("http://{}", app.local_addr());
    println!("\nUpstream is running at {url}");
    if config.demo_data {
        println!("Demo logins (password for all: {}):", demo::DEMO_PASSWORD);
        for p in demo::PEOPLE.iter() {
            let org = p
                .org
                .map(|(i, role)| format!("{} ({})", demo::ORGANISATIONS[i].0, role.label()))
                .unwrap_or_else(|| "platform administrator".to_owned());
            println!("  {:<30} {:<14} {}", p.email, p.name, org);
        }
    }
    println!("Press Ctrl-C to stop.\n");
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}
